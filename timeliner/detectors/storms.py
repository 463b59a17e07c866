"""``restart_storm``: a service restarting again and again.

The boots of a service (see :mod:`timeliner.detectors.restarts`) are chained in time order: a boot
joins the chain of the previous boot when its start is at most ``restart_window`` (default 2 min)
after the previous boot's start — *inclusive*: exactly 120 s apart is inside, 121 s is not. A chain
of at least ``restart_min`` (default 2) boots is a storm. Because each link is measured from the
previous boot, two storms separated by a quiet stretch longer than the window stay two storms.

Row: ``start`` = the first boot's start, ``end`` = the last boot's end (its ready line, or its start),
``count`` = the number of boots, ``summary`` such as "cnt01-runtime restarted 3 times in 1 min 25 s",
``evidence`` = the boots' lines.
"""

from __future__ import annotations

import polars as pl

from timeliner.detectors.config import DetectConfig
from timeliner.detectors.evidence import as_rows, chain_id, durations_text, empty_rows, evidence_text
from timeliner.detectors.restarts import find_boots


def detect_restart_storms(events: pl.DataFrame, cfg: DetectConfig) -> pl.DataFrame:
    """One ``restart_storm`` row per chain of at least ``cfg.restart_min`` boots (see module docstring)."""
    boots = find_boots(events, cfg).sort("service", "start", "first_row")
    chained = boots.with_columns(chain=chain_id("start", cfg.restart_window, ["service"]))
    storms = (
        chained.group_by("service", "chain")
        .agg(
            start=pl.col("start").min(),
            end=pl.col("end").max(),
            count=pl.len(),
            refs=pl.col("refs").list.explode(keep_nulls=False, empty_as_null=False),
        )
        .filter(pl.col("count") >= cfg.restart_min)
    )
    if storms.height == 0:
        return empty_rows()
    rows = storms.with_columns(took=durations_text(storms["start"], storms["end"])).with_columns(
        kind=pl.lit("restart_storm"),
        summary=pl.format("{} restarted {} times in {}.", pl.col("service"), pl.col("count"), pl.col("took")),
        evidence=evidence_text(pl.col("refs")),
    )
    return as_rows(rows)
