"""What a build tells the person at the terminal: problems first (stderr), then a short account (stdout)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from timeliner.summary import assumptions

if TYPE_CHECKING:
    from timeliner.loading import FileReport
    from timeliner.pipeline import BuildResult


def print_build_report(result: BuildResult, *, quiet: bool = False) -> None:
    loaded, out = result.loaded, result.out
    for problem in loaded.problems:
        typer.echo(f"warning: {problem}", err=True)
    for line in _reject_lines(result):
        typer.echo(line, err=True)
    if quiet:
        return
    totals = result.summary["totals"]
    typer.echo(
        f"Read {totals['files']} file(s), {totals['lines']:,} lines/records: {totals['events']:,} events, "
        f"{totals['continuations']:,} continuation lines, {totals['rejected']:,} rejected."
    )
    for line in _assumption_lines(loaded.files):
        typer.echo(f"  {line}")
    kinds = result.summary["timeline_rows_by_kind"]
    detail = ", ".join(f"{n} {k}" for k, n in kinds.items()) or "nothing detected"
    typer.echo(f"Timeline: {result.timeline.height} row(s) ({detail}).")
    typer.echo(
        f"Wrote events.parquet, rejects.csv, timeline.csv, timeline.md, gantt.html, summary.json to {out}/"
    )


# A folder of thousands of files can make thousands of assumptions (one zone assumed per file):
# the terminal shows the first few, summary.json holds them all.
SHOWN_ASSUMPTIONS = 10


def _assumption_lines(files: list[FileReport]) -> list[str]:
    sentences = assumptions(files)
    lines = [f"assumption: {sentence}" for sentence in sentences[:SHOWN_ASSUMPTIONS]]
    if len(sentences) > SHOWN_ASSUMPTIONS:
        lines.append(
            f"... and {len(sentences) - SHOWN_ASSUMPTIONS:,} more assumption(s), every one listed in "
            "summary.json (assumptions)"
        )
    return lines


def _reject_lines(result: BuildResult, limit: int = 5) -> list[str]:
    """One line per rejected input line (the first few per file), then how many more."""
    rejects = result.loaded.rejects.filter(~result.loaded.rejects["reason"].str.starts_with("whole file"))
    lines = []
    for (file,), group in rejects.group_by("file", maintain_order=True):
        for row in group.head(limit).iter_rows(named=True):
            lines.append(f"warning: {file}:{row['line']}: rejected: {row['reason']}")
        if group.height > limit:
            lines.append(f"warning: {file}: {group.height - limit} more rejected line(s); see rejects.csv")
    return lines
