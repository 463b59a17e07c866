"""Golden cases of the supercomputer parser (see tests/fixtures/supercomputer)."""

from __future__ import annotations

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
