"""``crash``: a process died or failed to start.

Events of kind ``crash`` (``Application run failed``, ``panic:``, ``OOMKilled``, ``Back-off
restarting failed container``, ``Runtime.ExitError``, ``Task timed out``, ...) are grouped per
service like interruptions: an event joins the previous one's group when it is at most
``crash_group`` (default 5 s) later, chained, so the lines one crash leaves behind make one row.

Row: ``start`` / ``end`` = first / last crash line of the group, ``count`` = crash lines,
``summary`` such as ``cnt01-runtime crashed: "Application run failed".``, ``evidence`` = the lines.
"""

from __future__ import annotations

import polars as pl

from timeliner.detectors.config import DetectConfig
from timeliner.detectors.evidence import point_event_rows


def detect_crashes(events: pl.DataFrame, cfg: DetectConfig) -> pl.DataFrame:
    """One ``crash`` row per group of crash lines of a service (see the module docstring)."""
    summary = (
        pl.when(pl.col("count") == 1)
        .then(pl.format('{} crashed: "{}".', "service", "excerpt"))
        .otherwise(
            pl.format('{} crashed ({} crash lines in {}): "{}".', "service", "count", "took", "excerpt")
        )
    )
    return point_event_rows(events, "crash", cfg.crash_group, summary)
