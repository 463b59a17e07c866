"""ISO 8601 / RFC 3339 and RFC 2822 text → instants or wall-clock times (polars expressions)."""

from __future__ import annotations

import polars as pl

from timeliner.schema import UTC_US

# A zone designator after a time of day: "…:20Z", "…:20.5+02:00", "…:20 -0700", "…:20+01".
# The time of day before it keeps a bare date ("2019-06-07", ending in "-07") from matching.
_OFFSET_AT_END = r"\d:\d{2}(?:[.,]\d+)?\s?(?:[Zz]|[+-]\d{2}(?::?\d{2})?)$"
_HOURS_ONLY_OFFSET = r"(:\d{2}(?:\.\d+)?\s?[+-]\d{2})$"  # PostgreSQL writes "+02" for +02:00
# Blanks, quotes and the stray backtick of pasted logs (``ts=2023-10-13T01:36:37.231Z` ``) around a stamp.
_STRAY = " \t\r\n\"'`"
_RFC2822 = "%d %b %Y %H:%M:%S %#z"
_RFC2822_UTC_NAMES = r"\s(?:GMT|UTC|UT|Z)$"


def _unified(text: pl.Expr) -> pl.Expr:
    """Stray quotes and blanks gone, ``.`` before the fraction (chrono's ``%+`` takes no comma)."""
    return text.str.strip_chars(_STRAY).str.replace(",", ".", literal=True)


def repair_iso(text: pl.Expr) -> pl.Expr:
    """Mend a known malformation before reading: a ``-`` or ``_`` between date and time.

    ``2021-08-11-10:09:49.020`` (a real Logs Insights CSV export) → ``2021-08-11 10:09:49.020``.
    For lenient formats only: the regex costs more than the readers themselves. A missing colon
    (``2021-08-04 0718:44.561``) is not guessed at; that row stays unreadable.
    """
    return text.str.replace(r"^(\s*\d{4}-\d{2}-\d{2})[-_](\d)", "${1} ${2}")


def has_offset(text: pl.Expr) -> pl.Expr:
    """True where ISO-like text ends with a zone designator (``Z``, ``+02:00``, ``-0700``, ``+01``).

    >>> pl.select(has_offset(pl.lit("2019-06-07T12:16:20.5+02:00"))).item()
    True
    """
    return text.str.strip_chars(_STRAY).str.contains(_OFFSET_AT_END)


def iso_to_utc(text: pl.Expr) -> pl.Expr:
    """ISO 8601 / RFC 3339 text *with* an offset → UTC instant (null where there is none).

    Accepts ``T``, ``t`` or a space between date and time; ``Z``/``z``, ``±hh:mm``, ``±hhmm`` or
    ``±hh``; a fraction after ``.`` or ``,`` of 0–9 digits, truncated to microseconds.

    >>> pl.select(iso_to_utc(pl.lit("2019-06-07 12:16:20,1234567+0200"))).item()
    datetime.datetime(2019, 6, 7, 10, 16, 20, 123456, tzinfo=zoneinfo.ZoneInfo(key='UTC'))
    """
    unified = _unified(text).str.replace(_HOURS_ONLY_OFFSET, "${1}00")
    return _rfc3339(unified)


def _rfc3339(text: pl.Expr) -> pl.Expr:
    # "%+" (chrono's RFC 3339 reader, T or space, any fraction) is the fastest reader polars has for
    # mixed offsets; stamps are mostly unique, so its per-string cache only costs (perf-notes).
    return text.str.to_datetime("%+", time_unit="us", strict=False, cache=False).dt.convert_time_zone("UTC")


def iso_to_local(text: pl.Expr) -> pl.Expr:
    """ISO-like text *without* an offset → naive wall-clock datetime (null if it has an offset).

    ``2019-06-07 12:16:20,123`` and ``2019-06-07T12:16:20.1234567`` read; beyond µs truncated.
    (The malformed ``2021-08-11-10:09:49.020`` reads after :func:`repair_iso`.)

    >>> pl.select(iso_to_local(pl.lit("2019-06-07T12:16:20,5"))).item()
    datetime.datetime(2019, 6, 7, 12, 16, 20, 500000)
    """
    # Read as if it said "Z" and drop the zone again: "%+" is 2-3x faster than "%Y-%m-%d %H:%M:%S%.f",
    # accepts "T", "t" or a space, and text that already has an offset fails (null), as it should.
    as_utc = pl.concat_str(_unified(text), pl.lit("Z"))
    return _rfc3339(as_utc).dt.replace_time_zone(None).alias(_name_of(text))


def _name_of(text: pl.Expr) -> str:
    # concat_str names its result after its first input; keep the caller's column name.
    return text.meta.output_name(raise_if_undetermined=False) or "literal"


def iso_columns(text: pl.Expr) -> dict[str, pl.Expr]:
    """The partial-frame time columns for ISO-like text that may or may not carry an offset.

    Use as ``frame.with_columns(**iso_columns(pl.col("ts")))``: ``ts_utc`` (and ``ts_basis`` =
    ``"offset"``) where the text fixes the instant, else ``ts_local`` for normalize to localize.
    """
    return iso_columns_given_instant(text, iso_to_utc(text))


def iso_columns_given_instant(text: pl.Expr, utc: pl.Expr) -> dict[str, pl.Expr]:
    """:func:`iso_columns`, where ``utc`` is ``iso_to_utc(text)`` already worked out.

    For queries run in steps: ``utc`` is then a column of an earlier step, so the text is read as
    an instant once, where the expression form would read it again for each column using it.
    """
    return {
        "ts_utc": utc,
        # Read as local time only where it is not an instant: a reader over a null costs nothing.
        "ts_local": iso_to_local(pl.when(utc.is_null()).then(text)),
        "ts_basis": pl.when(utc.is_not_null()).then(pl.lit("offset")),
    }


def rfc2822_to_utc(text: pl.Expr) -> pl.Expr:
    """RFC 2822 / 1123 dates (``Mon, 18 Jan 2021 18:31:57 +0800``, HTTP's ``… GMT``) → UTC.

    The weekday is optional and not checked (a wrong weekday does not make the date unknowable).

    >>> pl.select(rfc2822_to_utc(pl.lit("Tue, 07 Jul 2015 12:53:51 -0700"))).item()
    datetime.datetime(2015, 7, 7, 19, 53, 51, tzinfo=zoneinfo.ZoneInfo(key='UTC'))
    """
    body = text.str.strip_chars().str.replace(r"^[A-Za-z]{3},?\s+", "")
    body = body.str.replace(_RFC2822_UTC_NAMES, " +0000")
    parsed = body.str.to_datetime(_RFC2822, time_unit="us", strict=False)
    return parsed.dt.convert_time_zone("UTC").cast(UTC_US)
