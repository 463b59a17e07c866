"""An interrupted build (Ctrl-C, a kill) leaves complete output files or none, never half of one.

Each test starts ``python -m timeliner build`` on a generated input big enough to take a few
seconds, interrupts it at a chosen moment -- while it reads, or the instant it starts writing
``events.parquet`` -- and then opens every output that exists: each must be whole (the Parquet
file has every event; the JSON parses; the HTML ends). The folder already holds a complete build
of a small input, as after an earlier run: what is left must be that build's files or this one's.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from timeliner.cli import app

OUTPUTS = ("events.parquet", "rejects.csv", "timeline.csv", "timeline.md", "gantt.html", "summary.json")
BIG_EVENTS = 200_000
SMALL_EVENTS = 3
INTERRUPTED = "Interrupted; outputs already in place are complete, none was half-written."

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


def log_lines(count: int) -> str:
    return "".join(
        f"2026-03-01 {i // 36000 % 24:02d}:{i // 600 % 60:02d}:{i // 10 % 60:02d},{i % 10 * 100:03d} "
        f"{'ERROR' if i % 97 == 0 else 'INFO'} [worker-{i % 8}] com.example.Orders: handled order {i}\n"
        for i in range(count)
    )


@pytest.fixture(scope="module")
def big_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("input") / "orders.log"
    path.write_text(log_lines(BIG_EVENTS))
    return path


@pytest.fixture
def out_with_an_earlier_build(tmp_path: Path) -> Path:
    small = tmp_path / "earlier.log"
    small.write_text(log_lines(SMALL_EVENTS))
    out = tmp_path / "out"
    done = CliRunner().invoke(app, command(small, out)[3:])  # in-process: no second interpreter start-up
    assert done.exit_code == 0, done.stderr
    return out


def command(log: Path, out: Path, *options: str) -> list[str]:
    return [sys.executable, "-m", "timeliner", "build", str(log), "--out", str(out), "--quiet", *options]


def start(log: Path, out: Path, *options: str) -> subprocess.Popen[str]:
    env = {**os.environ, "TIMELINER_DEBUG": ""}  # the user's view: no traceback switch
    return subprocess.Popen(
        command(log, out, *options), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )


def wait_until(condition: Callable[[], bool], process: subprocess.Popen[str], timeout: float = 120) -> None:
    """Poll every few ms until ``condition`` holds; fail if the build ended first (nothing to interrupt)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert process.poll() is None, "the build finished before it could be interrupted"
        assert time.monotonic() < deadline, "timed out waiting for the moment to interrupt"
        time.sleep(0.002)


def writing_started(out: Path) -> Callable[[], bool]:
    return lambda: any(p.name.startswith(".events.parquet.") for p in out.iterdir())


def temporaries(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.name.endswith(".tmp"))


def assert_every_output_whole(out: Path) -> None:
    """Each output present is a complete file of the earlier build or of the interrupted one."""
    assert {p.name for p in out.iterdir() if not p.name.startswith(".")} <= set(OUTPUTS)
    events = out / "events.parquet"
    if events.exists():
        assert pl.read_parquet(events).height in (SMALL_EVENTS, BIG_EVENTS)
    summary = out / "summary.json"
    if summary.exists():
        assert json.loads(summary.read_text())["totals"]["events"] in (SMALL_EVENTS, BIG_EVENTS)
    for name in ("rejects.csv", "timeline.csv"):
        if (out / name).exists():
            assert pl.read_csv(out / name).columns[:2] in (["file", "line"], ["start", "end"])
    if (out / "gantt.html").exists():
        assert (out / "gantt.html").read_text(encoding="utf-8").rstrip().endswith("</html>")
    if (out / "timeline.md").exists():
        assert (out / "timeline.md").read_text(encoding="utf-8").endswith("\n")


