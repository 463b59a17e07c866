"""Golden cases of the proxifier parser (see tests/fixtures/proxifier)."""

from __future__ import annotations

import pytest
from _golden import GoldenCase, check_golden, golden_cases


@pytest.mark.parametrize("case", golden_cases("proxifier"), ids=str)
def test_golden(case: GoldenCase) -> None:
    check_golden(case)


def test_yearless() -> None:
    assert check_golden(golden_cases("proxifier")[0]).yearless
