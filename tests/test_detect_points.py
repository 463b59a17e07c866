"""``interruption``, ``crash`` and ``deploy`` rows: events of one kind grouped per service, chained."""

from __future__ import annotations

from typing import Any

import polars as pl
from _events import at, ev, events_frame

from timeliner.detectors import DetectConfig, detect


def rows(events: list[dict[str, Any]], detector: str) -> pl.DataFrame:
    return detect(events_frame(events), DetectConfig(detectors=(detector,)))


def test_interruptions_within_5_s_chained_are_one_row() -> None:
    events = [ev(t, f"Connection reset #{t}", kind="interruption", service="sync") for t in (0, 3, 8, 14)]
    result = rows(events, "interruption")
    # 0 -> 3 (3 s) -> 8 (5 s, inclusive) chain; 14 is 6 s after 8: a new row.
    assert result.select("start", "end", "count", "evidence").rows() == [
        (at(0), at(8), 3, "app.log:1;app.log:2;app.log:3"),
        (at(14), at(14), 1, "app.log:4"),
    ]
    assert result["summary"].to_list() == [
        'sync was interrupted 3 times in 8 s: "Connection reset #0".',
        'sync was interrupted: "Connection reset #14".',
    ]
    assert result["severity"].to_list() == ["medium", "medium"]


def test_interruptions_of_different_services_are_separate_rows() -> None:
    events = [
        ev(0, "Broken pipe", kind="interruption", service="a"),
        ev(1, "Broken pipe", kind="interruption", service="b"),
    ]
    assert rows(events, "interruption").select("service", "count").rows() == [("a", 1), ("b", 1)]


def test_interruption_excerpt_is_the_first_line_and_simultaneous_ones_say_so() -> None:
    message = (
        "Sync of /inbound failed\njava.lang.InterruptedException: sleep interrupted\n\tat x.Y.run(Y.java:42)"
    )
    events = [ev(0, message, kind="interruption", service="sftp-sync", file="rt.log", line=40)]
    events.append(
        ev(0, "order delivery interrupted", kind="interruption", service="sftp-sync", file="rt.log", line=51)
    )
    result = rows(events, "interruption")
    assert result["summary"].to_list() == [
        'sftp-sync was interrupted 2 times at once: "Sync of /inbound failed".'
    ]
    assert result["evidence"].to_list() == ["rt.log:40;rt.log:51"]


def test_evidence_lists_20_then_says_how_many_more() -> None:
    events = [ev(t, "Connection refused", kind="interruption") for t in range(25)]
    evidence = rows(events, "interruption")["evidence"].to_list()
    assert evidence == [";".join(f"app.log:{n}" for n in range(1, 21)) + ";+5 more"]


def test_long_first_lines_are_cut_in_the_summary() -> None:
    result = rows([ev(0, "x" * 150, kind="crash")], "crash")
    assert result["summary"].to_list() == ['svc crashed: "' + "x" * 99 + '…".']


def test_crash_rows() -> None:
    events = [
        ev(0, "Application run failed\norg.x.BeanCreationException: boom", kind="crash", service="rt"),
        ev(2, "Out of memory: Killed process 2211 (java)", kind="crash", service="rt"),
        ev(60, "Back-off restarting failed container", kind="crash", service="rt"),
    ]
    result = rows(events, "crash")
    assert result.select("start", "end", "count", "severity").rows() == [
        (at(0), at(2), 2, "high"),
        (at(60), at(60), 1, "high"),
    ]
    assert result["summary"].to_list() == [
        'rt crashed (2 crash lines in 2 s): "Application run failed".',
        'rt crashed: "Back-off restarting failed container".',
    ]


def test_deploy_rows_group_within_a_minute() -> None:
    events = [
        ev(t, f"Deployment d-1 step {t} started", kind="deploy", service="order-api") for t in (0, 50, 111)
    ]
    result = rows(events, "deploy")
    assert result.select("start", "end", "count", "severity").rows() == [
        (at(0), at(50), 2, "low"),
        (at(111), at(111), 1, "low"),
    ]
    assert (
        result["summary"][0]
        == 'Deploy or configuration change on order-api (2 lines in 50 s): "Deployment d-1 step 0 started".'
    )


def test_no_events_of_the_kind_gives_no_rows() -> None:
    assert rows([ev(0, "hello")], "interruption").height == 0
