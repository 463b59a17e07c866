"""Golden cases of the supercomputer parser (see tests/fixtures/supercomputer)."""

from __future__ import annotations

from datetime import datetime

import pytest
from _golden import GoldenCase, check_golden, golden_cases


@pytest.mark.parametrize("case", golden_cases("supercomputer"), ids=str)
def test_golden(case: GoldenCase) -> None:
    check_golden(case)


def test_thunderbird_keeps_node_pid_and_pam_module() -> None:
    events = check_golden(
        next(c for c in golden_cases("supercomputer") if "thunderbird" in c.input.name)
    ).events
    assert events.select("host", "pid", "logger").rows() == [
        ("dn228", "2915", "pam_unix"),
        ("tbird-admin1", None, None),
        ("tbird-sm1", "24904", None),
    ]


def test_bgl_component_is_the_logger() -> None:
    events = check_golden(next(c for c in golden_cases("supercomputer") if "bgl" in c.input.name)).events
    assert events["logger"].to_list() == ["KERNEL", "KERNEL", "APP"]


def test_node_stamps_are_kept_as_a_second_clock() -> None:
    bird = check_golden(next(c for c in golden_cases("supercomputer") if "thunderbird" in c.input.name))
    assert bird.yearless  # "Nov 9 12:01:01": normalize dates it from the epoch on the same line
    assert bird.events["ts_local"][0] == datetime(2000, 11, 9, 12, 1, 1)
    bgl = check_golden(next(c for c in golden_cases("supercomputer") if "bgl" in c.input.name))
    assert not bgl.yearless
    assert bgl.events["ts_local"][0] == datetime(2005, 6, 3, 15, 42, 50, 675872)
