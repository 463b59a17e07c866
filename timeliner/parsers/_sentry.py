"""What Sentry's event shapes share: tags, the headline, who emitted the event, its two clocks.

Sentry writes the same event three ways — the SDK's payload, the stored event JSON, the web
API's event — with different spellings of the same facts (``tags`` as a dict, ``[k, v]``
pairs or ``{key, value}`` objects; ``exception`` as ``{"values": [...]}``, a bare list, or an
API ``entries`` item). :func:`event_row` reads any of them into one flat row.

Identity: service = the project slug when the record names one (``project`` as text,
``projectSlug``, ``project.name``, a ``project`` tag), else the application named by a
``package@version`` release (mobile and desktop SDKs), else the file name. The server
(``server_name``) is the host; the numeric project id is the group.
"""

from __future__ import annotations

import re
from typing import Any

import polars as pl

from timeliner import timeparse
from timeliner.fileindex import FILE_INDEX

# The level Sentry assigns to an event that does not say (SDK payload docs: "default: error").
DEFAULT_LEVEL = "error"
_PACKAGE_RELEASE = re.compile(r"^([A-Za-z][\w.\-]*)@\S+$")
_REQUEST_TAGS = ("request_id", "RequestId", "requestId", "request.id", "trace", "trace_id")


def tags_of(record: dict[str, Any]) -> dict[str, str]:
    """Tags as a dict, whatever shape they came in: {k: v}, [[k, v]], or [{key, value}]."""
    tags = record.get("tags") or {}
    if isinstance(tags, dict):
        return {str(k): str(v) for k, v in tags.items() if v is not None}
    out: dict[str, str] = {}
    for tag in tags if isinstance(tags, list) else []:
        if isinstance(tag, dict) and "key" in tag and tag.get("value") is not None:
            out[str(tag["key"])] = str(tag["value"])
        elif isinstance(tag, list | tuple) and len(tag) == 2 and tag[1] is not None:
            out[str(tag[0])] = str(tag[1])
    return out


def exception_values(record: dict[str, Any]) -> list[dict[str, Any]]:
    """The exception chain, innermost first, as Sentry stores it (the last one is the headline)."""
    exc = record.get("exception", record.get("sentry.interfaces.Exception"))
    entries = record.get("entries")
    for entry in entries if isinstance(entries, list) else []:  # a damaged record may hold anything here
        if isinstance(entry, dict) and entry.get("type") == "exception":
            exc = entry.get("data")
    if isinstance(exc, dict):
        exc = exc.get("values")
    return [v for v in exc if isinstance(v, dict)] if isinstance(exc, list) else []


def _exception_line(value: dict[str, Any]) -> str:
    kind, text = value.get("type"), value.get("value")
    return f"{kind}: {text}" if kind and text else str(kind or text or "")


def log_message(record: dict[str, Any]) -> str:
    """The logged message (``logentry`` / legacy ``message`` interface), formatted as Sentry shows it."""
    entry = record.get("logentry") or record.get("message") or record.get("sentry.interfaces.Message")
    if isinstance(entry, str):
        return entry
    if not isinstance(entry, dict):
        return ""
    if entry.get("formatted"):
        return str(entry["formatted"])
    text, params = str(entry.get("message") or ""), entry.get("params")
    try:
        if isinstance(params, list) and params:
            return text % tuple(params)
        if isinstance(params, dict) and params:
            return text.format_map(params)
    except (TypeError, ValueError, KeyError, IndexError):
        pass  # a template that does not fit its params: show it as written
    return text


def headline(record: dict[str, Any]) -> str:
    """Title line, then the logged message and the rest of the exception chain, one per line."""
    chain = [line for line in map(_exception_line, reversed(exception_values(record))) if line]
    logged = log_message(record) if not record.get("title") or record.get("type") != "error" else ""
    title = str(record.get("title") or "") or (chain[0] if chain else "") or logged
    lines = [title, logged, *chain]
    seen: list[str] = []
    for line in lines:
        if line and line not in seen:
            seen.append(line)
    return "\n".join(seen) or str(record.get("culprit") or record.get("transaction") or "(no title)")


def service_of(record: dict[str, Any], tags: dict[str, str], fallback: str) -> str:
    """Project slug, else the app of a ``package@version`` release, else ``fallback``."""
    project = (
        record.get("projectSlug")
        or record.get("project.name")
        or record.get("project")
        or tags.get("project")
    )
    if isinstance(project, dict):
        project = project.get("slug") or project.get("name")
    if isinstance(project, str) and project and not project.isdigit():
        return project
    package = _PACKAGE_RELEASE.match(release_of(record, tags) or "")
    return package.group(1) if package else fallback


