"""Epoch numbers (s, ms, µs, ns; numbers or numeric strings) → UTC instants."""

from __future__ import annotations

from functools import partial

import polars as pl

from timeliner.schema import UTC_US

EPOCH_UNITS = ("s", "ms", "us", "ns")
# A timestamp of this era written in s, ms, µs or ns has 10, 13, 16 or 19 digits. Each unit
# covers 1973-03-03T09:46:40Z .. 5138-11-16T09:46:39Z; below 1e11 is seconds whatever it is.
EPOCH_UNIT_BOUNDS = (10**11, 10**14, 10**17)


def epoch_unit(value: pl.Expr) -> pl.Expr:
    """``"s"``, ``"ms"``, ``"us"`` or ``"ns"`` told from the magnitude of an epoch number.

    ``value`` is numeric (integer, float or decimal); integers are compared exactly, so the
    boundaries hold to the last digit (a float cannot tell 10**17 - 1 from 10**17).

    >>> pl.select(epoch_unit(pl.lit(1712568068991))).item()
    'ms'
    """
    magnitude = value.abs()
    s_below, ms_below, us_below = EPOCH_UNIT_BOUNDS
    return (
        pl.when(magnitude.is_null())
        .then(None)
        .when(magnitude < s_below)
        .then(pl.lit("s"))
        .when(magnitude < ms_below)
        .then(pl.lit("ms"))
        .when(magnitude < us_below)
        .then(pl.lit("us"))
        .otherwise(pl.lit("ns"))
    )


def epoch_to_utc(value: pl.Expr, unit: str | None = None) -> pl.Expr:
    """Epoch number → UTC instant (µs). ``unit`` None: told from the magnitude (:func:`epoch_unit`).

    Integers are converted exactly; numeric strings (``"1583353899094400"``,
    ``"1596820277.125992"``) exactly too, digits beyond µs truncated; floats
    (``1599504520.529``) are rounded to the nearest µs, the best a binary float allows.
    Text that is not a number gives null.

    >>> pl.select(epoch_to_utc(pl.lit("1131566461"))).item()
    datetime.datetime(2005, 11, 9, 20, 1, 1, tzinfo=zoneinfo.ZoneInfo(key='UTC'))
    """
    if unit is not None and unit not in EPOCH_UNITS:
        raise ValueError(f"epoch unit {unit!r}: expected one of {', '.join(EPOCH_UNITS)} or None")
    # The exact path depends on the column's type, known only once data arrives: one call per batch.
    return value.map_batches(partial(_epoch_series, unit=unit), return_dtype=UTC_US, is_elementwise=True)


def _epoch_series(values: pl.Series, *, unit: str | None) -> pl.Series:
    frame = values.to_frame("v")
    if values.dtype.is_integer():
        number = pl.col("v").cast(pl.Int64, strict=False)
    elif values.dtype.is_float():
        number = pl.col("v").cast(pl.Float64)
    else:
        # Decimal keeps every digit of "1596820277.125992"; a float would not.
        number = pl.col("v").cast(pl.String).str.strip_chars().cast(pl.Decimal(38, 9), strict=False)
    unit_of = pl.lit(unit) if unit else epoch_unit(number)
    is_float = values.dtype.is_float()
    micros = (
        pl.when(unit_of == "ns")
        .then(_truncate(number, 1, float_input=is_float) // 1000)
        .when(unit_of == "us")
        .then(_truncate(number, 1, float_input=is_float))
        .when(unit_of == "ms")
        .then(_truncate(number, 1000, float_input=is_float))
        .when(unit_of == "s")
        .then(_truncate(number, 1_000_000, float_input=is_float))
    )
    utc = pl.from_epoch(micros, time_unit="us").dt.replace_time_zone("UTC")
    return frame.select(utc).to_series()


def _truncate(number: pl.Expr, factor: int, *, float_input: bool) -> pl.Expr:
    scaled = number * factor
    return (scaled.round(0) if float_input else scaled).cast(pl.Int64, strict=False)
