"""``restart_storm``: at least restart_min boots chained with start-to-start gaps <= restart_window."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import polars as pl
import pytest
from _events import at, ev, events_frame

from timeliner.detectors import DetectConfig, detect

STARTING = "Starting CntRuntimeApplication v2.3.1 using Java 17.0.9 with PID 81"
STARTED = "Started CntRuntimeApplication in 5 seconds"


def boot(t: float, took: float = 5, service: str = "cnt01-runtime") -> list[dict[str, Any]]:
    return [
        ev(t, STARTING, kind="start", service=service),
        ev(t + took, STARTED, kind="ready", service=service),
    ]


def storms(events: list[dict[str, Any]], **options: Any) -> pl.DataFrame:
    cfg = DetectConfig(detectors=("restart_storm",), **options)
    return detect(events_frame(events), cfg)


@pytest.mark.parametrize(("apart", "is_storm"), [(119, True), (120, True), (121, False)])
def test_two_restarts_apart_at_the_window_boundary(apart: float, is_storm: bool) -> None:
    rows = storms(boot(0) + boot(apart))
    if is_storm:
        assert rows.select("start", "end", "kind", "service", "count").rows() == [
            (at(0), at(apart + 5), "restart_storm", "cnt01-runtime", 2)
        ]
    else:
        assert rows.height == 0


def test_summary_evidence_and_span() -> None:
    rows = storms(boot(0) + boot(40) + boot(80))
    assert rows.select("start", "end", "count").rows() == [(at(0), at(85), 3)]
    assert rows["summary"].to_list() == ["cnt01-runtime restarted 3 times in 1 min 25 s."]
    assert rows["evidence"].to_list() == [";".join(f"app.log:{n}" for n in range(1, 7))]
    assert rows["severity"].to_list() == ["high"]


def test_chain_rule_links_each_restart_to_the_previous_one() -> None:
    # 0, 100, 200: every link is <= 120 s although the whole chain spans 200 s.
    assert storms(boot(0) + boot(100) + boot(200))["count"].to_list() == [3]


def test_storms_do_not_merge_across_a_quiet_stretch_longer_than_the_window() -> None:
    rows = storms(boot(0) + boot(60) + boot(300) + boot(360))
    assert rows.select("start", "end", "count").rows() == [(at(0), at(65), 2), (at(300), at(365), 2)]


def test_restart_min_and_window_are_options() -> None:
    assert storms(boot(0) + boot(60), restart_min=3).height == 0
    assert storms(boot(0) + boot(60) + boot(120), restart_min=3)["count"].to_list() == [3]
    assert storms(boot(0) + boot(60), restart_window=timedelta(seconds=59)).height == 0


def test_storms_are_per_service() -> None:
    assert storms(boot(0, service="a") + boot(30, service="b")).height == 0


def test_starting_and_started_lines_are_not_counted_twice() -> None:
    # 2 boots = 4 lines; a storm of 2, not 4.
    assert storms(boot(0) + boot(30))["count"].to_list() == [2]
