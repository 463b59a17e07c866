"""``stop``: a service shut down and did not come back (in these logs).

A stop that is followed by a boot of the same service is already told by the ``downtime`` row
(from the stop until it was ready again). What no other row tells is the *last* stop: a service
that received SIGTERM, shut down gracefully and never logged a start again. Events of kind
``stop`` are grouped per service like crashes (chained within ``stop_group``, default 30 s, so a
shutdown sequence is one row), and a group is a ``stop`` row only when no boot of the service
(see :mod:`timeliner.detectors.restarts`) starts after it.

Row: ``start`` / ``end`` = first / last stop line of the group, ``count`` = stop lines,
``summary`` such as ``prometheus stopped and did not start again in these logs: "Received an OS
signal, exiting gracefully...".``, ``evidence`` = the lines.
"""

from __future__ import annotations

import polars as pl

from timeliner.detectors.config import DetectConfig
from timeliner.detectors.evidence import point_event_rows
from timeliner.detectors.restarts import detect_restarts


def detect_final_stops(events: pl.DataFrame, cfg: DetectConfig) -> pl.DataFrame:
    """One ``stop`` row per shutdown after which the service never booted again (see module doc)."""
    summary = pl.format('{} stopped and did not start again in these logs: "{}".', "service", "excerpt")
    stops = point_event_rows(events, "stop", cfg.stop_group, summary)
    if stops.is_empty():
        return stops
    last_boot = (
        detect_restarts(events, cfg).group_by("service").agg(pl.col("start").max().alias("_last_boot"))
    )
    final = stops.join(last_boot, on="service", how="left", nulls_equal=True).filter(
        pl.col("_last_boot").is_null() | (pl.col("_last_boot") < pl.col("start"))
    )
    return final.drop("_last_boot")
