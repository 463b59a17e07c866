"""Partial frames (one per file, from a parser) → canonical events (schema.EVENT_SCHEMA).

Here each event gets its one UTC instant (:mod:`timeliner.eventtime` decides it and records
every assumption in a :class:`TimeReport` for ``summary.json``) and levels as written (``WARN``,
``30``, ``fatal``) become the five canonical levels. Once every file is normalized,
:func:`finish_run` makes the decisions that need all sources at once: the year of yearless
files placed among the dated ones, and clock-skew estimates (applied with ``--skew auto``).
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from timeliner.alignment import align_sources
from timeliner.eventtime import TimeReport, resolve_times
from timeliner.fileindex import by_file
from timeliner.schema import EVENT_SCHEMA, conform_events
from timeliner.settings import Settings

# Level words and numbers as written by log4j, Python, syslog, pino/bunyan, Sentry, Windows...
LEVEL_MAP = {
    # Apache 2.4 has trace1..trace8; Kubernetes events are "Normal" or "Warning"; logcat's A is "assert".
    **dict.fromkeys(
        ["trace", "debug", "fine", "finer", "finest", "verbose", "10", "20", "d", "v"]
        + [f"trace{n}" for n in range(1, 9)],
        "debug",
    ),
    **dict.fromkeys(
        ["info", "information", "informational", "notice", "config", "normal", "30", "i"], "info"
    ),
    **dict.fromkeys(["warn", "warning", "40", "w"], "warning"),
    **dict.fromkeys(["error", "err", "severe", "50", "e"], "error"),
    **dict.fromkeys(
        ["fatal", "critical", "crit", "alert", "emerg", "emergency", "panic", "assert", "60", "f", "a"],
        "critical",
    ),
}

__all__ = ["LEVEL_MAP", "TimeReport", "canonical_events", "finish_run", "map_levels", "normalize_file"]


def map_levels(level_raw: pl.Expr) -> pl.Expr:
    """Level text as written → debug/info/warning/error/critical (null when unknown)."""
    key = level_raw.cast(pl.String).str.strip_chars().str.strip_chars("[]<>").str.to_lowercase()
    return key.replace_strict(LEVEL_MAP, default=None, return_dtype=pl.String)


def normalize_file(
    partial: pl.DataFrame,
    *,
    path: str,
    source: str,
    settings: Settings,
    yearless: bool = False,
    mtime: float | None = None,
) -> tuple[pl.DataFrame, TimeReport]:
    """Give every row of one parsed file its UTC ``ts`` and canonical columns.

    ``mtime`` (the file's modification time, epoch seconds) dates yearless files when no
    ``--year`` is given; by default it is read from ``path`` when that exists.
    """
    frame, report = resolve_times(partial, path=path, settings=settings, yearless=yearless, mtime=mtime)
    return canonical_events(frame, path=path, source=source), report


def canonical_events(frame: pl.DataFrame, *, path: str | Sequence[str], source: str) -> pl.DataFrame:
    """A parser's rows with ``ts`` resolved (:func:`resolve_times`) → canonical events of one file.

    Rows of several files (a batch, :func:`timeliner.eventtime.resolve_file_times`) give ``path``
    as the list of their paths, indexed by the rows' ``FILE_INDEX``.
    """
    file = pl.lit(path, dtype=pl.String) if isinstance(path, str) else by_file(path, pl.String())
    events = frame.with_columns(
        source=pl.lit(source),
        file=file,
        level=map_levels(pl.col("level_raw")),
        kind=pl.lit(None, dtype=pl.String),
        service=pl.col("service").fill_null(file),
        message=pl.col("message").fill_null(""),
    )
    return conform_events(events.select([c for c in events.columns if c in EVENT_SCHEMA]))


def finish_run(events: pl.DataFrame, reports: list[TimeReport], settings: Settings) -> pl.DataFrame:
    """Cross-source time decisions, once every file is normalized; returns events sorted by ``ts``.

    Yearless files whose year was only guessed from their file date are placed among the dated
    sources of the run; clock skew between sources is estimated from shared anchors (reported in
    each file's ``TimeReport.skew_estimates``) and applied to files matched by ``--skew auto``.
    """
    return align_sources(events, reports, settings)
