"""Timestamp pieces shared by the text-log parsers, as polars expressions over whole columns.

Many log layouts write a date in parts (``Jun  7 12:16:20``, ``081109 203615``,
``20171224-1:1:0:935``). A parser extracts the parts with a regex and hands them here; the
parts are joined into one ISO-like string and parsed with an explicit format, so an
impossible date (``Feb 30``, month 13) becomes null (→ a reject with a reason), never an error
that stops the file. Yearless layouts pass :data:`schema.PLACEHOLDER_YEAR`.
"""

from __future__ import annotations

import polars as pl

from timeliner import timeparse
from timeliner.schema import PLACEHOLDER_YEAR

MONTHS = {
    name: number
    for number, name in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), start=1
    )
}
# Regex alternation of English month abbreviations, as syslog, Apache and RFC 1123 write them.
MONTH_NAMES = "|".join(MONTHS)
_WALL_FORMAT = "%Y-%m-%d %H:%M:%S%.f"


def month_number(name: pl.Expr) -> pl.Expr:
    """``Jun`` / ``JUN`` / ``June`` → 6 (null when not an English month name)."""
    key = name.str.slice(0, 3).str.to_titlecase()
    return key.replace_strict(MONTHS, default=None, return_dtype=pl.Int32)


def wall_clock(
    *,
    year: pl.Expr | int,
    month: pl.Expr,
    day: pl.Expr,
    time: pl.Expr,
    fraction: pl.Expr | None = None,
) -> pl.Expr:
    """Naive wall-clock datetime (µs) from parts; null where the parts are not a real date/time.

    ``time`` is ``H:M:S`` text (padding optional); ``fraction`` the digits after the decimal
    point (``"134"`` = 134 ms; beyond µs truncated).
    """
    year_expr = pl.lit(year) if isinstance(year, int) else year
    parts = [year_expr.cast(pl.String), pl.lit("-"), month.cast(pl.String), pl.lit("-"), day.cast(pl.String)]
    parts += [pl.lit(" "), time]
    if fraction is not None:
        parts += [pl.lit("."), fraction.fill_null("0").str.slice(0, 9)]
    return pl.concat_str(parts).str.to_datetime(_WALL_FORMAT, strict=False, time_unit="us")


def yearless_clock(
    *, month: pl.Expr, day: pl.Expr, time: pl.Expr, fraction: pl.Expr | None = None
) -> pl.Expr:
    """Like :func:`wall_clock` with the placeholder year that normalize replaces (leap, so Feb 29 fits)."""
    return wall_clock(year=PLACEHOLDER_YEAR, month=month, day=day, time=time, fraction=fraction)


def two_digit_year(yy: pl.Expr) -> pl.Expr:
    """``08`` → 2008, ``97`` → 1997 (POSIX ``%y`` pivot: 69–99 are 19xx)."""
    value = yy.cast(pl.Int32, strict=False)
    return pl.when(value >= 69).then(value + 1900).otherwise(value + 2000)


def iso_instant_or_local(ts: pl.Expr) -> dict[str, pl.Expr]:
    """Columns for ISO-like text that may or may not carry an offset (``Z``, ``+02:00``).

    With an offset the instant is fixed (``ts_utc``, basis ``offset``); without, the text is a
    wall-clock time (``ts_local``) that normalize localizes with the file's zone.
    """
    offset = timeparse.has_offset(ts)
    return {
        "ts_utc": pl.when(offset).then(timeparse.iso_to_utc(ts)),
        "ts_local": pl.when(~offset).then(timeparse.iso_to_local(ts)),
        "ts_basis": pl.when(offset).then(pl.lit("offset")),
    }
