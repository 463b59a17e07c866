"""The one place the stages are wired: sources → parsers → normalize → classify → detectors → render.

:func:`load` reads inputs into canonical events and says what it did per file;
:func:`build` runs everything and writes the six output files of the contract.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import polars as pl

from timeliner import progress
from timeliner.batching import load_paths
from timeliner.errors import NoEventsError, NoInputError, OutputError, StrictRejectsError
from timeliner.loading import FileReport
from timeliner.normalize import finish_run
from timeliner.reconcile import ReconcileReport, reconcile
from timeliner.redact import RedactionReport, redact_event_content, redact_summary, redact_tables
from timeliner.schema import (
    DETECTION_COLUMNS,
    conform_events,
    conform_timeline,
    empty_events,
)
from timeliner.settings import Settings
from timeliner.sources import expand_inputs

if TYPE_CHECKING:
    from timeliner.detectors import DetectConfig

FrameT = TypeVar("FrameT", pl.DataFrame, pl.LazyFrame)

# Files are parsed on this many threads: polars releases the GIL inside its kernels, so two files
# are parsed at once on two cores. Results are gathered in input order, whatever finishes first.
FILE_THREADS = max(1, min(4, os.cpu_count() or 1))


@dataclass
class LoadResult:
    events: pl.DataFrame
    rejects: pl.DataFrame  # file, line, reason, text
    files: list[FileReport]
    problems: list[str]  # one line per problem, for the user
    reconciled: ReconcileReport = field(default_factory=ReconcileReport)


def load(inputs: Sequence[str | Path], settings: Settings) -> LoadResult:
    """Read every input file into canonical events, sorted by ``ts``, with a report per file."""
    paths = input_files(inputs)
    frames: list[pl.DataFrame] = []
    reject_frames: list[pl.DataFrame] = []
    reports: list[FileReport] = []
    problems: list[str] = []
    with ThreadPoolExecutor(max_workers=FILE_THREADS) as pool, progress.bar(paths):
        loaded = load_paths(pool, paths, settings)
    for path, (events, rejects, report) in zip(paths, loaded, strict=True):
        reports.append(report)
        if report.problem:
            problems.append(f"{path}: {report.problem}")
        frames.append(events)
        reject_frames.append(rejects)
    events = pl.concat(frames, how="vertical") if frames else empty_events()
    # Cross-source time decisions (years of yearless files, skew estimates, --skew auto); it returns
    # the events sorted by (ts, file, line), the order every later stage relies on.
    events = finish_run(events, [r.time for r in reports if r.time is not None], settings)
    events, reconciled = reconcile(events, settings.aliases)
    events = classify_events(events, settings)
    rejects = pl.concat(reject_frames, how="vertical").sort(["file", "line"])
    return LoadResult(
        events=conform_events(events),
        rejects=rejects,
        files=reports,
        problems=problems,
        reconciled=reconciled,
    )


def input_files(inputs: Sequence[str | Path]) -> list[str]:
    """The log files of ``inputs`` (folders walked); none at all is an error that says what to pass."""
    paths, _configs = expand_inputs(inputs)
    if not paths:
        raise no_input_error(inputs)
    return paths


def no_input_error(inputs: Sequence[str | Path]) -> NoInputError:
    return NoInputError(
        "no input files found in " + ", ".join(map(str, inputs)) + "; pass log files or folders"
    )


def classify_events(events: pl.DataFrame, settings: Settings) -> pl.DataFrame:
    """Set ``kind`` and ``rule`` from the built-in rules plus ``--rules``."""
    from timeliner.classify import classify, load_rules

    return classify(events, load_rules(settings.rules))


def detect_timeline(events: pl.DataFrame, settings: Settings) -> pl.DataFrame:
    """Run the detectors over classified events."""
    from timeliner.detectors import detect

    return detect(events, detect_config(settings))


def detect_config(settings: Settings) -> DetectConfig:
    """The detection settings of a run: ``--detect`` pairs, the restart window and minimum."""
    from timeliner.detectors import DetectConfig

    options: dict[str, object] = dict(settings.detect)
    options.update(restart_window=settings.restart_window, restart_min=settings.restart_min)
    return DetectConfig.from_options(**options)


def detection_view(events: FrameT) -> FrameT:
    """The columns detection reads; messages kept only where a detector quotes them (events with a kind).

    The message is otherwise only the last tie-breaker of the event order (after ts, file, line),
    and two events sharing ts, file and line are the same line read twice: dropping it changes
    nothing.
    """
    kept = pl.when(pl.col("kind").is_not_null()).then(pl.col("message"))
    return events.select(*[c for c in DETECTION_COLUMNS if c != "message"], kept.alias("message"))


def merge_service_rows(rows: pl.DataFrame, settings: Settings) -> pl.DataFrame:
    """Timeline rows detected service by service → one timeline: incidents across services, annotations."""
    from timeliner.detectors.incidents import with_incidents

    timeline = conform_timeline(
        with_incidents(rows.drop("incident", strict=False), detect_config(settings).incident_window)
    )
    if settings.annotations:
        timeline = add_annotations(timeline, settings.annotations)
    return timeline


def add_annotations(timeline: pl.DataFrame, path: str | Path) -> pl.DataFrame:
    """Merge human milestones from an annotations file into the timeline as ``annotation`` rows."""
    from timeliner.annotations import annotation_rows, read_annotations

    rows = annotation_rows(read_annotations(path))
    return conform_timeline(pl.concat([conform_timeline(timeline), rows], how="vertical"))


@dataclass
class BuildResult:
    loaded: LoadResult
    timeline: pl.DataFrame
    summary: dict[str, Any]
    out: Path


def build(inputs: Sequence[str | Path], out: str | Path, settings: Settings) -> BuildResult:
    """Run the whole pipeline and write the contract's six files into ``out``."""
    from timeliner.render import write_events_parquet

    out_dir = _ensure_out(out)  # fail before the work, not after it
    loaded = load(inputs, settings)
    if loaded.events.is_empty():
        raise no_events_error(loaded.problems)
    events = loaded.events
    redaction = RedactionReport(ips=settings.redact_ips) if settings.redact else None
    if redaction is not None:  # messages first, so that the timeline quotes them masked
        events = redact_event_content(events, redaction)
    timeline = detect_timeline(events, settings)
    if settings.annotations:
        timeline = add_annotations(timeline, settings.annotations)
    if redaction is not None:  # names after detection (masking must not merge services), before any write
        loaded, timeline = _masked_tables(loaded, events, timeline, redaction)
        events = loaded.events
    write_events_parquet(events, out_dir / "events.parquet")
    return write_outputs(loaded, timeline, out_dir, settings, redaction=redaction)


