"""Aligning sources with each other, once every file of a run is normalized.

Two decisions need all sources at once:

* **Years of yearless files.** A syslog file whose year was only guessed from its modification
  time (files get copied; the date may be the copy's) is moved by whole years to where the
  dated sources of the same run are, when that places it nearer to them. ``--year`` and
  years read from an epoch in the same lines are never moved.
* **Clock skew.** Estimates from shared anchors (:mod:`timeliner.skew`) are reported for every
  file; ``--skew auto`` applies the consistent ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

import polars as pl

from timeliner import skew, timeparse
from timeliner.eventtime import TimeReport
from timeliner.settings import Settings
from timeliner.timeparse._years import with_year

_YEAR = timedelta(days=365.2425)
_MAX_YEARS_MOVED = 50


def align_sources(events: pl.DataFrame, reports: list[TimeReport], settings: Settings) -> pl.DataFrame:
    """Place guessed-year files among dated ones, estimate skews, apply ``auto``; sort by ``ts``."""
    by_path = {r.path: r for r in reports if r.path}
    events = place_yearless_files(events, by_path)
    shifts = skew_shifts(events, by_path, settings)
    if shifts:
        events = events.with_columns(ts=shifted_ts(shifts))
    return events.sort(["ts", "file", "line"], maintain_order=True, nulls_last=True)


def skew_shifts(
    events: pl.DataFrame,
    by_path: dict[str, TimeReport],
    settings: Settings,
    sizes: pl.DataFrame | None = None,
) -> dict[str, timedelta]:
    """Estimate skews (recorded in each file's report) → the shift ``--skew auto`` gives each file.

    ``events`` may hold only the anchor rows (:func:`timeliner.skew.anchor_rows`) when ``sizes``
    gives every file's event count (the streaming build reads only those rows back from disk).
    """
    estimates = skew.estimate_skews(events, sizes)
    auto = {
        path: delta
        for path, delta in skew.choose_auto(estimates).items()
        if path in by_path and skew.wants_auto(path, settings.skew)
    }
    for path, delta in auto.items():
        by_path[path].skew, by_path[path].skew_delta = skew.signed(delta), delta
        by_path[path].skew_reason = "--skew auto: the consistent estimate(s) below"
    for estimate in estimates:
        estimate.applied = estimate.consistent and estimate.path in auto
        if estimate.path in by_path:
            by_path[estimate.path].skew_estimates.append(estimate.as_dict())
    return auto


def shifted_ts(shifts: dict[str, timedelta]) -> pl.Expr:
    """``ts`` with each file's ``auto`` skew (``{path: shift}``) added."""
    ts = pl.col("ts")
    for path, delta in shifts.items():
        ts = pl.when(pl.col("file") == path).then(pl.col("ts") + delta).otherwise(ts)
    return ts


def _guessed(report: TimeReport) -> bool:
    reason = report.year_reason or ""
    return report.year is not None and report.year_inferred and not reason.startswith("inferred from the UTC")


def place_yearless_files(events: pl.DataFrame, by_path: dict[str, TimeReport]) -> pl.DataFrame:
    """Move files whose year is a guess by whole years, towards the span of the dated files."""
    for path, move in year_moves(events.lazy(), by_path).items():
        rows = events.filter(pl.col("file") == path)
        events = pl.concat([events.filter(pl.col("file") != path), move_years(rows, move, by_path[path])])
    return events


@dataclass(frozen=True)
class YearMove:
    """Whole years a guessed-year file is moved by, and the span of the dated events that decided it."""

    years: int
    dated: tuple[datetime, datetime]


def year_moves(events: pl.LazyFrame, by_path: dict[str, TimeReport]) -> dict[str, YearMove]:
    """Which guessed-year files to move, and by how much (read from ``events`` as aggregates only)."""
    guessed = [r for r in by_path.values() if _guessed(r)]
    if not guessed:
        return {}
    # Spans are aggregated by the query engine: no copy of the events just to take a min and a max.
    span = _span(events, ~pl.col("file").is_in([r.path for r in guessed]))
    if span is None:
        return {}
    moves = {}
    for report in guessed:
        file_span = _span(events, pl.col("file") == report.path)
        years = 0 if file_span is None else _best_move(file_span, span)
        if years:
            moves[report.path] = YearMove(years, span)
    return moves


def move_years(rows: pl.DataFrame, move: YearMove, report: TimeReport) -> pl.DataFrame:
    """Every event of one guessed-year file, moved; the report says why."""
    guess = report.year
    moved = _moved(rows, move.years, report)
    report.year_reason = (
        f"inferred from the other sources of this run (dated events {move.dated[0]:%Y-%m-%d}.."
        f"{move.dated[1]:%Y-%m-%d}); the file's date alone suggested {guess}"
    )
    return moved


def _span(events: pl.LazyFrame, rows: pl.Expr) -> tuple[datetime, datetime] | None:
    """First and last ``ts`` of the rows where ``rows`` holds (None when none has a time)."""
    low, high = (
        events.filter(rows & pl.col("ts").is_not_null())
        .select(pl.col("ts").min().alias("low"), pl.col("ts").max().alias("high"))
        .collect()
        .row(0)
    )
    return None if low is None else (cast(datetime, low), cast(datetime, high))


def _best_move(file_span: tuple[datetime, datetime], span: tuple[datetime, datetime]) -> int:
    """Whole years that bring ``file_span`` nearest to ``span`` (0 when it already overlaps)."""

    def distance(years: int) -> timedelta:
        shift = _YEAR * years
        return max(timedelta(0), file_span[0] + shift - span[1], span[0] - (file_span[1] + shift))

    return min(range(-_MAX_YEARS_MOVED, _MAX_YEARS_MOVED + 1), key=lambda n: (distance(n), abs(n)))


def _moved(rows: pl.DataFrame, years: int, report: TimeReport) -> pl.DataFrame:
    """The file's rows with their wall clocks moved ``years``, localized again in the file's zone."""
    zone = report.zone or "UTC"
    by_zone = pl.col("ts_basis").str.starts_with("zone:")
    skewed = report.skew_delta or timedelta(0)  # a hand-set skew was added after localizing: undo, redo
    written = pl.col("ts") - skewed
    wall = (
        pl.when(by_zone)
        .then(written.dt.convert_time_zone(zone).dt.replace_time_zone(None))
        .otherwise(written.dt.replace_time_zone(None))
    )
    rows = rows.with_columns(_wall=with_year(wall, wall.dt.year() + years))
    zoned, loc = timeparse.localize(rows.with_columns(ts_local=pl.when(by_zone).then("_wall")), zone)
    report.year = (report.year or 0) + years
    report.years = [y + years for y in report.years]
    report.dst_repeat_first_pass, report.dst_repeat_second_pass = loc.ambiguous_earlier, loc.ambiguous_later
    report.dst_nonexistent, report.first_nonexistent_line = loc.nonexistent, loc.first_nonexistent_line
    fixed = pl.col("_wall").dt.replace_time_zone("UTC")
    return rows.with_columns(ts=pl.when(by_zone).then(zoned).otherwise(fixed) + skewed).drop("_wall")
