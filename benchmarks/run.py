"""Run every approach on the same corpus, side by side, and write benchmarks/RESULTS.md.

    python benchmarks/run.py                      # corpus benchmarks/data/x1 (generated if absent)
    python benchmarks/run.py --repeat 3 --spark   # medians of 3 runs; add the Spark engine
    python benchmarks/run.py --skip dateutil-loop # leave out the slow yardstick (~2 min)
    python benchmarks/run.py --small-corpus benchmarks/data/s3-2000   # also a folder of small files

Each approach runs in a fresh process (imports included, as a user would pay them); wall time,
CPU time and peak RSS are that process's own (``os.wait4``). lnav runs headless if installed
(``apt-get install lnav``). Detection cost is measured on 1×, 4× and 16× the corpus's events.
Speed is checked here, never by timed tests.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "RESULTS.md"
PYTHON = sys.executable


@dataclass
class Run:
    approach: str
    wall: float
    cpu: float
    rss_mb: float
    units: int


def measure(command: list[str], approach: str, env: dict[str, str] | None = None) -> Run:
    """Run ``command`` to its end; its own wall time, CPU time and peak RSS."""
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert child.stdout is not None and child.stderr is not None
    output, errors = child.stdout.read(), child.stderr.read()
    _pid, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{approach} failed ({child.returncode}):\n{errors.decode()[-3000:]}")
    return Run(approach, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, _units(output))


def _units(output: bytes) -> int:
    """Our approaches print ``{"units": N}``; lnav prints a table whose last line is the count."""
    lines = output.decode().strip().splitlines()
    if not lines:
        return 0
    try:
        return int(json.loads(lines[-1])["units"])
    except (ValueError, KeyError, TypeError):
        digits = "".join(ch for ch in lines[-1] if ch.isdigit())
        return int(digits or 0)


def commands(corpus: Path, out: Path) -> dict[str, list[str]]:
    script = str(HERE / "approaches.py")
    runs = {
        name: [PYTHON, script, name, str(corpus), str(out / name)]
        for name in (
            "dateutil-loop",
            "polars-read-lines",
            "timeliner-load",
            "timeliner-build",
            "timeliner-build-streaming",
            "timeliner-spark",
        )
    }
    lnav = shutil.which("lnav")
    if lnav:
        files = sorted(str(p) for p in corpus.iterdir() if p.is_file() and not p.name.startswith("."))
        runs["lnav"] = [lnav, "-n", "-c", ";SELECT count(*) FROM all_logs", *files]
    return runs


def median_run(runs: list[Run]) -> Run:
    middle = sorted(runs, key=lambda r: r.wall)[len(runs) // 2]
    return Run(
        middle.approach,
        middle.wall,
        statistics.median(r.cpu for r in runs),
        max(r.rss_mb for r in runs),
        middle.units,
    )


def detection_scaling(corpus: Path, out: Path) -> list[dict[str, float]]:
    """Seconds of detection alone over 1×, 4× and 16× the corpus's events (copies shifted in time)."""
    code = (
        "import json, sys, time, polars as pl\n"
        "from datetime import timedelta\n"
        "from timeliner.pipeline import detect_timeline\n"
        "from timeliner.settings import Settings\n"
        "base = pl.read_parquet(sys.argv[1])\n"
        "span = base['ts'].max() - base['ts'].min() + timedelta(hours=1)\n"
        "out = []\n"
        "for k in (1, 4, 16):\n"
        "    events = pl.concat([base.with_columns(pl.col('ts') + span * i) for i in range(k)])\n"
        "    t = time.perf_counter(); rows = detect_timeline(events, Settings()); s = time.perf_counter() - t\n"
        "    out.append({'factor': k, 'events': events.height, 'seconds': s, 'rows': rows.height})\n"
        "print(json.dumps(out))\n"
    )
    events = out / "timeliner-build" / "events.parquet"
    done = subprocess.run([PYTHON, "-c", code, str(events)], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def big_builds(corpus: Path, out: Path, env: dict[str, str]) -> tuple[dict[str, Any], list[Run]]:
    """The bigger corpus's truth, and one in-memory and one streaming build of it."""
    if not (corpus / ".truth.json").exists():
        raise SystemExit(f"{corpus}: no corpus there; make one with: python benchmarks/generate.py --scale 8")
    script = str(HERE / "approaches.py")
    runs = []
    for name in ("timeliner-build-in-memory", "timeliner-build-streaming"):
        print(f"running {name} on {corpus} ...", file=sys.stderr, flush=True)
        runs.append(measure([PYTHON, script, name, str(corpus), str(out / ("big-" + name))], name, env))
        print(f"  {runs[-1].wall:.2f} s, {runs[-1].rss_mb:.0f} MB", file=sys.stderr)
    return json.loads((corpus / ".truth.json").read_text()), runs


SMALL_APPROACHES = ("dateutil-loop", "timeliner-load-one-by-one", "timeliner-load", "timeliner-build")


def small_files(
    corpus: Path, out: Path, env: dict[str, str], repeat: int
) -> tuple[dict[str, Any], list[Run]]:
    """A folder of many small files (generate.py --small-files): the per-file cost, batched and not."""
    if not (corpus / ".truth.json").exists():
        raise SystemExit(
            f"{corpus}: no corpus there; make one with: python benchmarks/generate.py --small-files 2000"
        )
    script = str(HERE / "approaches.py")
    runs = []
    for name in SMALL_APPROACHES:
        print(f"running {name} on {corpus} ...", file=sys.stderr, flush=True)
        command = [PYTHON, script, name, str(corpus), str(out / ("small-" + name))]
        runs.append(median_run([measure(command, name, env) for _ in range(repeat)]))
        print(f"  {runs[-1].wall:.2f} s, {runs[-1].rss_mb:.0f} MB", file=sys.stderr)
    return json.loads((corpus / ".truth.json").read_text()), runs


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        memory = int(Path("/proc/meminfo").read_text().split()[1]) / 2**20
    except OSError:
        memory = 0.0
    import polars as pl

    return (
        f"{cpu}, {os.cpu_count()} cores, {memory:.0f} GiB RAM; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}, polars {pl.__version__}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, default=HERE / "data" / "x1")
    parser.add_argument("--repeat", type=int, default=1, help="runs per approach; the median is reported")
    parser.add_argument("--spark", action="store_true", help="also run --engine spark (local[2])")
    parser.add_argument("--skip", action="append", default=[], help="leave out an approach; repeatable")
    parser.add_argument("--no-scaling", action="store_true", help="skip the detection-scaling measure")
    parser.add_argument(
        "--big-corpus",
        type=Path,
        help="also build this bigger corpus (generate.py --scale 8) in memory and streaming, once each",
    )
    parser.add_argument(
        "--small-corpus",
        type=Path,
        help="also load this folder of small files (generate.py --small-files 2000), batched and one by one",
    )
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args()
    if not (args.corpus / ".truth.json").exists():
        subprocess.run([PYTHON, str(HERE / "generate.py"), "--out", str(args.corpus)], check=True)
    truth = json.loads((args.corpus / ".truth.json").read_text())
    skip = set(args.skip) | (set() if args.spark else {"timeliner-spark"})
    env = {**os.environ, "PYSPARK_PYTHON": PYTHON}
    with tempfile.TemporaryDirectory(prefix="tl-bench-") as tmp:
        results: list[Run] = []
        for name, command in commands(args.corpus, Path(tmp)).items():
            if name in skip:
                continue
            print(f"running {name} ...", file=sys.stderr, flush=True)
            results.append(median_run([measure(command, name, env) for _ in range(args.repeat)]))
            print(f"  {results[-1].wall:.2f} s, {results[-1].rss_mb:.0f} MB", file=sys.stderr)
        scaling = (
            [] if args.no_scaling or "timeliner-build" in skip else detection_scaling(args.corpus, Path(tmp))
        )
        big = big_builds(args.big_corpus, Path(tmp), env) if args.big_corpus else None
        small = small_files(args.small_corpus, Path(tmp), env, args.repeat) if args.small_corpus else None
    from report import write_results  # type: ignore[import-not-found]  # benchmarks/report.py

    write_results(
        args.results, results, scaling, truth, machine(), datetime.now(UTC), args.repeat, big, small
    )
    print(f"wrote {args.results}", file=sys.stderr)


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    main()
