"""``gap``: a source that goes silent for far longer than its own rhythm.

A *stream* is the events of one (source, service). Its pauses are the times between consecutive
events. A stream with fewer than ``gap_min_events`` (20) events, or whose median pause is longer than
``gap_sparse`` (1 h: a sampled log, a node that logs a few times a day), has no learnable rhythm and
gives no gap rows. Otherwise a pause is a gap when it is longer than the threshold

    T = max(gap_min, gap_factor × p95, gap_recurring_margin × recurring)

* ``gap_min`` (10 min): nothing shorter is ever a gap;
* ``p95``: the 95th percentile of the stream's pauses, times ``gap_factor`` (10) — the usual pause;
* ``recurring``: the ``gap_recurring``-th (3rd) longest pause, times ``gap_recurring_margin`` (2).
  A pause length that occurs at least three times is part of the rhythm, not an outage: an access
  log sampled one minute per hour pauses ~59 min every hour, so only a silence beyond ~2 h counts.
  (Pauses are measured after discounting idle hours, below, so nights do not inflate it.)

Nights: when a stream spans at least ``idle_learn_span`` (2 days), its *idle hours* are learned —
hours of the day (UTC) holding fewer than ``idle_hour_share`` (5 %) of an average hour's events.
Silence during idle hours does not count (unless ``gap_include_idle``): a pause is a gap only if
its part outside idle hours exceeds T, so a source that is quiet every night gets no gap row for
the night. A pause that begins at a stop or crash event of the stream is not a gap either: the
``downtime`` row tells that story.

Row: ``start`` = the last event before the silence, ``end`` = the first event after it, ``count`` = 2
(those two events, the evidence), ``summary`` such as "order-portal (log4j) logged nothing for
6 h 2 min; its usual pauses are at most 40 s.".
"""

from __future__ import annotations

from datetime import timedelta

import polars as pl

from timeliner.detectors.config import DetectConfig
from timeliner.detectors.evidence import as_rows, empty_rows, evidence_text, reference
from timeliner.durations import format_duration

STREAM = ["source", "service"]


def detect_gaps(events: pl.DataFrame, cfg: DetectConfig) -> pl.DataFrame:
    """One ``gap`` row per silence longer than its stream's threshold (see the module docstring)."""
    frame = events.select(*STREAM, "ts", "_row", "file", "line", "kind").with_columns(
        pl.col("source").fill_null("")
    )
    streams = _streams(frame, cfg)
    # Too few events, or too sparse (a sampled log, a node that logs twice a day): no rhythm to break.
    streams = streams.filter((pl.col("events") >= cfg.gap_min_events) & (pl.col("median") <= cfg.gap_sparse))
    # Only pauses longer than gap_min can be gaps or shape the recurring pause: few, so weigh those.
    long = streams.explode("_row", "prev", "pause").filter(pl.col("_row").is_not_null())
    if long.height == 0:
        return empty_rows()
    after = frame.filter(pl.col("_row").is_in(long["_row"].implode())).select("_row", "ts", "file", "line")
    before = frame.filter(pl.col("_row").is_in(long["prev"].implode())).select(
        prev="_row", before="ts", before_file="file", before_line="line", before_kind="kind"
    )
    long = long.join(after, on="_row").join(before, on="prev", how="left").sort("_row")
    if cfg.gap_include_idle:
        long = long.with_columns(active_silence=pl.col("pause"))
    else:
        long = _discount_idle_hours(long, _idle_hours(streams, cfg))
    gaps = _with_threshold(long, cfg).filter(pl.col("active_silence") > pl.col("threshold"))
    gaps = gaps.filter(~pl.col("before_kind").is_in(["stop", "crash"]).fill_null(False))
    return _rows(gaps) if gaps.height else empty_rows()


