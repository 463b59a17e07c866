"""summary.json: what was read, what was made of it, and every assumption on the way.

The line-accounting identity ``lines = events + continuations + rejected`` is stated per file
(``accounted``) and in total; for JSON documents the unit is a record instead of a line.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
import polars as pl

from timeliner import __version__

if TYPE_CHECKING:
    from timeliner.loading import FileReport
    from timeliner.pipeline import LoadResult
    from timeliner.settings import Settings


def make_summary(loaded: LoadResult, timeline: pl.DataFrame, settings: Settings) -> dict[str, Any]:
    events = loaded.events
    return {
        "timeliner_version": __version__,
        "settings": _settings(settings),
        "totals": _totals(loaded.files),
        "by_format": _by_format(loaded.files),
        "span_utc": _span(events),
        "events_by_service": _counts(events, "service"),
        "events_by_level": _counts(events, "level"),
        "timeline_rows_by_kind": _counts(timeline, "kind"),
        "assumptions": assumptions(loaded.files),
        "reconciled": _reconciled(loaded),
        "problems": loaded.problems,
        "files": [f.as_dict() for f in loaded.files],
    }


def _reconciled(loaded: LoadResult) -> dict[str, Any]:
    """Services renamed and duplicate events dropped across overlapping exports (see reconcile.py)."""
    rec = loaded.reconciled
    return {
        "aliased_events": rec.aliased,
        "services_named_by_instance": rec.renamed_by_instance,
        "duplicate_events_dropped": sum(rec.duplicates_by_file.values()),
        "duplicates_by_file": rec.duplicates_by_file,
    }


def _settings(settings: Settings) -> dict[str, Any]:
    return {
        "tz": settings.tz or "UTC (default)",
        "source_tz": [f"{g}={z}" for g, z in settings.source_tz],
        "year": settings.year,
        "abbrev": [f"{a}={m}" for a, m in settings.abbrevs],
        "skew": [f"{g}={d}" for g, d in settings.skew],
        "report_tz": settings.report_tz,
        "restart_window_s": settings.restart_window.total_seconds(),
        "restart_min": settings.restart_min,
        "rules": str(settings.rules) if settings.rules else "built-in",
        "formats_forced": [f"{g}={n}" for g, n in settings.formats],
        "config_files": list(settings.config_files),
    }


def _totals(files: list[FileReport]) -> dict[str, Any]:
    units = sum(f.units for f in files)
    events = sum(f.events for f in files)
    cont = sum(f.continuations for f in files)
    rejected = sum(f.rejects for f in files)
    return {
        "files": len(files),
        "files_not_read": sum(1 for f in files if f.format is None),
        "lines": units,  # physical lines of text files + records of JSON documents + unreadable files
        "events": events,
        "continuations": cont,
        "rejected": rejected,
        "accounted": units == events + cont + rejected and all(f.as_dict()["accounted"] for f in files),
    }


def _by_format(files: list[FileReport]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for f in files:
        row = out[f.format or "(not read)"]
        row["files"] += 1
        row["units"] += f.units
        row["events"] += f.events
        row["continuations"] += f.continuations
        row["rejected"] += f.rejects
    return {k: dict(v) for k, v in sorted(out.items())}


def _span(events: pl.DataFrame) -> dict[str, str | None]:
    if events.is_empty():
        return {"first": None, "last": None}
    fmt = "%Y-%m-%dT%H:%M:%S%.3fZ"
    return {"first": events["ts"].min().strftime(fmt), "last": events["ts"].max().strftime(fmt)}  # type: ignore[union-attr]


def _counts(frame: pl.DataFrame, column: str) -> dict[str, int]:
    if frame.is_empty() or column not in frame.columns:
        return {}
    counts = frame.group_by(column).len().sort(["len", column], descending=[True, False], nulls_last=True)
    return {str(k) if k is not None else "(none)": int(n) for k, n in counts.iter_rows()}


def assumptions(files: list[FileReport]) -> list[str]:
    """One plain sentence per assumption made, for the summary and the console (see TimeReport.sentences)."""
    return [sentence for f in files if f.time is not None for sentence in f.time.sentences(f.path)]


def write_summary(summary: dict[str, Any], path: Path) -> None:
    """Write summary.json atomically (temp file + rename)."""
    from timeliner.render._files import write_atomically

    data = orjson.dumps(summary, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS) + b"\n"
    write_atomically(path, lambda temporary: temporary.write_bytes(data))
