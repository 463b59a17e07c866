"""The parser registry: each format is one module that registers one :class:`Format`.

A format says how sure it is that it can read a file (``sniff``: the first KiB of decoded text
→ a score from 0 to 1) and parses the whole file into a :class:`ParseResult`. Detection asks
every format and takes the best score; a tie between different formats is reported, never
decided silently.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import polars as pl

from timeliner.errors import UnknownFormatError, UsageError
from timeliner.fileindex import FILE_INDEX
from timeliner.schema import REJECT_TEXT_LIMIT, conform_partial
from timeliner.sources import SourceFile, looks_binary

# Below this score a format is not considered able to read the file at all.
MIN_SNIFF_SCORE = 0.3


@dataclass
class ParseResult:
    """What a parser made of one file.

    ``units`` is the number of input units accounted for: physical lines for text formats,
    records for JSON documents (``unit`` says which). The accounting identity
    ``units == len(events) + continuations + len(rejects)`` must hold; the pipeline checks it.
    """

    events: pl.DataFrame  # partial frame (schema.PARTIAL_SCHEMA)
    rejects: pl.DataFrame  # columns line (Int64), reason (String), text (String)
    units: int
    continuations: int = 0
    unit: str = "line"
    yearless: bool = False  # ts_local carries schema.PLACEHOLDER_YEAR, to be replaced by normalize
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.events = conform_partial(self.events)
        self.rejects = conform_rejects(self.rejects)


@dataclass(frozen=True)
class Format:
    """One registered input format."""

    name: str
    description: str  # one line for `timeliner formats`
    example: str  # one real-looking input line or record
    sniff: Callable[[str], float]
    parse: Callable[[SourceFile], ParseResult]
    # Whether a (small) file may be parsed in one SourceBatch with others of this format; None: the
    # parser does not support batches. One that does keeps the batch's file index column through
    # to :func:`timeliner.parsers._lines.assemble` and takes path-derived values with ``per_file``.
    batches: Callable[[SourceFile], bool] | None = None
    # For formats whose files are documents (not lines), how several files are parsed at once; None:
    # a batch is parsed as one text (SourceBatch) and split by line.
    parse_batch: Callable[[list[SourceFile]], BatchResult | None] | None = None


@dataclass
class BatchResult:
    """What a parser made of several files at once, told apart by file.

    Rows carry ``FILE_INDEX`` (the file's position in the batch) and their ``line`` in that file;
    ``units`` and ``continuations`` are per file. The identity of :class:`ParseResult` holds for
    each file.
    """

    events: pl.DataFrame  # the parser's rows (schema.PARTIAL_SCHEMA) plus FILE_INDEX
    rejects: pl.DataFrame  # FILE_INDEX, line, reason, text (any order; kept sorted by file, then line)
    units: list[int]
    continuations: list[int]
    unit: str = "line"
    yearless: list[bool] = field(default_factory=list)  # per file (none when empty): dated per file

    def __post_init__(self) -> None:  # shaped as ParseResult shapes them, keeping the file index
        self.events = conform_partial(self.events).with_columns(self.events.get_column(FILE_INDEX))
        rejects = self.rejects.sort(FILE_INDEX, "line")  # in file order, each file's in line order
        self.rejects = conform_rejects(rejects).with_columns(rejects.get_column(FILE_INDEX))


def any_file(_source: SourceFile) -> bool:
    """``Format.batches`` of a format that can read any of its files within a batch."""
    return True


_FORMATS: dict[str, Format] = {}


def register(fmt: Format) -> Format:
    if fmt.name in _FORMATS:
        raise ValueError(f"format {fmt.name!r} registered twice")
    _FORMATS[fmt.name] = fmt
    return fmt


def all_formats() -> list[Format]:
    return sorted(_FORMATS.values(), key=lambda f: f.name)


def get_format(name: str) -> Format:
    try:
        return _FORMATS[name]
    except KeyError:
        known = ", ".join(sorted(_FORMATS))
        raise UsageError(
            f"unknown format {name!r}; known formats: {known} (see: timeliner formats)"
        ) from None


@dataclass(frozen=True)
class Detection:
    format: Format
    score: float
    runners_up: tuple[str, ...] = ()  # other formats with the same best score


def detect_format(source: SourceFile, forced: Sequence[tuple[str, str]] = ()) -> Detection:
    """Choose the format of ``source``: a ``--format GLOB=NAME`` match first, else the best sniff score."""
    for glob, name in forced:
        if fnmatch.fnmatchcase(source.path, glob):
            return Detection(get_format(name), 1.0)
    head = source.head
    if looks_binary(head):
        raise UnknownFormatError(source.path, "looks like a binary file, not a log", "leave it out")
    if not head.strip():
        raise UnknownFormatError(source.path, "is empty")
    scores = sorted(((_safe_sniff(f, head), f.name) for f in _FORMATS.values()), reverse=True)
    best_score, best_name = scores[0] if scores else (0.0, "")
    if best_score < MIN_SNIFF_SCORE:
        raise UnknownFormatError(
            source.path,
            "could not detect the format (the first 4 KiB match no parser)",
            f"pass --format '{source.path}=NAME' (see: timeliner formats)",
        )
    ties = tuple(name for score, name in scores[1:] if score == best_score)
    return Detection(_FORMATS[best_name], best_score, ties)


def _safe_sniff(fmt: Format, head: str) -> float:
    # A sniffer that trips over odd input must not stop detection of the others.
    try:
        return float(fmt.sniff(head))
    except Exception:
        return 0.0


def conform_rejects(frame: pl.DataFrame) -> pl.DataFrame:
    """Rejects as parsers return them: line, reason, text (text cut to REJECT_TEXT_LIMIT)."""
    if frame.is_empty() and not frame.columns:
        return pl.DataFrame(schema={"line": pl.Int64, "reason": pl.String, "text": pl.String})
    return frame.select(
        pl.col("line").cast(pl.Int64),
        pl.col("reason").cast(pl.String),
        pl.col("text").cast(pl.String).str.slice(0, REJECT_TEXT_LIMIT),
    )


def no_rejects() -> pl.DataFrame:
    return pl.DataFrame(schema={"line": pl.Int64, "reason": pl.String, "text": pl.String})
