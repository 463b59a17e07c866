"""The cross-source time step on Spark: :func:`timeliner.normalize.finish_run` on a narrow view.

Placing yearless files among the dated ones and estimating clock skews need every source at once.
The driver runs the very same :func:`~timeliner.normalize.finish_run` over the seven columns it
reads (file, line, ts, ts_basis, source, request_id, received_ts — tens of bytes per event), which
also fills in each file's :class:`~timeliner.timereport.TimeReport`; the instants it changed (a
file moved by whole years, a ``--skew auto`` shift) are joined back onto the events by (file, line).
Above :data:`ALIGN_EVENT_LIMIT` events the view would not fit a driver: the step is skipped and
summary.json says so.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from timeliner.engines._partitions import from_arrow
from timeliner.loading import FileReport
from timeliner.settings import Settings

ALIGN_COLUMNS = ("file", "line", "ts", "ts_basis", "source", "request_id", "received_ts")
ALIGN_EVENT_LIMIT = 50_000_000


def align_on_spark(events: Any, reports: list[FileReport], settings: Settings) -> tuple[Any, str | None]:
    """(events with the cross-source time decisions applied, a note when the step was skipped)."""
    from pyspark.sql import functions as F

    from timeliner.normalize import finish_run

    total = events.count()
    if total > ALIGN_EVENT_LIMIT:
        return events, (
            f"cross-source time alignment (yearless files placed among dated ones, skew estimates) "
            f"skipped: {total:,} events exceed the Spark engine's limit of {ALIGN_EVENT_LIMIT:,}"
        )
    view = from_arrow(events.select(*ALIGN_COLUMNS).toArrow())
    aligned = finish_run(view, [r.time for r in reports if r.time is not None], settings)
    changed = (
        aligned.select("file", "line", "ts")
        .join(view.select("file", "line", _before="ts"), on=["file", "line"])
        .filter(pl.col("ts").ne_missing(pl.col("_before")))
        .select("file", "line", _aligned="ts")
    )
    if changed.is_empty():
        return events, None
    moves = events.sparkSession.createDataFrame(changed.to_arrow())
    moved = events.join(moves, on=["file", "line"], how="left")
    return moved.withColumn("ts", F.coalesce("_aligned", "ts")).drop("_aligned"), None
