"""CloudWatch Logs subscription-filter deliveries, encoded or decoded.

What a subscription filter sends (to Lambda, Kinesis or Firehose) is ``base64(gzip(JSON))``;
a Lambda trigger receives it as ``{"awslogs": {"data": "H4sI..."}}``, a Kinesis trigger as
``{"Records": [{"kinesis": {"data": "H4sI..."}}]}``. Decoded, one delivery reads::

    {"messageType": "DATA_MESSAGE", "owner": "123456789012", "logGroup": "/aws/lambda/checkout",
     "logStream": "2024/05/09/[$LATEST]0f1e...", "subscriptionFilters": ["to-s3"],
     "logEvents": [{"id": "3195...", "timestamp": 1440442987000, "message": "[ERROR] First test message"}]}

Files may hold one delivery, a list of them, or several written one after another (Firehose
objects). ``timestamp`` (epoch ms, UTC) is the event time. The delivery names its log group
and stream, so a Lambda function is named from ``/aws/lambda/<function>`` (identity rules in
:mod:`timeliner.parsers._cloudwatch`). ``CONTROL_MESSAGE`` deliveries are CloudWatch checking
that the destination is reachable, not log events: they are skipped and counted in a note.
A log event is one unit; a delivery whose data does not decode is one rejected unit.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import re
import zlib
from collections.abc import Iterator
from typing import Any

import polars as pl

from timeliner.errors import InputFileError
from timeliner.parsers._cloudwatch import log_events
from timeliner.parsers._identity import service_from_path
from timeliner.parsers._json import load_documents
from timeliner.parsers._json_records import REJECT_COLUMNS, dumps, read_records, string_frame
from timeliner.parsers._registry import Format, ParseResult, register
from timeliner.sources import GZIP_MAGIC, SourceFile

_STRONG = re.compile(r'"awslogs"\s*:\s*\{\s*"data"\s*:|"messageType"\s*:\s*"(?:DATA|CONTROL)_MESSAGE"')
_DECODED = re.compile(r'"logEvents"\s*:\s*\[')
_KINESIS = re.compile(r'"kinesis"\s*:\s*\{[^{}]*"data"\s*:')
_ENVELOPE_KEY = r'"{}"\s*:\s*"([^"]*)"'
_COLUMNS = {
    "timestamp": "timestamp",
    "message": "message",
    "ingestionTime": "ingestionTime",
    "stream": "_stream",
    "group": "_group",
}

Unit = tuple[str, Any, str]  # ("event", record, "") | ("broken", reason, text) | ("control", None, "")


def sniff(head: str) -> float:
    if _STRONG.search(head):
        return 0.98
    if _DECODED.search(head) and '"logGroup"' in head:
        return 0.95
    return 0.5 if _KINESIS.search(head) else 0.0


def decode_data(data: str) -> list[Any]:
    """The deliveries in one ``data`` field: base64, then gzip (as sent) or plain JSON text."""
    try:
        raw = base64.b64decode(data, validate=False)
        if raw.startswith(GZIP_MAGIC):
            raw = gzip.decompress(raw)
        return load_documents(raw.decode("utf-8"), "data")
    except (binascii.Error, OSError, EOFError, zlib.error, UnicodeDecodeError) as exc:
        raise ValueError(f"data does not decode as base64 + gzip ({exc})") from None
    except InputFileError as exc:
        raise ValueError(f"decoded data {exc.reason}") from None


def _encoded(doc: dict[str, Any]) -> list[Any] | None:
    """The base64 ``data`` strings a trigger event carries, or None if it is not a trigger event."""
    awslogs = doc.get("awslogs")
    if isinstance(awslogs, dict):
        return [awslogs.get("data")]
    records = doc.get("Records") or doc.get("records")
    if isinstance(records, list) and records and isinstance(records[0], dict):
        return [(r.get("kinesis") or r).get("data") if isinstance(r, dict) else None for r in records]
    return None


def _units(doc: Any) -> Iterator[Unit]:
    """Walk one document: trigger events are decoded, deliveries give their log events."""
    if isinstance(doc, list):
        for item in doc:
            yield from _units(item)
        return
    if not isinstance(doc, dict):
        yield "broken", "not a subscription delivery (a JSON value that is not an object)", dumps(doc)
        return
    encoded = _encoded(doc)
    if encoded is not None:
        for data in encoded:
            yield from _decoded_units(data)
    elif doc.get("messageType") == "CONTROL_MESSAGE":
        yield "control", None, ""
    elif isinstance(doc.get("logEvents"), list):
        envelope = {"_stream": doc.get("logStream"), "_group": doc.get("logGroup")}
        for item in doc["logEvents"]:
            if isinstance(item, dict):
                yield "event", {**item, **envelope}, ""
            else:
                yield "broken", "log event is not a JSON object", dumps(item)
    else:
        yield "broken", "not a subscription delivery (no awslogs.data, no logEvents)", dumps(doc)


def _decoded_units(data: Any) -> Iterator[Unit]:
    if not isinstance(data, str):
        yield "broken", "delivery has no base64 data string", dumps(data)
        return
    try:
        deliveries = decode_data(data)
    except ValueError as exc:
        yield "broken", str(exc), data
        return
    for delivery in deliveries:
        yield from _units(delivery)


def parse(source: SourceFile) -> ParseResult:
    """Parse one file of subscription deliveries."""
    try:
        docs = load_documents(source.text, source.path)
    except InputFileError:
        return _parse_damaged(source)
    units = [u for doc in docs for u in _units(doc)]
    control = sum(1 for kind, _, _ in units if kind == "control")
    counted = [u for u in units if u[0] != "control"]
    records = [{**rec, "_line": n} for n, (kind, rec, _) in enumerate(counted, start=1) if kind == "event"]
    broken = [(n, rec, text) for n, (kind, rec, text) in enumerate(counted, start=1) if kind == "broken"]
    rejects = pl.DataFrame(broken, schema=REJECT_COLUMNS, orient="row")
    notes = (
        [
            f"skipped {control} CONTROL_MESSAGE delivery(ies): CloudWatch checking the destination, not log events"
        ]
        if control
        else []
    )
    return _result(source, records, rejects, len(counted), notes)


def _parse_damaged(source: SourceFile) -> ParseResult:
    # A decoded delivery cut off or damaged: keep the log events that decode, take the group
    # and stream from the text (one delivery per file is the common case).
    found = read_records(
        source,
        keys=("logEvents",),
        is_record=lambda o: isinstance(o, dict) and "timestamp" in o and "message" in o,
        record_hint=r'"timestamp"\s*:',
        what="log event",
    )
    envelope = {"_stream": _first(source.text, "logStream"), "_group": _first(source.text, "logGroup")}
    records = [{**rec, **envelope} for rec in found.records]
    return _result(source, records, found.rejects, found.units, found.notes)


def _first(text: str, key: str) -> str | None:
    match = re.search(_ENVELOPE_KEY.format(key), text)
    return match.group(1) if match else None


def _result(
    source: SourceFile, records: list[dict[str, Any]], rejects: pl.DataFrame, units: int, notes: list[str]
) -> ParseResult:
    frame = string_frame(records, _COLUMNS)
    events, bad = log_events(frame, fallback=service_from_path(source.path))
    rejects = pl.concat([rejects, bad.cast(REJECT_COLUMNS)]).sort("line")
    return ParseResult(events=events, rejects=rejects, units=units, unit="record", notes=notes)


FORMAT = register(
    Format(
        name="cloudwatch-subscription",
        description="CloudWatch Logs subscription deliveries: {awslogs:{data}} (base64+gzip) or decoded DATA_MESSAGE JSON",
        example='{"messageType":"DATA_MESSAGE","logGroup":"/aws/lambda/checkout","logStream":"2024/05/09/[$LATEST]0f1e...","logEvents":[{"id":"3195...","timestamp":1440442987000,"message":"[ERROR] First test message"}]}',
        sniff=sniff,
        parse=parse,
    )
)
