"""CloudWatch Logs ``aws logs filter-log-events`` and ``get-log-events`` JSON.

Reads the CLI's JSON output, one page or several pages saved one after another::

    {"events": [{"logStreamName": "web/api/4f1c...", "timestamp": 1712568068991,
                 "message": "...", "ingestionTime": 1712568070017, "eventId": "3586..."}],
     "searchedLogStreams": [...], "nextToken": "..."}

also a bare list of such events, or the list under ``payload`` (apps that save the SDK
response). ``timestamp`` (epoch ms, UTC) is the event's time; a timestamp inside ``message``
is the application's own clock and is *not* used. ``ingestionTime`` is kept as
``received_ts``. ``get-log-events`` has no stream name: the service then comes from the file
name (and a 32-hex task id in the file name becomes the instance). Service identity from the
stream name and Lambda platform lines: see :mod:`timeliner.parsers._cloudwatch` and
:mod:`timeliner.parsers._lambda`. A record is one unit (``line`` = its 1-based index in the
file); a damaged record in an otherwise good export is rejected and the others are kept.
"""

from __future__ import annotations

import re
from typing import Any

import polars as pl

from timeliner.parsers._cloudwatch import log_events
from timeliner.parsers._identity import service_from_path
from timeliner.parsers._json_records import read_records, string_frame
from timeliner.parsers._registry import Format, ParseResult, register
from timeliner.sources import SourceFile

_INSTANCE_IN_NAME = re.compile(r"([0-9a-f]{32})")
_EVENTS_LIST = re.compile(r'"events"\s*:\s*\[')
_EVENT_KEYS = re.compile(r'"(?:ingestionTime|logStreamName|eventId)"\s*:')
_EPOCH_MS = re.compile(r'"timestamp"\s*:\s*\d{12,13}\b')
_OTHER_SHAPES = re.compile(r'"(?:messageType|logEvents|awslogs|field|eventID|dateCreated)"\s*:')


def sniff(head: str) -> float:
    if _OTHER_SHAPES.search(head) or not _EPOCH_MS.search(head) or '"message"' not in head:
        return 0.0
    if _EVENT_KEYS.search(head):
        return 0.95 if _EVENTS_LIST.search(head) else 0.9  # a bare or re-wrapped list of FilteredLogEvents
    return 0.6 if _EVENTS_LIST.search(head) else 0.0


def _is_event(obj: Any) -> bool:
    return isinstance(obj, dict) and "timestamp" in obj and "message" in obj


def parse(source: SourceFile) -> ParseResult:
    """Parse one file of ``filter-log-events`` / ``get-log-events`` output."""
    found = read_records(
        source,
        keys=("events", "payload"),
        is_record=_is_event,
        record_hint=r'"timestamp"\s*:',
        what="log event",
    )
    frame = string_frame(
        found.records,
        {
            "timestamp": "timestamp",
            "message": "message",
            "ingestionTime": "ingestionTime",
            "stream": "logStreamName",
        },
    ).with_columns(group=pl.lit(None, dtype=pl.String))
    in_name = _INSTANCE_IN_NAME.search(source.name)
    events, bad = log_events(
        frame,
        fallback=service_from_path(source.path),
        fallback_instance=in_name.group(1) if in_name else None,
    )
    return found.result(events, bad)


FORMAT = register(
    Format(
        name="cloudwatch-json",
        description="CloudWatch Logs `aws logs filter-log-events` / `get-log-events` JSON, pages concatenated or not (timestamp = event time)",
        example='{"events":[{"logStreamName":"web/api/4f1c...","timestamp":1712568068991,"message":"Started","ingestionTime":1712568070017}]}',
        sniff=sniff,
        parse=parse,
    )
)
