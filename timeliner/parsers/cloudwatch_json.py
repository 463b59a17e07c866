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
from timeliner.parsers._json_records import REJECT_COLUMNS, RecordSet, read_records, string_frame
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


_COLUMNS = {
    "timestamp": "timestamp",
    "message": "message",
    "ingestionTime": "ingestionTime",
    "stream": "logStreamName",
}
_EVENT = pl.Struct(dict.fromkeys(_COLUMNS.values(), pl.String))
_WHOLE_NUMBER = r"^-?\d+$"


def parse(source: SourceFile) -> ParseResult:
    """Parse one file of ``filter-log-events`` / ``get-log-events`` output."""
    frame = _read_by_polars(source)
    if frame is not None:
        found = RecordSet(records=[], rejects=pl.DataFrame(schema=REJECT_COLUMNS), units=frame.height)
    else:
        found = read_records(
            source,
            keys=("events", "payload"),
            is_record=_is_event,
            record_hint=r'"timestamp"\s*:',
            what="log event",
        )
        frame = string_frame(found.records, _COLUMNS)
    in_name = _INSTANCE_IN_NAME.search(source.name)
    events, bad = log_events(
        frame.with_columns(group=pl.lit(None, dtype=pl.String)),
        fallback=service_from_path(source.path),
        fallback_instance=in_name.group(1) if in_name else None,
    )
    return found.result(events, bad)


def _read_by_polars(source: SourceFile) -> pl.DataFrame | None:
    """The common case, one page as the CLI writes it, decoded by polars; None for anything else.

    polars decodes the document outside the interpreter lock and straight into columns, where
    orjson builds a Python object per record first (twice as slow here, and one file at a time).
    Everything unusual goes to :func:`read_records`, which reads it exactly: pages saved one after
    another, a bare list, a damaged document, a record that is not an object, an object where
    text was expected, numbers that are not whole (their text is written as Python writes it).
    AWS writes no key twice in a record; if one did, polars would keep the first, not the last.
    """
    text = source.text.lstrip()
    if not text.startswith("{") or '"events"' not in text[:4096]:
        return None
    try:
        document = pl.read_json(text.encode("utf-8"), schema={"events": pl.List(_EVENT)})
    except (pl.exceptions.PolarsError, ValueError):
        return None
    if document.height != 1 or document["events"].null_count():
        return None
    items = document["events"].item()  # the page's list of events, as a Series of structs
    if items.null_count():
        return None  # an item that is not an object: rejected with its kind by read_records
    frame = items.struct.unnest().rename({v: k for k, v in _COLUMNS.items() if k != v})
    numbers_whole = frame.select(
        pl.all_horizontal(
            (pl.col(c).is_null() | pl.col(c).str.contains(_WHOLE_NUMBER)).all()
            for c in ("timestamp", "ingestionTime")
        )
    ).item()
    if not numbers_whole:
        return None
    return frame.with_row_index("_line", offset=1).with_columns(pl.col("_line").cast(pl.Int64))


FORMAT = register(
    Format(
        name="cloudwatch-json",
        description="CloudWatch Logs `aws logs filter-log-events` / `get-log-events` JSON, pages concatenated or not (timestamp = event time)",
        example='{"events":[{"logStreamName":"web/api/4f1c...","timestamp":1712568068991,"message":"Started","ingestionTime":1712568070017}]}',
        sniff=sniff,
        parse=parse,
    )
)
