"""``--engine spark``: the same build on a Spark cluster, for inputs bigger than one machine.

Install with ``pip install 'timeliner[spark]'`` (pyspark ≥ 4, Java 17). The parsing and detection
code is the polars code of the default engine, run on the executors through ``mapInArrow`` and
``applyInArrow`` (:mod:`timeliner.engines._partitions`); Spark only moves data between them:

1. every input file is read, parsed and normalized on an executor (one task per file);
2. the cross-source time step (yearless files placed among dated ones, clock skews) runs on the
   driver over a narrow view of the events (:mod:`timeliner.engines._align`);
3. cross-file reconciliation (``--alias``, service names by instance, one copy of events exported
   twice) runs as Spark joins and windows over small per-instance summaries;
4. events are classified per partition, then grouped by service, and each service's events go
   through the same detectors (a restart storm whose restarts sit in two files, or a silence that
   spans files, is seen whole); the driver merges the rows and groups them into incidents.

Sessions: an active session is reused (EMR, Glue, Databricks notebooks); ``--spark-remote
sc://host:15002`` connects through Spark Connect; otherwise a local session is started (all
cores). During the build the session zone is UTC and Parquet timestamps are written as
UTC-marked microseconds; both settings are put back afterwards.

Inputs: local paths (read by the executors, so on a cluster they must be on a shared file
system) and ``s3://`` / ``s3a://`` prefixes (read with Spark's ``binaryFile`` source; the cluster
needs the ``hadoop-aws`` connector and credentials, as on EMR or Glue). Outputs are written on the
driver into ``--out``: ``events.parquet`` is streamed from Spark's sorted parts into one file.
"""

from __future__ import annotations

import os
import pickle
import shutil
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

import polars as pl

from timeliner.engines import _partitions as parts
from timeliner.engines._align import align_on_spark
from timeliner.engines._reconcile import reconcile_on_spark
from timeliner.errors import UsageError
from timeliner.loading import FileReport
from timeliner.pipeline import (
    BuildResult,
    LoadResult,
    _ensure_out,
    merge_service_rows,
    no_events_error,
    no_input_error,
    write_outputs,
)
from timeliner.schema import DETECTION_COLUMNS, EVENT_SCHEMA, REJECT_SCHEMA
from timeliner.settings import Settings
from timeliner.sources import CONFIG_FILE_NAMES, expand_inputs

# The Gantt chart and summary.json read four columns of every event; above this many events they
# are given a sample (say so in the summary) rather than filling the driver's memory.
CHART_EVENT_LIMIT = 20_000_000
_SESSION_CONF = {
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",
}

__all__ = ["build_on_spark", "spark_session", "utc_session"]


def spark_session(remote: str | None = None) -> Any:
    """The session to run on: Spark Connect at ``remote``, else the active one, else a new local one."""
    from pyspark.sql import SparkSession

    if remote:
        return SparkSession.builder.remote(remote).getOrCreate()
    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    # Local workers must run this interpreter (the one with timeliner and polars), not "python3".
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    # A session of our own is local: a few shuffle partitions per core, not the cluster default of 200.
    partitions = str(2 * (os.cpu_count() or 1))
    builder = (
        SparkSession.builder.appName("timeliner")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", partitions)
    )
    return builder.getOrCreate()


@contextmanager
def utc_session(spark: Any) -> Iterator[None]:
    """Session zone UTC and UTC-marked µs Parquet timestamps for the block; previous values restored."""
    before = {key: spark.conf.get(key, None) for key in _SESSION_CONF}
    for key, value in _SESSION_CONF.items():
        spark.conf.set(key, value)
    try:
        yield
    finally:
        for key, value in before.items():
            if value is None:
                spark.conf.unset(key)
            else:
                spark.conf.set(key, value)


def build_on_spark(
    inputs: Sequence[str | Path], out: str | Path, settings: Settings, *, remote: str | None = None
) -> BuildResult:
    """Run the whole build on Spark and write the contract's six files into ``out`` (see module doc)."""
    if settings.redact:
        raise UsageError(
            "--redact is not available with --engine spark yet; run the build with --engine polars"
        )
    out_dir = _ensure_out(out)
    spark = spark_session(remote)
    with utc_session(spark), tempfile.TemporaryDirectory(prefix=".spark-", dir=out_dir) as work:
        loaded = _load(spark, inputs, settings).cache()
        try:
            return _finish(loaded, out_dir, Path(work), settings)
        finally:
            loaded.unpersist()


def _load(spark: Any, inputs: Sequence[str | Path], settings: Settings) -> Any:
    files = _input_files(spark, inputs)
    count = files.count()
    if count == 0:
        raise no_input_error(inputs)
    load = partial(parts.load_partition, settings=settings)
    return files.repartition(load_tasks(count)).mapInArrow(load, parts.spark_ddl(parts.LOADED_SCHEMA))


# Up to this many files, each is a task of its own (big files in parallel); beyond, tasks take about
# FILES_PER_TASK files each: an S3 export of 20,000 chunks is not 20,000 tasks, and the small files
# of a task are parsed together (timeliner.batching).
ONE_TASK_PER_FILE_UP_TO = 256
FILES_PER_TASK = 64


