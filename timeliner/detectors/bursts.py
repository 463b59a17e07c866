"""``error_burst``: an error rate far above the service baseline (placeholder, see issue 5)."""

from __future__ import annotations

import polars as pl

from timeliner.detectors.config import DetectConfig
from timeliner.detectors.evidence import empty_rows


def detect_error_bursts(events: pl.DataFrame, cfg: DetectConfig) -> pl.DataFrame:
    """No burst rows yet."""
    return empty_rows()
