"""Android logcat: threadtime, time, year, zone and epoch layouts; buffer markers; pid and tid."""

from __future__ import annotations

from datetime import datetime

import pytest
from _golden import GoldenCase, check_golden, golden_cases

from timeliner.parsers import get_format
from timeliner.parsers.logcat import sniff
from timeliner.sources import SourceFile


@pytest.mark.parametrize("case", golden_cases("logcat"), ids=str)
def test_golden(case: GoldenCase) -> None:
    check_golden(case)


def test_markers_are_continuations_and_pid_tid_are_kept() -> None:
    result = check_golden(next(c for c in golden_cases("logcat") if "threadtime" in c.input.name))
    assert (result.units, result.events.height, result.continuations, result.rejects.height) == (9, 5, 3, 1)
    assert result.events.select("pid", "thread").row(3) == ("1702", "1730")
    assert result.yearless


def test_zone_without_year_is_left_for_normalize_to_apply() -> None:
    text = "03-17 16:13:40.000 -0700  1702  2395 W ActivityManager: Slow operation\n"
    result = get_format("logcat").parse(SourceFile(path="x.txt", text=text, encoding="utf-8"))
    event = result.events.row(0, named=True)
    assert (event["ts_utc"], event["ts_local"], event["tz_abbrev"]) == (
        None,
        datetime(2000, 3, 17, 16, 13, 40),
        "-0700",
    )
    assert result.yearless


def test_sniff() -> None:
    assert sniff("--------- beginning of main\n03-17 16:13:38.811  1702  2395 D Tag: m\n") == 0.95
    assert sniff("2024-03-17 16:13:38.811 INFO [main] a.B: m\n") == 0.0
