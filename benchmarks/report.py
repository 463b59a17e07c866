"""benchmarks/RESULTS.md: the side-by-side table, the targets of the performance issue, detection scaling."""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

LABELS = {
    "dateutil-loop": "Python loop + regex + `dateutil.parser.parse` (the notebook yardstick)",
    "polars-read-lines": "polars reading the lines into one column (the floor)",
    "lnav": "lnav headless (`lnav -n`, SQL count over all_logs)",
    "timeliner-load": "timeliner `load` (parse, UTC, reconcile, classify)",
    "timeliner-load-one-by-one": "timeliner `load`, every file parsed on its own (no batches)",
    "timeliner-build": "timeliner `build` (load + detect + six output files)",
    "timeliner-build-streaming": "timeliner `build --streaming` (events spooled to disk between steps)",
    "timeliner-build-in-memory": "timeliner `build --in-memory`",
    "timeliner-spark": "timeliner `build --engine spark` (local[2], JVM start-up included)",
}


class RunLike(Protocol):
    approach: str
    wall: float
    cpu: float
    rss_mb: float
    units: int


def _revision() -> str:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return done.stdout.strip()


def _table(results: list[RunLike], lines: int, megabytes: float) -> list[str]:
    by = {r.approach: r for r in results}
    yardstick = by.get("dateutil-loop")
    floor = by.get("polars-read-lines")
    out = [
        "| approach | wall s | lines/s | MB/s | MB per CPU-second | peak RSS MB | vs dateutil loop | vs floor |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        speedup = f"{yardstick.wall / r.wall:.0f}×" if yardstick else "—"
        floor_ratio = f"{r.wall / floor.wall:.1f}× its time" if floor else "—"
        out.append(
            f"| {LABELS.get(r.approach, r.approach)} | {r.wall:.2f} | {lines / r.wall:,.0f} | "
            f"{megabytes / r.wall:.0f} | {megabytes / max(r.cpu, 1e-9):.0f} | {r.rss_mb:,.0f} | {speedup} | {floor_ratio} |"
        )
    return out


def _targets(results: list[RunLike], megabytes: float) -> list[str]:
    by = {r.approach: r for r in results}
    checks = []
    load, yard, floor, lnav = (
        by.get(k) for k in ("timeliner-load", "dateutil-loop", "polars-read-lines", "lnav")
    )
    build = by.get("timeliner-build")
    if load and yard:
        ratio = yard.wall / load.wall
        checks.append(
            f"- `load` vs the dateutil loop: **{ratio:.0f}×** faster (target ≥ 50×): {_ok(ratio >= 50)}"
        )
    if load and floor:
        ratio = load.wall / floor.wall
        checks.append(
            f"- `load` vs polars merely reading the lines: **{ratio:.1f}×** its time (target ≤ 3×): {_ok(ratio <= 3)}"
        )
    if load and lnav:
        mine, theirs = megabytes / load.cpu, megabytes / lnav.cpu
        checks.append(
            f"- MB per CPU-second, `load` vs lnav: **{mine:.0f}** vs {theirs:.0f} (target ≥ lnav): {_ok(mine >= theirs)}"
        )
    if build:
        ratio = build.rss_mb / megabytes
        checks.append(
            f"- peak RSS of `build`: **{ratio:.1f}×** the input (target ≤ 1.5×): {_ok(ratio <= 1.5)}"
        )
    return checks


def _ok(met: bool) -> str:
    return "met" if met else "**not met**"


def _scaling(scaling: list[dict[str, Any]]) -> list[str]:
    if not scaling:
        return []
    base = scaling[0]
    out = [
        "",
        "Detection alone (all detectors, in one process) on 1×, 4× and 16× the corpus's events, copies",
        "shifted in time so that streams grow longer, not denser. n log n growth would be the last column:",
        "",
        "| input | events | seconds | × the 1× time | n log n would be |",
        "|---|---:|---:|---:|---:|",
    ]
    import math

    for row in scaling:
        n, n0 = row["events"], base["events"]
        nlogn = (n * math.log(n)) / (n0 * math.log(n0))
        out.append(
            f"| {row['factor']}× | {n:,} | {row['seconds']:.2f} | {row['seconds'] / base['seconds']:.1f}× | {nlogn:.1f}× |"
        )
    return out


def write_results(
    path: Path,
    results: list[RunLike],
    scaling: list[dict[str, Any]],
    truth: dict[str, Any],
    machine: str,
    when: datetime,
    repeat: int,
    big: tuple[dict[str, Any], Sequence[RunLike]] | None = None,
    small: tuple[dict[str, Any], Sequence[RunLike]] | None = None,
) -> None:
    """Write the Markdown report of one benchmark run."""
    megabytes = truth["bytes"] / 1e6
    files = ", ".join(f"`{name}` ({f['lines']:,} lines)" for name, f in truth["files"].items())
    text = [
        "# Benchmark results",
        "",
        f"Measured {when:%Y-%m-%d %H:%M} UTC on {machine}; timeliner at `{_revision()}`.",
        f"Corpus (`python benchmarks/generate.py`, scale {truth['scale']:g}): {truth['lines']:,} lines, "
        f"{megabytes:.0f} MB — {files}.",
        f"Each figure is {'the median of ' + str(repeat) + ' runs' if repeat > 1 else 'one run'} of a whole "
        "process (imports included), files in the page cache; all approaches ran one after another in one "
        "session. Regenerate with `python benchmarks/run.py`.",
        "",
        *_table(results, truth["lines"], megabytes),
        "",
        "Targets of the performance issue:",
        "",
        *_targets(results, megabytes),
        *_scaling(scaling),
        *_big(big),
        *_small(small),
        "",
    ]
    path.write_text("\n".join(text))


STREAMING_LIMIT_MB = 2048


def _big(big: tuple[dict[str, Any], Sequence[RunLike]] | None) -> list[str]:
    """The bigger corpus built in memory and streaming: time and peak memory against the input."""
    if big is None:
        return []
    truth, runs = big
    megabytes = truth["bytes"] / 1e6
    out = [
        "",
        f"A bigger corpus (`generate.py --scale {truth['scale']:g}`: {truth['lines']:,} lines, {megabytes:,.0f} MB), "
        "built once each way:",
        "",
        "| build | wall s | peak RSS MB | peak / input |",
        "|---|---:|---:|---:|",
    ]
    for r in runs:
        out.append(
            f"| {LABELS.get(r.approach, r.approach)} | {r.wall:.1f} | {r.rss_mb:,.0f} | {r.rss_mb / megabytes:.1f}× |"
        )
    streaming = next((r for r in runs if r.approach == "timeliner-build-streaming"), None)
    if streaming:
        met = streaming.rss_mb < STREAMING_LIMIT_MB
        out += [
            "",
            f"- streaming `build` peak on {megabytes:,.0f} MB of input: **{streaming.rss_mb:,.0f} MB** "
            f"(target under {STREAMING_LIMIT_MB:,} MB): {_ok(met)}",
        ]
    return out


def _small(small: tuple[dict[str, Any], Sequence[RunLike]] | None) -> list[str]:
    """A folder of many small files: what a file costs, with and without batches."""
    if small is None:
        return []
    truth, runs = small
    files, lines = truth["small_files"], truth["lines"]
    out = [
        "",
        f"Many small files (`generate.py --small-files {files}`: a CloudWatch S3 export of {files:,} gzip "
        f"chunks, {lines:,} lines, {truth['bytes'] / 1e6:.1f} MB uncompressed):",
        "",
        "| approach | wall s | ms per file | lines/s | peak RSS MB |",
        "|---|---:|---:|---:|---:|",
    ]
    for r in runs:
        out.append(
            f"| {LABELS.get(r.approach, r.approach)} | {r.wall:.2f} | {1000 * r.wall / files:.1f} | "
            f"{lines / r.wall:,.0f} | {r.rss_mb:,.0f} |"
        )
    return out