def test_ctrl_c_while_reading_prints_one_line_and_writes_nothing(
    big_log: Path, out_with_an_earlier_build: Path
) -> None:
    out = out_with_an_earlier_build
    before = {name: (out / name).read_bytes() for name in OUTPUTS}
    folder_touched = out.stat().st_mtime_ns
    process = start(big_log, out)
    # The build probes the output folder (a file made and removed) before it reads: the folder's
    # mtime moves then, so the command is past its start-up and inside the build.
    wait_until(lambda: out.stat().st_mtime_ns != folder_touched, process)
    time.sleep(0.5)  # well inside reading and parsing the file
    process.send_signal(signal.SIGINT)
    _stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 130
    assert stderr.splitlines() == [INTERRUPTED]
    assert {name: (out / name).read_bytes() for name in OUTPUTS} == before  # the earlier build, untouched
    assert temporaries(out) == []


def test_ctrl_c_while_writing_leaves_whole_files_and_no_temporaries(
    big_log: Path, out_with_an_earlier_build: Path
) -> None:
    out = out_with_an_earlier_build
    process = start(big_log, out)
    wait_until(writing_started(out), process)
    process.send_signal(signal.SIGINT)
    _stdout, stderr = process.communicate(timeout=120)
    assert (process.returncode, stderr.splitlines()) == (130, [INTERRUPTED])
    assert_every_output_whole(out)
    assert pl.read_parquet(out / "events.parquet").height == SMALL_EVENTS  # interrupted before the rename
    assert temporaries(out) == []


def test_kill_while_writing_leaves_whole_files_and_the_next_run_sweeps_up(
    big_log: Path, out_with_an_earlier_build: Path, tmp_path: Path
) -> None:
    out = out_with_an_earlier_build
    process = start(big_log, out)
    wait_until(writing_started(out), process)
    process.kill()  # SIGKILL: no handler runs, nothing is cleaned up
    process.communicate(timeout=60)
    assert process.returncode == -signal.SIGKILL
    assert_every_output_whole(out)
    assert pl.read_parquet(out / "events.parquet").height == SMALL_EVENTS  # the kill came before the rename
    rerun = subprocess.run(
        command(tmp_path / "earlier.log", out), capture_output=True, text=True, timeout=120
    )
    assert rerun.returncode == 0, rerun.stderr
    assert temporaries(out) == []


def test_a_killed_streaming_build_leaves_its_spool_to_the_next_run(
    big_log: Path, out_with_an_earlier_build: Path, tmp_path: Path
) -> None:
    out = out_with_an_earlier_build
    process = start(big_log, out, "--streaming")

    def spooled() -> bool:  # events of the input are on disk
        return any(p.name.startswith(".streaming-") and any(p.iterdir()) for p in out.iterdir())

    wait_until(spooled, process)
    process.kill()
    process.communicate(timeout=60)
    assert [p.name for p in out.iterdir() if p.name.startswith(".streaming-")], "nothing left to sweep up"
    assert_every_output_whole(out)
    rerun = subprocess.run(
        command(tmp_path / "earlier.log", out), capture_output=True, text=True, timeout=120
    )
    assert rerun.returncode == 0, rerun.stderr
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")]


def test_ctrl_c_during_many_files_is_prompt(tmp_path: Path) -> None:
    folder = tmp_path / "hosts"
    folder.mkdir()
    for i in range(30_000):  # ~15 s of work queued on the file threads, in batches of 1,000
        (folder / f"host-{i:05d}.log").write_text(log_lines(2))
    process = start(folder, tmp_path / "out")
    wait_until(lambda: (tmp_path / "out").exists(), process)
    time.sleep(1.0)
    interrupted_at = time.monotonic()
    process.send_signal(signal.SIGINT)
    _stdout, stderr = process.communicate(timeout=120)
    assert (process.returncode, stderr.splitlines()) == (130, [INTERRUPTED])
    assert time.monotonic() - interrupted_at < 5, "Ctrl-C waited for the queued files to be parsed"
    assert not (tmp_path / "out" / "events.parquet").exists()
