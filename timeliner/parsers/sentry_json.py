"""Sentry web-API event JSON: event lists and single event details.

Reads ``GET /api/0/projects/{org}/{project}/events/`` (a JSON array, newest first) and the
event detail shape (one object)::

    [{"eventID": "9fac2ceed9344f2bbfdd1fdacb0ed9b1", "title": "InterruptedException: ...",
      "dateCreated": "2020-09-11T17:46:36Z", "dateReceived": "2020-09-11T17:46:37.120Z",
      "tags": [{"key": "level", "value": "error"}, {"key": "server_name", "value": "web1"}]}]

``dateCreated`` is when the event happened (the SDK's timestamp) and is the event time;
``dateReceived`` (server receipt, sometimes hours later for replayed events) is kept as
``received_ts``. A date without a zone is UTC, as Sentry defines. Service = the project
(``project`` / ``projectSlug`` field, a ``project`` tag, else the file name); host = the
``server_name`` tag; level = the ``level`` field or tag. A record is one unit.
"""

from __future__ import annotations

import re
from typing import Any

import polars as pl

from timeliner import timeparse
from timeliner.parsers._identity import service_from_path
from timeliner.parsers._json import load_documents, records_under, split_records
from timeliner.parsers._registry import Format, ParseResult, register
from timeliner.sources import SourceFile

_SNIFF = re.compile(r'"(eventID|event_id)"\s*:.*"dateCreated"|"dateCreated"\s*:.*"(eventID|groupID)"', re.DOTALL)


def sniff(head: str) -> float:
    return 0.95 if _SNIFF.search(head) else 0.0


def _tags(record: dict[str, Any]) -> dict[str, str]:
    """Tags as a dict, whatever shape they came in: {k: v}, [[k, v]], or [{key, value}]."""
    tags = record.get("tags") or {}
    if isinstance(tags, dict):
        return {str(k): str(v) for k, v in tags.items()}
    out: dict[str, str] = {}
    for tag in tags if isinstance(tags, list) else []:
        if isinstance(tag, dict) and "key" in tag:
            out[str(tag["key"])] = str(tag.get("value"))
        elif isinstance(tag, list | tuple) and len(tag) == 2:
            out[str(tag[0])] = str(tag[1])
    return out


def _project(record: dict[str, Any], tags: dict[str, str]) -> str | None:
    project = record.get("project") or record.get("projectSlug") or tags.get("project")
    if isinstance(project, dict):
        project = project.get("slug") or project.get("name")
    return str(project) if project else None


def _row(record: dict[str, Any]) -> dict[str, Any]:
    tags = _tags(record)
    title = str(record.get("title") or "")
    message = str(record.get("message") or "")
    text = title if not message or message == title else (f"{title}\n{message}" if title else message)
    return {
        "line": record["_line"],
        "ts_raw": str(record["dateCreated"]),
        "received_raw": record.get("dateReceived"),
        "message": text or str(record.get("culprit") or "(no title)"),
        "level_raw": record.get("level") or tags.get("level"),
        "project": _project(record, tags),
        "host": tags.get("server_name"),
        "request_id": tags.get("trace") or tags.get("request_id"),
        "group": str(record["projectID"]) if record.get("projectID") else None,
        "instance": tags.get("release") or (record.get("release") or {}).get("version")
        if isinstance(record.get("release"), dict | None)
        else str(record.get("release")),
    }


def _utc(text: pl.Expr) -> pl.Expr:
    # Sentry dates are UTC; a few SDKs (Elixir) omit the zone, which Sentry itself reads as UTC.
    return pl.coalesce(timeparse.iso_to_utc(text), timeparse.iso_to_local(text).dt.replace_time_zone("UTC"))


def parse(source: SourceFile) -> ParseResult:
    records = records_under(load_documents(source.text, source.path), ("data", "events", "results"))
    kept, rejects = split_records(records, ("dateCreated",))
    rows = pl.from_dicts([_row(r) for r in kept], infer_schema_length=None) if kept else pl.DataFrame()
    if rows.is_empty():
        events = pl.DataFrame({"line": [], "message": []}, schema={"line": pl.Int64, "message": pl.String})
        return ParseResult(events=events, rejects=rejects, units=len(records), unit="record")
    events = rows.with_columns(
        ts_utc=_utc(pl.col("ts_raw")),
        ts_basis=pl.when(timeparse.has_offset(pl.col("ts_raw"))).then(pl.lit("offset")).otherwise(pl.lit("utc-by-format")),
        received_ts=_utc(pl.col("received_raw").cast(pl.String)),
        service=pl.col("project").fill_null(service_from_path(source.path)),
    )
    bad = events.filter(pl.col("ts_utc").is_null())
    if bad.height:
        bad_rows = bad.select("line", pl.lit("dateCreated is not a valid date/time").alias("reason"), pl.col("ts_raw").alias("text"))
        rejects = pl.concat([rejects, bad_rows])
        events = events.filter(pl.col("ts_utc").is_not_null())
    return ParseResult(events=events, rejects=rejects, units=len(records), unit="record")


FORMAT = register(
    Format(
        name="sentry-json",
        description="Sentry web-API events (list or single event); dateCreated = event time, dateReceived kept",
        example='[{"eventID":"9fac2c...","title":"ZeroDivisionError: division by zero","dateCreated":"2020-09-11T17:46:36Z","tags":[{"key":"level","value":"error"}]}]',
        sniff=sniff,
        parse=parse,
    )
)
