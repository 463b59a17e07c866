"""Cross-file reconciliation on Spark: the rules of :mod:`timeliner.reconcile`, as joins and windows.

:func:`timeliner.reconcile.reconcile` needs every event at once; here each of its three steps
becomes a Spark operation whose driver-side part is small (one row per instance and service):

1. ``--alias FROM=TO`` renames services (a column replace);
2. a service named after its file takes the name a proper source gave the same instance — the
   most frequent such name, ties to the alphabetically first (counted per (instance, service));
3. events exported twice (same ts, message, second clock and service) are kept once: the copy in
   the file with the most events, then the first by (file, line).

``tests/test_spark_engine.py`` holds this to the polars engine's output on inputs that exercise
every step; a change to :mod:`timeliner.reconcile` must be mirrored here.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from timeliner.parsers._identity import service_from_path
from timeliner.reconcile import ReconcileReport

_KEYS = ["ts", "message", "received_ts", "service"]


def reconcile_on_spark(
    events: Any, aliases: tuple[tuple[str, str], ...], files: list[str]
) -> tuple[Any, ReconcileReport]:
    """Spark ``events`` → (reconciled events, report), as :func:`timeliner.reconcile.reconcile` does."""
    from pyspark.sql import functions as F

    report = ReconcileReport()
    if aliases:
        mapping = dict(aliases)
        report.aliased = events.filter(F.col("service").isin(*mapping)).count()
        events = events.replace(mapping, subset=["service"])
    events = _name_by_instance(events, files, report)
    return _drop_duplicates(events, report), report


def _name_by_instance(events: Any, files: list[str], report: ReconcileReport) -> Any:
    from pyspark.sql import functions as F

    stems = events.sparkSession.createDataFrame(
        [(f, service_from_path(f)) for f in files], "file STRING, _stem STRING"
    )
    named = events.join(F.broadcast(stems), on="file", how="left").withColumn(
        "_from_file", F.coalesce(F.col("service") == F.col("_stem"), F.lit(False))
    )
    counts = (
        named.filter(F.col("instance").isNotNull() & ~F.col("_from_file"))
        .groupBy("instance", "service")
        .count()
        .toArrow()
    )
    proper = _most_frequent(pl.from_arrow(counts))  # type: ignore[arg-type]
    if proper.is_empty():
        return events
    table = events.sparkSession.createDataFrame(proper.rows(), "instance STRING, _proper STRING")
    named = named.join(F.broadcast(table), on="instance", how="left")
    moved = F.col("_from_file") & F.col("_proper").isNotNull()
    renamed = (
        named.filter(moved & (F.col("service") != F.col("_proper")))
        .groupBy("service", "_proper")
        .agg(F.count("*").alias("n"), F.min(F.struct("ts", "file", "line")).alias("first"))
        .orderBy("first")
        .collect()
    )
    renames: dict[str, Any] = report.renamed_by_instance  # event counts, as reconcile() records them
    for row in renamed:
        renames[f"{row['service']} → {row['_proper']}"] = int(row["n"])
    fixed = F.when(moved, F.col("_proper")).otherwise(F.col("service"))
    return named.withColumn("service", fixed).drop("_stem", "_from_file", "_proper")


def _most_frequent(counts: pl.DataFrame) -> pl.DataFrame:
    """Per instance, the service with the most events; ties to the alphabetically first."""
    if counts.is_empty():
        return pl.DataFrame(schema={"instance": pl.String, "_proper": pl.String})
    top = counts.filter(pl.col("count") == pl.col("count").max().over("instance"))
    return top.group_by("instance").agg(pl.col("service").min().alias("_proper")).sort("instance")


def _drop_duplicates(events: Any, report: ReconcileReport) -> Any:
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    # Only events with a second clock can be copies; the rest is not shuffled by message.
    candidates = events.filter(F.col("received_ts").isNotNull())
    sizes = events.groupBy("file").agg(F.count("*").alias("_size"))
    copies = Window.partitionBy(*_KEYS).orderBy(F.col("_size").desc(), "file", "line")
    ranked = candidates.join(F.broadcast(sizes), on="file").withColumn("_copy", F.row_number().over(copies))
    dropped = ranked.filter(F.col("_copy") > 1).groupBy("file").count().collect()
    if not dropped:
        return events
    report.duplicates_by_file = {str(row["file"]): int(row["count"]) for row in dropped}
    kept = ranked.filter(F.col("_copy") == 1).drop("_size", "_copy")
    return events.filter(F.col("received_ts").isNull()).unionByName(kept)
