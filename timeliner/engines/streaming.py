"""The polars engine in streaming mode: a build whose events never all sit in memory at once.

Used for inputs bigger than :data:`STREAM_ABOVE_BYTES` (or with ``--streaming``). The code that
parses, times, reconciles, classifies and detects is the in-memory build's; what changes is
where the events live between the steps, a :class:`~timeliner.engines._spool.Spool` of Parquet
files on disk (in a hidden folder inside ``--out``, removed at the end):

1. **load** — each file is parsed and normalized (:func:`timeliner.loading.load_file`) and its
   events are written to the spool; only its rejects and report stay. A big text file goes piece
   by piece (:func:`timeliner.loading.load_file_in_pieces`): only its time columns are held whole;
2. **time** — the cross-source decisions read aggregates and anchors back: per-file spans for
   yearless files (a moved file is rewritten), and the rows with a request id or a receipt time
   for the skew estimates (:mod:`timeliner.alignment`);
3. **reconcile** — renames are decided from per-instance counts, duplicate exports from the rows
   with a second clock, compared by message hash first (:func:`timeliner.reconcile.plan_reconcile`);
4. **prepare** — each file's events are rewritten with the skew shifts, renames and drops applied,
   and classified;
5. **detect** — services are read back in batches of at most :data:`DETECT_BATCH_ROWS` events
   (the detectors work service by service, so a batch's rows are the rows of those services);
   incidents are then grouped across all rows;
6. **write** — ``events.parquet`` is written slice of time by slice of time; the chart and
   summary.json get four columns of every event (ts, service, source, level).

Peak memory is then about the largest detection batch (whole services, so the biggest service's
events) or one piece's parse, plus the four chart columns, instead of every event with every
stage's copy. The outputs are the in-memory build's, byte for byte (``tests/test_streaming_engine.py``). ``--redact`` is not
available in this mode.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from functools import partial
from pathlib import Path

import polars as pl

from timeliner import alignment, batching, progress, skew
from timeliner.batching import load_each
from timeliner.engines._spool import Spool
from timeliner.loading import FileReport, Loaded, load_file, load_file_in_pieces
from timeliner.pipeline import (
    FILE_THREADS,
    BuildResult,
    LoadResult,
    _ensure_out,
    classify_events,
    detect_timeline,
    detection_view,
    input_files,
    merge_service_rows,
    no_events_error,
    write_outputs,
)
from timeliner.reconcile import ROW, ReconcilePlan, apply_reconcile, plan_reconcile
from timeliner.schema import REJECT_SCHEMA, conform_events
from timeliner.settings import Settings
from timeliner.sources import read_weight

# Inputs bigger than this (compressed files weighed by sources.read_weight) are built
# in streaming mode unless --in-memory says otherwise: an in-memory build peaks at several times
# its input.
STREAM_ABOVE_BYTES = 1024**3
# Files bigger than this are parsed one at a time.
BIG_FILE_BYTES = 64 * 1024**2
# Events of the services detected together: the detectors' working set is a few times this.
DETECT_BATCH_ROWS = 2_000_000

__all__ = ["STREAM_ABOVE_BYTES", "build_streaming", "input_bytes"]


def input_bytes(paths: Sequence[str]) -> int:
    """What the inputs weigh once read (:func:`timeliner.sources.read_weight`, summed)."""
    return sum(map(read_weight, paths))


def build_streaming(inputs: Sequence[str | Path], out: str | Path, settings: Settings) -> BuildResult:
    """Run the whole build with events spooled to disk, and write the contract's six files into ``out``."""
    from timeliner.render._files import write_atomically

    out_dir = _ensure_out(out)
    paths = input_files(inputs)
    with tempfile.TemporaryDirectory(prefix=".streaming-", dir=out_dir) as work:
        spool = Spool(Path(work))
        reports, rejects = _load(spool, paths, settings)
        problems = [f"{r.path}: {r.problem}" for r in reports if r.problem]
        if not spool.rows:
            raise no_events_error(problems)
        shifts = _align(spool, reports, settings)
        plan, reconciled = plan_reconcile(_shifted(spool.scan(), shifts), settings.aliases)
        _prepare(spool, shifts, plan, settings)
        timeline = _detect(spool, settings)
        write_atomically(out_dir / "events.parquet", lambda tmp: spool.write_sorted(tmp, Path(work)))
    # The chart and the summary read four columns of every event, in time order as in memory.
    chart = pl.scan_parquet(out_dir / "events.parquet").select("ts", "service", "source", "level").collect()
    loaded = LoadResult(
        events=chart, rejects=rejects, files=reports, problems=problems, reconciled=reconciled
    )
    return write_outputs(loaded, timeline, out_dir, settings)


