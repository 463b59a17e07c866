"""Small files of one format are parsed together: a parse's fixed cost is paid per batch, not per file.

Parsing and normalizing a file costs a fixed ~20 ms of polars queries whatever its size. A folder
of 2,000 CloudWatch export chunks of 40 lines each (one log group over a day or two) took 41 s,
nearly all of it that fixed cost. So small files (under :data:`SMALL_FILE_BYTES`) are read and
their format detected one by one, as before; then the files of a format that supports it
(``Format.batches``) are joined into one text (:class:`~timeliner.sources.SourceBatch`), parsed
once, their times resolved in one go (:func:`timeliner.eventtime.resolve_file_times`: each file
still gets its own zone, skew and DST order) and the result is cut back into one per file.

A file of a batch gets the events, rejects and report it gets when parsed alone; the tests hold
it to that. A batch falls back to parsing its files one by one when splitting could not give
that: the parse said something (notes are about one file, and only that file alone can say it),
its result is yearless (years are inferred from each file's own dates), the accounting does not
split by file, or the parser failed (then only the file at fault is lost).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

import polars as pl

from timeliner import parsers, progress
from timeliner.engines.chunked import ChunkedSource
from timeliner.eventtime import TimeReport, resolve_file_times, resolve_times
from timeliner.fileindex import FILE_INDEX, by_file, file_runs, of_file, rows_per_file
from timeliner.limits import CUT_TAG, cap_event_messages, cut_note
from timeliner.loading import Loaded, OpenedFile, add_problem, load_file, open_file, parse_opened
from timeliner.normalize import canonical_events
from timeliner.parsers._lines import split_by_file
from timeliner.schema import REJECT_SCHEMA
from timeliner.settings import Settings
from timeliner.sources import SourceBatch, SourceFile, read_weight

# Files weighing less than this (sources.read_weight: a .gz counts 10x) may share a parse.
SMALL_FILE_BYTES = 1 << 20
# Small files are taken in runs of at most this read weight and this many files, in input order:
# a run is one task of the thread pool, and its batches are held in memory whole.
BATCH_BYTES = 16 << 20
BATCH_FILES = 1000

__all__ = [
    "BATCH_BYTES",
    "BATCH_FILES",
    "SMALL_FILE_BYTES",
    "load_batch",
    "load_each",
    "load_opened",
    "load_paths",
    "parse_batch",
    "plan_batches",
]


R = TypeVar("R")


def load_paths(pool: ThreadPoolExecutor, paths: Sequence[str], settings: Settings) -> list[Loaded]:
    """Every path loaded on ``pool`` (see :func:`load_each`), results in the order of ``paths``."""
    return load_each(pool, paths, settings, keep=_as_loaded)


def _as_loaded(loaded: Loaded) -> Loaded:
    return loaded


def load_each(
    pool: ThreadPoolExecutor,
    paths: Sequence[str],
    settings: Settings,
    *,
    keep: Callable[[Loaded], R],
    load_big: Callable[[str], R] | None = None,
    small_below: int | None = None,
) -> list[R]:
    """Every path loaded on ``pool``; ``keep`` of each file's result, in the order of ``paths``.

    Files weighing ``small_below`` (default :data:`SMALL_FILE_BYTES`) or more are big: loaded
    alone (``load_big``, by default ``keep(load_file(path))``), biggest
    first: a big file started last would run alone at the end while the other threads wait.
    Small files go in runs of :data:`BATCH_BYTES` (input order), each run one task: its files are
    opened and parsed in batches of their format. ``keep`` runs on the pool's threads as each
    file is done, so a streaming build holds a run's events at a time, not every file's.
    """
    big_job = load_big or (lambda path: keep(load_file(path, settings)))
    below = SMALL_FILE_BYTES if small_below is None else small_below
    weights = [read_weight(path) for path in paths]
    small = [i for i, weight in enumerate(weights) if weight < below]
    big = sorted((i for i, weight in enumerate(weights) if weight >= below), key=lambda i: -weights[i])
    stop = threading.Event()
    jobs: list[tuple[list[int], Future[list[R]]]] = []
    done: dict[int, R] = {}
    try:
        for i in big:
            jobs.append(([i], pool.submit(lambda path: [_done(path, big_job(path))], paths[i])))
        for run in _runs(small, weights):
            jobs.append((run, pool.submit(_load_run, [paths[i] for i in run], settings, keep, stop)))
        for indices, job in jobs:
            done.update(zip(indices, job.result(), strict=True))
    except BaseException:  # Ctrl-C, or a bug: the files not parsed yet are not parsed for nothing
        stop.set()  # runs under way stop at their next file
        for _indices, job in jobs:
            job.cancel()
        raise
    return [done[i] for i in range(len(paths))]


def _runs(indices: list[int], weights: list[int]) -> Iterator[list[int]]:
    """Small files in input order, cut into runs of at most BATCH_BYTES (read weight) and BATCH_FILES files."""
    run: list[int] = []
    weight = 0
    for i in indices:
        run.append(i)
        weight += weights[i]
        if weight >= BATCH_BYTES or len(run) >= BATCH_FILES:
            yield run
            run, weight = [], 0
    if run:
        yield run


class _Stopped(Exception):
    """The run was called off (Ctrl-C in the main thread): nobody waits for its result."""


def _load_run(
    paths: list[str], settings: Settings, keep: Callable[[Loaded], R], stop: threading.Event
) -> list[R]:
    """One run of small files: opened, then parsed in batches of their format (or alone)."""

    def unless_stopped() -> None:
        if stop.is_set():
            raise _Stopped

    opened = []
    for path in paths:
        unless_stopped()
        opened.append(open_file(path, settings))
    return load_opened(
        opened, settings, keep=lambda loaded: _done(loaded[2].path, keep(loaded)), between=unless_stopped
    )


def load_opened(
    opened: list[OpenedFile | Loaded],
    settings: Settings,
    *,
    keep: Callable[[Loaded], R],
    between: Callable[[], None] = lambda: None,
) -> list[R]:
    """Opened files parsed in batches of their format (or alone); ``keep`` of each result, in order.

    ``between`` runs before each batch and each file parsed alone (it may raise to stop).
    """
    batches, alone = plan_batches(list(enumerate(opened)))
    done: dict[int, R] = {}
    for i, item in alone:
        between()
        done[i] = keep(parse_opened(item, settings) if isinstance(item, OpenedFile) else item)
    for indices, members in batches:
        between()
        for i, loaded in zip(indices, load_batch(members, settings), strict=True):
            done[i] = keep(loaded)
    return [done[i] for i in range(len(opened))]


def _done(path: str, result: R) -> R:
    progress.file_done(path)
    return result


Batch = tuple[list[int], list[OpenedFile]]


def plan_batches(
    opened: list[tuple[int, OpenedFile | Loaded]],
) -> tuple[list[Batch], list[tuple[int, OpenedFile | Loaded]]]:
    """Opened small files → batches of one format (indices and files, in input order), and the files parsed alone.

    A file goes into a batch of its format when the format supports batches and says this file
    may share one. A batch of one file is no batch.
    """
    by_format: dict[str, Batch] = {}
    alone: list[tuple[int, OpenedFile | Loaded]] = []
    for i, item in opened:
        if isinstance(item, OpenedFile) and _batchable(item):
            indices, members = by_format.setdefault(item.format.name, ([], []))
            indices.append(i)
            members.append(item)
        else:
            alone.append((i, item))
    alone.extend((indices[0], members[0]) for indices, members in by_format.values() if len(members) == 1)
    return [batch for batch in by_format.values() if len(batch[1]) > 1], alone


def _batchable(item: OpenedFile) -> bool:
    if isinstance(item.source, ChunkedSource):
        return False
    shares = item.format.batches
    return shares is not None and shares(item.source)


def load_batch(members: list[OpenedFile], settings: Settings) -> list[Loaded]:
    """Files of one format parsed as one text, then normalized (see the module docstring)."""
    try:
        split = parse_batch(members[0].format, [member.source for member in members])
    except Exception:  # the files alone: only the one at fault is lost, and says why
        return [parse_opened(member, settings) for member in members]
    if split is None:
        return [parse_opened(member, settings) for member in members]
    return _normalized_batch(members, split, settings)


def parse_batch(fmt: parsers.Format, sources: list[SourceFile]) -> parsers.BatchResult | None:
    """Files of one format parsed at once, told apart by file; None when they must be parsed alone."""
    if fmt.parse_batch is not None:  # documents: the format reads each file, then all rows at once
        split = fmt.parse_batch(sources)
        return split if split is not None and _accounted(split) else None
    batch = SourceBatch(sources)  # lines: one text, split by line
    result = fmt.parse(batch)
    return None if result.yearless else split_by_file(batch, result)  # years come per file


def _accounted(split: parsers.BatchResult) -> bool:
    """Whether every file's units are its events, continuations and rejects (else: files alone)."""
    heads, rejected = rows_per_file(split.events), rows_per_file(split.rejects)
    return all(
        units == heads.get(i, 0) + split.continuations[i] + rejected.get(i, 0)
        for i, units in enumerate(split.units)
    )


