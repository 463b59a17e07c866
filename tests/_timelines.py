"""Timeline frames for renderer tests: one row builder with plain defaults, and the frame in TIMELINE_SCHEMA."""

from __future__ import annotations

from datetime import datetime

import polars as pl

from timeliner.schema import TIMELINE_SCHEMA


def row(start: datetime, end: datetime | None = None, **values: object) -> dict[str, object]:
    """A timeline row: a one-line ``restart`` of ``api`` at ``start`` unless ``values`` say otherwise."""
    base: dict[str, object] = {
        "start": start,
        "end": end or start,
        "kind": "restart",
        "service": "api",
        "count": 1,
        "summary": "api restarted",
        "evidence": "api.log:3",
        "severity": "medium",
        "incident": None,
    }
    return base | values


def timeline(*rows: dict[str, object]) -> pl.DataFrame:
    """The rows as a timeline frame (TIMELINE_SCHEMA), in the order given."""
    return pl.DataFrame(list(rows), schema=TIMELINE_SCHEMA)
