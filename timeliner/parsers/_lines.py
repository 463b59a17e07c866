"""Shared machinery for line-oriented formats: number lines, join continuations, account for all.

A text parser marks which lines *start* an event (a header matched). Every other line is a
continuation of the event above it (stack traces, wrapped messages, blank lines inside a
trace) — except lines that come before the first event, and lines that look like a header
but are broken, which become rejects with a reason. All of it is vectorized: a running sum
over "starts an event" gives each line its event id.
"""

from __future__ import annotations

import polars as pl

from timeliner.fileindex import FILE_INDEX, rows_per_file
from timeliner.limits import MAX_EVENT_LINES, MAX_LINE_CHARS, cut_long_lines, cut_marker
from timeliner.parsers._regex import SMALL_ROWS, extract_groups, extract_groups_series
from timeliner.parsers._registry import BatchResult, ParseResult, no_rejects
from timeliner.sources import SourceBatch, SourceFile

# A line that begins like a date but did not parse as a header is broken, not a continuation.
LOOKS_LIKE_TIMESTAMP = r"^\s*(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{2}[-/]\d{2}[-/]\d{2,4}\s)"
# An event grown past MAX_EVENT_LINES lines (see limits) is cut; the rest still counts, as continuations.
__all__ = [
    "LOOKS_LIKE_TIMESTAMP",
    "MAX_EVENT_LINES",
    "NOT_BLANK",
    "assemble",
    "assembled_result",
    "header_frame",
    "line_frame",
    "split_by_file",
    "text_result",
    "with_layout_fields",
]
BROKEN_REASON = "starts like a timestamp but could not be parsed"
# For formats with one record per line: a line with any text that is not a record is damage.
NOT_BLANK = pl.col("text").str.strip_chars() != ""


def line_frame(source: SourceFile) -> pl.DataFrame:
    """The file as a frame of (line: 1-based Int64, text: String).

    A line longer than ``limits.MAX_LINE_CHARS`` is cut (ending in a marker) before any pattern
    runs over it, and the cut is noted on ``source``.
    """
    lines, cut = cut_long_lines(physical_lines(source.text))
    note = f"{cut:,} line(s) longer than {MAX_LINE_CHARS:,} characters were cut to that length"
    if cut and note not in source.notes:
        source.notes.append(note)
    frame = pl.DataFrame({"line": pl.int_range(1, len(lines) + 1, dtype=pl.Int64, eager=True), "text": lines})
    if isinstance(source, SourceBatch):  # which file each line is from: events never span two
        firsts = pl.Series([f.first_line for f in source.files], dtype=pl.Int64)
        which = firsts.search_sorted(frame.get_column("line"), side="right") - 1
        frame = frame.with_columns(which.cast(pl.UInt32).alias(FILE_INDEX))
    return frame


def with_columns(frame: pl.DataFrame, *exprs: pl.Expr, **named: pl.Expr) -> pl.DataFrame:
    """``frame.with_columns(...)`` run by polars' query engine rather than eagerly.

    The engine computes a sub-expression that several columns share once (a parsed timestamp
    feeds ``ts_utc``, ``ts_local`` and ``ts_basis``) and spreads the rows over every core; an
    eager ``with_columns`` does neither. Measured 1.5-2x on the time columns of big files.
    """
    return frame.lazy().with_columns(*exprs, **named).collect()


def header_frame(source: SourceFile, header: str) -> pl.DataFrame:
    """:func:`line_frame` plus the named groups of ``header`` (polars regex), null where a line does not match."""
    return line_frame(source).with_columns(_h=extract_groups(pl.col("text"), header)).unnest("_h")


def with_layout_fields(
    frame: pl.DataFrame, column: str, layouts: dict[str, str], fields: tuple[str, ...]
) -> pl.DataFrame:
    """``frame`` plus one column per field, from the first of ``layouts`` (polars regexes) matching ``column``.

    Layouts are tried in order, each only on the rows no earlier layout matched (a regex over a
    null costs nothing); a field the matching layout lacks, or leaves empty, is null.
    """
    if frame.height < SMALL_ROWS:  # one query instead of a few calls per layout (see _regex.SMALL_ROWS)
        return _small_layout_fields(frame, column, layouts, fields)
    remaining = frame.get_column(column)
    found = {
        field: pl.repeat(None, frame.height, dtype=pl.String, eager=True).alias(field) for field in fields
    }
    for pattern in layouts.values():
        if remaining.null_count() == remaining.len():
            break  # every line is placed (or is no header): the other layouts have nothing to do
        groups = extract_groups_series(remaining, pattern, matched="__hit").struct
        hit = groups.field("__hit").fill_null(False)
        for field in fields:
            if f"<{field}>" in pattern:
                found[field] = found[field].fill_null(groups.field(field))
        remaining = remaining.set(hit, None)
    return frame.with_columns(list(found.values()))


