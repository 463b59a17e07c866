"""Localizing wall clocks: the DST fall-back hour told apart by file order, the spring-forward gap reported.

Offsets used to work out the expected values by hand:
Europe/Amsterdam 2021-10-31: CEST (+02:00) until 03:00 local, then CET (+01:00), so 02:00–03:00
happens twice; 2021-03-28: 02:00 CET jumps to 03:00 CEST. America/New_York 2021-11-07: EDT
(−04:00) until 02:00 local, then EST (−05:00), 01:00–02:00 twice; 2021-03-14: 02:00 EST jumps to
03:00 EDT.
"""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import pytest

from timeliner import timeparse as tp
from timeliner.errors import TimezoneError


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


def localized(
    walls: list[datetime], zone: str, lines: list[int] | None = None
) -> tuple[list[datetime], tp.LocalizeReport]:
    frame = pl.DataFrame({"line": lines or list(range(1, len(walls) + 1)), "ts_local": walls})
    series, report = tp.localize(frame, zone)
    return series.to_list(), report


AMS = "Europe/Amsterdam"
NYC = "America/New_York"


def test_amsterdam_fall_back_hour_resolved_by_file_order() -> None:
    day = (2021, 10, 31)
    walls = [datetime(*day, 1, 50), datetime(*day, 2, 10), datetime(*day, 2, 50)]
    walls += [datetime(*day, 2, 5), datetime(*day, 2, 55), datetime(*day, 3, 5)]  # the clock went back
    got, report = localized(walls, AMS)
    assert got == [
        utc(2021, 10, 30, 23, 50),
        utc(2021, 10, 31, 0, 10),
        utc(2021, 10, 31, 0, 50),
        utc(2021, 10, 31, 1, 5),
        utc(2021, 10, 31, 1, 55),  # after the repeat, still the second pass though later than 02:50
        utc(2021, 10, 31, 2, 5),
    ]
    assert (report.ambiguous_earlier, report.ambiguous_later) == (2, 2)
    assert report.first_ambiguous_line == 2


def test_new_york_fall_back_hour_resolved_by_file_order() -> None:
    day = (2021, 11, 7)
    walls = [datetime(*day, 1, 30), datetime(*day, 1, 59, 59), datetime(*day, 1, 0, 1)]
    walls += [datetime(*day, 1, 30), datetime(*day, 2, 0)]
    got, report = localized(walls, NYC)
    assert got == [
        utc(2021, 11, 7, 5, 30),
        utc(2021, 11, 7, 5, 59, 59),
        utc(2021, 11, 7, 6, 0, 1),
        utc(2021, 11, 7, 6, 30),
        utc(2021, 11, 7, 7, 0),
    ]
    assert (report.ambiguous_earlier, report.ambiguous_later) == (2, 2)


def test_file_order_not_row_order_decides() -> None:
    day = (2021, 11, 7)
    walls = [datetime(*day, 1, 40), datetime(*day, 1, 10), datetime(*day, 1, 20)]
    # Rows arrive as lines 3, 1, 2: in the file, 01:10 and 01:20 come before 01:40 — no repeat.
    got, report = localized(walls, NYC, lines=[3, 1, 2])
    assert got == [utc(2021, 11, 7, 5, 40), utc(2021, 11, 7, 5, 10), utc(2021, 11, 7, 5, 20)]
    assert report.ambiguous_later == 0


def test_a_few_seconds_out_of_order_is_not_the_clock_going_back() -> None:
    day = (2021, 10, 31)
    walls = [datetime(*day, 2, 10, 5), datetime(*day, 2, 10, 4), datetime(*day, 2, 20)]
    got, report = localized(walls, AMS)
    assert got == [utc(2021, 10, 31, 0, 10, 5), utc(2021, 10, 31, 0, 10, 4), utc(2021, 10, 31, 0, 20)]
    assert report.ambiguous_later == 0


def test_sparse_log_going_back_fifteen_minutes_is_the_repeat() -> None:
    day = (2021, 10, 31)
    got, _ = localized([datetime(*day, 2, 40), datetime(*day, 2, 25)], AMS)
    assert got == [utc(2021, 10, 31, 0, 40), utc(2021, 10, 31, 1, 25)]


def test_a_line_already_past_the_hour_makes_the_rest_the_repeat() -> None:
    day = (2021, 10, 31)
    got, report = localized([datetime(*day, 3, 0, 30), datetime(*day, 2, 59, 50)], AMS)
    assert got == [utc(2021, 10, 31, 2, 0, 30), utc(2021, 10, 31, 1, 59, 50)]
    assert report.ambiguous_later == 1


@pytest.mark.parametrize(
    ("zone", "wall", "expected"),
    [
        (
            AMS,
            datetime(2021, 3, 28, 2, 30),
            utc(2021, 3, 28, 1, 30),
        ),  # read at CET, the offset before the gap
        (NYC, datetime(2021, 3, 14, 2, 30), utc(2021, 3, 14, 7, 30)),  # read at EST
    ],
)
def test_nonexistent_local_time_is_read_before_the_gap_and_reported(
    zone: str, wall: datetime, expected: datetime
) -> None:
    before = wall.replace(hour=1, minute=59)
    got, report = localized([before, wall], zone)
    assert got[1] == expected
    assert report.nonexistent == 1
    assert report.first_nonexistent_line == 2


def test_utc_needs_no_decisions() -> None:
    got, report = localized([datetime(2021, 10, 31, 2, 30), datetime(2021, 3, 28, 2, 30)], "UTC")
    assert got == [utc(2021, 10, 31, 2, 30), utc(2021, 3, 28, 2, 30)]
    assert (report.localized, report.ambiguous_earlier, report.ambiguous_later, report.nonexistent) == (
        2,
        0,
        0,
        0,
    )


def test_nulls_stay_null_and_are_not_counted() -> None:
    got, report = localized([datetime(2021, 6, 1, 12), None], AMS)  # type: ignore[list-item]
    assert got == [utc(2021, 6, 1, 10), None]
    assert report.localized == 1


def test_local_to_utc_without_file_order() -> None:
    frame = pl.DataFrame(
        {"t": [datetime(2021, 10, 31, 2, 30), datetime(2021, 3, 28, 2, 30), datetime(2021, 7, 1, 12)]}
    )
    got = frame.select(tp.local_to_utc(pl.col("t"), AMS)).to_series().to_list()
    assert got == [utc(2021, 10, 31, 0, 30), utc(2021, 3, 28, 1, 30), utc(2021, 7, 1, 10)]


def test_unknown_zone_names_the_problem_and_a_fix() -> None:
    with pytest.raises(TimezoneError, match=r"unknown time zone 'Amsterdam'.*Europe/Amsterdam"):
        tp.validate_zone("Amsterdam")
    assert tp.validate_zone("Z") == "UTC"
    assert tp.validate_zone("Asia/Kolkata") == "Asia/Kolkata"
