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
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import polars as pl

from timeliner import skew, timeparse, zones
from timeliner.fileindex import FILE_INDEX, by_file, file_runs, per_file_values
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
    frame, reports = resolve_file_times(partial, [path], settings, yearless=yearless, mtime=mtime)
    return frame, reports[0]


def resolve_file_times(
    partial: pl.DataFrame,
    paths: Sequence[str],
    settings: Settings,
    *,
    yearless: bool = False,
    mtime: float | None = None,
) -> tuple[pl.DataFrame, list[TimeReport]]:
    """:func:`resolve_times` for the rows of several files at once, with one report per file.

    Column ``FILE_INDEX`` says which of ``paths`` a row is from (without it every row is from
    ``paths[0]``) and ``line`` is the line in that file. Each file gets exactly what it gets alone:
    its own zone and skew, its DST repeats told apart in its own order. Yearless rows are dated from
    their own file's dates (``mtime``), so they come one file at a time.
    """
    if yearless and len(paths) != 1:
        raise ValueError("yearless rows are dated per file: resolve them one file at a time")
    single = FILE_INDEX not in partial.columns
    frame = partial.with_columns(pl.lit(0, dtype=pl.UInt32).alias(FILE_INDEX)) if single else partial
    if not _in_file_order(frame):  # parsers give rows in line order nearly always: sorting copies all
        frame = frame.sort(FILE_INDEX, "line", maintain_order=True)
    reports = [TimeReport(path=path) for path in paths]
    if yearless:
        frame = _assign_years(frame, settings, paths[0], _mtime(paths[0], mtime), reports[0])
    table = zones.abbreviation_table(settings.abbrevs)
    frame = _which_evidence(frame, table)
    localized, zone_of = _localize(frame, paths, settings, reports)
    frame = _instants(frame, localized, zone_of)
    _report_abbreviations(frame, table, reports)
    _report_second_clock(frame, reports)
    frame = _apply_manual_skew(frame, paths, settings, reports)
    _report_bases(frame, reports)
    frame = frame.drop("_abbr_s", "_by_abbr", "_by_zone")
    return (frame.drop(FILE_INDEX) if single else frame), reports


def _in_file_order(frame: pl.DataFrame) -> bool:
    """Whether rows are ordered by file, then line (the order every decision below reads them in)."""
    if frame.get_column(FILE_INDEX).n_unique() == 1:
        return frame.get_column("line").is_sorted()
    file, line = pl.col(FILE_INDEX).diff(), pl.col("line").diff()
    return bool(frame.select(((file > 0) | ((file == 0) & (line >= 0))).fill_null(True).all()).item())


def _which_evidence(frame: pl.DataFrame, table: dict[str, zones.Abbreviation]) -> pl.DataFrame:
    """Mark each row: an instant in the text, else an abbreviation's offset, else the file's zone."""
    frame = frame.with_columns(_abbr_s=zones.offset_seconds(pl.col("tz_abbrev"), table))
    wall = pl.col("ts_utc").is_null() & pl.col("ts_local").is_not_null()
    return frame.with_columns(
        _by_abbr=wall & pl.col("_abbr_s").is_not_null(), _by_zone=wall & pl.col("_abbr_s").is_null()
    )


def _instants(frame: pl.DataFrame, localized: pl.Series, zone_of: list[str | None]) -> pl.DataFrame:
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
        .then(by_file([zone and f"zone:{zone}" for zone in zone_of], pl.String())),
    )


def _localize(
    frame: pl.DataFrame, paths: Sequence[str], settings: Settings, reports: list[TimeReport]
) -> tuple[pl.Series, list[str | None]]:
    """The instants of rows read in their file's zone (null elsewhere), and each file's zone (if used)."""
    needs = per_file_values(frame, pl.col("_by_zone").sum())
    by_zone: dict[str, list[int]] = {}
    for index, report in enumerate(reports):
        if not needs.get(index):
            report.zone_reason = (
                "not needed: every timestamp carries its offset, a zone abbreviation, or is an epoch"
            )
            continue
        zone, why = settings.zone_for(paths[index])
        report.events_localized = int(needs[index])
        report.zone, report.zone_reason = zone, why
        report.zone_assumed = not settings.tz and not why.startswith("--source-tz")
        by_zone.setdefault(zone, []).append(index)
    zone_of = [report.zone for report in reports]
    parts = [_localize_zone(frame, zone, files, reports) for zone, files in by_zone.items()]
    if not parts:
        return pl.Series("ts_local", [None] * frame.height, dtype=pl.Datetime("us", "UTC")), zone_of
    if len(parts) == 1:
        return parts[0], zone_of
    return pl.select(pl.coalesce(parts).alias("ts_local")).to_series(), zone_of


