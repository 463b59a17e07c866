"""Small files parsed in batches give exactly what each file gives parsed alone.

The case folder holds small files of every format that supports batches, with the traps a batch
could spring: a file that starts with continuation lines (they must not join the previous file's
last event), a file without a final newline, CRLF endings, broken and damaged lines, local times
in two zones and across the Berlin DST repeat, a hand-set skew, a CloudWatch export probe object,
and service names that come from each file's own path. Loaded with batches and with every file
alone (``SMALL_FILE_BYTES = 0``), the events, rejects and per-file reports must be equal.
"""

from __future__ import annotations

import gzip
import json
import os
import pickle
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
from _traps import berlin_autumn, cloudwatch
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from timeliner import batching, engines, pipeline
from timeliner.eventtime import resolve_file_times, resolve_times
from timeliner.fileindex import FILE_INDEX, of_file
from timeliner.limits import MAX_LINE_CHARS
from timeliner.loading import OpenedFile, open_file
from timeliner.parsers import Format
from timeliner.parsers._lines import assemble, line_frame
from timeliner.settings import Settings
from timeliner.sources import SourceBatch, SourceFile

SETTINGS = Settings(
    source_tz=(("*berlin*", "Europe/Berlin"), ("*paris*", "Europe/Paris")),
    skew=(("*skewed*", "+2.5s"),),
)  # three zones (UTC for the rest) and a hand-set skew: what a batch must keep per file
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
FIXTURES = Path(__file__).parent / "fixtures"
EXPORT = "exportedlogs/3f2a9c1e-1b2c-4d5e-8f90-123456789abc"
TRACE = "java.lang.IllegalStateException: boom\n\tat com.example.Worker.run(Worker.java:42)\n\tat java.lang.Thread.run(Thread.java:840)\n"


def spring(t: datetime, message: str, *, offset: bool = True, level: str = "INFO") -> str:
    stamp = t.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + ("Z" if offset else "")
    return f"{stamp}  {level} 1 --- [main] c.e.orders.OrderService : {message}\n"


