"""The command line: exact user-facing lines and exit codes (contract: 0 done, 1 nothing usable, 2 bad usage)."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from timeliner.cli import app

runner = CliRunner()

GOOD_LOG = (
    "2026-10-13 21:04:12.345  INFO 4242 --- [           main] c.e.shop.ShopApplication                 : "
    "Starting ShopApplication v1.0 using Java 17.0.12 with PID 4242\n"
    "2026-10-13 21:04:20.777  INFO 4242 --- [           main] c.e.shop.ShopApplication                 : "
    "Started ShopApplication in 8.431 seconds (process running for 9.2)\n"
    "2026-10-13 21:05:00.000 ERROR 4242 --- [   scheduling-1] c.e.shop.Sync                            : Sync failed\n"
    "java.lang.InterruptedException: sleep interrupted\n"
    "\tat java.base/java.lang.Thread.sleep(Native Method)\n"
    "2026-13-45 99:00:00.000 ERROR 4242 --- [main] c.e.shop.Sync : impossible date\n"
)


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_missing_input_is_one_line_and_exit_1(tmp_path: Path) -> None:
    code, _out, err = run("build", str(tmp_path / "nope"), "--out", str(tmp_path / "o"))
    assert code == 1
    assert (
        err
        == f"Error: {tmp_path / 'nope'}: no such file or directory; check the path (INPUT is a file or a folder)\n"
    )


def test_unknown_zone_is_usage_error_exit_2(tmp_path: Path) -> None:
    log = tmp_path / "a.log"
    log.write_text(GOOD_LOG)
    code, _out, err = run("build", str(log), "--out", str(tmp_path / "o"), "--tz", "Mars/Olympus")
    assert code == 2
    assert err.startswith("Error: unknown time zone 'Mars/Olympus'; use an IANA zone name")
    assert "Traceback" not in err


def test_bad_source_tz_pair_is_usage_error(tmp_path: Path) -> None:
    code, _out, err = run(
        "build", str(tmp_path), "--out", str(tmp_path / "o"), "--source-tz", "Europe/Amsterdam"
    )
    assert code == 2
    assert err == (
        "Error: --source-tz 'Europe/Amsterdam': expected GLOB=VALUE, e.g. --source-tz '*app*.log=Europe/Amsterdam'\n"
    )


def test_bad_restart_window_is_usage_error(tmp_path: Path) -> None:
    code, _out, err = run("build", str(tmp_path), "--out", str(tmp_path / "o"), "--restart-window", "soon")
    assert code == 2
    assert err.startswith("Error: --restart-window 'soon': ")


def test_no_input_and_no_sample_logs_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, _out, err = run("build", "--out", "o")
    assert code == 2
    assert err == "Error: no INPUT given and no sample_logs/ folder here; pass log files or folders\n"


def test_only_unreadable_input_exits_1_naming_the_file(tmp_path: Path) -> None:
    junk = tmp_path / "blob.bin"
    junk.write_bytes(b"\x00\x01\x02\x03" * 100)
    code, _out, err = run("build", str(junk), "--out", str(tmp_path / "o"))
    assert code == 1
    assert err.splitlines() == [
        f"warning: {junk}: looks like a binary file, not a log; leave it out",
        "Error: no event could be parsed from the input; see the lines above for each file, "
        "or pass --format GLOB=NAME (see: timeliner formats)",
    ]


def test_bad_files_and_lines_are_reported_and_the_rest_is_processed(tmp_path: Path) -> None:
    (tmp_path / "app.log").write_text(GOOD_LOG)
    (tmp_path / "blob.bin").write_bytes(b"\x7fELF\x00\x00\x01" * 50)
    (tmp_path / "notes.txt").write_text("call the vendor tomorrow\nno timestamps in here\n")
    out = tmp_path / "out"
    code, stdout, err = run("build", str(tmp_path), "--out", str(out))
    assert code == 0, err
    assert err.splitlines() == [
        f"warning: {tmp_path / 'blob.bin'}: looks like a binary file, not a log; leave it out",
        f"warning: {tmp_path / 'notes.txt'}: could not detect the format (the first 4 KiB match no parser); "
        f"pass --format '{tmp_path / 'notes.txt'}=NAME' (see: timeliner formats)",
        f"warning: {tmp_path / 'app.log'}:6: rejected: timestamp is not a valid date/time",
    ]
    assert "Read 3 file(s)" in stdout
    for name in (
        "events.parquet",
        "rejects.csv",
        "timeline.csv",
        "timeline.md",
        "gantt.html",
        "summary.json",
    ):
        assert (out / name).is_file(), name
    rejects = list(csv.DictReader((out / "rejects.csv").open(encoding="utf-8")))
    assert [(Path(r["file"]).name, r["line"]) for r in rejects] == [
        ("app.log", "6"),
        ("blob.bin", "1"),
        ("notes.txt", "1"),
    ]
    summary = json.loads((out / "summary.json").read_text())
    app_log = next(f for f in summary["files"] if f["path"].endswith("app.log"))
    # 6 lines: 3 events + 2 continuation lines (the trace) + 1 rejected line.
    assert (app_log["lines"], app_log["events"], app_log["continuations"], app_log["rejected"]) == (
        6,
        3,
        2,
        1,
    )
    assert summary["totals"]["accounted"] is True


def test_strict_exits_1_when_lines_were_rejected(tmp_path: Path) -> None:
    (tmp_path / "app.log").write_text(GOOD_LOG)
    code, _out, err = run("build", str(tmp_path / "app.log"), "--out", str(tmp_path / "o"), "--strict")
    assert code == 1
    assert err.splitlines()[-1] == (
        f"Error: 1 input line(s) rejected (--strict); see {tmp_path / 'o' / 'rejects.csv'}"
    )


def test_unwritable_output_directory(tmp_path: Path) -> None:
    (tmp_path / "app.log").write_text(GOOD_LOG)
    blocker = tmp_path / "file"
    blocker.write_text("")  # a file where a folder should go: fails even as root
    code, _out, err = run("build", str(tmp_path / "app.log"), "--out", str(blocker / "sub"))
    assert code == 1
    assert err.startswith(f"Error: cannot write to output directory {blocker / 'sub'} (")
    assert err.rstrip().endswith("choose another --out")


def test_formats_lists_every_format_with_an_example() -> None:
    code, stdout, _err = run("formats")
    assert code == 0
    assert "cloudwatch-json" in stdout and "sentry-json" in stdout and "log4j" in stdout
    assert stdout.count("e.g. ") >= 3


def test_python_m_timeliner_works() -> None:
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-m", "timeliner", "formats"], capture_output=True, text=True, env=os.environ
    )
    assert proc.returncode == 0 and "log4j" in proc.stdout


def test_detect_settings_reach_the_detectors(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text(GOOD_LOG.replace("2026-10-13 21:05:00.000", "2026-10-13 21:04:30.000"))
    out = tmp_path / "o"
    code, _out, err = run("build", str(log), "--out", str(out), "--detect", "detectors=restart")
    assert code == 0, err
    kinds = {r["kind"] for r in csv.DictReader((out / "timeline.csv").open(encoding="utf-8"))}
    assert kinds == {"restart"}  # the interruption detector was switched off


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--detect", "burst_min=abc"], "Error: burst_min: expected a whole number, got 'abc'\n"),
        (
            ["--detect", "burst_min"],
            "Error: --detect 'burst_min': expected KEY=VALUE, e.g. --detect gap_min=30m\n",
        ),
        (
            ["--alias", "x"],
            "Error: --alias 'x': expected FROM=TO, e.g. --alias 'cnt01/runtime=cnt01-runtime'\n",
        ),
    ],
)
def test_bad_detect_and_alias_values(tmp_path: Path, args: list[str], message: str) -> None:
    (tmp_path / "app.log").write_text(GOOD_LOG)
    code, _out, err = run("build", str(tmp_path / "app.log"), "--out", str(tmp_path / "o"), *args)
    assert (code, err) == (2, message)
