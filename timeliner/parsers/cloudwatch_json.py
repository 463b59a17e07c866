"""CloudWatch Logs ``aws logs filter-log-events`` and ``get-log-events`` JSON.

Reads the CLI's JSON output (one page or several concatenated)::

    {"events": [{"logStreamName": "cnt01/runtime/4f1c...", "timestamp": 1712568068991,
                 "message": "...", "ingestionTime": 1712568070017, "eventId": "3586..."}],
     "searchedLogStreams": [...], "nextToken": "..."}

``timestamp`` (epoch ms, UTC) is the event's time; a timestamp inside ``message`` is the
application's own clock and is *not* used. ``ingestionTime`` is kept as ``received_ts``.
``get-log-events`` has no stream name: the service then comes from the file name. ECS streams
``<prefix>/<container>/<task id>`` give service ``<prefix>/<container>`` and instance = task id
(a new task is a new stream); Lambda streams ``YYYY/MM/DD/[$LATEST]<id>`` give instance = stream.
A record is one unit (``line`` = its 1-based index in the file).
"""

from __future__ import annotations

import re

import polars as pl

from timeliner import timeparse
from timeliner.parsers._identity import service_from_path
from timeliner.parsers._json import load_documents, records_under, split_records
from timeliner.parsers._registry import Format, ParseResult, register
from timeliner.sources import SourceFile

RECORD_SCHEMA = {
    "_line": pl.Int64,
    "timestamp": pl.Int64,
    "message": pl.String,
    "ingestionTime": pl.Int64,
    "logStreamName": pl.String,
    "eventId": pl.String,
}
_ECS_STREAM = r"^(?<svc>.+)/(?<task>[0-9a-f]{32})$"
_LAMBDA_STREAM = r"^\d{4}/\d{2}/\d{2}/\[[^\]]*\][0-9a-f]{32}$"
_INSTANCE_IN_NAME = r"([0-9a-f]{32})"
# A level word near the start of the message (the application's own line layout).
_LEVEL = r"^(?:\S+\s+){0,3}?\[?(TRACE|DEBUG|INFO|WARN|WARNING|ERROR|FATAL|CRITICAL)\]?\b"
_SNIFF = re.compile(r'"events"\s*:\s*\[.*?"(timestamp|ingestionTime|logStreamName)"', re.DOTALL)
_SNIFF_PAYLOAD = re.compile(r'"timestamp"\s*:\s*\d{10,}.*"(ingestionTime|eventId)"', re.DOTALL)


def sniff(head: str) -> float:
    if _SNIFF.search(head) and '"message"' in head:
        return 0.95
    if _SNIFF_PAYLOAD.search(head) and '"message"' in head:
        return 0.7  # a FilteredLogEvent array under another key, e.g. an app's saved response
    return 0.0


def parse(source: SourceFile) -> ParseResult:
    records = records_under(load_documents(source.text, source.path), ("events", "payload", "logEvents"))
    kept, rejects = split_records(records, ("timestamp",))
    frame = pl.from_dicts(kept, schema=RECORD_SCHEMA, strict=False) if kept else pl.DataFrame(schema=RECORD_SCHEMA)
    file_service = service_from_path(source.path)
    file_instance = re.search(_INSTANCE_IN_NAME, source.name)
    stream = pl.col("logStreamName")
    ecs = stream.str.extract_groups(_ECS_STREAM)
    events = frame.select(
        line=pl.col("_line"),
        ts_raw=pl.col("timestamp").cast(pl.String),
        ts_utc=timeparse.epoch_to_utc(pl.col("timestamp"), "ms"),
        ts_basis=pl.lit("epoch-ms"),
        received_ts=timeparse.epoch_to_utc(pl.col("ingestionTime"), "ms"),
        # ECS/CloudWatch agents end each message with the newline of the line they read.
        message=pl.col("message").fill_null("").str.strip_chars_end("\r\n"),
        level_raw=pl.col("message").str.extract(_LEVEL, 1),
        service=pl.coalesce(ecs.struct.field("svc"), pl.when(~stream.str.contains(_LAMBDA_STREAM)).then(stream))
        .fill_null(file_service),
        instance=pl.coalesce(
            ecs.struct.field("task"),
            pl.when(stream.str.contains(_LAMBDA_STREAM)).then(stream),
            pl.lit(file_instance.group(1) if file_instance else None, dtype=pl.String),
        ),
        request_id=pl.col("eventId"),
    )
    return ParseResult(events=events, rejects=rejects, units=len(records), unit="record")


FORMAT = register(
    Format(
        name="cloudwatch-json",
        description="CloudWatch Logs `aws logs filter-log-events` / `get-log-events` JSON (epoch-ms timestamp = event time)",
        example='{"events":[{"logStreamName":"app/web/4f1c...","timestamp":1712568068991,"message":"Started","ingestionTime":1712568070017,"eventId":"3586..."}]}',
        sniff=sniff,
        parse=parse,
    )
)
