"""``restart``: one row per boot; "Starting X" and "Started X in 8 s" of one boot count once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import polars as pl
from _events import at, ev, events_frame

from timeliner.detectors import DetectConfig, detect

CFG = DetectConfig(detectors=("restart",))
STARTING = "Starting CntRuntimeApplication v2.3.1 using Java 17.0.9 with PID 81"
STARTED = "Started CntRuntimeApplication in 8.412 seconds (process running for 9.1)"


def start(t: float, **kw: Any) -> dict[str, Any]:
    return ev(t, STARTING, kind="start", **kw)


def ready(t: float, **kw: Any) -> dict[str, Any]:
    return ev(t, STARTED, kind="ready", **kw)


def restarts(events: list[dict[str, Any]], cfg: DetectConfig = CFG) -> pl.DataFrame:
    timeline = detect(events_frame(events), cfg)
    assert set(timeline["kind"]) <= {"restart"}
    return timeline


def test_starting_and_started_are_one_boot() -> None:
    rows = restarts([start(0), ev(3, "No active profile set"), ready(8.4)])
    assert rows.select("start", "end", "count", "evidence").rows() == [
        (at(0), at(8.4), 1, "app.log:1;app.log:3")
    ]
    assert rows["summary"].to_list() == ["svc started and was ready after 8.4 s."]
    assert rows["service"].to_list() == ["svc"]


def test_a_lone_ready_is_a_boot() -> None:
    rows = restarts([ev(0, "hello"), ready(30)])
    assert rows.select("start", "end", "evidence").rows() == [(at(30), at(30), "app.log:2")]
    assert rows["summary"].to_list() == ["svc became ready (its start was not logged)."]


def test_a_start_without_ready_is_a_boot_ending_at_its_start() -> None:
    rows = restarts([start(0)])
    assert rows.select("start", "end", "summary").rows() == [(at(0), at(0), "svc started.")]


def test_ready_after_the_boot_window_is_a_boot_of_its_own() -> None:
    # boot_window 5 min: 300 s after the start still belongs to it (inclusive), 301 s does not.
    assert restarts([start(0), ready(300)]).height == 1
    assert restarts([start(0), ready(301)]).height == 2


def test_crash_loop_start_crash_start_is_two_boots() -> None:
    rows = restarts([start(0), ev(5, "Application run failed", kind="crash"), start(20), ready(28)])
    assert rows.select("start", "end").rows() == [(at(0), at(0)), (at(20), at(28))]


def test_a_stop_between_start_and_ready_cuts_the_boot() -> None:
    rows = restarts([start(0), ev(2, "Graceful shutdown complete", kind="stop"), ready(4)])
    assert rows.select("start", "end").rows() == [(at(0), at(0)), (at(4), at(4))]


def test_two_readies_after_one_start_are_one_boot() -> None:
    # uvicorn: "Application startup complete." then "Uvicorn running on ..."
    rows = restarts([start(0), ready(2), ready(2.5)])
    assert rows.select("start", "end", "count").rows() == [(at(0), at(2.5), 1)]


def test_start_lines_close_together_merge_unless_their_pids_differ() -> None:
    # start_merge 10 s, chained from the previous start line, no ready in between.
    assert restarts([start(0), start(10)]).height == 1
    assert restarts([start(0), start(10.5)]).height == 2
    assert restarts([start(0, pid="81"), start(3, pid="82")]).height == 2
    assert restarts([start(0, pid="81"), start(3, pid="81")]).height == 1


def daemon(pid: str, lines: int = 20, every: float = 60 / 19) -> list[dict[str, Any]]:
    """A settled process: ``lines`` lines, by default 20 over exactly 60 s (pid_min_events, pid_min_life)."""
    return [ev(i * every, "working", pid=pid) for i in range(lines)]


def test_a_new_pid_is_a_start_even_without_banner() -> None:
    rows = restarts([*daemon("100"), ev(120, "hello again", pid="200"), ev(121, "x", pid="200")])
    assert rows.select("start", "end", "evidence", "summary").rows() == [
        (at(120), at(120), "app.log:21", "svc started a new process (pid 200).")
    ]


def test_a_new_pid_counts_only_after_a_settled_process() -> None:
    assert restarts([*daemon("100", lines=19, every=60 / 18), ev(120, "x", pid="200")]).height == 0
    assert restarts([*daemon("100", every=59 / 19), ev(120, "x", pid="200")]).height == 0


def test_per_connection_forks_are_not_restarts() -> None:
    # sshd in syslog: every connection is a new short-lived pid, one after the other.
    events = [
        ev(t * 30 + i, "Failed password for root", pid=str(1000 + t)) for t in range(20) for i in range(5)
    ]
    assert restarts(events).height == 0


def test_new_pid_and_its_banner_are_one_boot() -> None:
    events = [
        *daemon("100"),
        ev(120, "  .   ____ (banner)", pid="200"),
        start(121, pid="200"),
        ready(129, pid="200"),
    ]
    rows = restarts(events)
    assert rows.select("start", "end", "evidence").rows() == [
        (at(120), at(129), "app.log:21;app.log:22;app.log:23")
    ]
    assert rows["summary"].to_list() == ["svc started and was ready after 9 s."]


def test_interleaved_pids_of_a_worker_pool_are_not_restarts() -> None:
    events = [ev(t, "request", pid=str(100 + t % 3)) for t in range(30)]
    assert restarts(events).height == 0


def test_boots_are_per_service() -> None:
    rows = restarts(
        [start(0, service="a"), start(1, service="b"), ready(5, service="a"), ready(6, service="b")]
    )
    assert rows.select("service", "start", "end").rows() == [("a", at(0), at(5)), ("b", at(1), at(6))]


def test_boot_window_is_configurable() -> None:
    cfg = DetectConfig(detectors=("restart",), boot_window=timedelta(seconds=10))
    assert restarts([start(0), ready(11)], cfg).height == 2
