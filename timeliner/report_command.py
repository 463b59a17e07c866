"""What ``timeliner report`` does, kept out of cli.py: pick the timeline, render it, write it."""

from __future__ import annotations

import json
import tempfile
from dataclasses import replace
from pathlib import Path

import polars as pl
import typer

from timeliner import engines, pipeline
from timeliner.report import is_build_output, markdown_to_html, read_timeline_csv
from timeliner.settings import Settings, merge_case_files
from timeliner.sources import expand_inputs
from timeliner.timeparse import validate_zone


def run_report(
    sources: list[str], *, report_tz: str | None, out: Path | None, html: bool, annotations: Path | None
) -> None:
    timeline, build_tz = _timeline(sources)
    if annotations:
        timeline = pipeline.add_annotations(timeline, annotations)
    from timeliner.render import to_markdown

    text = to_markdown(timeline, tz=validate_zone(report_tz or build_tz))
    if html:
        text = markdown_to_html(text)
    if out is None:
        typer.echo(text, nl=False)
        return
    from timeliner.render._files import write_text_atomically

    write_text_atomically(out, text)


def _timeline(sources: list[str]) -> tuple[pl.DataFrame, str]:
    """The timeline rows and the report zone the build chose (or the case file's, or UTC)."""
    if len(sources) == 1 and is_build_output(sources[0]):
        folder = Path(sources[0])
        summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
        return read_timeline_csv(folder / "timeline.csv"), summary.get("settings", {}).get(
            "report_tz"
        ) or "UTC"
    _files, configs = expand_inputs(sources)
    settings = merge_case_files(Settings(), configs, explicit=set())
    if engines.wants_streaming(sources, settings, None):
        return _streamed_timeline(sources, settings), settings.report_tz
    loaded = pipeline.load(sources, settings)
    return pipeline.detect_timeline(loaded.events, settings), settings.report_tz


def _streamed_timeline(sources: list[str], settings: Settings) -> pl.DataFrame:
    """Inputs too big to hold in memory: a streaming build into a scratch folder, for its timeline."""
    from timeliner.engines.streaming import build_streaming

    # Annotations are merged by run_report, as for inputs read in memory.
    with tempfile.TemporaryDirectory(prefix="timeliner-report-") as scratch:
        return build_streaming(sources, scratch, replace(settings, annotations=None)).timeline
