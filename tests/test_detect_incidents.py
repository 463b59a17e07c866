"""``severity`` by kind and ``incident`` ids for rows that touch within the incident window."""

from __future__ import annotations

from datetime import timedelta

import polars as pl
from _events import at

from timeliner.detectors.incidents import with_incidents, with_severity


def rows(spans: list[tuple[float, float, str, str]]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "start": [at(s) for s, _, _, _ in spans],
            "end": [at(e) for _, e, _, _ in spans],
            "kind": [k for _, _, k, _ in spans],
            "service": [v for _, _, _, v in spans],
        },
        schema_overrides={"start": pl.Datetime("us", "UTC"), "end": pl.Datetime("us", "UTC")},
    )


def test_severity_by_kind() -> None:
    kinds = [
        "crash",
        "restart_storm",
        "downtime",
        "interruption",
        "error_burst",
        "gap",
        "restart",
        "deploy",
        "failover",
    ]
    frame = with_severity(rows([(0, 0, k, "s") for k in kinds]))
    assert frame["severity"].to_list() == ["high"] * 3 + ["medium"] * 3 + ["low"] * 3


def test_rows_touching_within_the_window_share_an_incident() -> None:
    frame = rows(
        [
            (0, 100, "restart_storm", "runtime"),
            (400, 400, "interruption", "sync"),  # 300 s after the storm's end: inside (inclusive)
            (2000, 2000, "restart", "runtime"),  # alone
            (5000, 9000, "gap", "portal"),
            (9100, 9100, "error_burst", "sentry"),
            (9401, 9401, "deploy", "ci"),  # 301 s after the gap's end: outside
        ]
    )
    result = with_incidents(frame, timedelta(minutes=5))
    assert result["incident"].to_list() == [1, 1, None, 2, 2, None]


def test_a_long_row_keeps_the_incident_open_until_its_end() -> None:
    frame = rows([(0, 3600, "downtime", "a"), (600, 600, "crash", "b"), (3800, 3800, "restart", "a")])
    assert with_incidents(frame, timedelta(minutes=5))["incident"].to_list() == [1, 1, 1]
