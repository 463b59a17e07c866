"""What every detector shares: the prepared events, evidence cells, excerpts and the row shape.

Evidence is the ``file:line`` of the events behind a row, in time order, ``;``-separated: the first
:data:`EVIDENCE_LIMIT`, then ``+N more`` as one last item (``a.log:1;a.log:7;+3 more``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

import polars as pl

from timeliner.durations import format_duration
from timeliner.schema import UTC_US, conform_detection_events

EVIDENCE_LIMIT = 20
EXCERPT_LIMIT = 100
UNKNOWN_SERVICE = "(unnamed service)"
ROW_SCHEMA: dict[str, pl.DataType] = {
    "start": UTC_US,
    "end": UTC_US,
    "kind": pl.String(),
    "service": pl.String(),
    "count": pl.Int64(),
    "summary": pl.String(),
    "evidence": pl.String(),
}


def prepare_events(events: pl.DataFrame) -> pl.DataFrame:
    """The detection columns of canonical events in one total order, with a row number ``_row``.

    Sorting by (ts, file, line, message) makes every detector blind to the order of its input rows.
    Only :data:`~timeliner.schema.DETECTION_COLUMNS` are kept: every filter of a detector copies
    each column it carries.
    """
    frame = conform_detection_events(events)
    # Each step below copies every column of every event (14 M events: gigabytes), so it runs only
    # when it would change something; a build's events arrive sorted and complete.
    if frame.get_column("ts").null_count():
        frame = frame.filter(pl.col("ts").is_not_null())
    if frame.get_column("service").null_count():
        frame = frame.with_columns(pl.col("service").fill_null(UNKNOWN_SERVICE))
    if not in_event_order(frame):
        frame = frame.sort(["ts", "file", "line", "message"], nulls_last=True, maintain_order=True)
    elif max(frame.n_chunks("all"), default=1) > 1:
        frame = frame.rechunk()  # window and group-by steps of the detectors are slower over pieces
    return frame.with_row_index("_row").with_columns(pl.col("_row").cast(pl.Int64))


def in_event_order(frame: pl.DataFrame) -> bool:
    """True when the rows already stand in the (ts, file, line, message) order, with no ties to break.

    Every row must come strictly after the one above it by (ts, file, line): then the sort would
    change nothing, whatever the messages say. Ties and nulls answer False (the sort decides).
    """
    if frame.height < 2:
        return True
    ts, file, line = pl.col("ts"), pl.col("file"), pl.col("line")
    after = (ts > ts.shift()) | (
        (ts == ts.shift()) & ((file > file.shift()) | ((file == file.shift()) & (line > line.shift())))
    )
    return bool(frame.select(after.slice(1).fill_null(False).all()).item())


def reference(file: str = "file", line: str = "line") -> pl.Expr:
    """``file:line``, an event's evidence reference.

    Built only for the events a timeline row cites: as a column of every event it took a tenth of
    detection's time on 14 M events, and 60 bytes an event.
    """
    return pl.concat_str(
        [pl.col(file).fill_null("?"), pl.lit(":"), pl.col(line).cast(pl.String).fill_null("?")]
    )


def evidence_text(references: pl.Expr) -> pl.Expr:
    """A list of ``file:line`` references (in time order) → the evidence cell; duplicates dropped."""
    unique = references.list.unique(maintain_order=True)
    listed = unique.list.head(EVIDENCE_LIMIT).list.join(";")
    more = unique.list.len().cast(pl.Int64) - EVIDENCE_LIMIT
    return pl.when(more > 0).then(pl.format("{};+{} more", listed, more)).otherwise(listed)


def excerpt(message: pl.Expr) -> pl.Expr:
    """The first line of a message, whitespace collapsed, cut at :data:`EXCERPT_LIMIT` characters."""
    first = message.fill_null("").str.split("\n").list.first().str.replace_all(r"\s+", " ").str.strip_chars()
    cut = first.str.slice(0, EXCERPT_LIMIT - 1).str.strip_chars_end() + pl.lit("…")
    return pl.when(first.str.len_chars() > EXCERPT_LIMIT).then(cut).otherwise(first)


def chain_id(ts: str, window: timedelta, by: Iterable[str]) -> pl.Expr:
    """Chain events of a partition: a new chain starts where the gap to the previous one exceeds ``window``.

    The frame must be sorted by ``ts`` within the partition. A gap equal to ``window`` stays inside.
    """
    gap = pl.col(ts).diff().over(list(by))
    return (gap.is_null() | (gap > window)).cast(pl.Int64).cum_sum().over(list(by))


def durations_text(starts: pl.Series, ends: pl.Series) -> pl.Series:
    """``format_duration(end - start)`` per output row (rows are few: one per finding, not per event)."""
    return pl.Series(
        [format_duration(e - s) for s, e in zip(starts.to_list(), ends.to_list(), strict=True)],
        dtype=pl.String,
    )


def as_rows(frame: pl.DataFrame) -> pl.DataFrame:
    """Select and type the row columns of a detector's output."""
    return frame.select([pl.col(name).cast(dtype) for name, dtype in ROW_SCHEMA.items()])


def empty_rows() -> pl.DataFrame:
    return pl.DataFrame(schema=ROW_SCHEMA)


def group_point_events(events: pl.DataFrame, kind: str, window: timedelta) -> pl.DataFrame:
    """Events of ``kind`` per service, chained while each is within ``window`` of the previous one.

    Returns one frame row per group: service, start, end, count, refs (list), excerpt (of the first
    event), and took (the group's duration in words).
    """
    hits = events.filter(pl.col("kind") == kind)
    if hits.height == 0:
        return hits.select("service", start="ts", end="ts").with_columns(
            count=pl.lit(0, dtype=pl.Int64),
            refs=pl.lit([], dtype=pl.List(pl.String)),
            excerpt=pl.lit(""),
            took=pl.lit(""),
        )
    hits = hits.sort("service", "_row").with_columns(group=chain_id("ts", window, ["service"]))
    groups = hits.group_by("service", "group").agg(
        start=pl.col("ts").min(),
        end=pl.col("ts").max(),
        count=pl.len().cast(pl.Int64),
        refs=reference(),
        excerpt=excerpt(pl.col("message").first()),
    )
    return groups.with_columns(took=durations_text(groups["start"], groups["end"])).sort("start", "service")


def point_event_rows(events: pl.DataFrame, kind: str, window: timedelta, summary: pl.Expr) -> pl.DataFrame:
    """One ``kind`` row per group of :func:`group_point_events`, its summary written by ``summary``.

    ``summary`` is an expression over the group columns (service, start, end, count, excerpt, took).
    """
    groups = group_point_events(events, kind, window)
    rows = groups.with_columns(kind=pl.lit(kind), summary=summary, evidence=evidence_text(pl.col("refs")))
    return as_rows(rows)
