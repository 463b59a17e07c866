"""`timeliner build` on sample_logs/ finds the incident written down in sample_logs/README.md.

The expected values below are the README's ground truth (UTC, checked by hand against the
files when the sample was written), not output copied from timeliner.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from timeliner.cli import app

F = "cnt01-runtime.filter-log-events.json"
G = "cnt01-runtime.b89c4daed3dda3b40dababd99825e870.get-log-events.json"
S = "cnt01-runtime.events.json"
P = "order-portal.log"


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sample-out")
    sample = Path(__file__).resolve().parents[1] / "sample_logs"
    result = CliRunner().invoke(app, ["build", str(sample), "--out", str(out)])
    assert result.exit_code == 0, result.stderr
    return out


def _rows(out: Path) -> list[dict[str, str]]:
    return list(csv.DictReader((out / "timeline.csv").open(encoding="utf-8", newline="")))


def _refs(row: dict[str, str]) -> set[str]:
    """Evidence as "file-name:line" (paths are absolute in this test)."""
    return {
        Path(ref.rsplit(":", 1)[0]).name + ":" + ref.rsplit(":", 1)[1]
        for ref in row["evidence"].split(";")
        if ":" in ref
    }


def test_the_restart_storm(build: Path) -> None:
    (storm,) = [r for r in _rows(build) if r["kind"] == "restart_storm"]
    assert storm["service"] == "cnt01/runtime"
    assert (storm["start"], storm["end"], storm["count"]) == (
        "2026-10-13T21:02:31.274Z",
        "2026-10-13T21:04:01.021Z",
        "3",
    )
    assert {f"{F}:322", f"{F}:358", f"{F}:373"} <= _refs(storm)


def test_each_boot_is_one_restart_and_the_lone_one_is_not_a_storm(build: Path) -> None:
    restarts = [(r["service"], r["start"]) for r in _rows(build) if r["kind"] == "restart"]
    assert restarts == [
        ("cnt01/runtime", "2026-10-13T21:02:31.274Z"),
        ("cnt01/runtime", "2026-10-13T21:03:24.350Z"),
        ("cnt01/runtime", "2026-10-13T21:03:52.628Z"),
        ("cnt01/runtime", "2026-10-13T21:14:07.237Z"),
        # order-portal logs Amsterdam local time without offset: 02:00:07.514 CEST = 00:00:07.514Z.
        ("order-portal", "2026-10-14T00:00:07.514Z"),
    ]


def test_the_interruptions_with_evidence(build: Path) -> None:
    rows = [r for r in _rows(build) if r["kind"] == "interruption"]
    refs = set().union(*(_refs(r) for r in rows))
    assert {f"{F}:317", f"{F}:318", f"{F}:354", f"{F}:558", f"{S}:74", f"{S}:72", f"{S}:33"} <= refs
    starts = {r["start"] for r in rows}
    assert {"2026-10-13T21:02:12.436Z", "2026-10-13T21:03:18.157Z", "2026-10-13T21:13:55.048Z"} <= starts


def test_crash_and_deploys(build: Path) -> None:
    rows = _rows(build)
    crashes = [r for r in rows if r["kind"] == "crash" and f"{F}:371" in _refs(r)]
    assert [r["start"] for r in crashes] == ["2026-10-13T21:03:28.367Z"]
    deploys = [(r["start"], _refs(r)) for r in rows if r["kind"] == "deploy"]
    assert deploys == [("2026-10-13T21:02:10.230Z", {f"{F}:312"}), ("2026-10-13T21:13:41.129Z", {f"{F}:548"})]


def test_the_sentry_error_burst_covers_the_65_failed_deliveries(build: Path) -> None:
    (burst,) = [r for r in _rows(build) if r["kind"] == "error_burst" and r["service"] == "cnt01-runtime"]
    assert burst["start"] <= "2026-10-13T21:04:21.325Z" and burst["end"] == "2026-10-13T21:18:41.046Z"
    assert int(burst["count"]) >= 65


def test_overlapping_exports_are_not_counted_twice(build: Path) -> None:
    summary = json.loads((build / "summary.json").read_text())
    assert summary["reconciled"]["duplicate_events_dropped"] == 356  # G repeats 356 records of F
    assert summary["totals"]["accounted"] is True
    assert summary["totals"]["rejected"] == 0


def test_the_report_section_is_in_the_case_zone(build: Path) -> None:
    text = (build / "timeline.md").read_text()
    assert "All times Europe/Amsterdam (CEST, UTC+02:00)" in text
    assert (
        "| 23:02:31 – 23:04:01 (1 min 30 s) | cnt01/runtime | cnt01/runtime restarted 3 times in 1 min 30 s."
        in text
    )
