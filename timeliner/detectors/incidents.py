"""``severity`` and ``incident``: how bad a row is, and which rows happened together.

Severity by kind: ``high`` for ``crash``, ``restart_storm`` and ``downtime``; ``medium`` for
``interruption``, ``error_burst``, ``gap`` and ``stop``; ``low`` for everything else (``restart``, ``deploy``,
``annotation``, kinds of user rules).

Incidents: rows are taken in order of ``start``; a row belongs to the current incident when its start
is at most ``incident_window`` (default 5 min) after the latest ``end`` seen so far in that incident,
whatever the service — so a storm on one service and the interruptions it causes on another become
one episode. Incidents are numbered 1, 2, ... in time order; a row that is alone in its episode gets
no incident id (null).
"""

from __future__ import annotations

from datetime import timedelta

import polars as pl

SEVERITY = {
    "crash": "high",
    "restart_storm": "high",
    "downtime": "high",
    "interruption": "medium",
    "error_burst": "medium",
    "gap": "medium",
    "stop": "medium",
}


def with_severity(rows: pl.DataFrame) -> pl.DataFrame:
    """Add the ``severity`` column from the row's kind (see the module docstring)."""
    severity = pl.col("kind").replace_strict(SEVERITY, default="low", return_dtype=pl.String)
    return rows.with_columns(severity=severity)


def with_incidents(rows: pl.DataFrame, window: timedelta) -> pl.DataFrame:
    """Add the ``incident`` column: ids of episodes of touching rows (see the module docstring)."""
    ordered = rows.sort(["start", "end", "kind", "service"], nulls_last=True, maintain_order=True)
    reach = pl.col("end").fill_null(pl.col("start")).cum_max().shift(1)
    episode = (reach.is_null() | (pl.col("start") > reach + window)).cast(pl.Int64).cum_sum()
    ordered = ordered.with_columns(_episode=episode)
    shared = pl.len().over("_episode") > 1
    numbered = ordered.with_columns(_shared=shared).with_columns(
        incident=pl.when("_shared").then(
            (pl.col("_shared") & pl.col("_episode").is_first_distinct()).cum_sum()
        )
    )
    return numbered.drop("_episode", "_shared")
