"""Renderers: the timeline as CSV, Markdown and an interactive Gantt chart; events as Parquet.

Every writer puts its file in place atomically (a temporary file renamed over the target), so an
interrupted run never leaves a half-written output.
"""

from __future__ import annotations

from timeliner.render.gantt import gantt, write_gantt_html
from timeliner.render.markdown import to_markdown, write_timeline_markdown
from timeliner.render.table import write_events_parquet, write_rejects_csv, write_timeline_csv

__all__ = [
    "gantt",
    "to_markdown",
    "write_events_parquet",
    "write_gantt_html",
    "write_rejects_csv",
    "write_timeline_csv",
    "write_timeline_markdown",
]