def _load(spool: Spool, paths: list[str], settings: Settings) -> tuple[list[FileReport], pl.DataFrame]:
    """Parse every file into the spool; keep each file's report and rejected lines."""
    # Big files take turns: each holds one piece's parse (a few times the piece) at a time.
    big_file_turn = threading.Lock()

    def keep(loaded: Loaded) -> tuple[pl.DataFrame, FileReport]:
        events, rejects, report = loaded
        spool.add(_numbered(events, 0))
        return rejects, report

    def load_big(path: str) -> tuple[pl.DataFrame, FileReport]:
        if read_weight(path) > BIG_FILE_BYTES:
            with big_file_turn:
                return _load_big_file(spool, path, settings)
        return keep(load_file(path, settings))

    with ThreadPoolExecutor(max_workers=FILE_THREADS) as pool, progress.bar(paths):
        # A file to be read piece by piece is never one of a batch of small files.
        small_below = min(batching.SMALL_FILE_BYTES, BIG_FILE_BYTES + 1)
        loaded = load_each(pool, paths, settings, keep=keep, load_big=load_big, small_below=small_below)
    spool.flush()
    rejects = pl.concat([r for r, _ in loaded], how="vertical").sort(["file", "line"])
    return [report for _, report in loaded], rejects.cast(REJECT_SCHEMA)  # type: ignore[arg-type]


def _load_big_file(spool: Spool, path: str, settings: Settings) -> tuple[pl.DataFrame, FileReport]:
    """One big file into the spool piece by piece (``loading.load_file_in_pieces``)."""
    scratch = Path(tempfile.mkdtemp(prefix="pieces-", dir=spool.folder))
    stored = 0

    def store(events: pl.DataFrame) -> None:
        nonlocal stored
        spool.add_piece(_numbered(events, stored))
        stored += events.height

    try:
        return load_file_in_pieces(path, settings, store, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _numbered(events: pl.DataFrame, first: int) -> pl.DataFrame:
    """Each event's position in its file: what tells two identical events of one file apart."""
    return events.with_columns((pl.int_range(pl.len(), dtype=pl.Int64) + first).alias(ROW))


def _align(spool: Spool, reports: list[FileReport], settings: Settings) -> dict[str, timedelta]:
    """Move guessed-year files (rewritten in the spool), then estimate skews → the ``auto`` shifts."""
    by_path = {r.time.path: r.time for r in reports if r.time is not None and r.time.path}
    for path, move in alignment.year_moves(spool.scan(), by_path).items():
        spool.rewrite_file(path, partial(alignment.move_years, move=move, report=by_path[path]))
    anchors = spool.scan().filter(skew.anchor_rows()).select(skew.ANCHOR_COLUMNS).collect()
    sizes = pl.DataFrame(
        {"file": [r.path for r in reports if r.events], "len": [r.events for r in reports if r.events]},
        schema={"file": pl.String, "len": pl.UInt32},
    )
    return alignment.skew_shifts(anchors, by_path, settings, sizes)


def _shifted(events: pl.LazyFrame, shifts: dict[str, timedelta]) -> pl.LazyFrame:
    return events.with_columns(ts=alignment.shifted_ts(shifts)) if shifts else events


def _prepare(spool: Spool, shifts: dict[str, timedelta], plan: ReconcilePlan, settings: Settings) -> None:
    """Rewrite every file's events as the in-memory build has them before detection."""

    def prepare(events: pl.DataFrame) -> pl.DataFrame:
        reconciled = apply_reconcile(_shifted(events.lazy(), shifts).collect(), plan).drop(ROW)
        return conform_events(classify_events(reconciled, settings))

    spool.rewrite_parts(prepare, FILE_THREADS)


def _detect(spool: Spool, settings: Settings) -> pl.DataFrame:
    """Detection over batches of whole services, then incidents across every service's rows."""
    counts = spool.scan().group_by("service").len().sort("service").collect()
    batches: list[list[str]] = [[]]
    held = 0
    for service, count in counts.iter_rows():
        if held and held + count > DETECT_BATCH_ROWS:
            batches.append([])
            held = 0
        batches[-1].append(service)
        held += count
    rows = []
    for batch in batches:
        view = detection_view(spool.scan().filter(pl.col("service").is_in(batch))).collect()
        rows.append(detect_timeline(view, settings))
    return merge_service_rows(pl.concat(rows, how="vertical"), settings)
