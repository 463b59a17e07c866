"""Yearless wall-clock times (syslog, logcat, Proxifier) → real years.

A yearless parser writes :data:`~timeliner.schema.PLACEHOLDER_YEAR` (2000, a leap year, so
``Feb 29`` is representable). Here each row gets ``first year + steps``, where a step is a
New Year crossed in file order, and the date is rebuilt from its components (month, day, time
of day) — shifting by "N years" would move Feb 29 and breaks on non-leap years.
"""

from __future__ import annotations

import calendar
from datetime import datetime, timedelta

import polars as pl

# A jump of more than half a year between consecutive lines is a New Year crossed (Dec → Jan:
# forward a year; Jan → Dec: an out-of-order line from the year before). Smaller backward jumps
# are concatenated captures or unsorted lines within one year (Proxifier: Oct 30 → Jul 26).
_HALF_YEAR = timedelta(days=183)
# The modification time of a file is compared with its last event's wall clock in the file's
# zone; the zone may itself be a guess, so allow the widest spread of UTC offsets (−12 to +14 h).
MTIME_SLACK = timedelta(hours=26)


def year_steps(local: pl.Expr) -> pl.Expr:
    """Per row, in the frame's (file) order: years after the first event's year (0, 0, 1, ...).

    >>> from datetime import datetime as D
    >>> frame = pl.DataFrame({"t": [D(2000, 12, 31, 23), D(2000, 1, 1, 0, 1), D(2000, 12, 31, 23, 59)]})
    >>> frame.select(year_steps(pl.col("t"))).to_series().to_list()
    [0, 1, 0]
    """
    previous = local.forward_fill().shift(1)
    delta = local - previous
    step = pl.when(delta < -_HALF_YEAR).then(1).when(delta > _HALF_YEAR).then(-1).otherwise(0)
    return step.fill_null(0).cast(pl.Int32).cum_sum()


def is_leap(year: pl.Expr) -> pl.Expr:
    return (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))


def impossible_feb29(local: pl.Expr, year: pl.Expr) -> pl.Expr:
    """True where a placeholder ``Feb 29`` lands in a year that has none."""
    return (local.dt.month() == 2) & (local.dt.day() == 29) & ~is_leap(year)


def with_year(local: pl.Expr, year: pl.Expr) -> pl.Expr:
    """The same month, day and time of day in ``year``; a ``Feb 29`` in a non-leap year → ``Mar 1``.

    (Such a date means the year is wrong; normalize counts and reports it.)

    >>> from datetime import datetime as D
    >>> pl.select(with_year(pl.lit(D(2000, 2, 29, 10, 30)), pl.lit(2021))).item()
    datetime.datetime(2021, 3, 1, 10, 30)
    """
    year = year.cast(pl.Int32)
    feb29 = impossible_feb29(local, year)
    day = pl.when(feb29).then(28).otherwise(local.dt.day())
    midnight = pl.datetime(year, local.dt.month(), day, time_unit="us")
    time_of_day = local - local.dt.truncate("1d")
    return midnight + time_of_day + pl.when(feb29).then(timedelta(days=1)).otherwise(timedelta(0))


def latest_year_not_after(
    last_local: datetime, last_steps: int, bound: datetime, feb29_steps: frozenset[int] = frozenset()
) -> int:
    """The latest first-event year such that the last event is not after ``bound``.

    ``last_local`` is the last event's wall clock (placeholder year), ``last_steps`` its years after
    the first event; ``bound`` the file's modification time as wall clock (plus :data:`MTIME_SLACK`).
    A year making any ``Feb 29`` row (``feb29_steps``) fall in a non-leap year is skipped.
    """
    year = bound.year - last_steps
    for _ in range(12):
        if _fits(last_local, year + last_steps, bound) and all(
            calendar.isleap(year + k) for k in feb29_steps
        ):
            return year
        year -= 1
    return bound.year - last_steps


def _fits(local: datetime, year: int, bound: datetime) -> bool:
    if (local.month, local.day) == (2, 29) and not calendar.isleap(year):
        return local.replace(year=year, day=28) + timedelta(days=1) <= bound
    return local.replace(year=year) <= bound
