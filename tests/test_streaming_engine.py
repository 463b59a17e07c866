"""Streaming mode (events spooled to disk) writes the in-memory build's six files, byte for byte.

The inputs hold the traps of a build that does not see every event at once (``tests/_traps.py``)
plus the cross-source decisions that read events back from disk: a yearless syslog whose year
only the file's date suggests (moved among the dated sources), a CloudWatch export whose receipts
precede its events (``--skew auto`` shifts it), an alias, and rejected lines. The spool's limits
are shrunk so that big files span several parts and small ones share parts, events.parquet is
sorted in several slices of time and services are detected in several batches.
"""

from __future__ import annotations

import gzip
import json
import os
import re
from datetime import datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
from _traps import T0, berlin_autumn, cloudwatch, jsonl, write_traps
from typer.testing import CliRunner

from timeliner import engines, loading, pipeline
from timeliner.cli import app
from timeliner.engines import _spool, chunked, streaming
from timeliner.errors import NoEventsError, StrictRejectsError, UsageError
from timeliner.reconcile import ROW
from timeliner.settings import Settings

SETTINGS = Settings(
    source_tz=(("*berlin*", "Europe/Berlin"),),
    skew=(("*", "auto"),),
    aliases=(("payments", "payment-service"),),
)
OUTPUTS = ("timeline.csv", "timeline.md", "rejects.csv", "summary.json")
_PLOTLY_DIV_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_traps(tmp_path_factory.mktemp("streaming-traps"))
    # Yearless syslog whose file date says 2027: the dated sources (March 2026) move it back a year.
    syslog = root / "edge-syslog"
    syslog.write_text(
        "".join(f"Mar  2 09:{m:02d}:00 edge01 proxy[311]: upstream ok ({m})\n" for m in range(0, 30, 2))
    )
    dated = datetime(2027, 3, 5, 12, 0).timestamp()
    os.utime(syslog, (dated, dated))
    # A host whose clock runs 3 s ahead: CloudWatch received every event before it "happened".
    polls = [T0 + timedelta(minutes=m, seconds=7) for m in range(0, 20, 2)]
    cloudwatch(
        root / "billing.filter-log-events.json", "billing/runtime/77aa", polls, received_after_ms=-3000
    )
    # Small files, which share the spool's parts.
    for name in ("cron-a", "cron-b", "cron-c"):
        jsonl(
            root / f"{name}.jsonl", "cron", [T0 + timedelta(minutes=m, seconds=len(name)) for m in (1, 2)], {}
        )
    # Rejected lines, in two files.
    (root / "payments-1.jsonl").open("a").write('{"time": "not a time", "msg": "x"}\n')
    (root / "orders-part-a.jsonl").open("a").write("{broken\n")
    return root


