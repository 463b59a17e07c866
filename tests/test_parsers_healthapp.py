"""Golden cases of the healthapp parser (see tests/fixtures/healthapp)."""

from __future__ import annotations

import pytest
from _golden import GoldenCase, check_golden, golden_cases


@pytest.mark.parametrize("case", golden_cases("healthapp"), ids=str)
def test_golden(case: GoldenCase) -> None:
    check_golden(case)


def test_component_and_pid() -> None:
    events = check_golden(golden_cases("healthapp")[0]).events
    assert events.select("logger", "pid").row(1) == ("Step_StandStepCounter", "30002312")