def release_of(record: dict[str, Any], tags: dict[str, str]) -> str | None:
    release = record.get("release")
    if isinstance(release, dict):
        release = release.get("version")
    return str(release) if release else tags.get("release") or tags.get("sentry:release")


def event_row(record: dict[str, Any], *, time: Any, received: Any, fallback: str) -> dict[str, Any]:
    """One flat row (partial-schema names, times still as text) from any Sentry event shape."""
    tags = tags_of(record)
    project_id = record.get("projectID") or record.get("project_id") or record.get("project")
    trace = (
        ((record.get("contexts") or {}).get("trace") or {})
        if isinstance(record.get("contexts"), dict)
        else {}
    )
    return {
        "line": record["_line"],
        "ts_raw": _time_text(time),
        "received_raw": _time_text(received),
        "message": headline(record),
        "level_raw": _text(record.get("level")) or tags.get("level") or DEFAULT_LEVEL,
        "service": service_of(record, tags, fallback),
        "host": _text(record.get("server_name")) or tags.get("server_name"),
        "logger": _text(record.get("logger")) or tags.get("logger") or None,
        "request_id": next((tags[k] for k in _REQUEST_TAGS if tags.get(k)), None)
        or (trace.get("trace_id") if isinstance(trace, dict) else None),
        "group": str(project_id) if isinstance(project_id, int | str) and str(project_id).isdigit() else None,
    }


def _text(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def _time_text(value: Any) -> str | None:
    if value is None or isinstance(value, bool):
        return None
    return repr(value) if isinstance(value, float) else str(value)


ROW_SCHEMA = {
    "line": pl.Int64,
    "ts_raw": pl.String,
    "received_raw": pl.String,
    "message": pl.String,
    "level_raw": pl.String,
    "service": pl.String,
    "host": pl.String,
    "logger": pl.String,
    "request_id": pl.String,
    "group": pl.String,
}


def sentry_instant(text: pl.Expr) -> pl.Expr:
    """Sentry time text → UTC: RFC 3339 with offset, zone-less ISO (UTC by Sentry's rule), or epoch seconds."""
    numeric = text.str.strip_chars().str.contains(r"^\d+(?:\.\d+)?$")
    zoneless = timeparse.iso_to_local(text).dt.replace_time_zone("UTC")
    return (
        pl.when(numeric)
        .then(timeparse.epoch_to_utc(text))
        .otherwise(pl.coalesce(timeparse.iso_to_utc(text), zoneless))
    )


def sentry_basis(text: pl.Expr) -> pl.Expr:
    """How :func:`sentry_instant` read the text: epoch, offset, or utc-by-format."""
    return (
        pl.when(text.str.strip_chars().str.contains(r"^\d+(?:\.\d+)?$"))
        .then(pl.lit("epoch"))
        .when(timeparse.has_offset(text))
        .then(pl.lit("offset"))
        .otherwise(pl.lit("utc-by-format"))
    )


def rows_to_events(
    rows: list[dict[str, Any]], time_name: str, *, batch: bool = False
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Rows from :func:`event_row` → (partial events, rejects for rows whose time does not parse)."""
    # Rows of a batch of files (``batch``) carry FILE_INDEX, and so do both results.
    in_batch = [FILE_INDEX] if batch else []
    schema = {**ROW_SCHEMA, **dict.fromkeys(in_batch, pl.UInt32)}
    frame = pl.from_dicts(rows, schema=schema) if rows else pl.DataFrame(schema=schema)
    frame = frame.with_columns(
        ts_utc=sentry_instant(pl.col("ts_raw")),
        ts_basis=sentry_basis(pl.col("ts_raw")),
        received_ts=sentry_instant(pl.col("received_raw")),
    )
    bad = frame.filter(pl.col("ts_utc").is_null()).select(
        *in_batch,
        "line",
        reason=pl.when(pl.col("ts_raw").is_null())
        .then(pl.lit(f"event has no {time_name}"))
        .otherwise(pl.format(f"{time_name} '{{}}' is not a valid date/time", pl.col("ts_raw"))),
        text=pl.col("message"),
    )
    return frame.filter(pl.col("ts_utc").is_not_null()).drop("received_raw"), bad