def _localize_zone(frame: pl.DataFrame, zone: str, files: list[int], reports: list[TimeReport]) -> pl.Series:
    """Rows of ``files`` that need a zone, read in ``zone`` (null on every other row).

    Several files are read in one go while no row falls in a DST repeat or gap: then every row has
    one reading, whatever the rows around it. Otherwise each file is read on its own, in its own
    order, as the repeat is told apart by what came before it in that file.
    """
    wanted = pl.col("_by_zone") & pl.col(FILE_INDEX).is_in(files)
    only_zone = frame.with_columns(ts_local=pl.when(wanted).then(pl.col("ts_local")))
    if len(files) == 1:
        localized, loc = timeparse.localize(only_zone, zone)
        _report_dst(reports[files[0]], loc)
        return localized
    localized, loc = timeparse.localize(only_zone.with_row_index("_order"), zone, order="_order")
    if not (loc.ambiguous_earlier or loc.ambiguous_later or loc.nonexistent):
        return localized
    pieces, offset = [], 0
    for index, rows in file_runs(frame):  # rows are in file order: each file is one run
        piece = only_zone.slice(offset, rows)
        offset += rows
        if index in files:
            alone, loc = timeparse.localize(piece, zone)
            _report_dst(reports[index], loc)
            pieces.append(alone)
        else:
            pieces.append(pl.Series("ts_local", [None] * rows, dtype=localized.dtype))
    return pl.concat(pieces)


def _report_dst(report: TimeReport, loc: timeparse.LocalizeReport) -> None:
    report.dst_repeat_first_pass, report.dst_repeat_second_pass = loc.ambiguous_earlier, loc.ambiguous_later
    report.first_ambiguous_line = loc.first_ambiguous_line
    report.dst_nonexistent, report.first_nonexistent_line = loc.nonexistent, loc.first_nonexistent_line


def _report_abbreviations(
    frame: pl.DataFrame, table: dict[str, zones.Abbreviation], reports: list[TimeReport]
) -> None:
    if frame["tz_abbrev"].null_count() == frame.height:
        return  # no abbreviation in the file (nearly always): nothing to count, in no time
    abbrev = pl.col("tz_abbrev").str.strip_chars().str.to_uppercase()
    used = _per_file_counts(frame.filter("_by_abbr").with_columns(tz_abbrev=abbrev), "tz_abbrev")
    unknown = _per_file_counts(
        frame.filter(
            pl.col("tz_abbrev").is_not_null() & pl.col("_abbr_s").is_null() & pl.col("ts_utc").is_null()
        ),
        "tz_abbrev",
    )
    for index, report in enumerate(reports):
        counts = used.get(index, {})
        report.events_by_abbreviation = sum(counts.values())
        for name, count in sorted(counts.items()):
            known = table.get(name)
            entry: dict[str, Any] = {"abbreviation": name, "events": count}
            if known is None:
                entry.update(offset=name, meaning="numeric offset in the text")
            else:
                entry.update(offset=known.offset_text, meaning=known.meaning)
                if known.ambiguous:
                    entry.update(ambiguous=True, other_meanings=known.others)
            report.abbreviations.append(entry)
        report.unknown_abbreviations = unknown.get(index, {})


def _per_file_counts(frame: pl.DataFrame, column: str) -> dict[int, dict[str, int]]:
    """Rows per file and value of ``column`` (nulls not counted): {file index: {value: rows}}."""
    counts: dict[int, dict[str, int]] = {}
    rows = (
        frame.filter(pl.col(column).is_not_null()).group_by(FILE_INDEX, column).len().sort(FILE_INDEX, column)
    )
    for index, value, count in rows.iter_rows():
        counts.setdefault(index, {})[str(value)] = int(count)
    return counts


def _report_second_clock(frame: pl.DataFrame, reports: list[TimeReport]) -> None:
    """Rows with an instant *and* a local stamp: the difference is the local clock's real offset."""
    both = frame.filter(pl.col("ts_utc").is_not_null() & pl.col("ts_local").is_not_null())
    if both.is_empty():
        return
    diff = pl.col("ts_local") - pl.col("ts_utc").dt.replace_time_zone(None)
    stats = both.group_by(FILE_INDEX).agg(
        events=pl.len(), median=diff.median(), low=diff.min(), high=diff.max()
    )
    for row in stats.iter_rows(named=True):
        reports[row[FILE_INDEX]].second_clock = {
            "events": row["events"],
            "local_minus_utc": zones.format_offset(row["median"]),
            "range_s": [row["low"].total_seconds(), row["high"].total_seconds()],
            "used": "the instant (epoch, offset or export envelope); the other stamp is only reported",
        }


def _apply_manual_skew(
    frame: pl.DataFrame, paths: Sequence[str], settings: Settings, reports: list[TimeReport]
) -> pl.DataFrame:
    shifts: dict[int, timedelta] = {}
    for index, (path, report) in enumerate(zip(paths, reports, strict=True)):
        found = skew.manual_skew(path, settings.skew)
        if found is not None:
            delta, why = found
            report.skew, report.skew_reason, report.skew_delta = skew.signed(delta), why, delta
            shifts[index] = delta
    if not shifts:
        return frame
    shift = [shifts.get(index, timedelta(0)) for index in range(len(paths))]
    return frame.with_columns(pl.col("ts") + by_file(shift, pl.Duration("us")))


def _report_bases(frame: pl.DataFrame, reports: list[TimeReport]) -> None:
    """Per file: events whose text fixed the instant, and events per ``ts_basis``."""
    rows = frame.group_by(FILE_INDEX, "ts_basis").agg(
        pl.len(), pl.col("ts_utc").is_not_null().sum().alias("fixed")
    )
    for index, basis, count, fixed in rows.sort(FILE_INDEX, "ts_basis").iter_rows():
        report = reports[index]
        report.events_with_offset += int(fixed)
        if basis is not None:
            report.basis[str(basis)] = int(count)


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


__all__ = ["TIME_COLUMNS", "TimeReport", "resolve_file_times", "resolve_times"]
