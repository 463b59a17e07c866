"""Build small canonical events frames for detector and classifier tests, without any parser.

>>> frame = events_frame([ev("2024-03-01T12:00:00Z", "Starting App using Java 17 with PID 1", kind="start")])
>>> frame.select("service", "kind", "file", "line").row(0)
('svc', 'start', 'app.log', 1)
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import polars as pl

from timeliner.schema import conform_events

T0 = datetime(2024, 3, 1, 12, 0, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    """An instant ``seconds`` after :data:`T0` (aware, UTC)."""
    return T0 + timedelta(seconds=seconds)


def ev(
    ts: str | datetime | float,
    message: str = "",
    *,
    kind: str | None = None,
    service: str = "svc",
    level: str | None = "info",
    pid: str | None = None,
    file: str = "app.log",
    line: int | None = None,
    source: str = "log4j",
) -> dict[str, Any]:
    """One event as a dict; ``ts`` is ISO text with an offset, an aware datetime, or seconds after T0."""
    if isinstance(ts, str):
        instant = datetime.fromisoformat(ts.replace("Z", "+00:00")).astimezone(UTC)
    elif isinstance(ts, datetime):
        instant = ts.astimezone(UTC)
    else:
        instant = at(ts)
    return {
        "ts": instant,
        "ts_raw": instant.isoformat(),
        "source": source,
        "service": service,
        "level": level,
        "message": message,
        "kind": kind,
        "file": file,
        "line": line,
        "pid": pid,
    }


def events_frame(events: list[dict[str, Any]], *, number_lines: bool = True) -> pl.DataFrame:
    """A canonical events frame (EVENT_SCHEMA) sorted by ts; missing lines are numbered per file in order."""
    rows = [dict(e) for e in events]
    if number_lines:
        counters: dict[str, int] = {}
        for row in rows:
            counters[row["file"]] = counters.get(row["file"], 0) + 1
            if row["line"] is None:
                row["line"] = counters[row["file"]]
    schema = {"ts": pl.Datetime("us", "UTC"), "line": pl.Int64, "pid": pl.String, "kind": pl.String}
    frame = pl.DataFrame(rows, schema_overrides=schema, infer_schema_length=None)
    return conform_events(frame).sort("ts", maintain_order=True)
