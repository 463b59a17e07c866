"""Sentry events as the SDK sent them, and Sentry's stored event JSON (the event's "JSON" link).

An SDK payload (one per file, a list of them, or an envelope) looks like::

    {"event_id": "dd9e1afb828a44d5b4df0183adaee5d8", "timestamp": "2020-05-02T16:54:20.487733Z",
     "platform": "python", "level": "error", "server_name": "2f96b0310f37",
     "exception": {"values": [{"type": "ZeroDivisionError", "value": "division by zero"}]}}

``timestamp`` is RFC 3339 (any fraction, ``Z`` or an offset; without a zone it is UTC, as
Elixir SDKs write it) or epoch seconds (``1599504520.529``): it is the event time. Stored event
JSON adds ``datetime`` (the same instant) and ``received`` (epoch seconds, kept as
``received_ts``), and writes ``tags`` as ``[k, v]`` pairs. ``tags`` may be a dict, pairs or
``{key, value}`` objects; ``exception`` may be ``{"values": [...]}`` or a bare list; ``level``
missing means ``error`` (Sentry's default).

Envelopes (``/api/<id>/envelope/``: a header, then item header + item pairs; as lines or saved
as a JSON list) are read item by item: ``event`` and ``transaction`` items become events, a
``session`` item becomes an event at its timestamp ("session ok/crashed ..."), and the
headers count as continuations of the envelope. Identity as in :mod:`timeliner.parsers._sentry`.
A JSON document (an event, a header, an item) is one unit.
"""

from __future__ import annotations

import re
from typing import Any

import polars as pl

from timeliner.fileindex import FILE_INDEX, of_file
from timeliner.parsers._identity import service_from_path
from timeliner.parsers._json_records import REJECT_COLUMNS, RecordSet, dumps, read_records
from timeliner.parsers._registry import BatchResult, Format, ParseResult, any_file, register
from timeliner.parsers._sentry import event_row, rows_to_events
from timeliner.sources import SourceFile

_EVENT_ID = re.compile(r'"event_id"\s*:\s*"[0-9a-f]{32}"')
_PAYLOAD_KEYS = re.compile(r'"(?:timestamp|platform|sdk|sent_at|dsn)"\s*:')
_INTERFACES = re.compile(
    r'"(?:in_app|abs_path|context_line|pre_context|post_context)"\s*:|"stacktrace"\s*:\s*\{\s*"frames"|'
    r'"mechanism"\s*:\s*\{\s*"type"|"breadcrumbs"\s*:\s*\{\s*"values"|"sentry\.(?:python|javascript|java|php|dotnet|go|native|cocoa)'
)
_MODULES_FIRST = re.compile(r'^\s*\{\s*"modules"\s*:\s*\{\s*"[^"]+"\s*:\s*"\d[\w.\-+]*"')
_API_SHAPE = re.compile(r'"(?:eventID|dateCreated|groupID)"\s*:')
_HEADER_KEYS = {"event_id", "sent_at", "dsn", "sdk", "trace"}
_SESSION_ERROR_STATES = {"crashed", "abnormal", "errored"}


def sniff(head: str) -> float:
    if _API_SHAPE.search(head):
        return 0.0  # the web-API shape: sentry-json reads it
    if _EVENT_ID.search(head) and _PAYLOAD_KEYS.search(head):
        return 0.96
    if len(_INTERFACES.findall(head)) >= 2:
        return 0.8  # a payload whose event_id comes after a long exception or breadcrumbs
    return 0.6 if _MODULES_FIRST.search(head) else 0.0


def _is_document(obj: Any) -> bool:
    """An event, session or envelope header — not a breadcrumb, which also has a timestamp."""
    return isinstance(obj, dict) and ("event_id" in obj or "sid" in obj or _kind(obj) == "header")


def _kind(item: dict[str, Any]) -> str:
    """event, session, header (envelope or item header), or other."""
    if "sid" in item and "status" in item:
        return "session"
    if "timestamp" in item or "datetime" in item:
        return "event"
    keys = set(item) - {"_line"}
    if "type" in keys and ("length" in keys or "content_type" in keys) and len(keys) <= 4:
        return "header"
    if keys <= _HEADER_KEYS and "event_id" in keys:
        return "header"
    return "other"


