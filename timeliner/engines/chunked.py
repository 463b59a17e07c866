"""Big text files parsed in bounded chunks, with the same events as a whole-file parse.

A plain (uncompressed, UTF-8 or Latin-1) file larger than :data:`CHUNK_BYTES` is read in pieces
that end at a newline (:func:`timeliner.sources.read_chunks`). The format is detected on the first
piece; a line-oriented format then parses piece after piece, so the parser's intermediate columns
(regex captures, one row per line) never exceed one piece. The partial frames are concatenated
and normalized once, in line order, as for a whole file (years roll over, DST repeats are told
apart from file order).

Events that straddle a boundary: the last event that starts in a piece may go on in the next one
(a stack trace cut in half). Everything from that event's first line on is carried over and parsed
again at the head of the next piece, so the event is assembled whole; only the lines before it
are kept from the first piece. Formats whose records are not line by line (JSON documents, Docker
logs split per stream) are read whole, as are compressed and UTF-16 files.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import TypeGuard

import polars as pl

from timeliner import progress
from timeliner.parsers._registry import Format, ParseResult
from timeliner.sources import GZIP_MAGIC, UTF16_BOMS, SourceFile, read_chunks, read_source, source_from_bytes

CHUNK_BYTES = 32 * 2**20
# Formats whose parser reads line by line (header lines start events, other lines continue them).
CHUNKED_FORMATS = frozenset(
    {
        "log4j",
        "syslog",
        "syslog-rfc5424",
        "json-lines",
        "python-logging",
        "logfmt",
        "access-log",
        "nginx-error",
    }
)

__all__ = [
    "CHUNKED_FORMATS",
    "CHUNK_BYTES",
    "ChunkedSource",
    "combined",
    "in_pieces",
    "open_source",
    "parse_source",
    "parsed_pieces",
]


@dataclass
class ChunkedSource(SourceFile):
    """The first piece of a big file as a SourceFile (enough to detect its format), and the rest to come."""

    rest: Iterator[bytes] = field(default_factory=lambda: iter(()))


def open_source(path: str, chunk_bytes: int | None = None) -> SourceFile:
    """:func:`read_source`, or for a big plain text file its first piece (a :class:`ChunkedSource`)."""
    size = chunk_bytes or CHUNK_BYTES
    try:
        if os.path.getsize(path) <= size or _whole_only(path):
            return read_source(path)
        pieces = read_chunks(path, size)
        first = source_from_bytes(path, next(pieces), os.stat(path).st_mtime)
    except (OSError, StopIteration):
        return read_source(path)  # raises the error a user understands, naming the file
    return ChunkedSource(**{name: getattr(first, name) for name in first.__dataclass_fields__}, rest=pieces)


def _whole_only(path: str) -> bool:
    with open(path, "rb") as handle:
        magic = handle.read(2)
    return magic == GZIP_MAGIC or magic in UTF16_BOMS


def in_pieces(source: SourceFile, fmt: Format) -> TypeGuard[ChunkedSource]:
    """Whether ``source`` is the first piece of a big file that ``fmt`` parses piece by piece."""
    return isinstance(source, ChunkedSource) and fmt.name in CHUNKED_FORMATS


def parse_source(fmt: Format, source: SourceFile) -> ParseResult:
    """``fmt.parse(source)``, piece by piece when ``source`` is the first piece of a big file."""
    if not isinstance(source, ChunkedSource):
        return fmt.parse(source)
    if not in_pieces(source, fmt):
        _close(source.rest)
        whole = read_source(source.path)
        source.notes.extend(n for n in whole.notes if n not in source.notes)
        return fmt.parse(whole)
    return combined(list(parsed_pieces(fmt, source)))


def parsed_pieces(fmt: Format, first: ChunkedSource) -> Iterator[ParseResult]:
    """What each piece of a big file adds to its parse, lines numbered in the whole file.

    :func:`combined` of them all is the whole file's parse. Each result's events are final: an
    event still open at the end of a piece is parsed again, whole, with the next piece.
    """
    carry, offset, read = "", 0, 0
    piece: SourceFile | None = first
    while piece is not None:
        following = next(first.rest, None)
        text = carry + piece.text
        read += len(piece.text)
        result = fmt.parse(replace(first, text=text, notes=first.notes, rest=iter(())))
        _merge_notes(first, piece)
        kept, carry = _keep(result, text, last=following is None)
        offset += kept.units
        progress.piece_done(first.path, read)
        yield _shifted(kept, offset - kept.units)
        piece = None if following is None else source_from_bytes(first.path, following, first.mtime)


def _keep(result: ParseResult, text: str, *, last: bool) -> tuple[ParseResult, str]:
    """The part of a piece's result that is final, and the text to parse again with the next piece."""
    open_line = result.events["line"].max() if result.events.height else None
    if last or not isinstance(open_line, int) or open_line <= 1:
        return result, ""  # the end, or one event as long as the piece: kept as it is
    rest = text.split("\n", open_line - 1)[-1]
    events = result.events.filter(pl.col("line") < open_line)
    rejects = result.rejects.filter(pl.col("line") < open_line)
    units = open_line - 1
    continuations = units - events.height - rejects.height
    kept = ParseResult(
        events=events,
        rejects=rejects,
        units=units,
        continuations=continuations,
        unit=result.unit,
        yearless=result.yearless,
        notes=result.notes,
    )
    return kept, rest


def _shifted(result: ParseResult, offset: int) -> ParseResult:
    if offset:
        result.events = result.events.with_columns(pl.col("line") + offset)
        result.rejects = result.rejects.with_columns(pl.col("line") + offset)
    return result


def combined(results: list[ParseResult]) -> ParseResult:
    """One parse result out of the results of a file's pieces, in order."""
    notes: list[str] = []
    for result in results:
        notes.extend(n for n in result.notes if n not in notes)
    return ParseResult(
        events=pl.concat([r.events for r in results], how="vertical"),
        rejects=pl.concat([r.rejects for r in results], how="vertical"),
        units=sum(r.units for r in results),
        continuations=sum(r.continuations for r in results),
        unit=results[0].unit,
        yearless=any(r.yearless for r in results),
        notes=notes,
    )


def _merge_notes(first: SourceFile, piece: SourceFile) -> None:
    for bucket, more in ((first.notes, piece.notes), (first.problems, piece.problems)):
        bucket.extend(n for n in more if n not in bucket)


def _close(pieces: Iterator[bytes]) -> None:
    close = getattr(pieces, "close", None)  # a generator holds the file open until closed
    if close is not None:
        close()
