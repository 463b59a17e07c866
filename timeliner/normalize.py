"""Partial frames (one per file, from a parser) → canonical events (schema.EVENT_SCHEMA).

Here each event gets its one UTC instant: the parser's ``ts_utc`` where the text fixed the
instant, else its wall-clock ``ts_local`` localized in the zone configured for the file.
Levels as written (``WARN``, ``30``, ``fatal``) become the five canonical levels. What had to
be assumed is returned as a :class:`TimeReport` for ``summary.json``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import polars as pl

from timeliner import timeparse
from timeliner.schema import EVENT_SCHEMA, PLACEHOLDER_YEAR, conform_events
from timeliner.settings import Settings

# Level words and numbers as written by log4j, Python, syslog, pino/bunyan, Sentry, Windows...
LEVEL_MAP = {
    **dict.fromkeys(["trace", "debug", "fine", "finer", "finest", "verbose", "10", "20", "d", "v"], "debug"),
    **dict.fromkeys(["info", "information", "informational", "notice", "config", "30", "i"], "info"),
    **dict.fromkeys(["warn", "warning", "40", "w"], "warning"),
    **dict.fromkeys(["error", "err", "severe", "50", "e"], "error"),
    **dict.fromkeys(["fatal", "critical", "crit", "alert", "emerg", "emergency", "panic", "60", "f"], "critical"),
}


@dataclass
class TimeReport:
    """How one file's events got their instants (goes into summary.json)."""

    events_with_offset: int = 0  # the text fixed the instant (offset, Z, epoch, UTC by format)
    events_localized: int = 0
    zone: str | None = None  # zone used for zone-less text, if any was needed
    zone_reason: str | None = None
    zone_assumed: bool = False  # True when nobody said which zone: UTC by default
    dst_repeat_first_pass: int = 0
    dst_repeat_second_pass: int = 0
    dst_nonexistent: int = 0
    first_nonexistent_line: int | None = None
    year: int | None = None  # for yearless formats: the year given or inferred
    year_reason: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v not in (None, 0, False)}


def map_levels(level_raw: pl.Expr) -> pl.Expr:
    """Level text as written → debug/info/warning/error/critical (null when unknown)."""
    key = level_raw.cast(pl.String).str.strip_chars().str.strip_chars("[]<>").str.to_lowercase()
    return key.replace_strict(LEVEL_MAP, default=None, return_dtype=pl.String)


def normalize_file(
    partial: pl.DataFrame, *, path: str, source: str, settings: Settings, yearless: bool = False
) -> tuple[pl.DataFrame, TimeReport]:
    """Give every row of one parsed file its UTC ``ts`` and canonical columns."""
    report = TimeReport()
    frame = partial
    if yearless:
        frame, report.year, report.year_reason = _assign_year(frame, settings)
    ts = frame["ts_utc"]
    basis = frame["ts_basis"].fill_null("offset")
    needs_zone = frame["ts_utc"].is_null() & frame["ts_local"].is_not_null()
    report.events_with_offset = int(frame["ts_utc"].is_not_null().sum())
    if needs_zone.any():
        zone, why = settings.zone_for(path)
        localized, loc = timeparse.localize(frame, zone)
        ts = pl.select(pl.coalesce(ts, localized)).to_series()
        basis = pl.select(pl.when(needs_zone).then(pl.lit(f"zone:{zone}")).otherwise(basis)).to_series()
        report.events_localized = int(needs_zone.sum())
        report.zone, report.zone_reason = zone, why
        report.zone_assumed = not settings.tz and not why.startswith("--source-tz")
        report.dst_repeat_first_pass = loc.ambiguous_earlier
        report.dst_repeat_second_pass = loc.ambiguous_later
        report.dst_nonexistent = loc.nonexistent
        report.first_nonexistent_line = loc.first_nonexistent_line
    events = frame.with_columns(
        ts=ts,
        ts_basis=basis,
        source=pl.lit(source),
        file=pl.lit(path),
        level=map_levels(pl.col("level_raw")),
        kind=pl.lit(None, dtype=pl.String),
        service=pl.col("service").fill_null(pl.lit(path)),
        message=pl.col("message").fill_null(""),
    )
    return conform_events(events.select([c for c in events.columns if c in EVENT_SCHEMA])), report


def _assign_year(frame: pl.DataFrame, settings: Settings) -> tuple[pl.DataFrame, int, str]:
    """Replace the placeholder year of a yearless file; roll over at New Year (file order).

    The year of the first event is ``--year``, else the current UTC year (a first version:
    the time module refines the inference from file dates and other sources).
    """
    import datetime as _dt

    year = settings.year or _dt.datetime.now(_dt.UTC).year
    reason = "--year" if settings.year else "not given: assumed the current year (pass --year)"
    local = pl.col("ts_local")
    # Each time the month goes down (Dec → Jan) in file order, a new year has begun.
    rollover = (local.dt.month() < local.dt.month().forward_fill().shift(1)).fill_null(False).cast(pl.Int32).cum_sum()
    shifted = local.dt.offset_by(pl.format("{}y", (rollover + (year - PLACEHOLDER_YEAR)).cast(pl.String)))
    return frame.sort("line").with_columns(ts_local=shifted), year, reason
