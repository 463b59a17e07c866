"""``gap``: a source silent for far longer than its own rhythm (placeholder, see issue 5)."""

from __future__ import annotations

import polars as pl

from timeliner.detectors.config import DetectConfig
from timeliner.detectors.evidence import empty_rows


def detect_gaps(events: pl.DataFrame, cfg: DetectConfig) -> pl.DataFrame:
    """No gap rows yet."""
    return empty_rows()