def write_case(root: Path) -> Path:
    app = root / "app"
    app.mkdir(parents=True)
    lines = [spring(T0 + timedelta(seconds=s), f"order {s} placed") for s in range(0, 60, 10)]
    (app / "orders-1.log").write_text(
        "".join(lines) + spring(T0 + timedelta(minutes=1), "failed", level="ERROR") + TRACE.rstrip("\n")
    )
    # Starts like the middle of a stack trace: rejected, never glued to orders-1's last event.
    (app / "orders-2.log").write_text(
        "\n\tat com.example.Tail.of(Tail.java:1)\n" + "".join(lines[:3]) + "2026-03-02 99:99 broken\n"
    )
    (app / "orders-3.log").write_bytes("".join(lines[3:]).replace("\n", "\r\n").encode())
    berlin_autumn(app / "clock-berlin-a.log")  # the hour written twice: told apart per file
    berlin_autumn(app / "clock-berlin-b.log")
    local = [spring(T0 + timedelta(minutes=m), f"tick {m}", offset=False) for m in range(5)]
    (app / "paris-1.log").write_text("".join(local))
    (app / "paris-2.log").write_text("".join(local[2:]))
    (app / "naive.log").write_text("".join(local[:2]))  # no zone given: UTC, assumed
    (app / "skewed-clock.log").write_text("".join(lines[:2]))
    api = root / "api"
    api.mkdir()
    records = [
        {"time": int((T0 + timedelta(seconds=s)).timestamp() * 1000), "level": 30, "msg": f"request {s}"}
        for s in range(0, 30, 5)
    ]
    records[2] = {
        "time": "2026-03-02T10:00:02.500+01:00",
        "level": "warn",
        "service": "gateway",
        "msg": "slow",
    }
    text = "".join(json.dumps(r) + "\n" for r in records)
    (api / "checkout-1.jsonl").write_text(
        text + "panic: runtime error\ngoroutine 1 [running]:\n" + '{"time": "2026-\n'
    )
    (api / "checkout-2.jsonl").write_text("\n" + text + '{"level": "info", "msg": "no time"}\n')
    for task, start in (("4f1c0a9b2d3e4f5a6b7c8d9e0f1a2b3c", 0), ("9a1f0c2d6c8e4f0a9b1c2d3e4f5a6b7c", 40)):
        folder = root / EXPORT / "ecs" / "web" / task
        folder.mkdir(parents=True)
        body = "".join(
            f"{(T0 + timedelta(seconds=start + s)).strftime('%Y-%m-%dT%H:%M:%S.%f')[:-3]}Z GET /health {s}\n"
            for s in range(0, 20, 4)
        )
        multi = f"{(T0 + timedelta(seconds=start + 30)).strftime('%Y-%m-%dT%H:%M:%S.%f')[:-3]}Z ERROR query failed\n\tFROM orders\n"
        (folder / "000000.gz").write_bytes(gzip.compress((body + multi).encode()))
    (root / EXPORT / "aws-logs-write-test").mkdir(parents=True)
    (root / EXPORT / "aws-logs-write-test" / "000000.gz").write_bytes(
        gzip.compress(b"Permission Check Successful")
    )
    # Kubernetes pod logs (CRI) and docker json-file logs: identity from the path, and a record
    # split at the end of one file (P, or a log without its newline) that must not be completed
    # by the first record of the next file.
    for n, uid in enumerate(("0f0e5c1a-1b2c-4d5e-8f90-aaaaaaaaaaaa", "1f0e5c1a-1b2c-4d5e-8f90-bbbbbbbbbbbb")):
        folder = root / "pods" / f"shop_web-{n}_{uid}" / "nginx"
        folder.mkdir(parents=True)
        (folder / "0.log").write_text(
            f"2026-03-02T09:0{n}:00.000000001Z stdout F GET / 200\n"
            f"2026-03-02T09:0{n}:01.000000000Z stderr F upstream timed out\n"
            f"2026-03-02T09:0{n}:02.000000000Z stdout P a line cut in two, first half "
            + ("\n" if n == 0 else "\n2026-03-02T09:01:03.000000000Z stdout F second half\n")
        )
    docker = root / "docker"
    docker.mkdir()
    for n in (1, 2):
        records = [
            {
                "log": f"request {i} served\n",
                "stream": "stdout",
                "time": f"2026-03-02T09:0{n}:0{i}.123456789Z",
            }
            for i in range(3)
        ]
        records[-1]["log"] = "no newline: the rest never came"
        (docker / f"{n:064x}-json.log").write_text("".join(json.dumps(r) + "\n" for r in records))
    # CloudWatch pages: one with stream names, one get-log-events file named after its task, one
    # with a timestamp that is no whole number of milliseconds (read record by record, rejected).
    pages = root / "cloudwatch"
    pages.mkdir()
    polls = [T0 + timedelta(minutes=m) for m in range(0, 30, 3)]
    cloudwatch(pages / "sync.filter-log-events.json", "sync/runtime/932bb5863180881f7506e90a9c3ebbb0", polls)
    cloudwatch(pages / "sync-runtime.932bb5863180881f7506e90a9c3ebbb0.get-log-events.json", None, polls[:4])
    odd = {
        "events": [
            {"timestamp": 1772442000000.5, "message": "half a millisecond", "ingestionTime": 1772442000400}
        ]
    }
    (pages / "odd.get-log-events.json").write_text(json.dumps(odd))
    # Saved Sentry payloads (our fixtures: a list of payloads with a session and a non-event, a
    # stored event, an envelope) and one payload of our own without a time (rejected).
    sentry = root / "sentry"
    sentry.mkdir()
    for name in ("payloads_mixed.json", "stored_event.json", "android_crash.envelope"):
        (sentry / name).write_bytes((FIXTURES / "sentry" / name).read_bytes())
    (sentry / "no-time.json").write_text(  # a time that is none: rejected
        json.dumps({"event_id": "0" * 32, "timestamp": "soon", "message": "when?"})
    )
    # Syslog: two yearless BSD files dated by their own file times (one across New Year), an
    # rsyslog file with ISO stamps and a damaged line (not yearless), and two RFC 5424 files.
    logs = root / "syslog"
    logs.mkdir()
    for name, first, mtime in (
        ("gw-1.log", datetime(2025, 12, 31, 23, 58), datetime(2026, 1, 1, 8, 0)),
        ("gw-2.log", datetime(2026, 3, 2, 9, 0), datetime(2026, 3, 5, 8, 0)),
    ):
        stamps = [first + timedelta(minutes=m) for m in range(4)]
        (logs / name).write_text(
            "".join(f"{t:%b %e %H:%M:%S} gw01 proxy[7]: request {t:%M} served\n" for t in stamps)
        )
        os.utime(logs / name, (mtime.timestamp(), mtime.timestamp()))
    (logs / "rsyslog.log").write_text(
        "2026-03-02T09:00:00.123456+01:00 web-1 nginx[12]: started\n"
        "this line is no syslog line\n"
        "2026-03-02T09:00:05.000000+01:00 web-1 nginx[12]: ready\n"
    )
    write_pair(
        logs / "rfc-{n}.log",
        lambda n: (
            f"<165>1 2026-03-02T09:0{n}:00.000Z host-{n} app 81 ID47 - started\n"
            f"<163>1 2026-03-02T09:0{n}:01.000Z host-{n} app 81 ID48 - failed\n"
        ),
    )
    write_pair(
        root / "python" / "worker-{n}.log",
        lambda n: (
            f"2026-03-02 09:0{n}:00,123 - worker - ERROR - job {n} failed\n"
            'Traceback (most recent call last):\n  File "job.py", line 3, in run\nValueError: bad\n'
            f"2026-03-02 09:0{n}:05,000 - worker - INFO - job {n} retried\n"
        ),
    )
    write_pair(
        root / "logfmt" / "prom-{n}.log",
        lambda n: (
            f'ts=2026-03-02T09:0{n}:00.000Z caller=main.go:1 level=warn msg="signal {n}"\n'
            f"ts=2026-03-02T09:0{n}:01.000Z level=info service=tsdb msg=compacted\nlevel=info msg=no-time\n"
        ),
    )
    return root


