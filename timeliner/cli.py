"""The command line: options → library call → exit code. No logic lives here.

Exit codes (contract): 0 done (warnings allowed); 1 nothing usable (no input, no event,
--strict with rejects); 2 bad usage. A domain error is one ``Error: ...`` line, never a traceback.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Annotated

import typer

from timeliner.durations import parse_duration
from timeliner.errors import StrictRejectsError, TimelinerError, UsageError
from timeliner.settings import Settings, merge_case_files, parse_pairs
from timeliner.timeparse import validate_zone

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Turn log exports (CloudWatch, Sentry, application logs) into the UTC timeline of an incident.",
    pretty_exceptions_enable=False,
)

DEFAULT_INPUT = "sample_logs"


@app.command()
def build(
    inputs: Annotated[
        list[str] | None, typer.Argument(help="Files or folders (recursive; .gz ok). Default: sample_logs/")
    ] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder for the six result files.")] = Path(
        "out"
    ),
    tz: Annotated[
        str | None, typer.Option(help="IANA zone for timestamps with no offset. Default UTC (reported).")
    ] = None,
    source_tz: Annotated[
        list[str] | None, typer.Option("--source-tz", help="GLOB=ZONE for matching files; repeatable.")
    ] = None,
    year: Annotated[
        int | None, typer.Option(help="Year of the first event of yearless files (syslog).")
    ] = None,
    report_tz: Annotated[str | None, typer.Option(help="Zone for times in timeline.md. Default UTC.")] = None,
    restart_window: Annotated[
        str | None, typer.Option(help="Window for repeated restarts: 120s, 2m, 1h.")
    ] = None,
    restart_min: Annotated[
        int | None, typer.Option(min=2, help="Restarts inside the window that make a storm.")
    ] = None,
    rules: Annotated[
        Path | None, typer.Option(help="TOML rules file adding to / overriding built-in rules.")
    ] = None,
    strict: Annotated[bool, typer.Option(help="Exit 1 if any input line was rejected.")] = False,
    format: Annotated[
        list[str] | None, typer.Option("--format", help="GLOB=NAME forces a format; repeatable.")
    ] = None,
    skew: Annotated[
        list[str] | None, typer.Option(help="GLOB=DUR shifts a source's clock (+2.5s), or 'auto'.")
    ] = None,
    abbrev: Annotated[
        list[str] | None,
        typer.Option(help="ABBR=ZONE or ABBR=OFFSET: what a zone abbreviation means (IST=Asia/Kolkata)."),
    ] = None,
    annotations: Annotated[Path | None, typer.Option(help="CSV/TOML of human milestones to merge.")] = None,
    alias: Annotated[
        list[str] | None,
        typer.Option(help="FROM=TO: call service FROM by the name TO (same service); repeatable."),
    ] = None,
    detect: Annotated[
        list[str] | None,
        typer.Option(help="KEY=VALUE detection setting (gap_min=30m, burst_min=20); repeatable. See README."),
    ] = None,
    redact: Annotated[bool, typer.Option(help="Mask secrets and personal data in every output.")] = False,
    redact_ips: Annotated[
        bool, typer.Option(help="With --redact, mask IP addresses too (implies --redact).")
    ] = False,
    raw_formulas: Annotated[
        bool, typer.Option(help="Write CSV cells starting with = + - @ as they are (default: prefix ').")
    ] = False,
    engine: Annotated[str, typer.Option(help="polars (one machine) or spark.")] = "polars",
    streaming: Annotated[
        bool | None,
        typer.Option(
            "--streaming/--in-memory",
            help="polars engine: spool events to disk (bounded memory) or keep them in memory. "
            "Default: streaming above 1 GiB of input.",
        ),
    ] = None,
    spark_remote: Annotated[
        str | None, typer.Option(help="Spark Connect URL (sc://host:15002) for --engine spark.")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only print problems.")] = False,
) -> None:
    """Read INPUT files, detect what happened, and write the timeline into --out."""
    from timeliner import engines
    from timeliner.console import print_build_report
    from timeliner.pipeline import BuildResult

    opts = BuildOptions(
        inputs=list(inputs or []), tz=tz, source_tz=source_tz or [], year=year, report_tz=report_tz,
        restart_window=restart_window, restart_min=restart_min, rules=rules, strict=strict, format=format or [],
        skew=skew or [], abbrev=abbrev or [], annotations=annotations, alias=alias or [], detect=detect or [],
        redact=redact or redact_ips, engine=engine, spark_remote=spark_remote,
        redact_ips=redact_ips, raw_formulas=raw_formulas, streaming=streaming,
    )  # fmt: skip

    def run() -> None:
        settings, paths = _settings_from_options(opts)
        streaming = opts.streaming
        if opts.engine == "polars" and streaming is None:
            weight = engines.streaming_weight(paths, settings)
            streaming = weight is not None
            if weight is not None and not quiet:
                typer.echo(_streaming_note(weight), err=True)
        try:
            result = engines.build(
                opts.engine, paths, out, settings, spark_remote=opts.spark_remote, streaming=streaming
            )
        except StrictRejectsError as exc:  # outputs were written: say what they hold, then fail
            if isinstance(exc.result, BuildResult):
                print_build_report(exc.result, quiet=quiet)
            raise
        print_build_report(result, quiet=quiet)

    _guard(run)


def _streaming_note(weight: int) -> str:
    from timeliner.engines.streaming import STREAM_ABOVE_BYTES
    from timeliner.sources import COMPRESSED_GROWTH

    return (
        f"note: about {weight / 2**30:.1f} GiB of input (compressed files counted at {COMPRESSED_GROWTH}x their size), "
        f"over {STREAM_ABOVE_BYTES / 2**30:g} GiB: building in streaming mode (events kept on disk between "
        "steps); pass --in-memory to hold them in memory instead"
    )


@dataclass
class BuildOptions:
    """The build options as typed on the command line (None: not given)."""

    inputs: list[str]
    tz: str | None
    source_tz: list[str]
    year: int | None
    report_tz: str | None
    restart_window: str | None
    restart_min: int | None
    rules: Path | None
    strict: bool
    format: list[str]
    skew: list[str]
    abbrev: list[str]
    annotations: Path | None
    alias: list[str]
    detect: list[str]
    redact: bool
    engine: str
    spark_remote: str | None = None
    redact_ips: bool = False
    raw_formulas: bool = False
    streaming: bool | None = None  # None: chosen by input size


def _settings_from_options(opts: BuildOptions) -> tuple[Settings, list[str]]:
    from timeliner.engines import check_engine
    from timeliner.skew import parse_skew_options
    from timeliner.sources import expand_inputs
    from timeliner.zones import parse_abbrev_options

    check_engine(opts.engine)
    if opts.spark_remote and opts.engine != "spark":
        raise UsageError("--spark-remote needs --engine spark")
    if opts.streaming is not None and opts.engine != "polars":
        flag = "--streaming" if opts.streaming else "--in-memory"
        raise UsageError(f"{flag} is a mode of --engine polars; --engine {opts.engine} chooses its own")
    if opts.redact and opts.engine != "polars":
        raise UsageError(f"--redact is not available with --engine {opts.engine} yet; use --engine polars")
    paths = opts.inputs
    if not paths:
        if not os.path.isdir(DEFAULT_INPUT):
            raise UsageError(f"no INPUT given and no {DEFAULT_INPUT}/ folder here; pass log files or folders")
        paths = [DEFAULT_INPUT]
    typed = {"tz": opts.tz, "report_tz": opts.report_tz, "year": opts.year}
    typed |= {"restart_window": opts.restart_window, "restart_min": opts.restart_min}
    explicit = {name for name, value in typed.items() if value is not None}
    settings = Settings(
        tz=validate_zone(opts.tz) if opts.tz else None,
        source_tz=parse_pairs(opts.source_tz, "--source-tz", check_zone=True),
        year=opts.year,
        report_tz=validate_zone(opts.report_tz) if opts.report_tz else "UTC",
        restart_window=_duration(opts.restart_window or "2m", "--restart-window"),
        restart_min=opts.restart_min or 2,
        rules=opts.rules,
        strict=opts.strict,
        formats=parse_pairs(opts.format, "--format", shape="GLOB=NAME", example="'*.txt=log4j'"),
        annotations=opts.annotations,
        aliases=parse_pairs(opts.alias, "--alias", shape="FROM=TO", example="'cnt01/runtime=cnt01-runtime'"),
        detect=parse_pairs(opts.detect, "--detect", shape="KEY=VALUE", example="gap_min=30m"),
        skew=parse_skew_options(opts.skew),
        abbrevs=parse_abbrev_options(opts.abbrev),
        redact=opts.redact,
        redact_ips=opts.redact_ips,
        raw_formulas=opts.raw_formulas,
    )
    _files, configs = expand_inputs(paths)
    return merge_case_files(settings, configs, explicit), paths


def _duration(text: object, option: str) -> timedelta:
    try:
        value = parse_duration(str(text))
    except ValueError as exc:
        raise UsageError(f"{option} {text!r}: {exc}") from None
    if value.total_seconds() <= 0:
        raise UsageError(f"{option} {text!r}: must be a positive duration such as 120s, 2m or 1h")
    return value


@app.command()
def report(
    sources: Annotated[
        list[str] | None,
        typer.Argument(help="A build's --out folder, or INPUT files/folders. Default: sample_logs/"),
    ] = None,
    report_tz: Annotated[
        str | None, typer.Option(help="Zone for the times. Default: the build's, else UTC.")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write to this file instead of stdout.")
    ] = None,
    html: Annotated[bool, typer.Option("--html", help="A standalone HTML page instead of Markdown.")] = False,
    annotations: Annotated[Path | None, typer.Option(help="CSV/TOML of human milestones to merge.")] = None,
) -> None:
    """Write the post-mortem Timeline section (Markdown or HTML) from a build folder or from inputs."""
    from timeliner.report_command import run_report

    _guard(
        lambda: run_report(
            sources or [DEFAULT_INPUT], report_tz=report_tz, out=out, html=html, annotations=annotations
        )
    )


@app.command()
def screenshot(
    html: Annotated[Path, typer.Argument(help="A gantt.html written by build.")] = Path("out/gantt.html"),
    png: Annotated[Path, typer.Option("--png", help="Where to write the picture.")] = Path("out/gantt.png"),
    width: Annotated[int, typer.Option(min=400, help="Width in pixels.")] = 1400,
    height: Annotated[int, typer.Option(min=300, help="Height in pixels.")] = 800,
) -> None:
    """Take a PNG picture of a gantt.html with headless Chromium (for reports and slides)."""
    from timeliner.render.screenshot import screenshot as take

    _guard(lambda: typer.echo(f"Wrote {take(html, png, width=width, height=height)}"))


@app.command()
def formats() -> None:
    """List the input formats timeliner reads, with an example of each."""
    from timeliner.parsers import all_formats

    for fmt in all_formats():
        typer.echo(f"{fmt.name:<18} {fmt.description}")
        typer.echo(f"{'':<18} e.g. {fmt.example[:150]}")


def _guard(run: Callable[[], None]) -> None:
    """Run a command; turn our errors into one line and an exit code, never a traceback."""
    try:
        run()
    except TimelinerError as exc:
        for problem in getattr(exc, "problems", []):  # what each unreadable file was, before the verdict
            typer.echo(f"warning: {problem}", err=True)
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        typer.echo("Interrupted; outputs already in place are complete, none was half-written.", err=True)
        raise typer.Exit(130) from None
    except Exception as exc:  # a bug: say so plainly, keep the traceback for whoever debugs it
        if os.environ.get("TIMELINER_DEBUG"):
            raise
        typer.echo(
            f"Error: internal error ({type(exc).__name__}: {exc}); please report it with the command you ran "
            "(set TIMELINER_DEBUG=1 to see the traceback)",
            err=True,
        )
        raise typer.Exit(1) from None


def main() -> None:
    app()


if __name__ == "__main__":
    main()
