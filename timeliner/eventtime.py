"""One file's rows → one UTC instant each, and a record of every assumption made (TimeReport).

The order of evidence, strongest first:

1. the text fixes the instant (offset, ``Z``, epoch, UTC by format): the parser's ``ts_utc``;
2. a zone abbreviation in the text (``CEST``, ``EST``): its fixed offset (:mod:`timeliner.zones`);
3. the zone configured for the file: ``--source-tz GLOB=ZONE``, else ``--tz``, else UTC
   (assumed, and reported as such), with the DST traps decided by :func:`timeparse.localize`.

A row with two clocks (an epoch and a local stamp) takes the epoch, and the offset between the
two is reported: it is the file's real zone offset. Yearless rows get their years first
(``--year``, else inferred), then a hand-set ``--skew`` shifts the file's clock.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from typing import Any

import polars as pl

from timeliner import skew, timeparse, zones
from timeliner.schema import PLACEHOLDER_YEAR
from timeliner.settings import Settings
from timeliner.timeparse._years import (
    MTIME_SLACK,
    impossible_feb29,
    latest_year_not_after,
    with_year,
    year_steps,
)
from timeliner.timereport import TimeReport

# Every column of a parser's rows that resolve_times reads: a caller that holds a big file's rows
# elsewhere (loading.load_file_in_pieces) resolves these alone and joins the result back.
TIME_COLUMNS = ("line", "ts_local", "ts_utc", "ts_basis", "tz_abbrev")


def resolve_times(
    partial: pl.DataFrame,
    *,
    path: str,
    settings: Settings,
    yearless: bool = False,
    mtime: float | None = None,
) -> tuple[pl.DataFrame, TimeReport]:
    """``partial`` (a parser's frame) with ``ts`` and ``ts_basis`` set, in file order, and its report."""
    report = TimeReport(path=path)
    # Parsers give rows in line order nearly always; sorting anyway would copy every column.
    frame = partial if partial["line"].is_sorted() else partial.sort("line", maintain_order=True)
    if yearless:
        frame = _assign_years(frame, settings, path, _mtime(path, mtime), report)
    table = zones.abbreviation_table(settings.abbrevs)
    frame = _which_evidence(frame, table)
    localized, zone = _localize(frame, path, settings, report)
    frame = _instants(frame, localized, zone)
    _report_abbreviations(frame, table, report)
    _report_second_clock(frame, report)
    frame = _apply_manual_skew(frame, path, settings, report)
    report.events_with_offset = int(frame["ts_utc"].is_not_null().sum())
    report.basis = dict(sorted(_count(frame, "ts_basis").items()))
    return frame.drop("_abbr_s", "_by_abbr", "_by_zone"), report


def _which_evidence(frame: pl.DataFrame, table: dict[str, zones.Abbreviation]) -> pl.DataFrame:
    """Mark each row: an instant in the text, else an abbreviation's offset, else the file's zone."""
    frame = frame.with_columns(_abbr_s=zones.offset_seconds(pl.col("tz_abbrev"), table))
    wall = pl.col("ts_utc").is_null() & pl.col("ts_local").is_not_null()
    return frame.with_columns(
        _by_abbr=wall & pl.col("_abbr_s").is_not_null(), _by_zone=wall & pl.col("_abbr_s").is_null()
    )


def _instants(frame: pl.DataFrame, localized: pl.Series, zone: str | None) -> pl.DataFrame:
    """``ts`` from the strongest evidence of each row, and ``ts_basis`` saying which it was."""
    abbrev = pl.col("tz_abbrev").str.strip_chars().str.to_uppercase()
    by_abbr = (pl.col("ts_local") - pl.duration(seconds=pl.col("_abbr_s"))).dt.replace_time_zone("UTC")
    fixed = pl.col("ts_utc").is_not_null()
    return frame.with_columns(
        ts=pl.coalesce(pl.col("ts_utc"), pl.when("_by_abbr").then(by_abbr), localized),
        ts_basis=pl.when(fixed)
        .then(pl.col("ts_basis").fill_null("offset"))
        .when("_by_abbr")
        .then(pl.concat_str(pl.lit("abbrev:"), abbrev))
        .when("_by_zone")
        .then(pl.lit(f"zone:{zone}")),
    )


def _localize(
    frame: pl.DataFrame, path: str, settings: Settings, report: TimeReport
) -> tuple[pl.Series, str | None]:
    needs_zone = int(frame["_by_zone"].sum())
    if not needs_zone:
        report.zone_reason = (
            "not needed: every timestamp carries its offset, a zone abbreviation, or is an epoch"
        )
        return pl.Series("ts_local", [None] * frame.height, dtype=pl.Datetime("us", "UTC")), None
    zone, why = settings.zone_for(path)
    only_zone = frame.with_columns(ts_local=pl.when("_by_zone").then(pl.col("ts_local")))
    localized, loc = timeparse.localize(only_zone, zone)
    report.events_localized = needs_zone
    report.zone, report.zone_reason = zone, why
    report.zone_assumed = not settings.tz and not why.startswith("--source-tz")
    report.dst_repeat_first_pass, report.dst_repeat_second_pass = loc.ambiguous_earlier, loc.ambiguous_later
    report.first_ambiguous_line = loc.first_ambiguous_line
    report.dst_nonexistent, report.first_nonexistent_line = loc.nonexistent, loc.first_nonexistent_line
    return localized, zone


def _report_abbreviations(
    frame: pl.DataFrame, table: dict[str, zones.Abbreviation], report: TimeReport
) -> None:
    if frame["tz_abbrev"].null_count() == frame.height:
        return  # no abbreviation in the file (nearly always): nothing to count, in no time
    used = frame.filter("_by_abbr")
    report.events_by_abbreviation = used.height
    for name, count in sorted(
        _count(
            used.with_columns(pl.col("tz_abbrev").str.strip_chars().str.to_uppercase()), "tz_abbrev"
        ).items()
    ):
        known = table.get(name)
        entry: dict[str, Any] = {"abbreviation": name, "events": count}
        if known is None:
            entry.update(offset=name, meaning="numeric offset in the text")
        else:
            entry.update(offset=known.offset_text, meaning=known.meaning)
            if known.ambiguous:
                entry.update(ambiguous=True, other_meanings=known.others)
        report.abbreviations.append(entry)
    unknown = frame.filter(
        pl.col("tz_abbrev").is_not_null() & pl.col("_abbr_s").is_null() & pl.col("ts_utc").is_null()
    )
    report.unknown_abbreviations = _count(unknown, "tz_abbrev")


def _report_second_clock(frame: pl.DataFrame, report: TimeReport) -> None:
    """Rows with an instant *and* a local stamp: the difference is the local clock's real offset."""
    both = frame.filter(pl.col("ts_utc").is_not_null() & pl.col("ts_local").is_not_null())
    if both.is_empty():
        return
    diff = both.select((pl.col("ts_local") - pl.col("ts_utc").dt.replace_time_zone(None)).alias("d"))["d"]
    median, low, high = diff.median(), diff.min(), diff.max()
    report.second_clock = {
        "events": both.height,
        "local_minus_utc": zones.format_offset(median),  # type: ignore[arg-type]
        "range_s": [low.total_seconds(), high.total_seconds()],  # type: ignore[union-attr]
        "used": "the instant (epoch, offset or export envelope); the other stamp is only reported",
    }


def _apply_manual_skew(
    frame: pl.DataFrame, path: str, settings: Settings, report: TimeReport
) -> pl.DataFrame:
    found = skew.manual_skew(path, settings.skew)
    if found is None:
        return frame
    delta, why = found
    report.skew, report.skew_reason, report.skew_delta = skew.signed(delta), why, delta
    return frame.with_columns(pl.col("ts") + delta)


def _count(frame: pl.DataFrame, column: str) -> dict[str, int]:
    counts = frame.filter(pl.col(column).is_not_null()).group_by(column).len()
    return {str(k): int(n) for k, n in counts.iter_rows()}


def _mtime(path: str, given: float | None) -> float | None:
    if given is not None:
        return given
    try:
        return os.stat(path).st_mtime
    except OSError:
        return None


# ---- yearless files -------------------------------------------------------------------------


def _assign_years(
    frame: pl.DataFrame, settings: Settings, path: str, mtime: float | None, report: TimeReport
) -> pl.DataFrame:
    local = pl.col("ts_local")
    frame = frame.with_columns(_steps=year_steps(local), _yearless=local.dt.year() == PLACEHOLDER_YEAR)
    year, reason = _first_year(frame, settings, path, mtime)
    years = pl.col("_steps") + year
    frame = frame.with_columns(
        ts_local=pl.when("_yearless").then(with_year(local, years)).otherwise(local),
        _feb29=pl.col("_yearless") & impossible_feb29(local, years),
    )
    report.year, report.year_reason, report.year_inferred = year, reason, not settings.year
    report.years = sorted(
        int(y) for y in frame.filter("_yearless")["ts_local"].dt.year().unique().drop_nulls()
    )
    report.feb29_moved = int(frame["_feb29"].sum())
    return frame.drop("_steps", "_yearless", "_feb29")


def _first_year(frame: pl.DataFrame, settings: Settings, path: str, mtime: float | None) -> tuple[int, str]:
    """The year of the first event: --year, else the instants in the same lines, else the file's date."""
    if settings.year:
        return settings.year, "--year"
    from_instants = _year_from_instants(frame)
    if from_instants is not None:
        return from_instants, "inferred from the UTC instants in the same lines (epoch or offset)"
    rows = frame.filter("_yearless").select("_steps", "ts_local").drop_nulls()
    if mtime is not None and rows.height:
        zone, _why = settings.zone_for(path)
        stamp = datetime.fromtimestamp(mtime, UTC)
        bound = (
            pl.select(pl.lit(stamp).dt.convert_time_zone(zone).dt.replace_time_zone(None)).item()
            + MTIME_SLACK
        )
        last = rows.sort(with_year(pl.col("ts_local"), pl.col("_steps") + PLACEHOLDER_YEAR)).row(
            -1, named=True
        )
        is_feb29 = (pl.col("ts_local").dt.month() == 2) & (pl.col("ts_local").dt.day() == 29)
        feb29 = frozenset(rows.filter(is_feb29)["_steps"].to_list())
        year = latest_year_not_after(last["ts_local"], last["_steps"], bound, feb29)
        return year, (
            f"inferred from the file's modification time ({stamp:%Y-%m-%d %H:%M}Z): the latest year in which "
            "its last event is not after it (pass --year if the file was copied or touched since)"
        )
    year = datetime.now(UTC).year
    return year, "no --year and no file date: assumed the current year (pass --year)"


def _year_from_instants(frame: pl.DataFrame) -> int | None:
    """Two clocks in one line (Thunderbird: epoch + ``Nov 9 12:01:01``): the epoch dates the stamp."""
    both = frame.filter(
        pl.col("_yearless") & pl.col("ts_utc").is_not_null() & pl.col("ts_local").is_not_null()
    )
    if both.is_empty():
        return None
    first = both.row(0, named=True)
    guess = first["ts_utc"].year - first["_steps"]
    utc = first["ts_utc"].replace(tzinfo=None)

    def distance(year: int) -> timedelta:
        local = pl.select(with_year(pl.lit(first["ts_local"]), pl.lit(year + first["_steps"]))).item()
        return abs(local - utc)

    return min((guess - 1, guess, guess + 1), key=distance)


__all__ = ["TIME_COLUMNS", "TimeReport", "resolve_times"]
