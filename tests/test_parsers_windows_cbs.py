"""Golden cases of the windows cbs parser (see tests/fixtures/windows_cbs)."""

from __future__ import annotations

import pytest
from _golden import GoldenCase, check_golden, golden_cases


@pytest.mark.parametrize("case", golden_cases("windows_cbs"), ids=str)
def test_golden(case: GoldenCase) -> None:
    check_golden(case)


def test_component_is_the_logger() -> None:
    events = check_golden(golden_cases("windows_cbs")[0]).events
    assert events["logger"].to_list() == ["CBS", "CBS", "CSI", "CBS", "DISM", "CBS"]