def _session_event(item: dict[str, Any]) -> dict[str, Any]:
    """A session update as an event record: what changed, at its timestamp."""
    status = str(item.get("status") or "unknown")
    errors = item.get("errors") or 0
    text = f"Sentry session {status}" + (f", {errors} error(s)" if errors else "")
    if item.get("init"):
        text += ", first update of a new session"
    if item.get("started"):
        text += f" (session started {item['started']})"
    attrs = item["attrs"] if isinstance(item.get("attrs"), dict) else {}
    return {
        "_line": item["_line"],
        "timestamp": item.get("timestamp") or item.get("started"),
        "message": text,
        "level": "error" if status in _SESSION_ERROR_STATES else "info",
        "release": attrs.get("release"),
        "environment": attrs.get("environment"),
    }


def _without_line(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k != "_line"}


def parse(source: SourceFile) -> ParseResult:
    """Parse SDK payloads, envelopes, or stored event JSON."""
    found, kinds, rows, other = _documents(source)
    events, bad = rows_to_events(rows, "timestamp")
    rejects = pl.concat([found.rejects, other, bad.cast(REJECT_COLUMNS)])
    return ParseResult(
        events=events,
        rejects=rejects.sort("line"),
        units=found.units,
        continuations=kinds.count("header"),
        unit="record",
        notes=found.notes,
    )


def parse_batch(sources: list[SourceFile]) -> BatchResult | None:
    """Several files at once (a folder of saved payloads): each file's documents read on their own, then converted together."""
    rows: list[dict[str, Any]] = []
    rejects, units, continuations = [], [], []
    for index, source in enumerate(sources):
        found, kinds, file_rows, other = _documents(source)
        if found.notes:
            return None  # said of one file: only that file alone can say it
        rows.extend({**row, FILE_INDEX: index} for row in file_rows)
        rejects.append(of_file(pl.concat([found.rejects, other]), index))
        units.append(found.units)
        continuations.append(kinds.count("header"))
    events, bad = rows_to_events(rows, "timestamp", batch=True)
    every_reject = pl.concat([*rejects, bad], how="diagonal_relaxed")
    return BatchResult(events, every_reject, units, continuations, unit="record")


def _documents(source: SourceFile) -> tuple[RecordSet, list[str], list[dict[str, Any]], pl.DataFrame]:
    """A file's documents, their kinds, the rows of its events and sessions, and the rest as rejects."""
    found = read_records(
        source,
        keys=(),
        is_record=_is_document,
        record_hint=r'"(?:event_id|sid)"\s*:',
        what="Sentry document",
    )
    kinds = [_kind(r) for r in found.records]
    rows = _event_rows(found.records, kinds, service_from_path(source.path))
    other = [
        (r["_line"], "not a Sentry event (no timestamp, not an envelope header)", dumps(_without_line(r)))
        for r, k in zip(found.records, kinds, strict=True)
        if k == "other"
    ]
    return found, kinds, rows, pl.DataFrame(other, schema=REJECT_COLUMNS, orient="row")


def _event_rows(records: list[dict[str, Any]], kinds: list[str], fallback: str) -> list[dict[str, Any]]:
    """Rows for the event and session documents; a session takes the release of the envelope's event."""
    release = next((r.get("release") for r, k in zip(records, kinds, strict=True) if k == "event"), None)
    rows = []
    for record, kind in zip(records, kinds, strict=True):
        if kind == "session":
            record = _session_event(record)
            record["release"] = record["release"] or release
        elif kind != "event":
            continue
        time = record.get("timestamp", record.get("datetime"))
        rows.append(event_row(record, time=time, received=record.get("received"), fallback=fallback))
    return rows


FORMAT = register(
    Format(
        name="sentry-payload",
        description="Sentry SDK event payloads and envelopes, and stored event JSON (timestamp RFC 3339 or epoch s = event time)",
        example='{"event_id":"dd9e1afb828a44d5b4df0183adaee5d8","timestamp":"2020-05-02T16:54:20.487733Z","platform":"python","level":"error","exception":{"values":[{"type":"ZeroDivisionError","value":"division by zero"}]}}',
        sniff=sniff,
        parse=parse,
        batches=any_file,
        parse_batch=parse_batch,
    )
)
