"""normalize_file's time decisions: years of yearless files, zone abbreviations, which zone and why,
two clocks in one line, hand-set skew — and the sentences that report each of them."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import pytest

from timeliner import timeparse as tp
from timeliner.normalize import finish_run, normalize_file
from timeliner.schema import conform_partial
from timeliner.settings import Settings


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


def syslog_partial(stamps: list[str]) -> pl.DataFrame:
    frame = pl.DataFrame({"line": range(1, len(stamps) + 1), "ts_raw": stamps, "message": "m"})
    return conform_partial(frame.with_columns(ts_local=tp.syslog_to_local(pl.col("ts_raw"))))


def run(
    partial: pl.DataFrame,
    settings: Settings,
    *,
    yearless: bool = False,
    mtime: float | None = None,
    path: str = "a.log",
):  # type: ignore[no-untyped-def]
    events, report = normalize_file(
        partial, path=path, source="test", settings=settings, yearless=yearless, mtime=mtime
    )
    return events.sort("line")["ts"].to_list(), report


# ---- years ---------------------------------------------------------------------------------


def test_year_rolls_over_at_new_year() -> None:
    got, report = run(
        syslog_partial(["Dec 31 23:59:58", "Jan  1 00:00:03"]), Settings(year=2019), yearless=True
    )
    assert got == [utc(2019, 12, 31, 23, 59, 58), utc(2020, 1, 1, 0, 0, 3)]
    assert (report.year, report.year_reason, report.years) == (2019, "--year", [2019, 2020])
    assert (
        "first event's year taken as 2019 (--year); years 2019–2020 by New Year rollover"
        in report.sentences("a.log")[1]
    )


def test_a_line_from_just_before_new_year_after_it_stays_in_the_old_year() -> None:
    stamps = ["Dec 31 23:59:59", "Jan  1 00:00:01", "Dec 31 23:59:58"]
    got, _ = run(syslog_partial(stamps), Settings(year=2019), yearless=True)
    assert got == [utc(2019, 12, 31, 23, 59, 59), utc(2020, 1, 1, 0, 0, 1), utc(2019, 12, 31, 23, 59, 58)]


def test_concatenated_captures_going_back_months_stay_in_one_year() -> None:
    # Proxifier_2k.log: L973 is Oct 30, L974 jumps back to Jul 26 (a second capture appended).
    got, _ = run(syslog_partial(["Oct 30 16:49:06", "Jul 26 13:30:34"]), Settings(year=2017), yearless=True)
    assert got == [utc(2017, 10, 30, 16, 49, 6), utc(2017, 7, 26, 13, 30, 34)]


def test_feb_29_in_a_leap_year_is_kept() -> None:
    got, report = run(
        syslog_partial(["Feb 28 23:00:00", "Feb 29 10:00:00"]), Settings(year=2020), yearless=True
    )
    assert got == [utc(2020, 2, 28, 23), utc(2020, 2, 29, 10)]
    assert report.feb29_moved == 0


def test_feb_29_in_a_year_without_one_is_read_as_march_1_and_reported() -> None:
    got, report = run(
        syslog_partial(["Feb 28 23:00:00", "Feb 29 10:00:00"]), Settings(year=2021), yearless=True
    )
    assert got == [utc(2021, 2, 28, 23), utc(2021, 3, 1, 10)]
    assert report.feb29_moved == 1
    assert any("dated Feb 29 fall in a year without one" in s for s in report.sentences("a.log"))


@pytest.mark.parametrize(
    ("mtime", "stamps", "year"),
    [
        (utc(2024, 3, 1), ["Jul 26 10:00:00", "Jul 27 14:00:00"], 2023),  # July 2024 is after the file's date
        (utc(2024, 7, 27, 15), ["Jul 26 10:00:00", "Jul 27 14:00:00"], 2024),
        (utc(2024, 1, 2), ["Dec 31 22:00:00", "Jan  1 01:00:00"], 2023),  # last event in 2024, first in 2023
        (utc(2023, 6, 1), ["Feb 29 10:00:00"], 2020),  # the latest leap year not after the file's date
    ],
)
def test_year_inferred_from_the_file_modification_time(mtime: datetime, stamps: list[str], year: int) -> None:
    _, report = run(syslog_partial(stamps), Settings(), yearless=True, mtime=mtime.timestamp())
    assert report.year == year
    assert report.year_inferred
    assert report.year_reason is not None and report.year_reason.startswith(
        "inferred from the file's modification time"
    )


def test_without_year_or_file_date_the_current_year_is_assumed_and_said() -> None:
    _, report = run(syslog_partial(["Jun  7 12:16:20"]), Settings(), yearless=True, path="/nonexistent/x.log")
    assert report.year == datetime.now(UTC).year
    assert "assumed the current year (pass --year)" in (report.year_reason or "")


def test_two_clocks_epoch_wins_and_dates_the_yearless_stamp() -> None:
    # Thunderbird_2k.log L1: "- 1131566461 2005.11.09 dn228 Nov 9 12:01:01 dn228/dn228 crond ..."
    partial = syslog_partial(["Nov 9 12:01:01"]).with_columns(ts_utc=tp.epoch_to_utc(pl.lit(1131566461)))
    got, report = run(partial, Settings(), yearless=True)
    assert got == [utc(2005, 11, 9, 20, 1, 1)]
    assert report.year == 2005
    assert report.second_clock["local_minus_utc"] == "-08:00"
    assert report.events_localized == 0


def test_yearless_file_is_placed_among_the_dated_sources_of_the_run() -> None:
    dated = conform_partial(
        pl.DataFrame({"line": [1], "message": "m", "ts_utc": [utc(2015, 10, 18, 18, 1, 47)]})
    )
    yearless = syslog_partial(["Oct 18 20:00:00", "Oct 18 20:05:00"])
    settings = Settings(tz="Europe/Amsterdam")
    a, ra = normalize_file(dated, path="dated.log", source="t", settings=settings)
    b, rb = normalize_file(
        yearless,
        path="syslog",
        source="t",
        settings=settings,
        yearless=True,
        mtime=utc(2026, 11, 23).timestamp(),
    )
    assert rb.year == 2026
    events = finish_run(pl.concat([a, b]), [ra, rb], settings)
    moved = events.filter(pl.col("file") == "syslog").sort("line")["ts"].to_list()
    assert moved == [utc(2015, 10, 18, 18, 0), utc(2015, 10, 18, 18, 5)]  # CEST, +02:00
    assert rb.year == 2015 and rb.years == [2015]
    assert "other sources of this run" in (rb.year_reason or "")


# ---- zones and abbreviations ----------------------------------------------------------------


def wall_partial(abbrevs: list[str | None], wall: datetime = datetime(2019, 1, 15, 12)) -> pl.DataFrame:
    n = len(abbrevs)
    return conform_partial(
        pl.DataFrame({"line": range(1, n + 1), "message": "m", "ts_local": [wall] * n, "tz_abbrev": abbrevs})
    )


@pytest.mark.parametrize(
    ("abbrev", "expected"),
    [
        ("UTC", utc(2019, 1, 15, 12)),
        ("GMT", utc(2019, 1, 15, 12)),
        ("EST", utc(2019, 1, 15, 17)),
        ("EDT", utc(2019, 1, 15, 16)),
        ("CET", utc(2019, 1, 15, 11)),
        ("CEST", utc(2019, 1, 15, 10)),
        ("PST", utc(2019, 1, 15, 20)),
        ("PDT", utc(2019, 1, 15, 19)),
        ("cest", utc(2019, 1, 15, 10)),
        ("+0800", utc(2019, 1, 15, 4)),
        ("UTC-3", utc(2019, 1, 15, 15)),
    ],
)
def test_zone_abbreviation_gives_a_fixed_offset(abbrev: str, expected: datetime) -> None:
    got, report = run(wall_partial([abbrev]), Settings(tz="Asia/Tokyo"))
    assert got == [expected]
    assert report.events_by_abbreviation == 1 and report.events_localized == 0


def test_ambiguous_abbreviation_is_read_by_default_and_the_choice_named() -> None:
    got, report = run(wall_partial(["IST", "CST", "BST"]), Settings())
    assert got == [utc(2019, 1, 15, 6, 30), utc(2019, 1, 15, 18), utc(2019, 1, 15, 11)]
    warnings = [s for s in report.sentences("a.log") if "can also mean" in s]
    assert len(warnings) == 3
    assert any("IST" in s and "India Standard Time (+05:30)" in s and "--abbrev IST=" in s for s in warnings)


def test_configured_abbreviation_is_used_without_a_warning() -> None:
    settings = Settings(abbrevs=(("CST", "Asia/Shanghai"), ("IST", "+01:00")))
    got, report = run(wall_partial(["CST", "IST"]), settings)
    assert got == [utc(2019, 1, 15, 4), utc(2019, 1, 15, 11)]
    assert not [s for s in report.sentences("a.log") if "can also mean" in s]


def test_unknown_abbreviation_falls_back_to_the_file_zone_and_says_so() -> None:
    got, report = run(wall_partial(["XYZ"]), Settings(tz="Europe/Amsterdam"))
    assert got == [utc(2019, 1, 15, 11)]
    assert report.unknown_abbreviations == {"XYZ": 1}
    assert any("unknown zone abbreviation 'XYZ'" in s for s in report.sentences("a.log"))


def test_an_offset_in_the_text_wins_over_source_tz() -> None:
    texts = pl.DataFrame(
        {"line": [1, 2], "message": "m", "t": ["2019-06-07T12:00:00+02:00", "2019-06-07 12:00:00"]}
    )
    partial = conform_partial(texts.with_columns(**tp.iso_columns(pl.col("t"))))
    got, report = run(partial, Settings(source_tz=(("*a.log", "America/New_York"),)))
    assert got == [utc(2019, 6, 7, 10), utc(2019, 6, 7, 16)]
    assert report.basis == {"offset": 1, "zone:America/New_York": 1}
    assert report.zone_reason == "--source-tz *a.log=America/New_York" and not report.zone_assumed


def test_default_zone_is_utc_and_counted_as_an_assumption() -> None:
    _, report = run(wall_partial([None, None]), Settings())
    assert (report.zone, report.events_localized, report.zone_assumed) == ("UTC", 2, True)
    assert "ASSUMED as UTC" in report.sentences("a.log")[0]


def test_fall_back_hour_is_counted_with_its_first_line() -> None:
    walls = [datetime(2021, 10, 31, 2, 10), datetime(2021, 10, 31, 2, 50), datetime(2021, 10, 31, 2, 5)]
    partial = conform_partial(pl.DataFrame({"line": [1, 2, 3], "message": "m", "ts_local": walls}))
    got, report = run(partial, Settings(tz="Europe/Amsterdam"))
    assert got == [utc(2021, 10, 31, 0, 10), utc(2021, 10, 31, 0, 50), utc(2021, 10, 31, 1, 5)]
    assert (report.dst_repeat_first_pass, report.dst_repeat_second_pass) == (2, 1)
    assert report.sentences("a.log")[1].startswith("a.log:1: 3 local time(s) fall in the DST fall-back hour")


def test_manual_skew_shifts_only_matching_files() -> None:
    settings = Settings(skew=(("*nginx*", "+2.5s"),))
    shifted, report = run(wall_partial([None]), settings, path="logs/nginx.log")
    same, other = run(wall_partial([None]), settings, path="logs/app.log")
    assert shifted == [utc(2019, 1, 15, 12, 0, 2, 500000)]
    assert same == [utc(2019, 1, 15, 12)]
    assert report.skew == "+2.5 s" and other.skew is None
    assert "logs/nginx.log: clock shifted by +2.5 s (--skew *nginx*=+2.5s)" in report.sentences(
        "logs/nginx.log"
    )


def test_report_dict_leaves_out_what_did_not_happen() -> None:
    _, report = run(wall_partial([None]), Settings(tz="UTC"))
    assert report.as_dict() == {
        "events_localized": 1,
        "basis": {"zone:UTC": 1},
        "zone": "UTC",
        "zone_reason": "--tz UTC",
    }
