"""Timestamps → UTC instants, as polars expressions over whole columns.

Two kinds of text reach this module:

* text that fixes an instant by itself (an offset, a ``Z``, an epoch): parsed straight to
  ``Datetime("us", "UTC")``;
* wall-clock text with no zone: parsed to a naive ``Datetime("us")`` and later *localized*
  with the zone the user configured for that file (``--source-tz`` / ``--tz`` / UTC default).

Localizing is where incidents get their order wrong, so :func:`localize` is explicit about
the two DST traps: a local time that happens twice (the fall-back hour) is resolved from the
file's own order, and a local time that never happened (the spring-forward gap) is read with
the offset in force just before the gap. Both are counted and reported, never silent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import polars as pl

from timeliner.errors import TimezoneError

ISO_WITH_ZONE = "%Y-%m-%d %H:%M:%S%.f%#z"
ISO_NAIVE = "%Y-%m-%d %H:%M:%S%.f"
_OFFSET_AT_END = r"(?:Z|z|[+-]\d{2}:?\d{2})$"

# Epoch magnitudes: a timestamp of this century written in s, ms, µs or ns has 10, 13, 16 or
# 19 digits. Values are told apart by these bounds (year ~1973 to ~5138 for seconds).
_EPOCH_BOUNDS = ((1e11, "s"), (1e14, "ms"), (1e17, "us"))


def validate_zone(name: str) -> str:
    """Return ``name`` if it is an IANA zone (or ``UTC``); raise :class:`TimezoneError` otherwise."""
    if name in ("UTC", "Z"):
        return "UTC"
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        close = sorted(z for z in available_timezones() if z.lower().endswith(name.lower().split("/")[-1]))
        hint = f" (did you mean {', '.join(close[:3])}?)" if close else " (e.g. Europe/Amsterdam, America/New_York)"
        raise TimezoneError(f"unknown time zone {name!r}; use an IANA zone name{hint}") from None
    if name not in available_timezones() and name != "UTC":
        raise TimezoneError(f"unknown time zone {name!r}; use an IANA zone name (e.g. Europe/Amsterdam)")
    return name


def _normalized_iso(text: pl.Expr) -> pl.Expr:
    # "2026-10-13T21:04:12,345Z" → "2026-10-13 21:04:12.345Z": one format string then fits all.
    return text.str.strip_chars().str.replace(",", ".", literal=True).str.replace("T", " ", literal=True)


def has_offset(text: pl.Expr) -> pl.Expr:
    """True where ISO-like text ends with a zone designator (``Z``, ``+02:00``, ``-0700``)."""
    return text.str.strip_chars().str.contains(_OFFSET_AT_END)


def iso_to_utc(text: pl.Expr) -> pl.Expr:
    """ISO 8601 / RFC 3339 text *with* an offset → UTC instant (null where there is no offset).

    ``T`` or space; fraction with ``.`` or ``,`` and 0–9 digits (beyond µs truncated).
    """
    return _normalized_iso(text).str.to_datetime(ISO_WITH_ZONE, time_unit="us", strict=False).dt.convert_time_zone(
        "UTC"
    )


def iso_to_local(text: pl.Expr) -> pl.Expr:
    """ISO-like text *without* an offset → naive wall-clock datetime (null if it has an offset)."""
    return _normalized_iso(text).str.to_datetime(ISO_NAIVE, time_unit="us", strict=False)


def epoch_to_utc(value: pl.Expr, unit: str | None = None) -> pl.Expr:
    """Epoch number (int, float or numeric string) → UTC instant.

    With ``unit`` None the unit is told from the magnitude: < 1e11 seconds, < 1e14 ms,
    < 1e17 µs, else ns. Fractional seconds (``1599504520.529``) keep their fraction; whole
    numbers are converted in integer arithmetic so that ns epochs lose nothing but the ns.
    """
    num = value.cast(pl.Float64, strict=False)
    whole = pl.when(num.floor() == num).then(value.cast(pl.Int64, strict=False))
    scale = {"s": 1_000_000, "ms": 1000, "us": 1}
    if unit is None:
        magnitude = num.abs()
        unit_of = (
            pl.when(magnitude < _EPOCH_BOUNDS[0][0])
            .then(pl.lit("s"))
            .when(magnitude < _EPOCH_BOUNDS[1][0])
            .then(pl.lit("ms"))
            .when(magnitude < _EPOCH_BOUNDS[2][0])
            .then(pl.lit("us"))
            .otherwise(pl.lit("ns"))
        )
    else:
        unit_of = pl.lit(unit)
    exact = pl.when(unit_of == "ns").then(whole // 1000)
    approx = pl.when(unit_of == "ns").then(num / 1000)
    for name, factor in scale.items():
        exact = exact.when(unit_of == name).then(whole * factor)
        approx = approx.when(unit_of == name).then(num * factor)
    micros = pl.coalesce(exact.otherwise(None), approx.otherwise(None).round(0).cast(pl.Int64, strict=False))
    return pl.from_epoch(micros, time_unit="us").dt.replace_time_zone("UTC")


@dataclass(frozen=True)
class LocalizeReport:
    """What localizing one file's wall-clock times had to decide."""

    zone: str
    localized: int  # events whose instant came from this zone
    ambiguous_earlier: int  # fall-back hour, first pass (earlier offset)
    ambiguous_later: int  # fall-back hour, repeat (later offset), told from the file's order
    nonexistent: int  # spring-forward gap: read with the offset in force before the gap
    first_nonexistent_line: int | None = None


