"""``stop`` rows: only a shutdown after which the service never booted again."""

from __future__ import annotations

from typing import Any

import polars as pl
from _events import at, ev, events_frame

from timeliner.detectors import DetectConfig, detect


def rows(events: list[dict[str, Any]]) -> pl.DataFrame:
    return detect(events_frame(events), DetectConfig(detectors=("stop",)))


def test_a_last_shutdown_is_a_stop_row_with_its_sequence_grouped() -> None:
    events = [
        ev(0, "Starting App v1 using Java 17 with PID 7", kind="start", service="api"),
        ev(10, "Started App in 9.8 seconds", kind="ready", service="api"),
        ev(
            100,
            "Commencing graceful shutdown. Waiting for active requests to complete",
            kind="stop",
            service="api",
        ),
        ev(130, "Graceful shutdown complete", kind="stop", service="api"),  # 30 s later: inclusive, same row
    ]
    result = rows(events)
    assert result.select("start", "end", "kind", "count", "evidence", "severity").rows() == [
        (at(100), at(130), "stop", 2, "app.log:3;app.log:4", "medium")
    ]
    assert result["summary"].to_list() == [
        'api stopped and did not start again in these logs: "Commencing graceful shutdown. Waiting for active '
        'requests to complete".'
    ]


def test_a_stop_followed_by_a_boot_is_left_to_the_downtime_row() -> None:
    events = [
        ev(0, "Commencing graceful shutdown", kind="stop", service="api"),
        ev(20, "Starting App v2 using Java 17 with PID 8", kind="start", service="api"),
    ]
    assert rows(events).is_empty()


def test_another_services_boot_does_not_count() -> None:
    events = [
        ev(0, "Received SIGTERM, exiting gracefully...", kind="stop", service="prometheus"),
        ev(20, "Starting App v2 using Java 17 with PID 8", kind="start", service="api"),
    ]
    assert rows(events)["service"].to_list() == ["prometheus"]


def test_shutdowns_further_apart_than_the_window_are_separate() -> None:
    events = [ev(t, "Stopping", kind="stop", service="api") for t in (0, 31)]
    assert rows(events)["count"].to_list() == [1, 1]
