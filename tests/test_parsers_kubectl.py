"""Kubernetes text: kubectl describe pod (states, terminations, old Events tables), get pods, event text."""

from __future__ import annotations

import pytest
from _golden import GoldenCase, check_golden, golden_cases

from timeliner.parsers import get_format


def _case(fragment: str) -> GoldenCase:
    return next(c for c in golden_cases("kubectl") if fragment in c.input.name)


@pytest.mark.parametrize("case", golden_cases("kubectl"), ids=str)
def test_golden(case: GoldenCase) -> None:
    check_golden(case)


def test_describe_group_and_relative_rows_note() -> None:
    result = check_golden(_case("describe_pod"))
    assert set(result.events["group"]) == {"shop/checkout-7d9c5b-x2x4p"}
    assert result.notes == ["1 Events row(s) give only relative ages (e.g. '2m'): not placed on the timeline"]
    assert (result.units, result.continuations) == (32, 27)


def test_event_text_namespace_is_the_group() -> None:
    assert check_golden(_case("eventer")).events["group"].to_list() == ["shop", "shop"]


def test_sniffers() -> None:
    assert get_format("kubectl-get-pods").sniff("NAME  READY   STATUS   RESTARTS   AGE\n") == 0.9
    assert (
        get_format("kubectl-describe").sniff(
            "    State:  Running\n      Started:  Mon, 18 Jan 2021 18:31:57 +0800\n"
        )
        == 0.0
    )
    assert (
        get_format("kube-event-text").sniff("Reason:BackOff\nTimestamp:2024-01-04 17:51:18\nMessage:x\n")
        == 0.9
    )
