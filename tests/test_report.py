"""`timeliner report`: the Timeline section from a build folder or from inputs, as Markdown or HTML."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
from polars.testing import assert_frame_equal
from typer.testing import CliRunner

from timeliner.cli import app
from timeliner.render import to_markdown, write_timeline_csv
from timeliner.report import markdown_to_html, read_timeline_csv
from timeliner.schema import conform_timeline

runner = CliRunner()


def _timeline(summary: str = "cnt01 restarted 3 times in 1 min 25 s") -> pl.DataFrame:
    start = datetime(2026, 10, 13, 21, 4, 12, 345000, tzinfo=UTC)
    end = datetime(2026, 10, 13, 21, 5, 37, 120000, tzinfo=UTC)
    return conform_timeline(
        pl.DataFrame(
            {
                "start": [start],
                "end": [end],
                "kind": ["restart_storm"],
                "service": ["cnt01"],
                "count": [3],
                "summary": [summary],
                "evidence": ["a.json:3;a.json:9;a.json:20"],
                "severity": ["high"],
                "incident": [1],
            }
        )
    )


def _build_folder(tmp_path: Path, timeline: pl.DataFrame, report_tz: str = "Europe/Amsterdam") -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    write_timeline_csv(timeline, tmp_path / "timeline.csv")
    (tmp_path / "summary.json").write_text(json.dumps({"settings": {"report_tz": report_tz}}))
    return tmp_path


def test_timeline_csv_round_trips(tmp_path: Path) -> None:
    timeline = _timeline('=HYPERLINK("http://x") looks like a formula')
    write_timeline_csv(timeline, tmp_path / "timeline.csv")
    assert_frame_equal(read_timeline_csv(tmp_path / "timeline.csv"), timeline)


def test_report_from_build_folder_uses_the_builds_zone(tmp_path: Path) -> None:
    folder = _build_folder(tmp_path, _timeline())
    result = runner.invoke(app, ["report", str(folder)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == to_markdown(_timeline(), tz="Europe/Amsterdam")
    # 21:04:12 UTC is 23:04:12 in Amsterdam on 13 October (CEST, UTC+2).
    assert "23:04:12" in result.stdout and "All times Europe/Amsterdam" in result.stdout


def test_report_zone_option_wins_and_writes_a_file(tmp_path: Path) -> None:
    folder = _build_folder(tmp_path / "b", _timeline())
    out = tmp_path / "section.md"
    result = runner.invoke(app, ["report", str(folder), "--report-tz", "America/New_York", "--out", str(out)])
    assert result.exit_code == 0, result.stderr
    assert "17:04:12" in out.read_text()  # EDT, UTC-4


def test_html_keeps_hostile_text_inert(tmp_path: Path) -> None:
    hostile = "<script>alert(1)</script> <img src=x onerror=alert(2)> [click](javascript:alert(3))"
    page = markdown_to_html(to_markdown(_timeline(hostile), tz="UTC"))
    assert "<script>alert" not in page and "<img" not in page and "<a " not in page
    assert "&lt;script&gt;" in page
    assert page.startswith("<!DOCTYPE html>") and "<table>" in page


def test_report_of_a_missing_folder_is_one_error_line(tmp_path: Path) -> None:
    result = runner.invoke(app, ["report", str(tmp_path / "nothing")])
    assert result.exit_code == 1
    assert (
        result.stderr
        == f"Error: {tmp_path / 'nothing'}: no such file or directory; check the path (INPUT is a file or a folder)\n"
    )
