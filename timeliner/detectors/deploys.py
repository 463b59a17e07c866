"""``deploy``: a release or a configuration change.

Events of kind ``deploy`` (deployment started/finished, ``Scaled up replica set``, Helm upgrades,
configuration reloads, nginx ``reconfiguring``) are grouped per service: an event joins the previous
one's group when it is at most ``deploy_group`` (default 1 min) later, chained, so the lines of one
rollout make one row.

Row: ``start`` / ``end`` = first / last line, ``count`` = lines, ``summary`` such as
``Deploy or configuration change on order-api: "Deployment d-4F2K9 started".``.
"""

from __future__ import annotations

import polars as pl

from timeliner.detectors.config import DetectConfig
from timeliner.detectors.evidence import point_event_rows


def detect_deploys(events: pl.DataFrame, cfg: DetectConfig) -> pl.DataFrame:
    """One ``deploy`` row per group of deploy lines of a service (see the module docstring)."""
    summary = (
        pl.when(pl.col("count") == 1)
        .then(pl.format('Deploy or configuration change on {}: "{}".', "service", "excerpt"))
        .otherwise(
            pl.format(
                'Deploy or configuration change on {} ({} lines in {}): "{}".',
                "service",
                "count",
                "took",
                "excerpt",
            )
        )
    )
    return point_event_rows(events, "deploy", cfg.deploy_group, summary)
