"""``error_burst``: a service logging errors far above its own baseline.

An *error* is an event of kind ``error`` or of level ``error``/``critical`` (so an error that a rule
called an interruption still counts towards the rate). Per service, time is cut into bins of
``burst_bin`` (5 min, aligned to the epoch) from the service's first to its last event of any kind;
bins without errors count as 0. A service observed for fewer than ``burst_min_bins`` (6) bins has no
baseline and gives no burst rows. The baseline is the median bin count ``m``, its noise the median
absolute deviation ``d`` (× 1.4826, a robust standard deviation). A bin is *hot* when its count is at least

    max(burst_min, burst_factor × m, m + burst_sigma × 1.4826 × d)      defaults: 10, 5, 5

Consecutive hot bins make one burst. Row: ``start`` / ``end`` = the first / last error in those
bins (where the rate rose and where it returned), ``count`` = errors in them, ``summary`` such as
"sentry/order-api logged 2,803 errors in 1 h 58 min, against a usual 3 per hour.", ``evidence`` = the
errors' lines (first 20).
"""

from __future__ import annotations

import polars as pl

from timeliner.detectors.config import DetectConfig
from timeliner.detectors.evidence import as_rows, durations_text, empty_rows, evidence_text, reference

_MAD_TO_SIGMA = 1.4826


def detect_error_bursts(events: pl.DataFrame, cfg: DetectConfig) -> pl.DataFrame:
    """One ``error_burst`` row per run of hot bins of a service (see the module docstring)."""
    level_error = pl.col("level").is_in(["error", "critical"]).fill_null(False)
    errors = events.filter((pl.col("kind") == "error").fill_null(False) | level_error)
    errors = errors.with_columns(bin=pl.col("ts").dt.truncate(cfg.burst_bin))
    if errors.height == 0:
        return empty_rows()
    bins = _binned(events, errors, cfg)
    hot = bins.filter("hot").select("service", "bin", "run")
    if hot.height == 0:
        return empty_rows()
    usual = bins.filter(~pl.col("hot")).group_by("service").agg(per_bin=pl.col("n").mean())
    in_burst = errors.join(hot, on=["service", "bin"], how="inner").sort("service", "_row")
    bursts = in_burst.group_by("service", "run").agg(
        start=pl.col("ts").min(), end=pl.col("ts").max(), count=pl.len(), refs=reference()
    )
    return _rows(bursts.join(usual, on="service", how="left"), cfg)


def _binned(events: pl.DataFrame, errors: pl.DataFrame, cfg: DetectConfig) -> pl.DataFrame:
    """Error counts per service and bin (zeros included), with ``hot`` and a ``run`` id per hot stretch."""
    every = cfg.burst_bin
    spans = events.group_by("service").agg(lo=pl.col("ts").min().dt.truncate(every), hi=pl.col("ts").max())
    grid = spans.select("service", bin=pl.datetime_ranges("lo", "hi", every)).explode("bin")
    counts = errors.group_by("service", "bin").agg(n=pl.len())
    bins = grid.join(counts, on=["service", "bin"], how="left").with_columns(pl.col("n").fill_null(0))
    bins = bins.with_columns(nbins=pl.len().over("service")).filter(pl.col("nbins") >= cfg.burst_min_bins)
    median = pl.col("n").median().over("service")
    mad = (pl.col("n") - median).abs().median().over("service")
    threshold = pl.max_horizontal(
        pl.lit(float(cfg.burst_min)),
        median * cfg.burst_factor,
        median + cfg.burst_sigma * _MAD_TO_SIGMA * mad,
    )
    bins = bins.sort("service", "bin").with_columns(hot=pl.col("n") >= threshold)
    # The run id changes wherever hot flips, so consecutive hot bins of a service share one.
    flips = (pl.col("hot") != pl.col("hot").shift(1)).fill_null(True)
    return bins.with_columns(run=flips.cum_sum().over("service"))


def _rows(bursts: pl.DataFrame, cfg: DetectConfig) -> pl.DataFrame:
    per_hour = pl.col("per_bin").fill_null(0.0) * (3600 / cfg.burst_bin.total_seconds())
    usual = (
        pl.when(per_hour < 1)
        .then(pl.lit("fewer than 1 per hour"))
        .otherwise(pl.format("{} per hour", per_hour.round(0).cast(pl.Int64)))
    )
    count_text = pl.Series([f"{n:,}" for n in bursts["count"].to_list()], dtype=pl.String)
    rows = bursts.with_columns(took=durations_text(bursts["start"], bursts["end"]), count_text=count_text)
    rows = rows.with_columns(
        kind=pl.lit("error_burst"),
        summary=pl.format(
            "{} logged {} errors in {}, against a usual {}.", "service", "count_text", "took", usual
        ),
        evidence=evidence_text(pl.col("refs")),
    )
    return as_rows(rows.sort("start", "service"))
