"""timeline.csv, rejects.csv and events.parquet: exact cells, order, formula neutralization, atomicity."""

from __future__ import annotations

import csv
import io
import os
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest
from _timelines import row, timeline

from timeliner.render import write_events_parquet, write_rejects_csv, write_timeline_csv
from timeliner.render._files import write_atomically


def at(hour: int, minute: int, second: int = 0, micro: int = 0) -> datetime:
    return datetime(2022, 3, 1, hour, minute, second, micro, tzinfo=UTC)


def read_rows(path: Path) -> list[list[str]]:
    # Bytes, not read_text(): universal newlines would turn a \r inside a cell into \n.
    return list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8"), newline="")))


def test_timeline_csv_exact_text_sorted_by_start(tmp_path: Path) -> None:
    rows = timeline(
        row(at(12, 14, 50, 123_999)),  # sub-millisecond digits are cut, not rounded up
        row(
            at(12, 14, 0),
            at(12, 16, 0, 500_000),
            kind="restart_storm",
            count=3,
            summary="3 restarts of api within 2 min",
            evidence="api.log:1;api.log:3;api.log:9",
            severity="high",
            incident=1,
        ),
    )
    path = tmp_path / "timeline.csv"
    write_timeline_csv(rows, path)
    assert path.read_text(encoding="utf-8") == (
        "start,end,kind,service,count,summary,evidence,severity,incident\n"
        "2022-03-01T12:14:00.000Z,2022-03-01T12:16:00.500Z,restart_storm,api,3,"
        "3 restarts of api within 2 min,api.log:1;api.log:3;api.log:9,high,1\n"
        "2022-03-01T12:14:50.123Z,2022-03-01T12:14:50.123Z,restart,api,1,api restarted,api.log:3,medium,\n"
    )


def test_timeline_csv_times_are_utc_whatever_the_input_zone(tmp_path: Path) -> None:
    local = pl.DataFrame(
        {
            "start": [datetime(2022, 7, 1, 14, 0, 5)],  # 14:00:05 in Amsterdam summer time = 12:00:05 UTC
            "kind": ["crash"],
            "summary": ["db crashed"],
            "evidence": ["db.log:9"],
        }
    ).with_columns(
        pl.col("start").dt.replace_time_zone("Europe/Amsterdam").cast(pl.Datetime("ns", "Europe/Amsterdam"))
    )
    local = local.with_columns(end=pl.lit(None, pl.Datetime("ns", "Europe/Amsterdam")))
    path = tmp_path / "timeline.csv"
    write_timeline_csv(local, path)
    _header, first = read_rows(path)
    assert first[:3] == ["2022-07-01T12:00:05.000Z", "2022-07-01T12:00:05.000Z", "crash"]
    assert first[3] == ""  # no service: an empty cell, not "null"


@pytest.mark.parametrize(
    ("summary", "written"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+1+2", "'+1+2"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("a=b", "a=b"),
        ('restart, "quoted"\nsecond line', 'restart, "quoted"\nsecond line'),
    ],
)
def test_formula_cells_are_neutralized_by_default(tmp_path: Path, summary: str, written: str) -> None:
    path = tmp_path / "timeline.csv"
    write_timeline_csv(timeline(row(at(1, 0), summary=summary, service="-svc")), path)
    cells = read_rows(path)[1]
    assert cells[5] == written
    assert cells[3] == "'-svc"


def test_raw_formulas_keeps_cells_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "timeline.csv"
    write_timeline_csv(timeline(row(at(1, 0), summary="=1+2", evidence="@x")), path, raw_formulas=True)
    cells = read_rows(path)[1]
    assert (cells[5], cells[6]) == ("=1+2", "@x")


def test_rejects_csv_columns_order_and_neutralization(tmp_path: Path) -> None:
    rejects = pl.DataFrame(
        {
            "text": ["=cmd|' /C calc'!A0", "garbage"],
            "reason": ["no timestamp", "not JSON"],
            "line": [7, 2],
            "file": ["app.log", "b.json"],
        }
    )
    path = tmp_path / "rejects.csv"
    write_rejects_csv(rejects, path)
    assert read_rows(path) == [
        ["file", "line", "reason", "text"],
        ["app.log", "7", "no timestamp", "'=cmd|' /C calc'!A0"],
        ["b.json", "2", "not JSON", "garbage"],
    ]


def test_rejects_csv_refuses_a_frame_without_its_columns(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"lacks column\(s\) \['reason'\]"):
        write_rejects_csv(pl.DataFrame({"file": ["a"], "line": [1], "text": ["x"]}), tmp_path / "r.csv")


def test_events_parquet_is_sorted_by_ts_and_keeps_ties_and_columns(tmp_path: Path) -> None:
    events = pl.DataFrame(
        {
            "ts": [at(12, 0, 2), at(12, 0, 1), at(12, 0, 2), at(11, 59)],
            "message": ["c", "b", "d", "a"],
            "extra": [3, 2, 4, 1],
        }
    )
    path = tmp_path / "events.parquet"
    write_events_parquet(events, path)
    back = pl.read_parquet(path)
    assert back["message"].to_list() == ["a", "b", "c", "d"]
    assert back.columns == ["ts", "message", "extra"]
    assert back.schema["ts"] == pl.Datetime("us", "UTC")


@pytest.mark.parametrize("null_first", [False, True])
def test_events_parquet_puts_events_without_time_last_whether_or_not_the_input_was_sorted(
    tmp_path: Path, null_first: bool
) -> None:
    times = [at(11, 59), at(12, 0), at(12, 0), None]
    messages = ["a", "b", "c", "no time"]
    if null_first:  # not in order: the write sorts
        times, messages = times[-1:] + times[:-1], messages[-1:] + messages[:-1]
    path = tmp_path / "events.parquet"
    write_events_parquet(pl.DataFrame({"ts": times, "message": messages}), path)
    assert pl.read_parquet(path)["message"].to_list() == ["a", "b", "c", "no time"]


def test_a_failed_write_keeps_the_previous_file_and_leaves_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "timeline.csv"
    target.write_text("previous run\n", encoding="utf-8")

    def write_half_then_fail(self: pl.DataFrame, path: Path) -> None:
        Path(path).write_text("start,end\n2022-", encoding="utf-8")
        raise KeyboardInterrupt  # Ctrl-C in the middle of writing

    monkeypatch.setattr(pl.DataFrame, "write_csv", write_half_then_fail)
    with pytest.raises(KeyboardInterrupt):
        write_timeline_csv(timeline(row(at(1, 0))), target)
    assert target.read_text(encoding="utf-8") == "previous run\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["timeline.csv"]


def test_a_failed_first_write_leaves_nothing(tmp_path: Path) -> None:
    def fail(path: Path) -> None:
        path.write_bytes(b"PAR1 half")
        raise OSError("No space left on device")

    with pytest.raises(OSError, match="No space left"):
        write_atomically(tmp_path / "events.parquet", fail)
    assert list(tmp_path.iterdir()) == []


def test_a_missing_output_directory_is_an_error_not_a_new_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        write_timeline_csv(timeline(row(at(1, 0))), tmp_path / "absent" / "timeline.csv")
    assert list(tmp_path.iterdir()) == []


def test_written_files_follow_the_umask_like_open_does(tmp_path: Path) -> None:
    previous = os.umask(0o027)
    try:
        write_timeline_csv(timeline(row(at(1, 0))), tmp_path / "timeline.csv")
    finally:
        os.umask(previous)
    assert (tmp_path / "timeline.csv").stat().st_mode & 0o777 == 0o640
