"""One input file → its canonical events, its rejected lines and a report of what was done.

:func:`load_file` reads a file (or takes its bytes), detects its format, parses it (big text files
in pieces, :mod:`timeliner.engines.chunked`), resolves every time to UTC and shapes the events;
its two halves, :func:`open_file` (read, detect) and :func:`parse_opened`, are also what
:mod:`timeliner.batching` calls around the batches of small files it parses together.
:func:`load_file_in_pieces` does the same for a streaming build while holding one piece's events
at a time. A file that cannot be read, or whose parser fails, costs that file alone: it becomes
one rejected unit and a problem on its report, never an error of the run.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

import polars as pl

from timeliner import parsers
from timeliner.engines import chunked
from timeliner.errors import InputFileError
from timeliner.eventtime import TIME_COLUMNS, resolve_times
from timeliner.limits import cap_event_messages, cut_note
from timeliner.normalize import TimeReport, canonical_events, normalize_file
from timeliner.schema import REJECT_SCHEMA, empty_events
from timeliner.settings import Settings
from timeliner.sources import SourceFile

__all__ = [
    "FileReport",
    "Loaded",
    "OpenedFile",
    "load_file",
    "load_file_in_pieces",
    "normalized",
    "open_file",
    "parse_opened",
]


@dataclass
class FileReport:
    """What happened to one input file (one entry of summary.json's ``files``)."""

    path: str
    format: str | None = None
    unit: str = "line"
    units: int = 0
    events: int = 0
    continuations: int = 0
    rejects: int = 0
    problem: str | None = None  # why the file was not (fully) read
    notes: list[str] = field(default_factory=list)
    time: TimeReport | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "path": self.path,
            "format": self.format,
            "unit": self.unit,
            self.unit + "s": self.units,
            "events": self.events,
            "continuations": self.continuations,
            "rejected": self.rejects,
            "accounted": self.units == self.events + self.continuations + self.rejects,
        }
        if self.problem:
            out["problem"] = self.problem
        if self.notes:
            out["notes"] = self.notes
        if self.time is not None:
            out["time"] = self.time.as_dict()
        return out


# What loading one file gives: its events, its rejected lines, and the report of what was done.
Loaded = tuple[pl.DataFrame, pl.DataFrame, FileReport]


@dataclass
class OpenedFile:
    """A file read and its format detected: what :func:`parse_opened` (or a batch) parses."""

    source: SourceFile
    format: parsers.Format
    report: FileReport


def load_file(path: str, settings: Settings, source: SourceFile | None = None) -> Loaded:
    """One file → (events, rejects, report); ``source`` when its bytes were already read (Spark, S3)."""
    opened = open_file(path, settings, source)
    return parse_opened(opened, settings) if isinstance(opened, OpenedFile) else opened


def open_file(path: str, settings: Settings, source: SourceFile | None = None) -> OpenedFile | Loaded:
    """Read a file and detect its format; a file that cannot be read is already loaded (as one reject)."""
    report = FileReport(path=path)
    try:
        source, fmt = _open(path, settings, source, report)
    except InputFileError as exc:
        return _unreadable(path, report, exc)
    return OpenedFile(source, fmt, report)


def parse_opened(opened: OpenedFile, settings: Settings) -> Loaded:
    """Parse and normalize an opened file (big text files in pieces)."""
    source, fmt = opened.source, opened.format
    try:
        result = _guarded(fmt, source, lambda: chunked.parse_source(fmt, source))
    except InputFileError as exc:
        return _unreadable(source.path, opened.report, exc)
    return normalized(opened, result, settings)


def _unreadable(path: str, report: FileReport, exc: InputFileError) -> Loaded:
    return empty_events(), _whole_file_reject(path, exc), _failed(report, exc, path)


def load_file_in_pieces(
    path: str, settings: Settings, store: Callable[[pl.DataFrame], None], scratch: Path
) -> tuple[pl.DataFrame, FileReport]:
    """:func:`load_file` for a big text file, holding one piece's events at a time (streaming builds).

    Events go to ``store`` piece by piece, in line order; the rejects and the report are returned.
    The pieces' parser rows wait in ``scratch`` (Parquet) while the time columns of the whole file
    are resolved at once: years roll over and DST repeats are told apart in file order, so every
    event gets the instant :func:`load_file` gives it. A file that is not parsed in pieces (small,
    compressed, a JSON document) is loaded whole and stored at once.
    """
    opened = open_file(path, settings)
    if not isinstance(opened, OpenedFile):  # unreadable: nothing to store
        return opened[1], opened[2]
    source, fmt = opened.source, opened.format
    if not chunked.in_pieces(source, fmt):
        events, rejects, report = parse_opened(opened, settings)
        store(events)
        return rejects, report
    try:
        pieces = _guarded(fmt, source, lambda: _pieces_to_disk(fmt, source, scratch))
    except InputFileError as exc:
        return _unreadable(path, opened.report, exc)[1:]
    return _normalized_pieces(opened.report, source, fmt, pieces, settings, store)


def _open(
    path: str, settings: Settings, source: SourceFile | None, report: FileReport
) -> tuple[SourceFile, parsers.Format]:
    """Read (or take) a file's source and detect its format, noting both on ``report``."""
    source = source if source is not None else chunked.open_source(path)
    report.notes.extend(source.notes)
    add_problem(report, *source.problems)
    detection = parsers.detect_format(source, settings.formats)
    report.format = detection.format.name
    if detection.runners_up:
        report.notes.append(
            f"also looked like {', '.join(detection.runners_up)}; chose {detection.format.name}"
        )
    return source, detection.format


