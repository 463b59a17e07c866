"""Every timestamp form timeliner reads, one table row each, with the instant worked out by hand.

A row is (reader, text, expected): ``expected`` is a UTC-aware datetime for readers that fix
the instant, a naive wall clock for those that leave the zone to normalize, or None where the
text must be refused (null, never an exception).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import polars as pl
import pytest

from timeliner import timeparse as tp


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


def wall(*parts: int) -> datetime:
    return datetime(*parts)  # type: ignore[misc]


Reader = Callable[[pl.Expr], pl.Expr]


def read(reader: Reader, text: object) -> object:
    """Run a reader over a one-row column (the way parsers call it: over a column, not a literal)."""
    return pl.DataFrame({"t": [text]}).select(reader(pl.col("t"))).item()


ISO_WITH_OFFSET = [
    ("Z", "2019-06-07T12:16:20Z", utc(2019, 6, 7, 12, 16, 20)),
    ("space and +hh:mm", "2019-06-07 12:16:20+02:00", utc(2019, 6, 7, 10, 16, 20)),
    ("-hhmm", "2019-06-07T12:16:20-0700", utc(2019, 6, 7, 19, 16, 20)),
    ("+hh only (PostgreSQL)", "2019-06-07 12:16:20.5+01", utc(2019, 6, 7, 11, 16, 20, 500000)),
    ("lower-case t and z", "2019-06-07t12:16:20z", utc(2019, 6, 7, 12, 16, 20)),
    ("comma fraction", "2019-06-07T12:16:20,123Z", utc(2019, 6, 7, 12, 16, 20, 123000)),
    ("space before offset", "2019-06-07 12:16:20.25 -05:00", utc(2019, 6, 7, 17, 16, 20, 250000)),
    ("1 digit", "2019-06-07T12:16:20.1Z", utc(2019, 6, 7, 12, 16, 20, 100000)),
    ("6 digits (RFC 5424)", "2003-08-24T05:14:15.000003-07:00", utc(2003, 8, 24, 12, 14, 15, 3)),
    ("7 digits (.NET)", "2020-05-12T22:30:36.0021839+00:00", utc(2020, 5, 12, 22, 30, 36, 2183)),
    ("8 digits (docker)", "2018-09-19T18:58:22.13487728Z", utc(2018, 9, 19, 18, 58, 22, 134877)),
    ("9 digits (Go)", "2020-04-25T19:36:56.584908333Z", utc(2020, 4, 25, 19, 36, 56, 584908)),
    ("9 nines truncate, not round", "2019-06-07T12:16:20.999999999Z", utc(2019, 6, 7, 12, 16, 20, 999999)),
    ("offset moves the date", "2023-10-18T20:09:06.941-04:00", utc(2023, 10, 19, 0, 9, 6, 941000)),
    ("surrounding blanks", "  2019-06-07T12:16:20Z ", utc(2019, 6, 7, 12, 16, 20)),
    ("no offset is not an instant", "2019-06-07T12:16:20", None),
    ("not a date", "yesterday", None),
]

ISO_LOCAL = [
    ("log4j comma", "2015-10-18 18:01:47,978", wall(2015, 10, 18, 18, 1, 47, 978000)),
    ("Spring Boot 2 dot", "2019-11-16 14:58:54.476", wall(2019, 11, 16, 14, 58, 54, 476000)),
    ("zone-less ISO (Elixir Sentry)", "2021-09-28T18:57:46", wall(2021, 9, 28, 18, 57, 46)),
    ("7 digits", "2019-06-07 12:16:20.1234567", wall(2019, 6, 7, 12, 16, 20, 123456)),
    ("9 digits", "2019-06-07 12:16:20.123456789", wall(2019, 6, 7, 12, 16, 20, 123456)),
    ("dash separator needs repair_iso", "2021-08-11-10:09:49.020", None),
    ("no seconds", "2019-06-07 12:16", None),
    ("missing colon is refused", "2021-08-04 0718:44.561", None),
    ("with offset is not local", "2019-06-07T12:16:20Z", None),
]

EPOCHS = [
    ("seconds (Thunderbird)", 1131566461, utc(2005, 11, 9, 20, 1, 1)),
    ("seconds as text", "1131566461", utc(2005, 11, 9, 20, 1, 1)),
    ("ms (CloudWatch)", 1712568068991, utc(2024, 4, 8, 9, 21, 8, 991000)),
    ("ms (Lambda docs event)", 1440442987000, utc(2015, 8, 24, 19, 3, 7)),
    ("µs as text (journald)", "1583353899094400", utc(2020, 3, 4, 20, 31, 39, 94400)),
    ("ns (Go, docker)", 1583353899094400123, utc(2020, 3, 4, 20, 31, 39, 94400)),
    ("float seconds (JS SDK)", 1599504520.529, utc(2020, 9, 7, 18, 48, 40, 529000)),
    ("decimal text keeps every digit", "1596820277.125992", utc(2020, 8, 7, 17, 11, 17, 125992)),
    ("7-digit text fraction truncates", "1494196393.1474848", utc(2017, 5, 7, 22, 33, 13, 147484)),
    ("last seconds value", 99_999_999_999, utc(5138, 11, 16, 9, 46, 39)),
    ("first ms value", 100_000_000_000, utc(1973, 3, 3, 9, 46, 40)),
    ("last ms value", 99_999_999_999_999, utc(5138, 11, 16, 9, 46, 39, 999000)),
    ("first µs value", 100_000_000_000_000, utc(1973, 3, 3, 9, 46, 40)),
    ("last µs value", 99_999_999_999_999_999, utc(5138, 11, 16, 9, 46, 39, 999999)),
    ("first ns value", 100_000_000_000_000_000, utc(1973, 3, 3, 9, 46, 40)),
    ("not a number", "abc", None),
]

LAYOUTS: list[tuple[str, Reader, str, datetime | None]] = [
    ("syslog two-digit day", tp.syslog_to_local, "Jun 14 15:16:01", wall(2000, 6, 14, 15, 16, 1)),
    ("syslog space-padded day", tp.syslog_to_local, "Jul  1 09:00:55", wall(2000, 7, 1, 9, 0, 55)),
    ("syslog unpadded day (Thunderbird)", tp.syslog_to_local, "Nov 9 12:01:01", wall(2000, 11, 9, 12, 1, 1)),
    (
        "syslog Feb 29 fits the placeholder",
        tp.syslog_to_local,
        "Feb 29 23:59:59",
        wall(2000, 2, 29, 23, 59, 59),
    ),
    ("syslog fraction", tp.syslog_to_local, "Jun 14 15:16:01.5", wall(2000, 6, 14, 15, 16, 1, 500000)),
    ("syslog bad month", tp.syslog_to_local, "Foo 14 15:16:01", None),
    ("Apache access", tp.apache_to_utc, "[17/May/2015:10:05:03 +0000]", utc(2015, 5, 17, 10, 5, 3)),
    ("Apache access -0700", tp.apache_to_utc, "[07/Jun/2019:12:16:20 -0700]", utc(2019, 6, 7, 19, 16, 20)),
    ("Apache without brackets", tp.apache_to_utc, "21/Feb/2018:17:26:53 +0000", utc(2018, 2, 21, 17, 26, 53)),
    ("Apache 2.0 error", tp.ctime_to_local, "[Sun Dec 04 04:47:44 2005]", wall(2005, 12, 4, 4, 47, 44)),
    (
        "Apache 2.4 error",
        tp.ctime_to_local,
        "[Wed Oct 11 14:32:52.123456 2000]",
        wall(2000, 10, 11, 14, 32, 52, 123456),
    ),
    ("ctime space-padded", tp.ctime_to_local, "Sun Dec  4 04:47:44 2005", wall(2005, 12, 4, 4, 47, 44)),
    ("HDFS yyMMdd HHmmss", tp.twodigit_year_to_local, "081109 203615", wall(2008, 11, 9, 20, 36, 15)),
    ("two-digit 99 is 1999", tp.twodigit_year_to_local, "991231 235959", wall(1999, 12, 31, 23, 59, 59)),
    ("two-digit 68 is 2068", tp.twodigit_year_to_local, "680101 000000", wall(2068, 1, 1, 0, 0, 0)),
    ("two-digit 69 is 1969", tp.twodigit_year_to_local, "690101 000000", wall(1969, 1, 1, 0, 0, 0)),
    ("Android logcat", tp.android_to_local, "03-17 16:13:38.811", wall(2000, 3, 17, 16, 13, 38, 811000)),
    ("RFC 1123 +0800", tp.rfc2822_to_utc, "Mon, 18 Jan 2021 18:31:57 +0800", utc(2021, 1, 18, 10, 31, 57)),
    ("RFC 1123 -0700", tp.rfc2822_to_utc, "Tue, 07 Jul 2015 12:53:51 -0700", utc(2015, 7, 7, 19, 53, 51)),
    ("RFC 1123 GMT", tp.rfc2822_to_utc, "Mon, 05 Sep 2022 08:02:49 GMT", utc(2022, 9, 5, 8, 2, 49)),
    ("RFC 2822 no weekday", tp.rfc2822_to_utc, "5 Sep 2022 08:02:49 +0200", utc(2022, 9, 5, 6, 2, 49)),
]

FORMATS = [
    (
        "non-padded HealthApp",
        "20171224-1:1:0:935",
        "%Y%m%d-%H:%M:%S:%3f",
        wall(2017, 12, 24, 1, 1, 0, 935000),
    ),
    ("HealthApp midnight", "20171224-0:0:0:218", "%Y%m%d-%H:%M:%S:%3f", wall(2017, 12, 24, 0, 0, 0, 218000)),
    ("Spark yy/MM/dd", "17/06/09 20:10:40", "%y/%m/%d %H:%M:%S", wall(2017, 6, 9, 20, 10, 40)),
    (
        "log4j explicit ,%3f",
        "2019-06-07 12:16:20,123",
        "%Y-%m-%d %H:%M:%S,%3f",
        wall(2019, 6, 7, 12, 16, 20, 123000),
    ),
    ("Proxifier yearless", "[10.30 16:49:06]", "[%m.%d %H:%M:%S]", wall(2000, 10, 30, 16, 49, 6)),
    ("Redis yearless", "19 Sep 18:58:22.134", "%d %b %H:%M:%S%.f", wall(2000, 9, 19, 18, 58, 22, 134000)),
    (
        "Windows CSI inner stamp",
        "2016/9/27:20:30:31.455",
        "%Y/%m/%d:%H:%M:%S%.f",
        wall(2016, 9, 27, 20, 30, 31, 455000),
    ),
    ("with %z → UTC", "2019-06-07 12:16:20 +0200", "%Y-%m-%d %H:%M:%S %z", utc(2019, 6, 7, 10, 16, 20)),
    ("impossible date → null", "2019-02-30 12:00:00", "%Y-%m-%d %H:%M:%S", None),
]


@pytest.mark.parametrize(
    ("text", "expected"), [r[1:] for r in ISO_WITH_OFFSET], ids=[r[0] for r in ISO_WITH_OFFSET]
)
def test_iso_with_offset(text: str, expected: datetime | None) -> None:
    assert read(tp.iso_to_utc, text) == expected


@pytest.mark.parametrize(("text", "expected"), [r[1:] for r in ISO_LOCAL], ids=[r[0] for r in ISO_LOCAL])
def test_iso_wall_clock(text: str, expected: datetime | None) -> None:
    assert read(tp.iso_to_local, text) == expected


@pytest.mark.parametrize(("value", "expected"), [r[1:] for r in EPOCHS], ids=[r[0] for r in EPOCHS])
def test_epoch_by_magnitude(value: object, expected: datetime | None) -> None:
    assert read(tp.epoch_to_utc, value) == expected


@pytest.mark.parametrize(
    ("reader", "text", "expected"), [r[1:] for r in LAYOUTS], ids=[r[0] for r in LAYOUTS]
)
def test_log_layouts(reader: Reader, text: str, expected: datetime | None) -> None:
    assert read(reader, text) == expected


@pytest.mark.parametrize(("text", "fmt", "expected"), [r[1:] for r in FORMATS], ids=[r[0] for r in FORMATS])
def test_parse_with_format(text: str, fmt: str, expected: datetime | None) -> None:
    assert read(lambda e: tp.parse_with_format(e, fmt), text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021-08-11-10:09:49.020", wall(2021, 8, 11, 10, 9, 49, 20000)),  # re:Post Logs Insights CSV
        ("2021-08-11_10:09:49", wall(2021, 8, 11, 10, 9, 49)),
        ("2021-08-11 10:09:49", wall(2021, 8, 11, 10, 9, 49)),  # well-formed text is left alone
        ("2021-08-04 0718:44.561", None),  # a missing colon is not guessed at
    ],
)
def test_repair_iso_mends_the_date_time_separator(text: str, expected: datetime | None) -> None:
    assert read(lambda e: tp.iso_to_local(tp.repair_iso(e)), text) == expected


def test_readers_keep_the_column_name() -> None:
    frame = pl.DataFrame({"ts": ["2019-06-07 12:16:20"], "sys": ["Jun  7 12:16:20"]})
    out = frame.select(tp.iso_to_local(pl.col("ts")), tp.syslog_to_local(pl.col("sys")))
    assert out.columns == ["ts", "sys"]


def test_epoch_with_a_given_unit_skips_the_magnitude_rule() -> None:
    assert read(lambda e: tp.epoch_to_utc(e, "ms"), 1131566461) == utc(1970, 1, 14, 2, 19, 26, 461000)
    assert read(lambda e: tp.epoch_to_utc(e, "s"), "1712568068.991") == utc(2024, 4, 8, 9, 21, 8, 991000)


def test_epoch_unit_names_each_magnitude() -> None:
    values = [99_999_999_999, 100_000_000_000, 100_000_000_000_000, 100_000_000_000_000_000]
    units = pl.DataFrame({"v": values}).select(tp.epoch_unit(pl.col("v"))).to_series().to_list()
    assert units == ["s", "ms", "us", "ns"]


def test_epoch_rejects_an_unknown_unit() -> None:
    with pytest.raises(ValueError, match="epoch unit 'days'"):
        tp.epoch_to_utc(pl.col("t"), "days")


@pytest.mark.parametrize("fmt", ["%Y-%m-%d %H:%M:%S,%f", "%H:%M:%S:%f"])
def test_bare_percent_f_is_refused_because_it_reads_nanoseconds(fmt: str) -> None:
    with pytest.raises(ValueError, match="%3f for milliseconds"):
        tp.parse_with_format(pl.col("t"), fmt)


def test_twodigit_reader_needs_a_two_digit_format() -> None:
    with pytest.raises(ValueError, match="no %y"):
        tp.twodigit_year_to_local(pl.col("t"), "%Y-%m-%d")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2019-06-07T12:16:20Z", True),
        ("2019-06-07 12:16:20.5+02:00", True),
        ("2019-06-07 12:16:20 -0700", True),
        ("2019-06-07 12:16:20+01", True),
        ("2019-06-07 12:16:20", False),
        ("2019-06-07", False),  # ends in "-07" but has no time of day: not an offset
    ],
)
def test_has_offset(text: str, expected: bool) -> None:
    assert read(tp.has_offset, text) is expected


def test_iso_columns_split_instants_from_wall_clocks() -> None:
    frame = pl.DataFrame({"t": ["2019-06-07T12:16:20+02:00", "2019-06-07 12:16:20,5"]})
    out = frame.with_columns(**tp.iso_columns(pl.col("t")))
    assert out["ts_utc"].to_list() == [utc(2019, 6, 7, 10, 16, 20), None]
    assert out["ts_local"].to_list() == [None, wall(2019, 6, 7, 12, 16, 20, 500000)]
    assert out["ts_basis"].to_list() == ["offset", None]


def test_readers_keep_microseconds_in_the_schema_type() -> None:
    frame = pl.DataFrame({"t": ["2019-06-07T12:16:20Z"], "e": [1712568068991]})
    out = frame.select(tp.iso_to_utc(pl.col("t")), tp.epoch_to_utc(pl.col("e")).alias("e"))
    assert out.schema["t"] == pl.Datetime("us", "UTC")
    assert out.schema["e"] == pl.Datetime("us", "UTC")