def _normalized_batch(
    members: list[OpenedFile], split: parsers.BatchResult, settings: Settings
) -> list[Loaded]:
    """:func:`timeliner.loading.normalized` for every file of a batch, in a few queries for them all."""
    paths = [member.source.path for member in members]
    partial, cut = cap_event_messages(split.events)
    cuts = rows_per_file(partial.filter(pl.col("message").str.contains(CUT_TAG, literal=True))) if cut else {}
    frame, times = _resolved(partial, members, paths, split.yearless, settings)
    events = _slices(canonical_events(frame, path=paths, source=members[0].format.name), frame, len(paths))
    rejects = split.rejects.select(
        file=by_file(paths, pl.String()),
        line="line",
        reason="reason",
        text="text",
        **{FILE_INDEX: FILE_INDEX},
    )
    file_rejects = _slices(rejects.drop(FILE_INDEX).cast(REJECT_SCHEMA), rejects, len(paths))  # type: ignore[arg-type]
    loaded = []
    for index, member in enumerate(members):
        report = member.report
        report.unit, report.units = split.unit, split.units[index]
        report.continuations, report.rejects = split.continuations[index], file_rejects[index].height
        if cuts.get(index):
            add_problem(report, cut_note(cuts[index]))
        report.time, report.events = times[index], events[index].height
        loaded.append((events[index], file_rejects[index], report))
    return loaded


