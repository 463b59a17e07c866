"""Detectors: plain functions ``(events, cfg) -> rows`` that turn classified events into timeline rows.

Each module documents the exact definition of its kind: :mod:`.restarts` (``restart``),
:mod:`.storms` (``restart_storm``), :mod:`.downtime`, :mod:`.interruptions`, :mod:`.crashes`,
:mod:`.stops` (a last ``stop``), :mod:`.deploys`, :mod:`.gaps` (``gap``), :mod:`.bursts` (``error_burst``); :mod:`.incidents` adds
``severity`` and ``incident``. :func:`detect` runs them all, in the order of :data:`DETECTORS`.

>>> from datetime import timedelta
>>> cfg = DetectConfig(restart_window=timedelta(minutes=2), restart_min=2)
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from timeliner.detectors.bursts import detect_error_bursts
from timeliner.detectors.config import ALL_DETECTORS, DetectConfig
from timeliner.detectors.crashes import detect_crashes
from timeliner.detectors.deploys import detect_deploys
from timeliner.detectors.downtime import detect_downtime
from timeliner.detectors.evidence import empty_rows, prepare_events
from timeliner.detectors.gaps import detect_gaps
from timeliner.detectors.incidents import with_incidents, with_severity
from timeliner.detectors.interruptions import detect_interruptions
from timeliner.detectors.restarts import detect_restarts
from timeliner.detectors.stops import detect_final_stops
from timeliner.detectors.storms import detect_restart_storms
from timeliner.schema import conform_timeline

__all__ = ["ALL_DETECTORS", "DETECTORS", "DetectConfig", "detect"]

Detector = Callable[[pl.DataFrame, DetectConfig], pl.DataFrame]

DETECTORS: dict[str, Detector] = {
    "restart": detect_restarts,
    "restart_storm": detect_restart_storms,
    "downtime": detect_downtime,
    "interruption": detect_interruptions,
    "crash": detect_crashes,
    "stop": detect_final_stops,
    "deploy": detect_deploys,
    "gap": detect_gaps,
    "error_burst": detect_error_bursts,
}


def detect(events: pl.DataFrame, cfg: DetectConfig | None = None) -> pl.DataFrame:
    """Run the detectors named in ``cfg.detectors`` → timeline rows (TIMELINE_SCHEMA), sorted by start.

    ``events`` is a classified canonical events frame; the order of its rows does not matter.
    """
    cfg = cfg or DetectConfig()
    prepared = prepare_events(events)
    found = [DETECTORS[name](prepared, cfg) for name in ALL_DETECTORS if name in cfg.detectors]
    rows = pl.concat([empty_rows(), *found], how="vertical")
    return conform_timeline(with_incidents(with_severity(rows), cfg.incident_window))
