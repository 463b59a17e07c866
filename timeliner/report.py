"""``timeliner report``: the post-mortem Timeline section on its own, as Markdown or HTML.

From an earlier ``build`` output folder (its ``timeline.csv`` is read back, so the section can
be re-rendered in another zone without re-reading the logs), or straight from inputs.
The HTML is the Markdown section rendered by markdown-it-py with raw HTML disabled: the same
words as the Markdown, and log text can never become markup.
"""

from __future__ import annotations

import html
from pathlib import Path

import polars as pl

from timeliner.errors import NoInputError
from timeliner.schema import TIMELINE_SCHEMA, UTC_US, conform_timeline

CSV_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S%.3fZ"


def is_build_output(path: str | Path) -> bool:
    """True for a folder written by ``timeliner build`` (it has timeline.csv and summary.json)."""
    folder = Path(path)
    return (folder / "timeline.csv").is_file() and (folder / "summary.json").is_file()


def read_timeline_csv(path: str | Path) -> pl.DataFrame:
    """Read a ``timeline.csv`` written by ``build`` back into a timeline frame (UTC instants)."""
    path = Path(path)
    if not path.is_file():
        raise NoInputError(
            f"{path}: no such file; run timeliner build first or pass the build's --out folder"
        )
    text_schema = {name: pl.String for name in TIMELINE_SCHEMA}
    raw = pl.read_csv(path, schema_overrides=text_schema, infer_schema=False)
    frame = raw.with_columns(
        pl.col("start", "end").str.to_datetime(CSV_TIME_FORMAT, time_unit="us", time_zone="UTC").cast(UTC_US),
        pl.col("count").cast(pl.Int64, strict=False),
        *[_undo_formula_guard(c) for c in ("summary", "evidence", "service") if c in raw.columns],
    )
    if "incident" in frame.columns:
        frame = frame.with_columns(pl.col("incident").cast(pl.Int64, strict=False))
    return conform_timeline(frame)


def _undo_formula_guard(column: str) -> pl.Expr:
    # build prefixes cells a spreadsheet would run as formulas with "'"; the report shows the text itself.
    col = pl.col(column)
    return pl.when(col.str.contains(r"^'[=+\-@\t\r]")).then(col.str.slice(1)).otherwise(col).alias(column)


def markdown_to_html(markdown: str, *, title: str = "Timeline") -> str:
    """A standalone HTML page for the Markdown section (tables on, raw HTML off)."""
    from markdown_it import MarkdownIt

    body = MarkdownIt("commonmark", {"html": False}).enable("table").render(markdown)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n"
    )


_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;color:#222}"
    "table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;padding:.3rem .5rem;"
    "vertical-align:top;text-align:left}th{background:#f3f3f3}code{font-size:.9em}"
)
