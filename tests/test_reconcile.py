"""Reconciling sources: aliases, service names by instance, duplicates across overlapping exports."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import polars as pl

from timeliner.reconcile import reconcile
from timeliner.schema import conform_events

T0 = datetime(2026, 10, 13, 21, 0, tzinfo=UTC)


def _events(rows: list[dict[str, object]]) -> pl.DataFrame:
    base = {"ts_raw": "x", "source": "cloudwatch-json", "level": None, "kind": None}
    return conform_events(pl.DataFrame([{**base, **row} for row in rows]))


def _row(file: str, line: int, service: str, second: int, message: str, **extra: object) -> dict[str, object]:
    ts = T0 + timedelta(seconds=second)
    return {
        "file": file,
        "line": line,
        "service": service,
        "ts": ts,
        "message": message,
        "received_ts": ts + timedelta(milliseconds=400),
        **extra,
    }


GROUP = "exports/cnt01-runtime.filter-log-events.json"
STREAM = "exports/cnt01-runtime.b89c.get-log-events.json"


def test_overlapping_exports_keep_one_copy_from_the_broader_export() -> None:
    events = _events(
        [
            _row(GROUP, 1, "cnt01/runtime", 0, "Starting A", instance="b89c"),
            _row(GROUP, 2, "cnt01/runtime", 5, "Started A", instance="b89c"),
            _row(GROUP, 3, "cnt01/runtime", 9, "other stream line", instance="aaaa"),
            _row(GROUP, 4, "cnt01/runtime", 12, "another stream line", instance="aaaa"),
            # get-log-events has no stream name: service from the file name, instance from it too.
            _row(STREAM, 1, "cnt01-runtime", 0, "Starting A", instance="b89c"),
            _row(STREAM, 2, "cnt01-runtime", 5, "Started A", instance="b89c"),
            _row(STREAM, 3, "cnt01-runtime", 60, "only in the stream export", instance="b89c"),
        ]
    )
    out, report = reconcile(events)
    kept = set(zip(out["file"], out["line"], strict=True))
    assert kept == {(GROUP, 1), (GROUP, 2), (GROUP, 3), (GROUP, 4), (STREAM, 3)}
    assert out["service"].unique().to_list() == ["cnt01/runtime"]
    assert report.duplicates_by_file == {STREAM: 2}
    assert report.renamed_by_instance == {"cnt01-runtime → cnt01/runtime": 3}


def test_same_text_at_same_instant_without_a_second_clock_is_not_a_duplicate() -> None:
    # Two app lines can legitimately repeat ("retrying") in the same millisecond.
    rows = [_row("a.log", i, "svc", 0, "retrying") | {"received_ts": None} for i in (1, 2)]
    out, report = reconcile(_events(rows))
    assert out.height == 2 and report.duplicates_by_file == {}


def test_different_ingestion_times_are_different_events() -> None:
    rows = [_row(GROUP, 1, "svc", 0, "tick"), _row(STREAM, 1, "svc", 0, "tick") | {"received_ts": T0}]
    out, _report = reconcile(_events(rows))
    assert out.height == 2


def test_aliases_rename_services() -> None:
    rows = [_row(GROUP, 1, "cnt01/runtime", 0, "a"), _row("s.json", 1, "cnt01-runtime", 1, "b")]
    out, report = reconcile(_events(rows), (("cnt01/runtime", "cnt01-runtime"),))
    assert out["service"].to_list() == ["cnt01-runtime", "cnt01-runtime"]
    assert report.aliased == 1
