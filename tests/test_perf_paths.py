"""The fast paths are the ones taken, and the bounded ones give the same answers. No timings here:
speed is measured by benchmarks/run.py only.

* the big formats (log4j with stack traces, JSON lines, syslog, CloudWatch JSON) go through no
  per-row Python loop (``timeliner.slowpaths`` stays empty);
* a big text file parsed in pieces gives the same events, rejects and counts as parsed whole,
  including events whose stack trace straddles a piece boundary;
* files parsed on several threads come back in input order, as parsed one after another.
"""

from __future__ import annotations

import importlib.util
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import ModuleType

import polars as pl
import pytest

from timeliner import batching, loading, pipeline, slowpaths
from timeliner.engines import chunked
from timeliner.settings import Settings

REPO = Path(__file__).resolve().parents[1]
SETTINGS = Settings(source_tz=(("*berlin*", "Europe/Berlin"), ("*syslog", "America/New_York")))


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_generate", REPO / "benchmarks" / "generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The benchmark corpus at 1/200 scale: ~5,000 lines of the four big formats."""
    out = tmp_path_factory.mktemp("corpus")
    _generator().generate(out, scale=0.005)
    return out


def test_big_formats_take_no_python_row_loop(corpus: Path) -> None:
    slowpaths.reset()
    loaded = pipeline.load([str(corpus)], SETTINGS)
    assert {f.format for f in loaded.files} == {"log4j", "json-lines", "syslog", "cloudwatch-json"}
    assert slowpaths.counts() == {}


def test_the_counter_sees_a_slow_path(tmp_path: Path) -> None:
    # Control: a CloudWatch export whose ingestionTime is a float in one record is written value by value.
    events = [
        {"timestamp": 1767204000000 + i, "message": f"m{i}", "ingestionTime": 1767204000500 + i}
        for i in range(3)
    ]
    events[1]["ingestionTime"] = 1767204000501.5
    (tmp_path / "odd.json").write_text(json.dumps({"events": events}))
    slowpaths.reset()
    pipeline.load([str(tmp_path / "odd.json")], SETTINGS)
    assert slowpaths.counts() == {"json record values written one by one": 3}


def _stack_trace_log(path: Path, events: int) -> None:
    lines = []
    for i in range(events):
        lines.append(f"2026-01-05 10:{i // 60:02d}:{i % 60:02d}.000 ERROR [main] c.e.App - failure {i}")
        lines += [f"\tat com.example.App.step{k}(App.java:{k})" for k in range(i % 7)]
    path.write_text("\n".join(lines) + "\n")


# cloudwatch.json is one JSON document: it must be read whole even when bigger than a piece.
@pytest.mark.parametrize("name", ["orders-berlin.log", "syslog", "api.jsonl", "cloudwatch.json"])
def test_pieces_give_the_same_result_as_the_whole_file(
    corpus: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = loading.load_file(str(corpus / name), SETTINGS)
    monkeypatch.setattr(chunked, "CHUNK_BYTES", 16 * 1024)
    pieces = loading.load_file(str(corpus / name), SETTINGS)
    assert pieces[0].equals(whole[0])
    assert pieces[1].equals(whole[1])
    assert pieces[2].as_dict() == whole[2].as_dict()


def test_a_trace_across_a_piece_boundary_stays_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = tmp_path / "app.log"
    _stack_trace_log(log, 400)  # 400 events, 1,597 lines, ~60 KiB: many boundaries fall inside a trace
    monkeypatch.setattr(chunked, "CHUNK_BYTES", 4096)
    seen: list[int] = []
    parse = chunked._keep

    def spy(result, text, *, last):  # type: ignore[no-untyped-def]
        seen.append(int(last))
        return parse(result, text, last=last)

    monkeypatch.setattr(chunked, "_keep", spy)
    events, rejects, report = loading.load_file(str(log), SETTINGS)
    assert len(seen) > 10 and seen[-1] == 1, "the file was not read in pieces"
    assert (report.units, report.events, report.continuations, rejects.height) == (1597, 400, 1197, 0)
    # Event i has i % 7 trace lines: every message holds all of them.
    traces = events.sort("line")["message"].str.count_matches("\n").to_list()
    assert traces == [i % 7 for i in range(400)]


def test_threads_keep_the_input_order(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "FILE_THREADS", 1)
    one = pipeline.load([str(corpus)], SETTINGS)
    monkeypatch.setattr(pipeline, "FILE_THREADS", 4)
    four = pipeline.load([str(corpus)], SETTINGS)
    assert [f.path for f in four.files] == [f.path for f in one.files]
    assert four.events.equals(one.events)
    assert four.rejects.equals(one.rejects)


def test_corpus_truth_matches_what_was_read(corpus: Path) -> None:
    truth = json.loads((corpus / ".truth.json").read_text())
    loaded = pipeline.load([str(corpus)], SETTINGS)
    lines = {Path(f.path).name: f.units for f in loaded.files}
    expected = {
        name: f["events"] if f["format_key"] == "cloudwatch" else f["lines"]
        for name, f in truth["files"].items()
    }
    assert lines == expected
    counts = loaded.events.group_by("file").len()
    per_file = {Path(f).name: n for f, n in counts.iter_rows()}
    assert per_file == {name: f["events"] for name, f in truth["files"].items()}
    assert isinstance(loaded.events["ts"].dtype, pl.Datetime) and loaded.events["ts"].dtype.time_zone == "UTC"


def test_big_files_are_started_biggest_first_and_come_back_in_input_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batching, "SMALL_FILE_BYTES", 0)  # every file takes the big-file path
    sizes = {"a-small.log": 10, "m-medium.log": 1_000, "z-big.log": 100_000}
    paths = []
    for name, size in sizes.items():
        (tmp_path / name).write_bytes(b"x" * size)
        paths.append(str(tmp_path / name))
    packed = tmp_path / "b-packed.log.gz"
    packed.write_bytes(b"x" * 500)  # counts 10x: 5,000 once inflated, more than the medium file
    paths.insert(1, str(packed))
    paths.append(str(tmp_path / "missing.log"))  # weighs nothing: started last
    started: list[str] = []

    def work(path: str) -> str:
        started.append(Path(path).name)
        return path.upper()

    with ThreadPoolExecutor(max_workers=1) as pool:
        results = batching.load_each(pool, paths, SETTINGS, keep=lambda loaded: "kept", load_big=work)
    assert started == ["z-big.log", "b-packed.log.gz", "m-medium.log", "a-small.log", "missing.log"]
    assert results == [path.upper() for path in paths]
