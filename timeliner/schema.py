"""The one event schema and the one timeline-row schema.

Every parser produces a *partial* frame (see :data:`PARTIAL_COLUMNS`); ``normalize`` turns
partial frames into canonical events (:data:`EVENT_SCHEMA`); detectors turn events into
timeline rows (:data:`TIMELINE_SCHEMA`). ``conform_*`` functions are the gate between stages:
they add missing optional columns as nulls, cast, order, and refuse frames that lack a
required column, so that a mistake in one parser is caught where it is made.
"""

from __future__ import annotations

import polars as pl

UTC_US = pl.Datetime("us", "UTC")
LOCAL_US = pl.Datetime("us")  # naive wall-clock time, zone decided by normalize

LEVELS = ("debug", "info", "warning", "error", "critical")
EVENT_KINDS = ("start", "ready", "stop", "crash", "interruption", "error", "deploy")

# Who emitted an event, beyond its service: kept from parser to events.parquet because it is
# evidence (a new pid or instance of the same service is a new process).
IDENTITY_SCHEMA: dict[str, pl.DataType] = {
    "host": pl.String(),
    "pid": pl.String(),
    # The running copy of the service: ECS task id, Lambda sandbox stream, container id, boot id.
    "instance": pl.String(),
    "thread": pl.String(),
    "logger": pl.String(),
    "request_id": pl.String(),
    "group": pl.String(),  # wider grouping than service: log group, Sentry org/project, pod
}

# Canonical events: what events.parquet holds, sorted by ts.
EVENT_SCHEMA: dict[str, pl.DataType] = {
    "ts": UTC_US,  # the event's time in UTC
    "ts_raw": pl.String(),  # the timestamp text as it stood in the input
    "source": pl.String(),  # format name, e.g. "cloudwatch-json"
    "service": pl.String(),  # who emitted it (log stream, Sentry project, host+program, file stem)
    "level": pl.String(),  # one of LEVELS or null
    "message": pl.String(),  # continuation lines (stack traces) included, joined with "\n"
    "kind": pl.String(),  # one of EVENT_KINDS (or a user rule's kind) or null
    "file": pl.String(),  # input path as given
    "line": pl.Int64(),  # 1-based first line of the event (JSON records: 1-based index)
    # Provenance and identity, kept because they are evidence (a new pid = a new process).
    "ts_basis": pl.String(),  # how ts was established: offset, epoch, utc-by-format, zone:<Z>, ...
    "received_ts": UTC_US,  # a second clock where the export has one (ingestionTime, dateReceived)
    **IDENTITY_SCHEMA,
    "rule": pl.String(),  # name of the classification rule that set `kind`
}
EVENT_COLUMNS = list(EVENT_SCHEMA)
REQUIRED_EVENT_COLUMNS = ("ts", "ts_raw", "source", "service", "message", "file", "line")
# What the detectors read of an event. The other columns are provenance they never look at; engines
# that hold events out of memory read only these back, and detection carries only these.
DETECTION_COLUMNS = ("ts", "source", "service", "level", "kind", "rule", "file", "line", "pid", "message")

# What a parser returns for one file. Exactly one of ts_utc / ts_local is normally set per row:
#   ts_utc   -- the text carried an offset, a `Z`, or was an epoch: the instant is known;
#   ts_local -- wall-clock time with no zone: normalize localizes it (--source-tz / --tz).
# A yearless format sets ts_local with year PLACEHOLDER_YEAR and says so in ParseResult.yearless.
PARTIAL_SCHEMA: dict[str, pl.DataType] = {
    "line": pl.Int64(),
    "ts_raw": pl.String(),
    "ts_utc": UTC_US,
    "ts_local": LOCAL_US,
    "ts_basis": pl.String(),  # parser's note for ts_utc rows ("offset", "epoch-ms", "utc-by-format")
    "tz_abbrev": pl.String(),  # a zone abbreviation found in the text (EST, CEST), resolved later
    "level_raw": pl.String(),  # level as written (INFO, WARN, 30, fatal, <3>) -- mapped by normalize
    "message": pl.String(),
    "service": pl.String(),
    "received_ts": UTC_US,
    **IDENTITY_SCHEMA,
}
PARTIAL_COLUMNS = list(PARTIAL_SCHEMA)
REQUIRED_PARTIAL_COLUMNS = ("line", "message")

