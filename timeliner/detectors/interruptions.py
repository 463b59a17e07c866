"""``interruption``: work or a connection cut off part-way.

Events of kind ``interruption`` (interrupted threads — also when ``InterruptedException`` is only in
the stack trace —, reset or refused connections, broken pipes, aborted syncs and transfers) are
grouped per service: an event joins the group of the previous one when it is at most
``interruption_group`` (default 5 s) later, chained, so near-simultaneous reports of one failure
(the exception logged by three layers) make one row.

Row: ``start`` / ``end`` = first / last event of the group, ``count`` = its events, ``summary`` such
as ``sftp-sync was interrupted 2 times in 3 s: "Sync of /inbound aborted".``, ``evidence`` = the
events' lines.
"""

from __future__ import annotations

import polars as pl

from timeliner.detectors.config import DetectConfig
from timeliner.detectors.evidence import point_event_rows


def detect_interruptions(events: pl.DataFrame, cfg: DetectConfig) -> pl.DataFrame:
    """One ``interruption`` row per group of interruptions of a service (see the module docstring)."""
    summary = (
        pl.when(pl.col("count") == 1)
        .then(pl.format('{} was interrupted: "{}".', "service", "excerpt"))
        .when(pl.col("start") == pl.col("end"))
        .then(pl.format('{} was interrupted {} times at once: "{}".', "service", "count", "excerpt"))
        .otherwise(
            pl.format('{} was interrupted {} times in {}: "{}".', "service", "count", "took", "excerpt")
        )
    )
    return point_event_rows(events, "interruption", cfg.interruption_group, summary)
