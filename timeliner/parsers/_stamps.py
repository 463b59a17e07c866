"""Timestamp pieces the text-log parsers share beyond what :mod:`timeliner.timeparse` reads whole.

Most layouts are read by a :mod:`timeliner.timeparse` reader (ISO, syslog, Apache, ctime, RFC
2822, two-digit years). A few write their date in parts that no single strftime format fits
(HealthApp's ``20171224-1:1:0:935``, logcat's optional year and zone): the parser extracts the
parts with a regex and :func:`wall_clock` joins and reads them, so that an impossible date
(``Feb 30``, month 13) becomes null (→ a reject with a reason), never an error that stops the file.
"""

from __future__ import annotations

import polars as pl

from timeliner import timeparse
from timeliner.schema import UTC_US

# Regex alternation of English month abbreviations, as syslog, Apache and RFC 1123 write them.
MONTH_NAMES = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
_WALL_FORMAT = "%Y-%m-%d %H:%M:%S%.f"


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
    point (``"134"`` = 134 ms; beyond µs truncated). Yearless layouts pass
    :data:`timeliner.schema.PLACEHOLDER_YEAR`.
    """
    year_expr = pl.lit(year) if isinstance(year, int) else year
    parts = [year_expr.cast(pl.String), pl.lit("-"), month.cast(pl.String), pl.lit("-"), day.cast(pl.String)]
    parts += [pl.lit(" "), time]
    if fraction is not None:
        parts += [pl.lit("."), fraction.fill_null("0").str.slice(0, 9)]
    return pl.concat_str(parts).str.to_datetime(_WALL_FORMAT, strict=False, time_unit="us")


def local_only_columns(raw: pl.Expr, local: pl.Expr) -> dict[str, pl.Expr]:
    """The partial-frame time columns of a stamp that is local wall-clock time: no instant until normalize."""
    return {"ts_raw": raw, "ts_utc": pl.lit(None, dtype=UTC_US), "ts_local": local}


def with_epoch_or_iso_columns(frame: pl.DataFrame, raw: str, epoch_text: str) -> pl.DataFrame:
    """``frame`` plus the partial-frame time columns of column ``raw``: an epoch number or ISO-like text.

    A value matching ``epoch_text`` (a regex for the numbers the format writes) is read by
    :func:`timeliner.timeparse.epoch_to_utc` (unit from magnitude); any other as
    :func:`timeliner.timeparse.iso_columns` reads it: ``ts_utc`` where the text has an offset,
    else ``ts_local``. Worked out in steps, each reader over its own rows only, and the ISO text
    read as an instant once: as one query it took twice as long (polars does not share a reading
    between the branches of a ``when``, nor reliably between columns).
    """
    value = pl.col(raw)
    frame = frame.with_columns(_epoch=value.str.contains(epoch_text))
    frame = frame.with_columns(_iso=pl.when(~pl.col("_epoch")).then(value))
    frame = frame.with_columns(
        _utc_iso=timeparse.iso_to_utc(pl.col("_iso")),
        _utc_epoch=timeparse.epoch_to_utc(pl.when(pl.col("_epoch")).then(value)),
    )
    iso = timeparse.iso_columns_given_instant(pl.col("_iso"), pl.col("_utc_iso"))
    return frame.with_columns(
        ts_raw=value,
        ts_utc=pl.coalesce("_utc_epoch", iso["ts_utc"]),
        ts_local=iso["ts_local"],
        ts_basis=pl.when("_epoch").then(pl.lit("epoch")).otherwise(iso["ts_basis"]),
    ).drop("_epoch", "_iso", "_utc_iso", "_utc_epoch")


def iso_instant_or_local(ts: pl.Expr) -> dict[str, pl.Expr]:
    """The partial-frame time columns for ISO-like text: :func:`timeliner.timeparse.iso_columns`.

    Kept under this name for the parsers that import it from here.
    """
    return timeparse.iso_columns(ts)