def _small_layout_fields(
    frame: pl.DataFrame, column: str, layouts: dict[str, str], fields: tuple[str, ...]
) -> pl.DataFrame:
    """:func:`with_layout_fields` as one query: the same first-matching-layout rule, for small frames."""
    text = pl.col(column)
    parsed = [(pattern, text.str.extract_groups(pattern)) for pattern in layouts.values()]
    taken: pl.Expr = pl.lit(False)
    chosen: dict[str, list[pl.Expr]] = {field: [] for field in fields}
    for pattern, groups in parsed:
        hit = text.str.contains(pattern)
        first = hit & ~taken
        for field in fields:
            if f"<{field}>" in pattern:
                chosen[field].append(pl.when(first).then(groups.struct.field(field)))
        taken = taken | hit
    columns = {
        field: pl.coalesce(options) if options else pl.lit(None, dtype=pl.String)
        for field, options in chosen.items()
    }
    return frame.lazy().with_columns(**columns).collect()


SMALL_TEXT = 64 << 10  # characters; below this Python splits lines faster than polars' reader


def physical_lines(text: str) -> pl.Series:
    """The lines of ``text`` as :meth:`SourceFile.lines` numbers them, the CR of CRLF stripped.

    Split by polars' CSV reader (one column, no quoting, NUL as the never-seen separator), which
    runs outside the interpreter lock; text holding a NUL (a binary file) is split by Python.
    """
    if len(text) < SMALL_TEXT:
        return _split_by_python(text)  # the reader's start-up costs more than a small split
    data = text.encode("utf-8")  # sources.decode_bytes never leaves a lone surrogate
    if b"\x00" in data:
        return _split_by_python(text)
    lines = pl.read_csv(
        data,
        separator="\x00",
        quote_char=None,
        has_header=False,
        schema={"text": pl.String},
        comment_prefix=None,
    ).to_series()
    return lines.fill_null("")  # the reader gives a blank line as null


def _split_by_python(text: str) -> pl.Series:
    parts = text.split("\n")
    if parts[-1] == "":
        parts.pop()
    return pl.Series("text", parts, dtype=pl.String).str.strip_suffix("\r")


def assemble(
    frame: pl.DataFrame,
    *,
    is_start: pl.Expr,
    is_broken: pl.Expr | None = None,
    broken_reason: str = BROKEN_REASON,
    orphan_reason: str = "no timestamp, and no event above it to belong to",
) -> tuple[pl.DataFrame, pl.DataFrame, int]:
    """Group lines into events.

    ``frame`` has ``line``, ``text`` and the header columns (null on non-start lines).
    ``is_start`` marks header lines; ``is_broken`` marks lines to reject outright.
    Returns (head rows with ``message`` = head message + continuation lines, rejects, number
    of continuation lines). The head rows keep every other column of ``frame``.
    """
    broken = is_broken if is_broken is not None else pl.lit(False)
    start = pl.col("_start")
    # A line continues the event of the latest start above it, when there is one in its own file.
    if FILE_INDEX in frame.columns:  # a batch of files (SourceBatch): no event runs on into the next
        attached = (pl.when(start).then(pl.col(FILE_INDEX)).forward_fill() == pl.col(FILE_INDEX)).fill_null(
            False
        )
    else:
        attached = start.cum_max()
    df = (
        frame.lazy()  # one query: a folder of small files pays each query's fixed cost per file
        .with_columns(_broken=broken.fill_null(False))
        .with_columns(_start=is_start.fill_null(False) & ~pl.col("_broken"))
        .with_columns(_event=start.cast(pl.Int64).cum_sum(), _attached=attached)
        .collect()
    )
    if df["_start"].all():  # one event per line (most small files, one-line formats): nothing to join
        return df.drop("_start", "_broken", "_event", "_attached"), no_rejects(), 0
    blank = pl.col("text").str.strip_chars() == ""
    orphan = ~pl.col("_attached") & ~start & ~blank & ~pl.col("_broken")
    rejects = pl.concat(
        [
            df.filter(pl.col("_broken")).select("line", pl.lit(broken_reason).alias("reason"), "text"),
            df.filter(orphan).select("line", pl.lit(orphan_reason).alias("reason"), "text"),
        ]
    ).sort("line")
    # Continuations: non-head, non-broken lines after the first head (and blank lines anywhere).
    cont = df.filter(~pl.col("_start") & ~pl.col("_broken") & ~orphan)
    tails = (
        cont.filter(pl.col("_attached"))
        .group_by("_event", maintain_order=True)
        .agg(pl.col("text").head(MAX_EVENT_LINES).str.join("\n").alias("_tail"), pl.len().alias("_lines"))
        .with_columns(_tail=_marked_if_cut(pl.col("_tail"), pl.col("_lines")))
    )
    heads = df.filter(pl.col("_start")).join(tails, on="_event", how="left")
    heads = heads.with_columns(
        message=pl.when(pl.col("_tail").is_not_null())
        .then(pl.concat_str([pl.col("message"), pl.col("_tail")], separator="\n").str.strip_chars_end())
        .otherwise(pl.col("message"))
    ).drop("_start", "_broken", "_event", "_attached", "_tail", "_lines")
    return heads, rejects, cont.height


