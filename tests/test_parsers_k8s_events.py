"""Kubernetes events JSON: core/v1 and events.k8s.io/v1; first occurrence is the time."""

from __future__ import annotations

import pytest
from _golden import GoldenCase, check_golden, golden_cases

from timeliner.parsers.k8s_events import sniff


@pytest.mark.parametrize("case", golden_cases("k8s_events"), ids=str)
def test_golden(case: GoldenCase) -> None:
    check_golden(case)


def test_namespace_group_and_reporting_component() -> None:
    result = check_golden(golden_cases("k8s_events")[0])
    assert result.unit == "record" and result.units == 3
    assert result.events.select("group", "logger").rows() == [("shop", "kubelet"), ("shop", "kubelet")]


def test_sniff() -> None:
    assert sniff('{"kind": "EventList", "items": []}') == 0.95
    assert sniff('[{"involvedObject": {"name": "x"}, "reason": "Killing"}]') == 0.9
    assert sniff('{"reason": "x", "message": "y"}') == 0.0
