"""The Python API for notebooks: the same pipeline as the CLI, returning polars frames and figures."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from timeliner import pipeline
from timeliner.settings import Settings, merge_case_files
from timeliner.sources import expand_inputs
from timeliner.timeparse import validate_zone

if TYPE_CHECKING:
    import plotly.graph_objects as go


def _settings(
    tz: str | None,
    source_tz: Mapping[str, str] | None,
    year: int | None,
    formats: Mapping[str, str] | None,
    rules: Any,
) -> Settings:
    return Settings(
        tz=validate_zone(tz) if tz else None,
        source_tz=tuple((glob, validate_zone(zone)) for glob, zone in (source_tz or {}).items()),
        year=year,
        formats=tuple((formats or {}).items()),
        rules=Path(rules) if rules else None,
    )


def load_report(
    paths: str | Path | Sequence[str | Path],
    tz: str | None = None,
    source_tz: Mapping[str, str] | None = None,
    year: int | None = None,
    *,
    formats: Mapping[str, str] | None = None,
    rules: str | Path | None = None,
) -> pipeline.LoadResult:
    """Like :func:`load`, but also return rejects, per-file reports and problems."""
    inputs = [paths] if isinstance(paths, str | Path) else list(paths)
    settings = _settings(tz, source_tz, year, formats, rules)
    # A timeliner.toml among the inputs applies as it does for the CLI; arguments given here win.
    _files, configs = expand_inputs(inputs)
    explicit = {name for name, value in (("tz", tz), ("year", year)) if value is not None}
    return pipeline.load(inputs, merge_case_files(settings, configs, explicit))


def load(
    paths: str | Path | Sequence[str | Path],
    tz: str | None = None,
    source_tz: Mapping[str, str] | None = None,
    year: int | None = None,
    *,
    formats: Mapping[str, str] | None = None,
    rules: str | Path | None = None,
) -> pl.DataFrame:
    """Read log files/folders into one events frame (columns of schema.EVENT_SCHEMA), sorted by ``ts``.

    Examples
    --------
    >>> import timeliner as tl
    >>> events = tl.load("sample_logs", source_tz={"*order-portal*": "Europe/Amsterdam"})  # doctest: +SKIP
    >>> events.select("ts", "service", "kind", "message").head()  # doctest: +SKIP
    """
    return load_report(paths, tz, source_tz, year, formats=formats, rules=rules).events


def detect(
    events: pl.DataFrame, restart_window: str | timedelta = "2m", restart_min: int = 2, **options: Any
) -> pl.DataFrame:
    """Detect restarts, storms, interruptions, ... in classified events → timeline rows.

    ``options`` are further fields of :class:`timeliner.detectors.DetectConfig`.
    """
    from timeliner.detectors import DetectConfig
    from timeliner.detectors import detect as run_detectors
    from timeliner.durations import parse_duration

    window = parse_duration(restart_window) if isinstance(restart_window, str) else restart_window
    return run_detectors(events, DetectConfig(restart_window=window, restart_min=restart_min, **options))


def gantt(timeline: pl.DataFrame, events: pl.DataFrame | None = None, *, tz: str = "UTC") -> go.Figure:
    """The interactive Gantt chart of a timeline (a plotly Figure; displays inline in Jupyter)."""
    from timeliner.render import gantt as make_gantt

    return make_gantt(timeline, events if events is not None else pl.DataFrame(), tz=validate_zone(tz))


def to_markdown(timeline: pl.DataFrame, tz: str = "UTC") -> str:
    """The post-mortem "Timeline" section for ``timeline``, times in ``tz``."""
    from timeliner.render import to_markdown as render_markdown

    return render_markdown(timeline, tz=validate_zone(tz))


def annotate(timeline: pl.DataFrame, path: str | Path) -> pl.DataFrame:
    """Merge human milestones (CSV or TOML: time, zone, text) into ``timeline`` as ``annotation`` rows."""
    return pipeline.add_annotations(timeline, path)


def window(
    events: pl.DataFrame,
    *,
    service: str | Sequence[str] | None = None,
    start: str | datetime | None = None,
    end: str | datetime | None = None,
    kind: str | Sequence[str] | None = None,
    level: str | Sequence[str] | None = None,
) -> pl.DataFrame:
    """The events (or timeline rows) of some services, kinds or levels between ``start`` and ``end``.

    ``start``/``end`` are datetimes or ISO text; text without an offset is UTC. Works on timeline
    rows too (their ``start`` column is used as the time).

    Examples
    --------
    >>> tl.window(events, service="cnt01/runtime", start="2026-10-13T21:00Z", end="2026-10-13T21:20Z")  # doctest: +SKIP
    """
    time = "ts" if "ts" in events.columns else "start"
    keep = pl.lit(True)
    for column, wanted in (("service", service), ("kind", kind), ("level", level)):
        if wanted is not None:
            keep &= pl.col(column).is_in([wanted] if isinstance(wanted, str) else list(wanted))
    if start is not None:
        keep &= pl.col(time) >= _instant(start)
    if end is not None:
        keep &= pl.col(time) <= _instant(end)
    return events.filter(keep)


def _instant(value: str | datetime) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def events_per_minute(
    events: pl.DataFrame, *, every: str = "1m", by: str = "service", tz: str = "UTC"
) -> go.Figure:
    """A stacked bar chart of events per ``every`` by ``by`` (service, level, source, kind)."""
    from timeliner.render.histogram import events_histogram

    return events_histogram(events, every=every, by=by, tz=tz)
