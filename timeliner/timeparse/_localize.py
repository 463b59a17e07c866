"""Wall-clock times + a zone → UTC instants, deciding the two DST traps explicitly.

* A local time in the fall-back hour happens twice. A log runs forward, so the file's own
  order tells the passes apart: the first pass is the earlier offset, and once the clock has
  visibly gone back (an earlier time after a later one that day), the rest of that hour is the
  repeat — pandas' ``ambiguous="infer"``, which polars lacks.
* A local time in the spring-forward gap never happened. It is read with the offset in force
  just before the gap (as Python's ``fold=0`` does), counted, and reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import polars as pl

from timeliner.errors import TimezoneError
from timeliner.schema import UTC_US

# A step back in wall-clock time inside the fall-back hour bigger than this is the clock going
# back, not two lines written slightly out of order (Apache error logs: 1-2 s inversions).
DST_REPEAT_MIN_STEP = timedelta(minutes=10)
_UTC_NAMES = ("UTC", "Z", "Etc/UTC", "GMT", "Etc/GMT", "UCT", "Zulu", "Universal")


def validate_zone(name: str) -> str:
    """Return ``name`` if it is an IANA zone (``UTC`` and ``Z`` give ``UTC``); else :class:`TimezoneError`."""
    if name in _UTC_NAMES:
        return "UTC"
    if not _is_iana_zone(name):
        tail = name.lower().split("/")[-1]
        close = sorted(z for z in available_timezones() if tail and z.lower().endswith(tail))
        hint = (
            f" (did you mean {', '.join(close[:3])}?)"
            if close
            else " (e.g. Europe/Amsterdam, America/New_York)"
        )
        raise TimezoneError(f"unknown time zone {name!r}; use an IANA zone name{hint}")
    return name


@lru_cache(maxsize=256)
def _is_iana_zone(name: str) -> bool:
    # available_timezones() walks the zoneinfo tree (~50 ms): ask once per name.
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return name in available_timezones()


@dataclass(frozen=True)
class LocalizeReport:
    """What localizing one file's wall-clock times had to decide."""

    zone: str
    localized: int  # events whose instant came from this zone
    ambiguous_earlier: int  # fall-back hour, first pass (earlier offset)
    ambiguous_later: int  # fall-back hour, repeat (later offset), told from the file's order
    nonexistent: int  # spring-forward gap: read with the offset in force before the gap
    first_nonexistent_line: int | None = None
    first_ambiguous_line: int | None = None


def local_to_utc(local: pl.Expr, zone: str) -> pl.Expr:
    """Naive wall clock in ``zone`` → UTC, one value at a time (no file order to infer from).

    A fall-back time is read as the first pass; a spring-forward time with the offset before
    the gap. Use :func:`localize` for a whole file, which tells the passes apart.
    """
    zone = validate_zone(zone)
    return pl.coalesce(_in_zone(local, zone, "earliest"), _read_before_gap(local, zone))


def localize(
    frame: pl.DataFrame, zone: str, *, local: str = "ts_local", order: str = "line"
) -> tuple[pl.Series, LocalizeReport]:
    """Turn the naive column ``local`` of ``frame`` into UTC instants in ``zone``.

    Rows are taken in ``order`` (the file's own order) to tell the two passes of the
    fall-back hour apart; the result is in the frame's row order, named ``local``.
    """
    zone = validate_zone(zone)
    if zone == "UTC":
        utc = frame[local].dt.replace_time_zone("UTC").cast(UTC_US)
        return utc, LocalizeReport(zone, int(utc.is_not_null().sum()), 0, 0, 0)
    df = frame.select(pl.col(order).alias("_order"), pl.col(local).alias("_local")).with_row_index("_row")
    df = df.sort("_order", maintain_order=True).with_columns(
        _early=_in_zone(pl.col("_local"), zone, "earliest"),
        _late=_in_zone(pl.col("_local"), zone, "latest"),
    )
    df = df.with_columns(
        _amb=(pl.col("_early") != pl.col("_late")).fill_null(False),
        _gap=pl.col("_early").is_null() & pl.col("_local").is_not_null(),
        _day=pl.col("_local").dt.date(),
    ).with_columns(_repeat=_clock_went_back())
    df = df.with_columns(
        _utc=pl.when(pl.col("_amb") & pl.col("_repeat"))
        .then(pl.col("_late"))
        .when(pl.col("_gap"))
        .then(_read_before_gap(pl.col("_local"), zone))
        .otherwise(pl.col("_early"))
    )
    return df.sort("_row")["_utc"].alias(local), _report(df, zone)


def _clock_went_back() -> pl.Expr:
    """True from the row where the fall-back hour visibly repeats, for the rest of that day."""
    local, amb = pl.col("_local"), pl.col("_amb")
    seen_max = local.cum_max().shift(1).over("_day")
    # A row already seen *after* the repeated hour (unambiguous, later) means the hour has repeated.
    seen_after_hour = pl.when(~amb).then(local).cum_max().forward_fill().shift(1).over("_day")
    went_back = amb & ((seen_max - local > DST_REPEAT_MIN_STEP) | (seen_after_hour > local)).fill_null(False)
    return went_back.cum_max().over("_day")


def _report(df: pl.DataFrame, zone: str) -> LocalizeReport:
    amb, repeat, gap = df["_amb"], df["_repeat"], df["_gap"]
    gap_lines = df.filter(gap)["_order"]
    amb_lines = df.filter(amb)["_order"]
    return LocalizeReport(
        zone=zone,
        localized=int(df["_local"].is_not_null().sum()),
        ambiguous_earlier=int((amb & ~repeat).sum()),
        ambiguous_later=int((amb & repeat).sum()),
        nonexistent=int(gap.sum()),
        first_nonexistent_line=int(gap_lines.min()) if gap_lines.len() else None,  # type: ignore[arg-type]
        first_ambiguous_line=int(amb_lines.min()) if amb_lines.len() else None,  # type: ignore[arg-type]
    )


def _in_zone(local: pl.Expr, zone: str, ambiguous: Literal["earliest", "latest"]) -> pl.Expr:
    aware = local.dt.replace_time_zone(zone, ambiguous=ambiguous, non_existent="null")
    return aware.dt.convert_time_zone("UTC").cast(UTC_US)


def _read_before_gap(local: pl.Expr, zone: str) -> pl.Expr:
    """Read with the UTC offset in force three hours earlier, i.e. just before a spring-forward gap.

    (Gaps are at most an hour, bar a few historic zone changes, where this still gives the old
    offset.) Localizing ``local - 3 h`` and adding the 3 h back equals ``local - offset_before``
    without extracting offsets, which is markedly cheaper over a whole column.
    """
    probe = local - timedelta(hours=3)
    return _in_zone(probe, zone, "earliest") + timedelta(hours=3)