def write_pair(pattern: Path, text: Callable[[int], str]) -> None:
    """Two files of one format: ``pattern`` with ``{n}`` = 1 and 2, holding ``text(n)``."""
    pattern.parent.mkdir(parents=True, exist_ok=True)
    for n in (1, 2):
        pattern.with_name(pattern.name.format(n=n)).write_text(text(n))


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_case(tmp_path_factory.mktemp("small-files"))


def load_alone(inputs: list[str], settings: Settings, monkeypatch: pytest.MonkeyPatch) -> pipeline.LoadResult:
    with monkeypatch.context() as alone:
        alone.setattr(batching, "SMALL_FILE_BYTES", 0)  # every file takes the one-file path
        return pipeline.load(inputs, settings)


def assert_same_load(batched: pipeline.LoadResult, alone: pipeline.LoadResult) -> None:
    assert_frame_equal(batched.events, alone.events)
    assert_frame_equal(batched.rejects, alone.rejects)
    assert [f.as_dict() for f in batched.files] == [f.as_dict() for f in alone.files]
    assert batched.problems == alone.problems


def count_batches(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The batches split back into files, as lists of file names (the batches must really happen)."""
    batches: list[list[str]] = []
    parse = batching.parse_batch

    def counting(fmt: Format, sources: list[SourceFile]) -> object:
        found = parse(fmt, sources)
        if found is not None:
            batches.append(sorted(Path(source.path).name for source in sources))
        return found

    monkeypatch.setattr(batching, "parse_batch", counting)
    return batches


def test_a_batch_gives_every_file_what_it_gets_alone(case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    alone = load_alone([str(case)], SETTINGS, monkeypatch)
    batched_files = count_batches(monkeypatch)
    batched = pipeline.load([str(case)], SETTINGS)
    assert_same_load(batched, alone)
    # One batch per format: log4j, json-lines, the two export chunks, Python logging, logfmt.
    assert sorted(batched_files) == sorted(
        [
            ["0.log", "0.log"],
            [f"{1:064x}-json.log", f"{2:064x}-json.log"],
            ["000000.gz", "000000.gz"],
            ["checkout-1.jsonl", "checkout-2.jsonl"],
            sorted(p.name for p in (case / "cloudwatch").iterdir()),
            sorted(p.name for p in (case / "sentry").iterdir()),
            ["gw-1.log", "gw-2.log", "rsyslog.log"],
            ["rfc-1.log", "rfc-2.log"],
            sorted(p.name for p in (case / "app").iterdir()),
            ["prom-1.log", "prom-2.log"],
            ["worker-1.log", "worker-2.log"],
        ]
    )
    # The traps were sprung, so the equality above means something.
    by_name = {Path(f.path).name: f.as_dict() for f in batched.files}
    assert by_name["orders-2.log"]["rejected"] == 2  # the orphan trace line and the broken stamp
    assert by_name["orders-1.log"]["continuations"] == 3
    berlin = by_name["clock-berlin-b.log"]["time"]
    assert berlin["dst_repeat_first_pass"] > 0 and berlin["dst_repeat_second_pass"] > 0
    assert by_name["paris-1.log"]["time"]["zone"] == "Europe/Paris"
    assert by_name["naive.log"]["time"]["zone_assumed"] is True
    assert by_name["skewed-clock.log"]["time"]["skew"] == "+2.5 s"
    assert by_name["gw-1.log"]["time"]["years"] == [2025, 2026]  # its own file time dates it
    assert by_name["gw-2.log"]["time"]["year"] == 2026
    assert "year" not in by_name["rsyslog.log"]["time"] and by_name["rsyslog.log"]["rejected"] == 1
    assert by_name["000000.gz"]["format"] == "cloudwatch-s3"
    services = set(batched.events["service"].unique().to_list())
    # Each file's own path names its service, unless its records name one (gateway, tsdb).
    assert {
        "orders-1",
        "orders-2",
        "clock-berlin-b",
        "checkout-2",
        "gateway",
        "worker-1",
        "prom-2",
        "tsdb",
    } <= services
    pods = batched.events.filter(pl.col("source") == "cri").select("service", "group", "instance").unique()
    assert sorted(pods.rows()) == [("nginx", "shop/web-0", "0"), ("nginx", "shop/web-1", "0")]
    halves = batched.events.filter(pl.col("message").str.contains("half"))["message"].to_list()
    assert sorted(halves) == ["a line cut in two, first half ", "a line cut in two, first half second half"]
    instances = batched.events.filter(pl.col("source") == "cloudwatch-s3")["instance"].unique().to_list()
    assert sorted(instances) == ["4f1c0a9b2d3e4f5a6b7c8d9e0f1a2b3c", "9a1f0c2d6c8e4f0a9b1c2d3e4f5a6b7c"]


def test_a_build_with_batches_writes_the_same_files(
    case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engines.build("polars", [str(case)], tmp_path / "batched", SETTINGS, streaming=False)
    monkeypatch.setattr(batching, "SMALL_FILE_BYTES", 0)
    engines.build("polars", [str(case)], tmp_path / "alone", SETTINGS, streaming=False)
    for name in ("timeline.csv", "rejects.csv", "summary.json", "timeline.md"):
        assert (tmp_path / "batched" / name).read_bytes() == (tmp_path / "alone" / name).read_bytes(), name
    events = [pl.read_parquet(tmp_path / out / "events.parquet") for out in ("batched", "alone")]
    assert events[0].to_dicts() == events[1].to_dicts()


def test_streaming_builds_batch_small_files_too(
    case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engines.build("polars", [str(case)], tmp_path / "memory", SETTINGS, streaming=False)
    batched_files = count_batches(monkeypatch)
    engines.build("polars", [str(case)], tmp_path / "streaming", SETTINGS, streaming=True)
    assert batched_files
    for name in ("timeline.csv", "rejects.csv", "summary.json"):
        assert (tmp_path / "streaming" / name).read_bytes() == (tmp_path / "memory" / name).read_bytes(), name


def test_a_batch_whose_parse_notes_something_falls_back_to_one_file_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A line over the cap is cut, and the note is about its file: that batch is parsed file by file.
    lines = [spring(T0 + timedelta(seconds=s), f"order {s}") for s in range(3)]
    (tmp_path / "a.log").write_text("".join(lines))
    (tmp_path / "b.log").write_text(lines[0] + spring(T0, "x" * (MAX_LINE_CHARS + 10)))
    alone = load_alone([str(tmp_path)], SETTINGS, monkeypatch)
    batched_files = count_batches(monkeypatch)
    batched = pipeline.load([str(tmp_path)], SETTINGS)
    assert batched_files == []
    assert_same_load(batched, alone)
    assert any("cut" in note for f in batched.files for note in f.notes)


def test_a_parser_failing_on_a_batch_costs_only_the_file_at_fault(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("good-1.log", "bad.log", "good-2.log"):
        (tmp_path / name).write_text(spring(T0, f"hello from {name}"))
    from timeliner.parsers import _registry, log4j

    real = log4j.FORMAT.parse

    def fragile(source: SourceFile) -> object:
        if "bad" in source.text:
            raise RuntimeError("parser bug")
        return real(source)

    monkeypatch.setitem(_registry._FORMATS, "log4j", replace(log4j.FORMAT, parse=fragile))
    result = pipeline.load([str(tmp_path)], SETTINGS)
    problems = {Path(f.path).name: f.problem for f in result.files}
    assert problems["good-1.log"] is None and problems["good-2.log"] is None
    assert "internal error in parser log4j" in (problems["bad.log"] or "")
    assert sorted(result.events["file"].map_elements(lambda p: Path(p).name, return_dtype=pl.String)) == [
        "good-1.log",
        "good-2.log",
    ]


def opened(paths: list[Path]) -> list[OpenedFile]:
    files = [open_file(str(p), SETTINGS) for p in paths]
    assert all(isinstance(f, OpenedFile) for f in files)
    return files  # type: ignore[return-value]


def test_a_batch_numbers_each_file_s_lines_from_one(tmp_path: Path) -> None:
    texts = {"a.log": "one\ntwo", "b.log": "", "c.log": "three\r\nfour\r\n\n"}
    sources = [SourceFile(path=str(tmp_path / n), text=t, encoding="utf-8") for n, t in texts.items()]
    batch = SourceBatch(sources)
    assert [(f.first_line, f.lines) for f in batch.files] == [(1, 2), (3, 0), (3, 3)]
    frame = line_frame(batch)
    assert frame["text"].to_list() == ["one", "two", "three", "four", ""]
    assert frame[FILE_INDEX].to_list() == [0, 0, 2, 2, 2]
    assert batch.files[2].lines == len(sources[2].lines())


def test_assemble_never_runs_an_event_on_into_the_next_file() -> None:
    frame = pl.DataFrame(
        {
            "line": [1, 2, 3, 4, 5, 6],
            "text": ["HEAD a", "  more a", "", "  orphan b", "HEAD b", "  more b"],
            "message": ["a", None, None, None, "b", None],
            FILE_INDEX: pl.Series([0, 0, 1, 1, 1, 1], dtype=pl.UInt32),
        }
    )
    heads, rejects, continuations = assemble(frame, is_start=pl.col("text").str.starts_with("HEAD"))
    assert heads["message"].to_list() == ["a\n  more a", "b\n  more b"]
    assert rejects.select("line", "text").rows() == [(4, "  orphan b")]
    assert continuations == 3  # "  more a", the blank line opening file 1, "  more b"
    alone, _, _ = assemble(frame.drop(FILE_INDEX), is_start=pl.col("text").str.starts_with("HEAD"))
    assert alone["message"][0] == "a\n  more a\n\n  orphan b"  # one file: the same lines do join


def test_files_of_a_run_are_batched_by_format_in_input_order(case: Path) -> None:
    paths = sorted(str(p) for p in case.rglob("*") if p.is_file())
    files = opened([Path(p) for p in paths])
    batches, alone = batching.plan_batches(list(enumerate(files)))
    for indices, members in batches:
        assert indices == sorted(indices)
        assert len({m.format.name for m in members}) == 1
    alone_names = [Path(paths[i]).parent.name for i, _ in alone]
    assert alone_names == ["aws-logs-write-test"]  # the probe is read alone
    assert sum(len(indices) for indices, _ in batches) + len(alone) == len(paths)


# ---- times of many files resolved at once -------------------------------------------------------

# Wall times around both Berlin/Paris DST switches of 2025 (a repeated and a skipped hour), instants,
# and zone abbreviations (known, numeric-free unknown): every decision resolve_times makes per file.
_WALL = st.one_of(
    st.datetimes(min_value=datetime(2025, 10, 26, 0, 30), max_value=datetime(2025, 10, 26, 3, 30)),
    st.datetimes(min_value=datetime(2025, 3, 30, 1, 30), max_value=datetime(2025, 3, 30, 3, 30)),
).map(lambda t: t.replace(microsecond=0))
_ROW = st.tuples(
    st.one_of(st.none(), _WALL),
    st.one_of(st.none(), _WALL.map(lambda t: t.replace(tzinfo=UTC))),
    st.sampled_from([None, None, None, "CEST", "EST", "XYZ"]),
).filter(lambda row: row[0] is not None or row[1] is not None)
_FILES = st.lists(
    st.tuples(st.sampled_from(["berlin", "paris", "plain", "skewed-berlin"]), st.lists(_ROW, max_size=8)),
    min_size=1,
    max_size=5,
)


def _partial(rows: list[tuple[datetime | None, datetime | None, str | None]]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "line": list(range(1, len(rows) + 1)),
            "ts_local": [r[0] for r in rows],
            "ts_utc": [r[1] for r in rows],
            "ts_basis": ["offset" if r[1] is not None else None for r in rows],
            "tz_abbrev": [r[2] for r in rows],
            "message": ["m"] * len(rows),
        },
        schema={
            "line": pl.Int64,
            "ts_local": pl.Datetime("us"),
            "ts_utc": pl.Datetime("us", "UTC"),
            "ts_basis": pl.String,
            "tz_abbrev": pl.String,
            "message": pl.String,
        },
    )


@given(files=_FILES)
@hsettings(max_examples=150, deadline=None)
def test_times_of_many_files_at_once_are_each_file_s_own(
    files: list[tuple[str, list[tuple[datetime | None, datetime | None, str | None]]]],
) -> None:
    paths = [f"{i}-{name}.log" for i, (name, _rows) in enumerate(files)]
    frames = [_partial(rows) for _name, rows in files]
    together = pl.concat([of_file(frame, i) for i, frame in enumerate(frames)])
    resolved, reports = resolve_file_times(together, paths, SETTINGS)
    for index, (path, frame) in enumerate(zip(paths, frames, strict=True)):
        alone, report = resolve_times(frame, path=path, settings=SETTINGS)
        mine = resolved.filter(pl.col(FILE_INDEX) == index).drop(FILE_INDEX)
        assert_frame_equal(mine, alone)
        assert reports[index].as_dict() == report.as_dict()
        assert reports[index].skew_delta == report.skew_delta


def test_a_spark_partition_of_small_files_gives_what_each_file_gives_alone(case: Path) -> None:
    pa = pytest.importorskip("pyarrow", reason="pyarrow comes with the spark extra")
    from timeliner.engines import _partitions
    from timeliner.loading import load_file

    paths = sorted(p for p in case.rglob("*") if p.is_file())
    rows = pa.RecordBatch.from_pylist(
        [
            {"order": i, "path": str(p), "content": p.read_bytes(), "mtime": p.stat().st_mtime}
            for i, p in enumerate(paths)
        ],
        schema=_partitions.FILES_SCHEMA,
    )
    batched_files = []
    parse = batching.parse_batch

    def counting(fmt: Format, sources: list[SourceFile]) -> object:
        found = parse(fmt, sources)
        batched_files.extend(source.path for source in sources if found is not None)
        return found

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(batching, "parse_batch", counting)
        loaded = pl.concat(
            [_partitions.from_arrow(b) for b in _partitions.load_partition(iter([rows]), SETTINGS)],
            how="diagonal_relaxed",
        )
    assert len(batched_files) == len(paths) - 1  # all but the probe object
    for i, path in enumerate(paths):
        events, rejects, report = load_file(str(path), SETTINGS)
        mine = loaded.filter(pl.col("order") == i)
        shown = ("ts", "line", "service", "instance", "message", "ts_basis")
        assert mine.filter(pl.col("part") == "event").select(shown).rows() == events.select(shown).rows(), (
            path
        )
        assert (
            mine.filter(pl.col("part") == "reject").select("line", "reason").rows()
            == rejects.select("line", "reason").rows()
        )
        shipped = pickle.loads(mine.filter(pl.col("part") == "report")["report"][0])
        assert shipped.as_dict() == report.as_dict(), path


def test_json_lines_files_of_a_batch_read_the_spellings_their_own_sample_finds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A sample of the whole batch (every 3rd of 3,000 records) would skip both records of b.jsonl,
    # and with them the spelling "message" that only b uses; b alone samples both.
    def ms(i: int) -> int:
        return int((T0 + timedelta(seconds=i)).timestamp() * 1000)

    many = [{"time": ms(i), "level": "info", "msg": f"tick {i}"} for i in range(2998)]
    (tmp_path / "a.jsonl").write_text("".join(json.dumps(r) + "\n" for r in many))
    two = [
        {"time": ms(1), "level": "info", "message": "spelled otherwise"},
        {"time": ms(2), "level": "warn", "msg": "as usual"},
    ]
    (tmp_path / "b.jsonl").write_text("".join(json.dumps(r) + "\n" for r in two))
    alone = load_alone([str(tmp_path)], SETTINGS, monkeypatch)
    batched_files = count_batches(monkeypatch)
    batched = pipeline.load([str(tmp_path)], SETTINGS)
    assert batched_files == [["a.jsonl", "b.jsonl"]]
    assert_same_load(batched, alone)
    messages = batched.events.filter(pl.col("file").str.ends_with("b.jsonl"))["message"].to_list()
    assert sorted(messages) == ["as usual", "spelled otherwise"]