def _streams(frame: pl.DataFrame, cfg: DetectConfig) -> pl.DataFrame:
    """Per stream, in one grouping of the events: size, span, pause statistics, events per hour of day,
    and the pauses longer than ``gap_min`` (``_row`` after the pause, ``prev`` before it, ``pause``).

    The events are in time order (prepare_events), and a group keeps its rows in frame order, so
    each stream's pauses are the differences of its consecutive times.
    """
    pause = pl.col("ts").diff()
    long = pause > cfg.gap_min
    return frame.group_by(STREAM).agg(
        events=pl.len(),
        p95=pause.drop_nulls().quantile(0.95, interpolation="lower"),
        median=pause.drop_nulls().median(),
        span=pl.col("ts").max() - pl.col("ts").min(),
        hours=pl.col("ts").dt.hour().value_counts(name="n"),
        _row=pl.col("_row").filter(long),
        prev=pl.col("_row").shift(1).filter(long),
        pause=pause.filter(long),
    )


def _with_threshold(long: pl.DataFrame, cfg: DetectConfig) -> pl.DataFrame:
    """Add ``threshold`` (T of the module docstring) and ``usual`` (the longer of p95 and recurring)."""
    recurring = (
        pl.col("active_silence")
        .sort(descending=True)
        .get(cfg.gap_recurring - 1, null_on_oob=True)
        .over(STREAM)
    )
    long = long.with_columns(
        recurring=recurring.fill_null(timedelta(0)), p95=pl.col("p95").fill_null(timedelta(0))
    )
    threshold = pl.max_horizontal(
        pl.lit(cfg.gap_min),
        pl.col("p95") * cfg.gap_factor,
        pl.col("recurring") * cfg.gap_recurring_margin,
    )
    return long.with_columns(threshold=threshold, usual=pl.max_horizontal("p95", "recurring"))


def _idle_hours(streams: pl.DataFrame, cfg: DetectConfig) -> pl.DataFrame:
    """(source, service, hour) of the hours of day in which a long-observed stream is normally idle."""
    learned = streams.filter(pl.col("span") >= cfg.idle_learn_span).select(*STREAM, "events", "hours")
    hours = pl.DataFrame({"hour": list(range(24))}, schema={"hour": pl.Int8})
    counts = learned.select(*STREAM, "hours").explode("hours").unnest("hours").rename({"ts": "hour"})
    table = learned.drop("hours").join(hours, how="cross").join(counts, on=[*STREAM, "hour"], how="left")
    quiet = pl.col("n").fill_null(0) < pl.col("events") / 24 * cfg.idle_hour_share
    return table.filter(quiet).select(*STREAM, "hour")


def _discount_idle_hours(candidates: pl.DataFrame, idle: pl.DataFrame) -> pl.DataFrame:
    """Add ``active_silence``: the part of each pause outside its stream's idle hours."""
    slots = candidates.select(
        *STREAM,
        "_row",
        "before",
        "ts",
        slot=pl.datetime_ranges(pl.col("before").dt.truncate("1h"), "ts", "1h"),
    ).explode("slot")
    slot_end = pl.col("slot") + timedelta(hours=1)
    overlap = pl.min_horizontal(pl.col("ts"), slot_end) - pl.max_horizontal(pl.col("before"), pl.col("slot"))
    slots = slots.with_columns(hour=pl.col("slot").dt.hour(), overlap=overlap)
    idle_marked = slots.join(idle.with_columns(idle=pl.lit(True)), on=[*STREAM, "hour"], how="left")
    active = (
        idle_marked.filter(pl.col("idle").is_null())
        .group_by("_row")
        .agg(active_silence=pl.col("overlap").sum())
    )
    return candidates.join(active, on="_row", how="left").with_columns(
        pl.col("active_silence").fill_null(timedelta(0))
    )


def _rows(gaps: pl.DataFrame) -> pl.DataFrame:
    took = pl.Series([format_duration(p) for p in gaps["pause"].to_list()], dtype=pl.String)
    usual = pl.Series([format_duration(u) for u in gaps["usual"].to_list()], dtype=pl.String)
    where = (
        pl.when(pl.col("source") != "").then(pl.format("{} ({})", "service", "source")).otherwise("service")
    )
    rows = gaps.with_columns(took=took, usual_text=usual).with_columns(
        start=pl.col("before"),
        end=pl.col("ts"),
        kind=pl.lit("gap"),
        count=pl.lit(2),
        summary=pl.format(
            "{} logged nothing for {}; its usual pauses are at most {}.", where, "took", "usual_text"
        ),
        evidence=evidence_text(pl.concat_list(reference("before_file", "before_line"), reference())),
    )
    return as_rows(rows.sort("start", "service"))
