"""``downtime``: a service down from a stop or crash until it came back.

For each service, the stop and crash events are matched to boots (see
:mod:`timeliner.detectors.restarts`): a downtime begins at the first stop or crash after a boot
(or before the first boot) and ends with the next boot — at that boot's ready line when it has one
(the service is not serving while it starts), else at its start. A stop or crash with no later boot
of the service gives no downtime row (the logs do not say when, or whether, it came back).

Row: ``start`` = the first stop/crash line, ``end`` = the next boot's ready (or start), ``count`` =
the stop/crash lines plus the boot's lines, ``evidence`` = those lines.
"""

from __future__ import annotations

import polars as pl

from timeliner.detectors.config import DetectConfig
from timeliner.detectors.evidence import as_rows, durations_text, empty_rows, evidence_text, reference
from timeliner.detectors.restarts import find_boots
from timeliner.schema import UTC_US


def detect_downtime(events: pl.DataFrame, cfg: DetectConfig) -> pl.DataFrame:
    """One ``downtime`` row per stop/crash followed by a boot (see the module docstring)."""
    spans = _stretches(events, cfg)
    if spans.height == 0:
        return empty_rows()
    back = (
        pl.when(pl.col("ready").is_not_null())
        .then(pl.lit("was ready again"))
        .otherwise(pl.lit("started again"))
    )
    rows = spans.with_columns(took=durations_text(spans["start"], spans["end"])).with_columns(
        kind=pl.lit("downtime"),
        count=pl.col("refs").list.unique().list.len(),
        summary=pl.format(
            "{} was down for {}, from a {} until it {}.", "service", "took", "first_kind", back
        ),
        evidence=evidence_text(pl.col("refs")),
    )
    return as_rows(rows)


def _stretches(events: pl.DataFrame, cfg: DetectConfig) -> pl.DataFrame:
    """Per service: each run of stop/crash events and the boot that ends it (start, end, ready, refs)."""
    no_time = pl.lit(None, dtype=UTC_US)
    ends = events.filter(pl.col("kind").is_in(["stop", "crash"])).select(
        "service",
        "ts",
        "_row",
        "kind",
        refs=pl.concat_list(reference()),
        is_boot=pl.lit(False),
        back=no_time,
        ready=no_time,
    )
    boots = find_boots(events, cfg).select(
        "service", "ready", ts="start", _row="first_row", kind=pl.lit("boot"), refs="refs", is_boot=pl.lit(True),
        back="end",
    )  # fmt: skip
    if ends.height == 0 or boots.height == 0:
        return ends.head(0)
    sequence = pl.concat([ends, boots.select(ends.columns)], how="vertical_relaxed").sort(
        "service", "ts", "_row"
    )
    # Stops/crashes after boot k and boot k+1 itself share segment k.
    boot = pl.col("is_boot").cast(pl.Int64)
    sequence = sequence.with_columns(segment=(boot.cum_sum() - boot).over("service"))
    is_end, is_boot = ~pl.col("is_boot"), pl.col("is_boot")
    spans = sequence.group_by("service", "segment").agg(
        start=pl.col("ts").filter(is_end).min(),
        end=pl.col("back").filter(is_boot).first(),
        ready=pl.col("ready").filter(is_boot).first(),
        first_kind=pl.col("kind").filter(is_end).first(),
        refs=pl.col("refs").list.explode(keep_nulls=False, empty_as_null=False),
    )
    return spans.filter(pl.col("start").is_not_null() & pl.col("end").is_not_null())
