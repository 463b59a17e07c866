"""Levels as written → the five canonical levels."""

from __future__ import annotations

import polars as pl
import pytest

from timeliner.normalize import map_levels


@pytest.mark.parametrize(
    ("written", "level"),
    [
        ("WARN", "warning"),
        ("Warning", "warning"),  # Kubernetes event type
        ("Normal", "info"),  # Kubernetes event type
        ("30", "info"),  # pino/bunyan
        ("50", "error"),
        ("60", "critical"),
        ("SEVERE", "error"),  # java.util.logging
        ("[ERROR]", "error"),  # Lambda Python runtime
        ("trace6", "debug"),  # Apache 2.4
        ("A", "critical"),  # logcat assert
        ("E", "error"),  # logcat
        ("notice", "info"),  # syslog
        ("emerg", "critical"),
        ("nonsense", None),
        (None, None),
    ],
)
def test_map_levels(written: str | None, level: str | None) -> None:
    got = pl.DataFrame({"l": [written]}, schema={"l": pl.String}).select(map_levels(pl.col("l"))).item()
    assert got == level