@pytest.fixture(scope="module")
def in_memory(case: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("in-memory")
    engines.build("polars", [str(case)], out, SETTINGS, streaming=False)
    return out


@pytest.fixture
def tiny_limits(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Shrink every bound of the spool, and count how often each was crossed."""
    crossed = {"split files": 0, "shared parts": 0, "slices": 0, "batches": 0}
    parts_of: dict[str, int] = {}
    monkeypatch.setattr(_spool, "PART_ROWS", 7)
    monkeypatch.setattr(_spool, "SORT_SLICE_BYTES", 4_000)
    monkeypatch.setattr(streaming, "DETECT_BATCH_ROWS", 40)
    monkeypatch.setattr(streaming, "BIG_FILE_BYTES", 1_000)
    write_part, write_parquet = _spool.Spool._write_part, pl.DataFrame.write_parquet
    detect = streaming.detect_timeline

    def counted_part(self: _spool.Spool, events: pl.DataFrame) -> object:
        files = events["file"].unique().to_list()
        crossed["shared parts"] += len(files) > 1
        for file in files:
            parts_of[file] = parts_of.get(file, 0) + 1
        crossed["split files"] = sum(n > 1 for n in parts_of.values())
        return write_part(self, events)

    def counted_write(frame: pl.DataFrame, target: object, *args: object, **kwargs: object) -> None:
        crossed["slices"] += Path(str(target)).parent.name == "sorted"
        write_parquet(frame, target, *args, **kwargs)  # type: ignore[arg-type]

    def counted_detect(events: pl.DataFrame, settings: Settings) -> pl.DataFrame:
        crossed["batches"] += 1
        return detect(events, settings)

    monkeypatch.setattr(_spool.Spool, "_write_part", counted_part)
    monkeypatch.setattr(pl.DataFrame, "write_parquet", counted_write)
    monkeypatch.setattr(streaming, "detect_timeline", counted_detect)
    return crossed


def assert_same_outputs(mine: Path, theirs: Path) -> None:
    for name in OUTPUTS:
        assert (mine / name).read_bytes() == (theirs / name).read_bytes(), name
    gantt = [_PLOTLY_DIV_ID.sub("ID", (out / "gantt.html").read_text()) for out in (mine, theirs)]
    assert gantt[0] == gantt[1], "gantt.html differs beyond plotly's random element id"
    events = [pl.read_parquet(out / "events.parquet") for out in (mine, theirs)]
    assert events[0].schema == events[1].schema
    assert events[0].to_dicts() == events[1].to_dicts()  # same rows in the same order


def test_streaming_writes_the_in_memory_outputs(
    case: Path, in_memory: Path, tmp_path: Path, tiny_limits: dict[str, int]
) -> None:
    engines.build("polars", [str(case)], tmp_path, SETTINGS, streaming=True)
    assert_same_outputs(tmp_path, in_memory)
    assert all(crossed >= 1 for crossed in tiny_limits.values()), tiny_limits
    assert tiny_limits["slices"] > 1 and tiny_limits["batches"] > 1, tiny_limits
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "the spool was left behind"


def test_the_traps_were_sprung(in_memory: Path) -> None:
    # Without these, the comparison above would not exercise the steps that read events back.
    summary = json.loads((in_memory / "summary.json").read_text())
    files = {Path(f["path"]).name: f for f in summary["files"]}
    assert files["edge-syslog"]["time"]["year"] == 2026, files["edge-syslog"]["time"]
    # Its clock runs 3 s ahead: what --skew auto adds is -3 s.
    assert files["billing.filter-log-events.json"]["time"]["skew"] == "-3 s"
    assert summary["reconciled"]["aliased_events"] > 0
    assert summary["reconciled"]["duplicate_events_dropped"] == 4
    assert summary["totals"]["rejected"] == 2


def test_sample_logs_build_the_same_either_way(tmp_path: Path) -> None:
    settings = Settings()
    engines.build("polars", ["sample_logs"], tmp_path / "memory", settings, streaming=False)
    engines.build("polars", ["sample_logs"], tmp_path / "streaming", settings, streaming=True)
    assert_same_outputs(tmp_path / "streaming", tmp_path / "memory")


def test_sorted_write_orders_like_the_in_memory_sort(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Ties on ts across files go by file then line; ties on (ts, file, line) keep input order;
    # events without a time come last.
    monkeypatch.setattr(_spool, "PART_ROWS", 3)
    monkeypatch.setattr(_spool, "SORT_SLICE_BYTES", 50)
    t = datetime(2026, 1, 1, 0, 0, 0)
    rows = [
        ("b.log", 1, t, "b1"),
        ("b.log", 2, None, "b2"),
        ("b.log", 3, t + timedelta(seconds=2), "b3"),
        ("b.log", 3, t + timedelta(seconds=2), "b3 again"),
        ("a.log", 9, t, "a9"),
        ("a.log", 1, t + timedelta(seconds=1), "a1"),
        ("a.log", 2, None, "a2"),
        ("a.log", 3, t + timedelta(seconds=1), "a3"),
    ]
    frame = pl.DataFrame(rows, schema=["file", "line", "ts", "message"], orient="row").with_columns(
        pl.col("ts").dt.replace_time_zone("UTC")
    )
    spool = _spool.Spool(tmp_path)
    for file in ["b.log", "a.log"]:
        spool.add(frame.filter(pl.col("file") == file))
    spool.flush()
    spool.write_sorted(tmp_path / "events.parquet", tmp_path)
    expected = frame.sort(["ts", "file", "line"], maintain_order=True, nulls_last=True)
    assert pl.read_parquet(tmp_path / "events.parquet")["message"].to_list() == expected["message"].to_list()


def test_a_build_without_events_fails_the_same_way(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "notes.txt").write_text("nothing that looks like a log\n")
    messages = []
    for streaming_mode in (False, True):
        with pytest.raises(NoEventsError) as raised:
            engines.build(
                "polars", [str(tmp_path / "in")], tmp_path / "out", Settings(), streaming=streaming_mode
            )
        messages.append(str(raised.value))
    assert messages[0] == messages[1]
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.startswith(".streaming")]


def test_strict_fails_after_writing_in_streaming_mode(case: Path, tmp_path: Path) -> None:
    strict = Settings(**{**SETTINGS.__dict__, "strict": True})
    with pytest.raises(StrictRejectsError, match="2 input line"):
        engines.build("polars", [str(case)], tmp_path, strict, streaming=True)
    assert (tmp_path / "rejects.csv").read_text().count("\n") == 3  # header and two rejects


def test_streaming_is_chosen_by_input_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = tmp_path / "app.log"
    log.write_bytes(b"x" * 1000)
    packed = tmp_path / "app.log.gz"
    packed.write_bytes(gzip.compress(b"y" * 100_000))
    assert streaming.input_bytes([str(log), str(tmp_path / "missing.log")]) == 1000
    # A compressed file counts ten times its size: logs compress about tenfold.
    assert streaming.input_bytes([str(packed)]) == 10 * packed.stat().st_size
    monkeypatch.setattr(streaming, "STREAM_ABOVE_BYTES", 1_000 + 5 * packed.stat().st_size)
    assert not engines.wants_streaming([str(log)], Settings(), None)
    assert engines.wants_streaming([str(tmp_path)], Settings(), None)
    assert not engines.wants_streaming([str(tmp_path)], Settings(redact=True), None)  # memory only
    assert not engines.wants_streaming([str(tmp_path)], Settings(), False)
    assert engines.wants_streaming([str(log)], Settings(), True)
    with pytest.raises(UsageError, match="--redact is not available with --streaming"):
        engines.wants_streaming([str(log)], Settings(redact=True), True)


@pytest.mark.parametrize(
    ("options", "error"),
    [
        (["--streaming", "--engine", "spark"], "--streaming is a mode of --engine polars"),
        (["--in-memory", "--engine", "spark"], "--in-memory is a mode of --engine polars"),
        (["--streaming", "--redact"], "--redact is not available with --streaming yet"),
    ],
)
def test_cli_refuses_streaming_where_it_does_not_apply(
    options: list[str], error: str, tmp_path: Path
) -> None:
    result = CliRunner().invoke(app, ["build", "sample_logs", "--out", str(tmp_path), *options])
    assert result.exit_code == 2
    assert f"Error: {error}" in result.output


def test_cli_streaming_build(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["build", "sample_logs", "--streaming", "--out", str(tmp_path), "-q"])
    assert result.exit_code == 0, result.output
    assert (
        pl.read_parquet(tmp_path / "events.parquet").height
        == pipeline.load(["sample_logs"], Settings()).events.height
    )


def test_cli_says_when_it_chose_streaming(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(streaming, "STREAM_ABOVE_BYTES", 0)
    chosen = []
    monkeypatch.setattr(streaming, "build_streaming", lambda *args: chosen.append(args) or _fail())
    result = CliRunner().invoke(app, ["build", "sample_logs", "--out", str(tmp_path)])
    assert (
        "of input (compressed files counted at 10x their size), over 0 GiB: building in streaming mode"
        in (result.output)
    )
    assert len(chosen) == 1
    quiet = CliRunner().invoke(app, ["build", "sample_logs", "--out", str(tmp_path), "-q"])
    assert "streaming mode" not in quiet.output


def test_report_from_inputs_over_the_size_streams_to_the_same_section(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    in_memory = CliRunner().invoke(app, ["report", "sample_logs"])
    assert in_memory.exit_code == 0, in_memory.output
    monkeypatch.setattr(streaming, "STREAM_ABOVE_BYTES", 0)
    builds = []
    build = streaming.build_streaming
    monkeypatch.setattr(streaming, "build_streaming", lambda *args: builds.append(args) or build(*args))
    streamed = CliRunner().invoke(app, ["report", "sample_logs"])
    assert streamed.exit_code == 0, streamed.output
    assert len(builds) == 1
    assert streamed.output == in_memory.output
    assert "restarted 3 times in 1 min 30 s" in streamed.output  # the storm


def _fail() -> None:
    raise NoEventsError("stopped here by the test", problems=[])


@pytest.mark.parametrize("inputs", ["case", "sample_logs"])
def test_detection_reads_only_the_detection_view(inputs: str, request: pytest.FixtureRequest) -> None:
    # What the streaming build (and Spark's executors) hand the detectors finds the same rows.
    folder = request.getfixturevalue(inputs) if inputs == "case" else "sample_logs"
    events = pipeline.load([str(folder)], SETTINGS).events
    assert events["kind"].is_not_null().any() and events["kind"].is_null().any()
    view = pipeline.detection_view(events)
    assert view["message"].is_null().sum() == events["kind"].is_null().sum()
    assert (
        pipeline.detect_timeline(view, SETTINGS).to_dicts()
        == pipeline.detect_timeline(events, SETTINGS).to_dicts()
    )


@pytest.fixture(scope="module")
def big_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Files whose time decisions need the whole file, to be cut in many small pieces."""
    root = tmp_path_factory.mktemp("big-files")
    berlin_autumn(root / "clock-berlin.log")  # the DST repeat, told apart in file order
    with (root / "clock-berlin.log").open("a") as clock:  # longer: more pieces
        clock.write(
            "".join(f"2025-10-26 03:{m:02d}:00,000 INFO [main] c.e.Clock: after\n" for m in range(60))
        )
    # Yearless syslog across New Year, dated by its file's time.
    syslog = root / "gateway-syslog"
    start = datetime(2025, 12, 31, 23, 40)
    lines = [
        f"{start + timedelta(minutes=m):%b %e %H:%M:%S} gw01 proxy[7]: request {m} served\n"
        for m in range(90)
    ]
    syslog.write_text("".join(lines))
    dated = datetime(2026, 1, 2, 8, 0).timestamp()
    os.utime(syslog, (dated, dated))
    # Stack traces across piece boundaries, and a line that starts like a time but is none.
    trace = "".join(f"\tat com.example.Worker.step{i}(Worker.java:{i})\n" for i in range(6))
    records = []
    for i in range(12):
        records.append(f"2026-03-02 09:{i:02d}:00.000 ERROR 9 --- [main] c.e.Worker : step {i} failed\n")
        records.append(f"java.lang.IllegalStateException: step {i}\n{trace}")
    records.insert(5, "2026-03-02 99:99 broken\n")
    (root / "worker.log").write_text("".join(records))
    jsonl(root / "api.jsonl", "api", [T0 + timedelta(seconds=s) for s in range(0, 600, 15)], {})
    return root


def test_big_files_loaded_piece_by_piece_give_the_whole_file_events(
    big_files: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(source_tz=(("*berlin*", "Europe/Berlin"),))
    engines.build("polars", [str(big_files)], tmp_path / "memory", settings, streaming=False)
    pieces_of: dict[str, int] = {}
    to_disk = loading._pieces_to_disk

    def counted(fmt: object, source: chunked.ChunkedSource, scratch: Path) -> object:
        stored = to_disk(fmt, source, scratch)  # type: ignore[arg-type]
        pieces_of[Path(source.path).name] = len(stored.files)
        return stored

    monkeypatch.setattr(loading, "_pieces_to_disk", counted)
    monkeypatch.setattr(chunked, "CHUNK_BYTES", 1000)  # longer than any one event
    monkeypatch.setattr(streaming, "BIG_FILE_BYTES", 300)
    engines.build("polars", [str(big_files)], tmp_path / "streaming", settings, streaming=True)
    assert_same_outputs(tmp_path / "streaming", tmp_path / "memory")
    assert sorted(pieces_of) == ["api.jsonl", "clock-berlin.log", "gateway-syslog", "worker.log"]
    assert min(pieces_of.values()) >= 3, pieces_of
    assert not [p for p in (tmp_path / "streaming").iterdir() if p.name.startswith(".")]
    # The traps were sprung: the hour written twice, the year rolled over, the broken line.
    summary = json.loads((tmp_path / "memory" / "summary.json").read_text())
    files = {Path(f["path"]).name: f for f in summary["files"]}
    assert files["clock-berlin.log"]["time"]["dst_repeat_second_pass"] == 12, files["clock-berlin.log"]
    assert files["gateway-syslog"]["time"]["years"] == [2025, 2026], files["gateway-syslog"]
    assert files["worker.log"]["rejected"] == 1 and files["worker.log"]["continuations"] == 12 * 7


def test_a_big_file_keeps_its_events_in_order_and_numbered_across_pieces(
    big_files: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(chunked, "CHUNK_BYTES", 1000)
    spool = _spool.Spool(tmp_path)
    path = str(big_files / "gateway-syslog")
    rejects, report = streaming._load_big_file(spool, path, Settings())
    assert len(spool.parts) >= 3 and rejects.height == 0 and report.events == 90
    # Parts are read back in the order they were written: the file's own order, numbered 0..n-1.
    stored = spool.scan().select("line", ROW).collect()
    assert stored[ROW].to_list() == list(range(90))
    assert stored["line"].to_list() == list(range(1, 91))
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("pieces-")] == []


def test_a_parser_failing_on_a_later_piece_costs_the_whole_file_and_stores_nothing(
    big_files: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(chunked, "CHUNK_BYTES", 1000)
    real = chunked.parsed_pieces

    def fails_on_the_second_piece(fmt: object, first: chunked.ChunkedSource) -> object:
        pieces = real(fmt, first)  # type: ignore[arg-type]
        yield next(pieces)
        raise ValueError("boom")

    monkeypatch.setattr(chunked, "parsed_pieces", fails_on_the_second_piece)
    stored: list[pl.DataFrame] = []
    path = str(big_files / "worker.log")
    rejects, report = loading.load_file_in_pieces(path, Settings(), stored.append, tmp_path)
    assert stored == []
    assert report.problem is not None and "internal error in parser log4j" in report.problem
    assert rejects["reason"].to_list() == [f"whole file not read: {report.problem.split('; ')[0]}"]
