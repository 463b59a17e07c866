"""``downtime``: from a stop or crash to the next boot's ready line (or its start)."""

from __future__ import annotations

from typing import Any

import polars as pl
from _events import at, ev, events_frame

from timeliner.detectors import DetectConfig, detect


def start(t: float) -> dict[str, Any]:
    return ev(t, "Starting App v1 using Java 17 with PID 1", kind="start", service="rt")


def ready(t: float) -> dict[str, Any]:
    return ev(t, "Started App in 5 seconds", kind="ready", service="rt")


def stop(t: float) -> dict[str, Any]:
    return ev(t, "Graceful shutdown complete", kind="stop", service="rt")


def crash(t: float) -> dict[str, Any]:
    return ev(t, "Application run failed", kind="crash", service="rt")


def downtime(events: list[dict[str, Any]]) -> pl.DataFrame:
    return detect(events_frame(events), DetectConfig(detectors=("downtime",)))


def test_crash_to_next_ready() -> None:
    rows = downtime([start(0), ready(5), crash(30), start(60), ready(65)])
    assert rows.select("start", "end", "kind", "service", "count", "evidence", "severity").rows() == [
        (at(30), at(65), "downtime", "rt", 3, "app.log:3;app.log:4;app.log:5", "high")
    ]
    assert rows["summary"].to_list() == ["rt was down for 35 s, from a crash until it was ready again."]


def test_two_stop_lines_then_a_start_without_ready() -> None:
    rows = downtime([stop(0), stop(2), start(100)])
    assert rows.select("start", "end", "count").rows() == [(at(0), at(100), 3)]
    assert rows["summary"].to_list() == ["rt was down for 1 min 40 s, from a stop until it started again."]


def test_no_downtime_without_a_later_boot() -> None:
    assert downtime([start(0), ready(5), stop(30)]).height == 0


def test_each_stop_or_crash_stretch_ends_at_the_next_boot() -> None:
    rows = downtime([start(0), stop(10), start(20), ready(25), crash(40), crash(41), start(100), ready(110)])
    assert rows.select("start", "end").rows() == [(at(10), at(25)), (at(40), at(110))]


def test_other_services_do_not_end_a_downtime() -> None:
    other = ev(50, "Starting Other v1 using Java 17 with PID 2", kind="start", service="other")
    assert downtime([crash(30), other]).height == 0