def _account(report: FileReport, source: SourceFile, result: parsers.ParseResult) -> None:
    """Note on ``report`` how the file's units were accounted for, and what parsing noted."""
    report.unit, report.units = result.unit, result.units
    report.continuations, report.rejects = result.continuations, result.rejects.height
    parsing_notes = [n for n in source.notes if n not in report.notes]  # e.g. a line cut to its cap
    report.notes.extend(parsing_notes + result.notes)


def normalized(opened: OpenedFile, result: parsers.ParseResult, settings: Settings) -> Loaded:
    """An opened file's parse result → its events with UTC times, its rejects, its report."""
    report, source, fmt = opened.report, opened.source, opened.format
    _account(report, source, result)
    partial, cut = cap_event_messages(result.events)
    if cut:
        add_problem(report, cut_note(cut))
    events, report.time = normalize_file(
        partial,
        path=source.path,
        source=fmt.name,
        settings=settings,
        yearless=result.yearless,
        mtime=source.mtime,
    )
    report.events = events.height
    return events, _file_rejects(source.path, result), report


def _file_rejects(path: str, result: parsers.ParseResult) -> pl.DataFrame:
    rejects = result.rejects.select(pl.lit(path).alias("file"), "line", "reason", "text")
    return rejects.cast(REJECT_SCHEMA)  # type: ignore[arg-type]


@dataclass
class _StoredPieces:
    """A big file parsed piece by piece: its parser rows on disk, its time columns in memory."""

    files: list[Path]  # one Parquet file of parser rows per piece, in line order
    times: pl.DataFrame  # TIME_COLUMNS of every row, in the same order
    summary: parsers.ParseResult  # the whole file's counts, rejects and notes; no events
    cut: int  # events whose message was cut to the caps


def _pieces_to_disk(fmt: parsers.Format, source: chunked.ChunkedSource, scratch: Path) -> _StoredPieces:
    files: list[Path] = []
    times: list[pl.DataFrame] = []
    results: list[parsers.ParseResult] = []
    cut = 0
    for number, piece in enumerate(chunked.parsed_pieces(fmt, source)):
        partial, piece_cut = cap_event_messages(piece.events)
        if not partial.get_column("line").is_sorted():
            partial = partial.sort("line", maintain_order=True)  # the order resolve_times works in
        files.append(scratch / f"{number:06d}.parquet")
        partial.write_parquet(files[-1], compression="lz4")
        times.append(partial.select(TIME_COLUMNS))
        cut += piece_cut
        results.append(replace(piece, events=partial.clear()))
    summary = chunked.combined(results)
    return _StoredPieces(files, pl.concat(times, how="vertical"), summary, cut)


def _normalized_pieces(
    report: FileReport,
    source: SourceFile,
    fmt: parsers.Format,
    pieces: _StoredPieces,
    settings: Settings,
    store: Callable[[pl.DataFrame], None],
) -> tuple[pl.DataFrame, FileReport]:
    _account(report, source, pieces.summary)
    if pieces.cut:
        add_problem(report, cut_note(pieces.cut))
    times, report.time = resolve_times(
        pieces.times,
        path=source.path,
        settings=settings,
        yearless=pieces.summary.yearless,
        mtime=source.mtime,
    )
    offset = 0
    for file in pieces.files:
        partial = pl.read_parquet(file)
        resolved = times.slice(offset, partial.height)
        offset += partial.height
        if not resolved.get_column("line").equals(partial.get_column("line")):
            raise RuntimeError(f"{source.path}: the resolved times of a piece are out of line")  # a bug
        resolved_times = partial.with_columns(resolved.get_column("ts"), resolved.get_column("ts_basis"))
        events = canonical_events(resolved_times, path=source.path, source=fmt.name)
        report.events += events.height
        store(events)
        file.unlink()
    return _file_rejects(source.path, pieces.summary), report


T = TypeVar("T")


def _guarded(fmt: parsers.Format, source: SourceFile, parse: Callable[[], T]) -> T:
    """Run a parse; a bug in a parser costs that file (reported as one), never the whole run."""
    try:
        return parse()
    except InputFileError:
        raise
    except Exception as exc:
        if os.environ.get("TIMELINER_DEBUG"):
            raise
        detail = (str(exc).strip().splitlines() or [""])[0][:200]
        raise InputFileError(
            source.path,
            f"internal error in parser {fmt.name} on this file ({type(exc).__name__}: {detail})",
            "please report it (set TIMELINER_DEBUG=1 for the traceback); the file was skipped",
        ) from exc


def add_problem(report: FileReport, *problems: str) -> None:
    """Add to what the user is told about a file (several problems of one file share its line)."""
    report.problem = "; ".join([p for p in (report.problem, *problems) if p]) or None


def _failed(report: FileReport, exc: InputFileError, path: str) -> FileReport:
    """A file that could not be read at all: every line of it is one rejected unit."""
    add_problem(report, exc.reason + (f"; {exc.hint}" if exc.hint else ""))
    report.unit, report.units, report.rejects = "file", 1, 1
    return report


def _whole_file_reject(path: str, exc: InputFileError) -> pl.DataFrame:
    text = _first_line(path)
    return pl.DataFrame(
        {"file": [path], "line": [1], "reason": [f"whole file not read: {exc.reason}"], "text": [text]},
        schema=REJECT_SCHEMA,
    )


def _first_line(path: str) -> str:
    try:
        with open(path, "rb") as handle:
            raw = handle.read(200)
    except OSError:
        return ""
    return raw.split(b"\n", 1)[0].decode("utf-8", "replace").replace("\x00", "\\0")