def assembled_result(
    source: SourceFile,
    frame: pl.DataFrame,
    *,
    stamp: str,
    broken: pl.Expr | None = None,
    broken_reason: str = BROKEN_REASON,
    yearless: bool = False,
) -> ParseResult:
    """:func:`assemble` the lines of ``frame`` into events and package them with :func:`text_result`.

    A line where column ``stamp`` is set starts an event. A line without it is rejected with
    ``broken_reason`` where ``broken`` holds (it looks like a header that did not parse), and
    is a continuation of the event above otherwise.
    """
    missing = pl.col(stamp).is_null()
    heads, rejects, continuations = assemble(
        frame,
        is_start=~missing,
        is_broken=None if broken is None else missing & broken,
        broken_reason=broken_reason,
    )
    return text_result(source, frame, heads, rejects, continuations, yearless=yearless)


def _marked_if_cut(tail: pl.Expr, lines: pl.Expr) -> pl.Expr:
    """An event's continuation text, ending in a cut marker when it had more than MAX_EVENT_LINES lines."""
    marker = cut_marker(f"{{}} more line(s) of this event not kept; an event keeps {MAX_EVENT_LINES:,}")
    return (
        pl.when(lines > MAX_EVENT_LINES)
        .then(pl.format("{}" + marker, tail, lines - MAX_EVENT_LINES))
        .otherwise(tail)
    )


def text_result(
    source: SourceFile,
    frame: pl.DataFrame,
    heads: pl.DataFrame,
    rejects: pl.DataFrame,
    continuations: int,
    *,
    yearless: bool = False,
) -> ParseResult:
    """Package an assembled text file; rejects rows whose header parsed but whose time did not."""
    no_time = heads.filter(pl.col("ts_utc").is_null() & pl.col("ts_local").is_null())
    if no_time.height:
        bad = no_time.select("line", pl.lit("timestamp is not a valid date/time").alias("reason"), "text")
        rejects = pl.concat([rejects.select("line", "reason", "text"), bad]).sort("line")
        # The rejected head's continuation lines stay counted as continuations: identity holds.
        heads = heads.filter(pl.col("ts_utc").is_not_null() | pl.col("ts_local").is_not_null())
    return ParseResult(
        events=heads,
        rejects=rejects if rejects.height else no_rejects(),
        units=frame.height,
        continuations=continuations,
        yearless=yearless,
    )


def split_by_file(batch: SourceBatch, result: ParseResult) -> BatchResult | None:
    """The parse of a batch of files (one text), by file; None when it cannot be split as the files
    alone would give it: the parse noted something (about one file), or the accounting does not split.
    Yearless results are split too: the caller says which files are yearless (see ``syslog``).
    """
    lines = [batched.lines for batched in batch.files]
    if result.notes or batch.notes or result.unit != "line" or result.units != sum(lines):
        return None
    firsts = pl.Series([batched.first_line for batched in batch.files], dtype=pl.Int64)
    events, rejects = _by_file(result.events, firsts), _by_file(result.rejects, firsts)
    heads, rejected = rows_per_file(events), rows_per_file(rejects)
    continuations = [n - heads.get(i, 0) - rejected.get(i, 0) for i, n in enumerate(lines)]
    if min(continuations) < 0 or sum(continuations) != result.continuations:
        return None
    return BatchResult(events, rejects, lines, continuations)


def _by_file(frame: pl.DataFrame, firsts: pl.Series) -> pl.DataFrame:
    """Rows of a batch's result with FILE_INDEX, ``line`` renumbered within the file."""
    index = (firsts.search_sorted(frame.get_column("line"), side="right") - 1).cast(pl.UInt32)
    return frame.with_columns(line=pl.col("line") - firsts.gather(index) + 1, **{FILE_INDEX: index})
