"""Fuzzing the time readers: any text, any number, any wall clock in any zone.

Every reader in :mod:`timeliner.timeparse` promises null -- never an error -- for text that does
not fit, so that a parser can turn nulls into rejects with a reason. Here arbitrary and mutated
timestamp text goes through each of them at once, as one column, and must come back as a column
of the same length and the promised type, with nulls where the input was null. ``localize`` takes
arbitrary wall-clock times, also in the hours that DST skips or repeats, in zones with odd offsets
and half-hour shifts; ``validate_zone`` refuses nonsense with our own error only.

Bounded for CI (a few dozen examples each, no deadline; ``TIMELINER_FUZZ_SCALE`` multiplies them).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime, timedelta

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from timeliner import timeparse
from timeliner.errors import TimelinerError
from timeliner.schema import LOCAL_US, UTC_US

# TIMELINER_FUZZ_SCALE=50 pytest tests/test_fuzz_*.py: a longer campaign on a developer's machine.
SCALE = int(os.environ.get("TIMELINER_FUZZ_SCALE", "1"))
FUZZ_SETTINGS = settings(max_examples=60 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])

STAMPS = [
    "2024-05-02T10:00:00.123456789+02:00", "2024-05-02 10:00:00,123", "2024-05-02t10:00:00Z",
    "2024-05-02T10:00:00+0530", "2024-05-02T10:00:00-07", "Thu, 02 May 2024 10:00:00 +0000",
    "02/May/2024:10:00:00 +0000", "[02/May/2024:10:00:00.5 -0700]", "Thu May  2 10:00:00 2024",
    "[Sun Dec 04 04:47:44.123456 2005]", "May  2 10:00:00", "Feb 29 23:59:59.999", "05-02 10:00:00.123",
    "240502 100000", "17/06/09 20:10:40", "1712568068991", "1583353899094400", "1599504520.529",
]  # fmt: skip
NASTY = [
    "", " ", "\x00", "\n", "T", "Z", "z", "+", "-", ":", ".", ",", "/", "[", "]", "%", "%f", "%+",
    "99", "9999", "0000", "-1", "24", "60", "61", "+25:00", "-99:99", "+14:01", "é", "\U0001f600",
    "1e308", "NaN", "inf", "99999999999999999999999",
]  # fmt: skip
READERS: dict[str, tuple[Callable[[pl.Expr], pl.Expr], pl.DataType]] = {
    "iso_to_utc": (timeparse.iso_to_utc, UTC_US),
    "iso_to_local": (timeparse.iso_to_local, LOCAL_US),
    "rfc2822_to_utc": (timeparse.rfc2822_to_utc, UTC_US),
    "apache_to_utc": (timeparse.apache_to_utc, UTC_US),
    "ctime_to_local": (timeparse.ctime_to_local, LOCAL_US),
    "syslog_to_local": (timeparse.syslog_to_local, LOCAL_US),
    "android_to_local": (timeparse.android_to_local, LOCAL_US),
    "twodigit_year_to_local": (timeparse.twodigit_year_to_local, LOCAL_US),
    "yearless_to_local": (lambda t: timeparse.yearless_to_local(t, "[%m.%d %H:%M:%S]"), LOCAL_US),
    "parse_with_format %z": (lambda t: timeparse.parse_with_format(t, "%Y-%m-%d %H:%M:%S%.f %z"), UTC_US),
    "parse_with_format local": (lambda t: timeparse.parse_with_format(t, "%Y%m%d-%H:%M:%S:%3f"), LOCAL_US),
    "epoch_to_utc (text)": (timeparse.epoch_to_utc, UTC_US),
    "has_offset": (timeparse.has_offset, pl.Boolean()),
}
ZONES = [
    "UTC", "Europe/Amsterdam", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata",
    "Pacific/Chatham", "America/Sao_Paulo", "Africa/Casablanca", "Pacific/Apia", "America/St_Johns",
]  # fmt: skip


@st.composite
def stamp_text(draw: st.DrawFn) -> str:
    """A real timestamp with a few edits: digits changed, pieces cut, nasty fragments inserted."""
    text = draw(st.sampled_from(STAMPS))
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(text)))
        edit = draw(st.sampled_from(["digit", "insert", "delete", "cut"]))
        if edit == "digit" and at < len(text) and text[at].isdigit():
            text = text[:at] + draw(st.sampled_from("0123456789")) + text[at + 1 :]
        elif edit == "insert":
            text = text[:at] + draw(st.sampled_from(NASTY)) + text[at:]
        elif edit == "delete":
            text = text[:at] + text[at + 1 :]
        else:
            text = text[:at]
    return text


TEXTS = st.lists(st.none() | stamp_text() | st.text(max_size=40), min_size=1, max_size=25)


@pytest.mark.parametrize("reader", READERS, ids=list(READERS))
@FUZZ_SETTINGS
@given(texts=TEXTS)
def test_readers_turn_any_text_into_a_column_of_their_type(reader: str, texts: list[str | None]) -> None:
    read, dtype = READERS[reader]
    frame = pl.DataFrame({"t": texts}, schema={"t": pl.String})
    out = frame.select(read(pl.col("t")).alias("out"))["out"]
    assert (out.len(), out.dtype) == (len(texts), dtype)
    nulls_in = [i for i, t in enumerate(texts) if t is None]
    assert all(out[i] is None for i in nulls_in)


@FUZZ_SETTINGS
@given(texts=TEXTS)
def test_iso_columns_never_fill_both_utc_and_local(texts: list[str | None]) -> None:
    frame = pl.DataFrame({"t": texts}, schema={"t": pl.String})
    out = frame.with_columns(**timeparse.iso_columns(pl.col("t")))
    assert out["ts_utc"].dtype == UTC_US
    assert out.filter(pl.col("ts_utc").is_not_null() & pl.col("ts_local").is_not_null()).is_empty()


NUMBERS = st.tuples(
    st.lists(st.none() | st.integers(min_value=-(2**63), max_value=2**63 - 1), min_size=1, max_size=25),
    st.just(pl.Int64()),
) | st.tuples(
    st.lists(st.none() | st.floats(allow_nan=True, allow_infinity=True), min_size=1, max_size=25),
    st.just(pl.Float64()),
)


@FUZZ_SETTINGS
@given(numbers=NUMBERS, unit=st.sampled_from([None, *timeparse.EPOCH_UNITS]))
def test_epochs_of_any_size_give_an_instant_or_null(
    numbers: tuple[list[int | float | None], pl.DataType], unit: str | None
) -> None:
    values, dtype = numbers
    frame = pl.DataFrame({"n": values}, schema={"n": dtype})
    out = frame.select(
        timeparse.epoch_to_utc(pl.col("n"), unit).alias("ts"), timeparse.epoch_unit(pl.col("n"))
    )
    assert (out.height, out["ts"].dtype) == (len(values), UTC_US)
    assert all(out["ts"][i] is None for i, n in enumerate(values) if n is None)
    # A column that is null throughout (every record lacked its timestamp) has no numeric type at all.
    assert frame.select(timeparse.epoch_to_utc(pl.lit(None).alias("n"), unit))["n"].dtype == UTC_US


# Wall clocks near the DST changes of the zones above (and anywhere in 1900-2100).
TRANSITIONS = [datetime(2024, 3, 31, 2, 30), datetime(2024, 10, 27, 2, 30), datetime(2024, 3, 10, 2, 30),
               datetime(2024, 11, 3, 1, 30), datetime(2024, 4, 7, 1, 45), datetime(2024, 10, 6, 2, 15),
               datetime(2011, 12, 30, 0, 30), datetime(2018, 11, 4, 0, 0)]  # fmt: skip
WALL_CLOCKS = st.lists(
    st.none()
    | st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1))
    | st.builds(
        lambda base, minutes: base + timedelta(minutes=minutes),
        st.sampled_from(TRANSITIONS),
        st.integers(-90, 90),
    ),
    min_size=1,
    max_size=30,
)


@FUZZ_SETTINGS
@given(clocks=WALL_CLOCKS, zone=st.sampled_from(ZONES))
def test_localize_places_any_wall_clock_in_any_zone(clocks: list[datetime | None], zone: str) -> None:
    frame = pl.DataFrame(
        {"ts_local": clocks, "line": range(1, len(clocks) + 1)},
        schema={"ts_local": LOCAL_US, "line": pl.Int64},
    )
    utc, report = timeparse.localize(frame, zone)
    assert (utc.len(), utc.dtype) == (len(clocks), UTC_US)
    assert [value is None for value in utc] == [clock is None for clock in clocks]  # every clock placed
    assert report.localized == sum(clock is not None for clock in clocks)


@FUZZ_SETTINGS
@given(
    name=st.text(max_size=30) | st.sampled_from(["Europe/Amsterdam", "UTC", "../etc/passwd", "Etc/GMT+99"])
)
def test_validate_zone_accepts_a_zone_or_raises_our_error(name: str) -> None:
    try:
        zone = timeparse.validate_zone(name)
    except TimelinerError:
        return
    assert isinstance(zone, str) and zone
