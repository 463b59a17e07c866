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

import os
import re
from collections.abc import Iterator
from typing import Any

import polars as pl

from timeliner.fileindex import of_file
from timeliner.parsers._cloudwatch import log_events
from timeliner.parsers._identity import per_path, service_from_path
from timeliner.parsers._json_records import REJECT_COLUMNS, RecordSet, read_records, string_frame
from timeliner.parsers._registry import BatchResult, Format, ParseResult, any_file, register
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
    frame, found = _records(source)
    events, bad = log_events(
        frame.with_columns(group=pl.lit(None, dtype=pl.String)),
        fallback=service_from_path(source.path),
        fallback_instance=_instance_in_name(source.path),
    )
    return found.result(events, bad)


def parse_batch(sources: list[SourceFile]) -> BatchResult | None:
    """Several files at once: each file's records read on their own, then converted together."""
    frames, found, units = [], [], []
    for index, source in enumerate(sources):
        frame, records = _records(source)
        if records.notes:
            return None  # said of one file: only that file alone can say it
        frames.append(of_file(frame, index))
        found.append(of_file(records.rejects, index))
        units.append(records.units)
    paths = [source.path for source in sources]
    events, bad = log_events(
        pl.concat(frames).with_columns(group=pl.lit(None, dtype=pl.String)),
        fallback=per_path(paths, service_from_path),
        fallback_instance=per_path(paths, _instance_in_name),
    )
    rejects = pl.concat([*found, bad], how="diagonal_relaxed")
    return BatchResult(events, rejects, units, [0] * len(units), unit="record")


def _records(source: SourceFile) -> tuple[pl.DataFrame, RecordSet]:
    """One file's records as text columns (and ``_line``), and what could not be read of it."""
    frame = _read_by_polars(source)
    if frame is not None:
        return frame, RecordSet(records=[], rejects=pl.DataFrame(schema=REJECT_COLUMNS), units=frame.height)
    found = read_records(
        source,
        keys=("events", "payload"),
        is_record=_is_event,
        record_hint=r'"timestamp"\s*:',
        what="log event",
    )
    return string_frame(found.records, _COLUMNS), found


def _instance_in_name(path: str) -> str | None:
    """A 32-hex task id in the file name (get-log-events output named after its stream)."""
    found = _INSTANCE_IN_NAME.search(os.path.basename(path))
    return found.group(1) if found else None


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
    lists = []
    for page in _pages_of(text):
        items = _decoded_events(page)
        if items is None:
            return None
        lists.append(items)
    frame = pl.concat(lists).struct.unnest().rename({v: k for k, v in _COLUMNS.items() if k != v})
    numbers_whole = frame.select(
        pl.all_horizontal(
            (pl.col(c).is_null() | pl.col(c).str.contains(_WHOLE_NUMBER)).all()
            for c in ("timestamp", "ingestionTime")
        )
    ).item()
    if not numbers_whole:
        return None
    return frame.with_row_index("_line", offset=1).with_columns(pl.col("_line").cast(pl.Int64))


# polars decodes a JSON document whole, at about 5.5 times its size: a page bigger than this is
# decoded a stretch of its events list at a time.
PIECE_CHARS = 32 * 2**20
_LIST_HEAD = re.compile(r'\{\s*"events"\s*:\s*\[\s*')
# Where the CLI's events list ends: the next key of its page. Records are flat (no list inside), so
# in valid JSON the first match is the end of the events list (a quote before the key cannot close a
# string: a key cannot follow a closing quote).
_LIST_END = re.compile(r'\]\s*,\s*"(?:searchedLogStreams|nextToken|nextForwardToken|nextBackwardToken)"\s*:')
# Between two records: one ends, the next begins with a key; the same reasoning holds.
_BETWEEN_RECORDS = re.compile(r'\}\s*,\s*(?=\{\s*"[A-Za-z]+"\s*:)')


def _pages_of(text: str) -> Iterator[str]:
    """``text`` itself, or for a big page its events list in stretches, each wrapped as a page.

    Every stretch decodes exactly when the whole page does, to the same records in the same order:
    joined back with commas, the stretches are the page again (the last one keeps the page's tail).
    A page without the CLI's tail (a list saved on its own) is decoded whole.
    """
    head = _LIST_HEAD.match(text)
    end = _LIST_END.search(text) if head and len(text) > PIECE_CHARS else None
    if head is None or end is None:
        yield text
        return
    start = head.end()
    while (between := _BETWEEN_RECORDS.search(text, start + PIECE_CHARS, end.start())) is not None:
        yield '{"events": [' + text[start : between.start() + 1] + "]}"
        start = between.end()
    yield '{"events": [' + text[start:]


def _decoded_events(page: str) -> pl.Series | None:
    """The page's events as a Series of structs; None where polars reads them unlike read_records."""
    try:
        document = pl.read_json(page.encode("utf-8"), schema={"events": pl.List(_EVENT)})
    except (pl.exceptions.PolarsError, ValueError):
        return None
    if document.height != 1 or document["events"].null_count():
        return None
    items = document["events"].item()
    if items.null_count():
        return None  # an item that is not an object: rejected with its kind by read_records
    return items


FORMAT = register(
    Format(
        name="cloudwatch-json",
        description="CloudWatch Logs `aws logs filter-log-events` / `get-log-events` JSON, pages concatenated or not (timestamp = event time)",
        example='{"events":[{"logStreamName":"web/api/4f1c...","timestamp":1712568068991,"message":"Started","ingestionTime":1712568070017}]}',
        sniff=sniff,
        parse=parse,
        batches=any_file,
        parse_batch=parse_batch,
    )
)