# A leap year, so that a yearless "Feb 29" is representable before the real year is known.
PLACEHOLDER_YEAR = 2000

# Timeline rows: what timeline.csv / timeline.md / gantt.html show.
TIMELINE_SCHEMA: dict[str, pl.DataType] = {
    "start": UTC_US,
    "end": UTC_US,  # == start for a point event
    "kind": pl.String(),  # restart, restart_storm, interruption, gap, error_burst, deploy, ...
    "service": pl.String(),  # null for cross-service rows
    "count": pl.Int64(),
    "summary": pl.String(),  # one plain sentence, ready for a report
    "evidence": pl.String(),  # "file:line;file:line;... +N more"
    "severity": pl.String(),  # "high" (crash, storm, downtime), "medium", "low" (info-only rows)
    "incident": pl.Int64(),  # episode id grouping rows that happened together (null if alone)
}
TIMELINE_COLUMNS = list(TIMELINE_SCHEMA)

REJECT_SCHEMA: dict[str, pl.DataType] = {
    "file": pl.String(),
    "line": pl.Int64(),
    "reason": pl.String(),
    "text": pl.String(),
}

# How much of a rejected line is kept in rejects.csv: enough to recognise it, not a 2 GB line.
REJECT_TEXT_LIMIT = 500


class SchemaError(ValueError):
    """A frame handed between stages lacks a required column (a bug in the producing stage)."""


def _conform(
    frame: pl.DataFrame, schema: dict[str, pl.DataType], required: tuple[str, ...], what: str
) -> pl.DataFrame:
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise SchemaError(f"{what} frame lacks required column(s) {missing}; has {frame.columns}")
    exprs = []
    present = frame.schema  # built once: a folder of small files pays every call per file
    for name, dtype in schema.items():
        if name in present:
            col = pl.col(name)
            exprs.append(col if present[name] == dtype else col.cast(dtype, strict=False))
        else:
            exprs.append(pl.lit(None, dtype=dtype).alias(name))
    return frame.select(exprs)


def conform_partial(frame: pl.DataFrame) -> pl.DataFrame:
    """Bring a parser's output to PARTIAL_SCHEMA: add absent optional columns, cast, order."""
    return _conform(frame, PARTIAL_SCHEMA, REQUIRED_PARTIAL_COLUMNS, "parser")


def conform_events(frame: pl.DataFrame) -> pl.DataFrame:
    """Bring an events frame to EVENT_SCHEMA (extra columns are dropped)."""
    return _conform(frame, EVENT_SCHEMA, REQUIRED_EVENT_COLUMNS, "events")


def conform_detection_events(frame: pl.DataFrame) -> pl.DataFrame:
    """The :data:`DETECTION_COLUMNS` of an events frame, typed as in EVENT_SCHEMA (absent ones null)."""
    schema = {name: EVENT_SCHEMA[name] for name in DETECTION_COLUMNS}
    required = tuple(c for c in REQUIRED_EVENT_COLUMNS if c in schema)
    return _conform(frame, schema, required, "events")


def conform_timeline(frame: pl.DataFrame) -> pl.DataFrame:
    """Bring timeline rows to TIMELINE_SCHEMA and sort them by start (then kind, service)."""
    out = _conform(frame, TIMELINE_SCHEMA, ("start", "end", "kind", "summary", "evidence"), "timeline")
    return out.sort(["start", "kind", "service"], nulls_last=True, maintain_order=True)


def empty_events() -> pl.DataFrame:
    return pl.DataFrame(schema=EVENT_SCHEMA)


def empty_timeline() -> pl.DataFrame:
    return pl.DataFrame(schema=TIMELINE_SCHEMA)


def empty_rejects() -> pl.DataFrame:
    return pl.DataFrame(schema=REJECT_SCHEMA)