def write_outputs(
    loaded: LoadResult,
    timeline: pl.DataFrame,
    out_dir: Path,
    settings: Settings,
    *,
    redaction: RedactionReport | None = None,
) -> BuildResult:
    """The five outputs besides events.parquet (every engine writes that one its own way).

    ``loaded.events`` needs only the columns the chart and summary.json read (ts, service, source,
    level). With ``--strict``, fails after writing when lines were rejected or files not fully read.
    """
    from timeliner.render import (
        gantt,
        write_gantt_html,
        write_rejects_csv,
        write_timeline_csv,
        write_timeline_markdown,
    )
    from timeliner.summary import make_summary, write_summary

    raw = settings.raw_formulas
    write_rejects_csv(loaded.rejects, out_dir / "rejects.csv", raw_formulas=raw)
    write_timeline_csv(timeline, out_dir / "timeline.csv", raw_formulas=raw)
    write_timeline_markdown(timeline, out_dir / "timeline.md", tz=settings.report_tz)
    write_gantt_html(gantt(timeline, loaded.events, tz=settings.report_tz), out_dir / "gantt.html")
    summary = make_summary(loaded, timeline, settings)
    if redaction is not None:
        summary = redact_summary(summary, redaction)
    write_summary(summary, out_dir / "summary.json")
    result = BuildResult(loaded=loaded, timeline=timeline, summary=summary, out=out_dir)
    if settings.strict and (loaded.rejects.height or loaded.problems):
        raise StrictRejectsError(_strict_message(loaded, out_dir), result)
    return result


def no_events_error(problems: list[str]) -> NoEventsError:
    """What a build says when nothing in its input could be read as an event."""
    return NoEventsError(
        "no event could be parsed from the input; see the lines above for each file, "
        "or pass --format GLOB=NAME (see: timeliner formats)",
        problems=problems,
    )


def _strict_message(loaded: LoadResult, out_dir: Path) -> str:
    """What --strict fails on: rejected lines, and files not fully read (a cut-off archive, a cut event)."""
    rejected = f"{loaded.rejects.height} input line(s) rejected"
    partial = sum(1 for f in loaded.files if f.problem and f.format is not None)  # read, but not all of it
    if not partial:
        return f"{rejected} (--strict); see {out_dir / 'rejects.csv'}"
    what = f"{rejected} and " if loaded.rejects.height else ""
    return f"{what}{partial} file(s) not fully read (--strict); see the warnings above and {out_dir / 'summary.json'}"


def _masked_tables(
    loaded: LoadResult, events: pl.DataFrame, timeline: pl.DataFrame, redaction: RedactionReport
) -> tuple[LoadResult, pl.DataFrame]:
    """``--redact`` after detection: the loaded tables and the timeline with names and rejects masked."""
    masked = redact_tables(events, loaded.rejects, timeline, redaction)
    return replace(loaded, events=masked.events, rejects=masked.rejects), masked.timeline


def _ensure_out(out: str | Path) -> Path:
    path = Path(out)
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / ".timeliner-write-test"
        probe.write_bytes(b"")
        probe.unlink()
        _remove_stale_temporaries(path)
    except OSError as exc:
        raise OutputError(
            f"cannot write to output directory {out} ({exc.strerror or exc}); choose another --out"
        ) from None
    return path


# A killed run cannot clean up after itself: the hidden temporaries it was writing (render._files names
# them ".<output>.<12 hex digits>.tmp") and the folders where the streaming and Spark builds keep
# events between steps (tempfile names them ".streaming-<8 characters>", ".spark-<8 characters>")
# are removed by the next run into the same folder.
_STALE_TEMPORARY = re.compile(
    r"^\.(events\.parquet|rejects\.csv|timeline\.csv|timeline\.md|gantt\.html|summary\.json)\.[0-9a-f]{12}\.tmp$"
)
_STALE_WORK_FOLDER = re.compile(r"^\.(streaming|spark)-[a-z0-9_]{8}$")


def _remove_stale_temporaries(path: Path) -> None:
    for entry in path.iterdir():
        if _STALE_TEMPORARY.match(entry.name):
            entry.unlink(missing_ok=True)
        elif _STALE_WORK_FOLDER.match(entry.name) and entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
