"""What the Spark executors run: Arrow batches in → the ordinary polars pipeline code → Arrow out.

Nothing here imports pyspark, so every function can be tested (and profiled) without a cluster.
Three steps, each the same code the polars engine runs:

* :func:`load_partition` — one row per input file → :func:`timeliner.loading.load_file` (read,
  detect the format, parse, normalize; the small files of a partition in batches of their
  format, :mod:`timeliner.batching`). Its output mixes three kinds of rows in one schema,
  told apart by ``part``: ``event`` rows, ``reject`` rows and one ``report`` row per file (the
  pickled :class:`~timeliner.loading.FileReport`, unpickled on the driver for summary.json);
* :func:`classify_partition` — events → :func:`timeliner.pipeline.classify_events`;
* :func:`detect_service` — every event of one service → :func:`timeliner.pipeline.detect_timeline`.
  All detectors work service by service (gaps per source and service), so the rows found for one
  service alone are the rows found for it among all services; only incidents (which group rows
  across services) are left to the driver.

Timestamps cross into Spark as Arrow ``timestamp[us, tz=UTC]``: nanoseconds fail inside Spark and
naive times would be read in the session's zone.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Iterator
from typing import Any

import polars as pl
import pyarrow as pa

from timeliner.schema import EVENT_SCHEMA, TIMELINE_SCHEMA
from timeliner.settings import Settings
from timeliner.sources import read_weight, source_from_bytes

BATCH_ROWS = 65_536  # rows per Arrow batch handed back to Spark: bounded memory per batch

FILES_SCHEMA = pa.schema(
    [("order", pa.int64()), ("path", pa.string()), ("content", pa.binary()), ("mtime", pa.float64())]
)
_EXTRA = {"part": pl.String(), "order": pl.Int64(), "reason": pl.String(), "text": pl.String()}
LOADED_SCHEMA: dict[str, pl.DataType] = {**_EXTRA, **EVENT_SCHEMA, "report": pl.Binary()}
ROW_SCHEMA: dict[str, pl.DataType] = {k: v for k, v in TIMELINE_SCHEMA.items() if k != "incident"}


def arrow_schema(schema: dict[str, pl.DataType]) -> pa.Schema:
    """The Arrow schema Spark expects for a polars schema (plain strings, µs UTC timestamps)."""
    kinds = {pl.String: pa.string(), pl.Int64: pa.int64(), pl.Binary: pa.binary(), pl.Float64: pa.float64()}
    fields = []
    for name, dtype in schema.items():
        kind = pa.timestamp("us", tz="UTC") if isinstance(dtype, pl.Datetime) else kinds[dtype.base_type()]
        fields.append(pa.field(name, kind))
    return pa.schema(fields)


def spark_ddl(schema: dict[str, pl.DataType]) -> str:
    """The same schema as a Spark DDL string (``ts TIMESTAMP, line BIGINT, ...``)."""
    names = {pl.String: "STRING", pl.Int64: "BIGINT", pl.Binary: "BINARY", pl.Float64: "DOUBLE"}
    return ", ".join(
        f"`{name}` {'TIMESTAMP' if isinstance(dtype, pl.Datetime) else names[dtype.base_type()]}"
        for name, dtype in schema.items()
    )


def from_arrow(data: pa.RecordBatch | pa.Table) -> pl.DataFrame:
    """An Arrow batch from Spark as polars, every timestamp brought to UTC (Spark tags the session zone)."""
    frame = pl.from_arrow(data)
    assert isinstance(frame, pl.DataFrame)
    zoned = [
        name for name, dtype in frame.schema.items() if isinstance(dtype, pl.Datetime) and dtype.time_zone
    ]
    return frame.with_columns(pl.col(name).dt.convert_time_zone("UTC") for name in zoned)


def to_batches(frame: pl.DataFrame, schema: dict[str, pl.DataType]) -> Iterator[pa.RecordBatch]:
    """``frame`` shaped to ``schema`` (missing columns null) as Arrow batches of at most BATCH_ROWS rows."""
    shaped = frame.select(
        (pl.col(n).cast(t) if n in frame.columns else pl.lit(None, dtype=t)).alias(n)
        for n, t in schema.items()
    )
    table = shaped.to_arrow().cast(arrow_schema(schema))
    yield from table.to_batches(max_chunksize=BATCH_ROWS)


def load_partition(batches: Iterator[pa.RecordBatch], settings: Settings) -> Iterator[pa.RecordBatch]:
    """Input files (FILES_SCHEMA rows) → their events, rejects and report (LOADED_SCHEMA rows).

    Small files of a batch of rows are parsed together (:mod:`timeliner.batching`): an S3 export
    of thousands of chunks costs a parse per format and partition, not per chunk.
    """
    from timeliner import batching
    from timeliner.loading import load_file, open_file

    for batch in batches:
        small: list[tuple[int, Any]] = []
        for row in batch.to_pylist():
            path, content = row["path"], row["content"]
            source = None if content is None else source_from_bytes(path, content, row["mtime"])
            weight = read_weight(path) if source is None else len(source.text)
            if weight >= batching.SMALL_FILE_BYTES:
                yield from _loaded_rows(row["order"], path, load_file(path, settings, source))
            else:
                small.append((row["order"], open_file(path, settings, source)))
        loaded = batching.load_opened([opened for _order, opened in small], settings, keep=lambda done: done)
        for (order, _opened), (events, rejects, report) in zip(small, loaded, strict=True):
            yield from _loaded_rows(order, report.path, (events, rejects, report))


def _loaded_rows(order: int, path: str, loaded: Any) -> Iterator[pa.RecordBatch]:
    """One file's events, rejects and pickled report as LOADED_SCHEMA rows, numbered ``order``."""
    events, rejects, report = loaded
    parts = [
        events.with_columns(part=pl.lit("event"), order=pl.lit(order)),
        rejects.with_columns(part=pl.lit("reject"), order=pl.lit(order)),
        pl.DataFrame(
            {"part": ["report"], "order": [order], "file": [path], "report": [pickle.dumps(report)]}
        ),
    ]
    for part in parts:
        yield from to_batches(part, LOADED_SCHEMA)


def classify_partition(batches: Iterator[pa.RecordBatch], settings: Settings) -> Iterator[pa.RecordBatch]:
    """Events → the same events with ``kind`` and ``rule`` set by the rules."""
    from timeliner.pipeline import classify_events

    for batch in batches:
        yield from to_batches(classify_events(from_arrow(batch), settings), EVENT_SCHEMA)


def detect_service(table: pa.Table, settings: Settings) -> pa.Table:
    """One service's events (``pipeline.detection_view`` columns) → its timeline rows, without incidents."""
    from timeliner.pipeline import detect_timeline

    rows = detect_timeline(from_arrow(table), settings).drop("incident")
    return pa.Table.from_batches(list(to_batches(rows, ROW_SCHEMA)), schema=arrow_schema(ROW_SCHEMA))


def service_detector(settings: Settings) -> Callable[[pa.Table], pa.Table]:
    """:func:`detect_service` bound to ``settings``, fully annotated (applyInArrow reads the hints)."""

    def detect(table: pa.Table) -> pa.Table:
        return detect_service(table, settings)

    return detect