def localize(frame: pl.DataFrame, zone: str, *, local: str = "ts_local", order: str = "line") -> tuple[pl.Series, LocalizeReport]:
    """Turn the naive column ``local`` of ``frame`` into UTC instants in ``zone``.

    Rows are taken in ``order`` (the file's own order). A time in the fall-back hour is the
    *later* pass when an earlier row of the file already showed a later wall-clock time on
    that day (the clock went back); otherwise the earlier pass — pandas' ``ambiguous="infer"``.
    """
    zone = validate_zone(zone)
    df = frame.select(pl.col(order).alias("_order"), pl.col(local).alias("_local")).with_row_index("_row")
    df = df.sort("_order", maintain_order=True)
    seen_later = pl.col("_local").cum_max().shift(1) > pl.col("_local")
    earliest = pl.col("_local").dt.replace_time_zone(zone, ambiguous="earliest", non_existent="null")
    latest = pl.col("_local").dt.replace_time_zone(zone, ambiguous="latest", non_existent="null")
    df = df.with_columns(
        _early=earliest.dt.convert_time_zone("UTC"),
        _late=latest.dt.convert_time_zone("UTC"),
        _seen_later=seen_later.fill_null(False),
    )
    is_ambiguous = pl.col("_early") != pl.col("_late")
    before_gap = _offset_before(pl.col("_local"), zone)
    df = df.with_columns(
        _utc=pl.when(is_ambiguous & pl.col("_seen_later"))
        .then(pl.col("_late"))
        .when(pl.col("_early").is_not_null())
        .then(pl.col("_early"))
        .otherwise((pl.col("_local") - before_gap).dt.replace_time_zone("UTC")),
        _amb=is_ambiguous,
        _gap=pl.col("_early").is_null() & pl.col("_local").is_not_null(),
    )
    gap_rows = df.filter(pl.col("_gap"))
    report = LocalizeReport(
        zone=zone,
        localized=int(df["_local"].is_not_null().sum()),
        ambiguous_earlier=int((df["_amb"] & ~df["_seen_later"]).sum()),
        ambiguous_later=int((df["_amb"] & df["_seen_later"]).sum()),
        nonexistent=gap_rows.height,
        first_nonexistent_line=int(gap_rows["_order"].min()) if gap_rows.height else None,  # type: ignore[arg-type]
    )
    return df.sort("_row")["_utc"].alias(local), report


def _offset_before(local: pl.Expr, zone: str) -> pl.Expr:
    # The UTC offset three hours earlier: in force just before a spring-forward gap.
    probe = (local - timedelta(hours=3)).dt.replace_time_zone(zone, ambiguous="earliest", non_existent="null")
    return probe.dt.base_utc_offset() + probe.dt.dst_offset()
