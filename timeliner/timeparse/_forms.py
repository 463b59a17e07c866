"""Log-layout timestamps (syslog, Apache, ctime, logcat, two-digit years, any strftime format).

Every function takes an expression over the timestamp *text* as it stands in the line (after
the parser cut it out) and returns either a UTC instant (the text carries an offset) or a naive
wall-clock time for normalize to localize. Text that does not fit gives null — never an error —
so a parser can turn nulls into rejects with a reason.

Formats are chrono's strftime codes, as ``str.to_datetime`` reads them. Single-digit fields
(``20171224-1:1:0:935``) and space-padded days (``Jun  7``) read with the ordinary codes.
"""

from __future__ import annotations

import re

import polars as pl

from timeliner.schema import PLACEHOLDER_YEAR, UTC_US

# chrono reads "%y" 00-99 as 2000-2099; POSIX (and every log of the last century) means 1969-1999
# for 69-99. Years from here on are moved back a century.
_POSIX_PIVOT_YEAR = 2069
_YEAR_CODES = ("%Y", "%y", "%G", "%C", "%s", "%+", "%c", "%D", "%F", "%x")
_OFFSET_CODES = ("%z", "%#z", "%:z", "%::z", "%+", "%s")
# "%f" after "," or ":" reads "123" as 123 *nanoseconds*; polars only warns (perf-notes pitfall).
_BARE_NANOS = re.compile(r"(?<!%)%f")


def _check_format(fmt: str) -> None:
    if _BARE_NANOS.search(fmt):
        raise ValueError(
            f"format {fmt!r}: %f reads nanoseconds; write %3f for milliseconds, %6f for microseconds "
            "after a ',' or ':', or %.f for a '.' and any number of digits"
        )


def parse_with_format(text: pl.Expr, fmt: str) -> pl.Expr:
    """Text in a known strftime ``fmt`` → UTC instant if ``fmt`` has an offset code, else wall clock.

    A format without a year (``%b %d %H:%M:%S``) reads with the placeholder year
    (:data:`schema.PLACEHOLDER_YEAR`, a leap year so ``Feb 29`` fits); return
    ``ParseResult(yearless=True)`` and normalize assigns the real year. ``%y`` uses the POSIX
    pivot (69–99 → 1969–1999).

    >>> pl.select(parse_with_format(pl.lit("20171224-1:1:0:935"), "%Y%m%d-%H:%M:%S:%3f")).item()
    datetime.datetime(2017, 12, 24, 1, 1, 0, 935000)
    """
    _check_format(fmt)
    if not any(code in fmt for code in _YEAR_CODES):
        return yearless_to_local(text, fmt)
    parsed = text.str.strip_chars().str.to_datetime(fmt, time_unit="us", strict=False)
    if any(code in fmt for code in _OFFSET_CODES):
        return parsed.dt.convert_time_zone("UTC").cast(UTC_US)
    if "%y" in fmt:
        return posix_pivot(parsed)
    return parsed


def pad_milliseconds(text: pl.Expr) -> pl.Expr:
    """Zero-pad a trailing millisecond count written without padding, so ``%3f`` reads it.

    HealthApp writes ``20171223-22:15:35:11`` for 11 ms (then ``…:96``, ``…:104``): the field is
    a number of milliseconds, not a decimal fraction. Use before :func:`parse_with_format`.

    >>> stamp = pad_milliseconds(pl.lit("20171223-22:15:35:11"))
    >>> pl.select(parse_with_format(stamp, "%Y%m%d-%H:%M:%S:%3f")).item()
    datetime.datetime(2017, 12, 23, 22, 15, 35, 11000)
    """
    one_digit = text.str.strip_chars().str.replace(r"(\D)(\d)$", "${1}00${2}")
    return one_digit.str.replace(r"(\D)(\d\d)$", "${1}0${2}")