def load_tasks(files: int) -> int:
    """How many Spark tasks read ``files`` input files."""
    if files <= ONE_TASK_PER_FILE_UP_TO:
        return files
    return max(ONE_TASK_PER_FILE_UP_TO, -(-files // FILES_PER_TASK))


def _input_files(spark: Any, inputs: Sequence[str | Path]) -> Any:
    """One row per input file: local paths listed here as polars lists them, URIs listed by Spark."""
    local, _configs = expand_inputs([i for i in inputs if "://" not in str(i)])
    rows = [(order, path, None, None) for order, path in enumerate(local)]
    files = spark.createDataFrame(rows, parts.spark_ddl(_FILES))
    base = len(rows)
    for uri in (str(i) for i in inputs if "://" in str(i)):
        found = _files_under(spark, uri, base)
        files = files.unionByName(found)
        base += found.count()
    return files


def _files_under(spark: Any, uri: str, base: int) -> Any:
    """Files under a URI prefix (``s3://bucket/exports/``), numbered from ``base`` in path order."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    name = F.regexp_extract("path", r"([^/]*)$", 1)
    found = (
        spark.read.format("binaryFile")
        .option("recursiveFileLookup", "true")
        .load(uri)
        .filter(~name.startswith(".") & ~name.isin(*CONFIG_FILE_NAMES))
    )
    return found.select(
        (F.lit(base) + F.row_number().over(Window.orderBy("path")) - 1).cast("bigint").alias("order"),
        "path",
        "content",
        (F.unix_micros("modificationTime") / 1e6).alias("mtime"),
    )


_FILES: dict[str, pl.DataType] = {
    "order": pl.Int64(),
    "path": pl.String(),
    "content": pl.Binary(),
    "mtime": pl.Float64(),
}


def _finish(loaded: Any, out_dir: Path, work: Path, settings: Settings) -> BuildResult:
    from pyspark.sql import functions as F

    reports = _reports(loaded)
    problems = [f"{r.path}: {r.problem}" for r in reports if r.problem]
    rejects = _to_polars(loaded.filter(F.col("part") == "reject").select(*REJECT_SCHEMA))
    events, reconciled, notes = _prepared_events(loaded, reports, settings)
    try:
        chart, sampled = _chart_events(events)
        if chart.is_empty():
            raise no_events_error(problems)
        timeline = _detect(events, settings)
        _write_events(events, out_dir / "events.parquet", work)
    finally:
        events.unpersist()
    result = LoadResult(
        events=chart,
        rejects=rejects.sort(["file", "line"]).cast(REJECT_SCHEMA),  # type: ignore[arg-type]
        files=reports,
        problems=problems + notes + ([sampled] if sampled else []),
        reconciled=reconciled,
    )
    return write_outputs(result, timeline, out_dir, settings)


def _prepared_events(
    loaded: Any, reports: list[FileReport], settings: Settings
) -> tuple[Any, Any, list[str]]:
    """Events as the polars engine's ``load`` leaves them: times aligned, reconciled, classified (cached)."""
    from pyspark.sql import functions as F

    events = loaded.filter(F.col("part") == "event").select(*EVENT_SCHEMA)
    events, skipped = align_on_spark(events, reports, settings)
    events, reconciled = reconcile_on_spark(events, settings.aliases, [r.path for r in reports])
    classify = partial(parts.classify_partition, settings=settings)
    classified = events.mapInArrow(classify, parts.spark_ddl(EVENT_SCHEMA)).cache()
    return classified, reconciled, [skipped] if skipped else []


def _reports(loaded: Any) -> list[FileReport]:
    from pyspark.sql import functions as F

    rows = loaded.filter(F.col("part") == "report").select("order", "report").collect()
    return [pickle.loads(row["report"]) for row in sorted(rows, key=lambda row: row["order"])]


def _to_polars(frame: Any) -> pl.DataFrame:
    return parts.from_arrow(frame.toArrow())


def _detect(events: Any, settings: Settings) -> pl.DataFrame:
    """Detectors per service on the executors; incidents across services on the driver."""
    from pyspark.sql import functions as F

    view = events.select(
        *[c for c in DETECTION_COLUMNS if c != "message"],
        F.when(F.col("kind").isNotNull(), F.col("message")).alias("message"),
    )
    detect = parts.service_detector(settings)
    rows = _to_polars(view.groupBy("service").applyInArrow(detect, parts.spark_ddl(parts.ROW_SCHEMA)))
    return merge_service_rows(rows, settings)


def _chart_events(events: Any) -> tuple[pl.DataFrame, str | None]:
    """ts, service, source, level of every event for chart and summary (a sample above CHART_EVENT_LIMIT)."""
    view = events.select("ts", "service", "source", "level")
    total = view.count()
    if total <= CHART_EVENT_LIMIT:
        return _to_polars(view), None
    note = (
        f"gantt.html and the event counts of summary.json are drawn from a sample of about "
        f"{CHART_EVENT_LIMIT:,} of the {total:,} events (events.parquet and the timeline hold all)"
    )
    return _to_polars(view.sample(fraction=CHART_EVENT_LIMIT / total, seed=7)), note


def _write_events(events: Any, path: Path, work: Path) -> None:
    """Sort by (ts, file, line) in Spark, then stream the ordered parts into one Parquet file."""
    from timeliner.render._files import write_atomically

    parts_dir = work / "events"
    events.orderBy("ts", "file", "line").write.mode("overwrite").parquet(parts_dir.as_uri())
    files = sorted(str(p) for p in parts_dir.glob("part-*.parquet"))
    if not files:
        pl.DataFrame(schema=EVENT_SCHEMA).write_parquet(path)
        return
    ordered = pl.scan_parquet(files).select(pl.col(name).cast(dtype) for name, dtype in EVENT_SCHEMA.items())
    write_atomically(path, lambda tmp: ordered.sink_parquet(tmp, maintain_order=True))
    shutil.rmtree(parts_dir, ignore_errors=True)