def _resolved(
    partial: pl.DataFrame,
    members: list[OpenedFile],
    paths: list[str],
    yearless: list[bool],
    settings: Settings,
) -> tuple[pl.DataFrame, list[TimeReport]]:
    """Times of a batch's rows: together, but a yearless file alone (its year comes from its own dates)."""
    alone = [index for index, flag in enumerate(yearless) if flag]
    if not alone:
        return resolve_file_times(partial, paths, settings)
    frame, times = resolve_file_times(partial.filter(~pl.col(FILE_INDEX).is_in(alone)), paths, settings)
    frames = [frame]
    for index in alone:
        rows = partial.filter(pl.col(FILE_INDEX) == index).drop(FILE_INDEX)
        resolved, times[index] = resolve_times(
            rows, path=paths[index], settings=settings, yearless=True, mtime=members[index].source.mtime
        )
        frames.append(of_file(resolved, index).select(frame.columns))
    return pl.concat(frames).sort(FILE_INDEX, "line"), times


def _slices(frame: pl.DataFrame, indexed: pl.DataFrame, files: int) -> list[pl.DataFrame]:
    """``frame`` cut into one slice per file (rows in file order; ``indexed`` has their FILE_INDEX)."""
    slices = [frame.clear()] * files
    offset = 0
    for index, rows in file_runs(indexed):
        slices[index] = frame.slice(offset, rows)
        offset += rows
    return slices