def posix_pivot(local: pl.Expr) -> pl.Expr:
    """Move years 2069–2099 read from a two-digit ``%y`` back to 1969–1999 (the POSIX reading)."""
    return pl.when(local.dt.year() >= _POSIX_PIVOT_YEAR).then(local.dt.offset_by("-100y")).otherwise(local)


def yearless_to_local(text: pl.Expr, fmt: str) -> pl.Expr:
    """Text with no year in it, read in ``fmt`` (which has no year code) with the placeholder year.

    >>> pl.select(yearless_to_local(pl.lit("[10.30 16:49:06]"), "[%m.%d %H:%M:%S]")).item()
    datetime.datetime(2000, 10, 30, 16, 49, 6)
    """
    _check_format(fmt)
    # The year goes last so the result keeps the name of ``text`` (concat_str names it after its first part).
    with_year = pl.concat_str(text.str.strip_chars(), pl.lit(f" {PLACEHOLDER_YEAR}"))
    return with_year.str.to_datetime(f"{fmt} %Y", time_unit="us", strict=False)


def syslog_to_local(text: pl.Expr) -> pl.Expr:
    """BSD syslog (RFC 3164) ``Jun  7 12:16:20`` / ``Nov 9 12:01:01`` (optional ``.fraction``) → wall clock.

    The year is the placeholder: the parser returns ``ParseResult(yearless=True)``.

    >>> pl.select(syslog_to_local(pl.lit("Jun  7 12:16:20"))).item()
    datetime.datetime(2000, 6, 7, 12, 16, 20)
    """
    return yearless_to_local(text, "%b %d %H:%M:%S%.f")


def android_to_local(text: pl.Expr) -> pl.Expr:
    """Android logcat ``03-17 16:13:38.811`` → wall clock with the placeholder year (yearless)."""
    return yearless_to_local(text, "%m-%d %H:%M:%S%.f")


def apache_to_utc(text: pl.Expr) -> pl.Expr:
    """Apache / nginx access-log time ``[07/Jun/2019:12:16:20 +0000]`` (brackets optional) → UTC.

    >>> pl.select(apache_to_utc(pl.lit("[17/May/2015:10:05:03 -0700]"))).item()
    datetime.datetime(2015, 5, 17, 17, 5, 3, tzinfo=zoneinfo.ZoneInfo(key='UTC'))
    """
    return parse_with_format(text.str.strip_chars("[] "), "%d/%b/%Y:%H:%M:%S%.f %z")


def ctime_to_local(text: pl.Expr) -> pl.Expr:
    """ctime / Apache error-log time ``[Sun Dec 04 04:47:44 2005]`` (2.4: ``…:52.123456 2000``) → wall clock.

    The weekday is skipped, not checked: a wrong weekday does not make the date unknowable.

    >>> pl.select(ctime_to_local(pl.lit("[Wed Oct 11 14:32:52.123456 2000]"))).item()
    datetime.datetime(2000, 10, 11, 14, 32, 52, 123456)
    """
    body = text.str.strip_chars("[] ").str.replace(r"^[A-Za-z]{3}\s+", "")
    return body.str.to_datetime("%b %d %H:%M:%S%.f %Y", time_unit="us", strict=False)


def twodigit_year_to_local(text: pl.Expr, fmt: str = "%y%m%d %H%M%S") -> pl.Expr:
    """Two-digit-year layouts → wall clock, POSIX pivot: HDFS ``081109 203615`` (the default
    ``fmt``), Spark ``17/06/09 20:10:40`` (``"%y/%m/%d %H:%M:%S"``).

    >>> pl.select(twodigit_year_to_local(pl.lit("17/06/09 20:10:40"), "%y/%m/%d %H:%M:%S")).item()
    datetime.datetime(2017, 6, 9, 20, 10, 40)
    """
    if "%y" not in fmt:
        raise ValueError(f"format {fmt!r} has no %y; use parse_with_format for four-digit years")
    return parse_with_format(text, fmt)
