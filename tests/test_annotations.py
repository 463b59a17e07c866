"""Human milestones: CSV and TOML, zones, DST refusals, rows."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from timeliner.annotations import AnnotationError, annotation_rows, read_annotations


def test_csv_with_zone_offset_and_default_utc(tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    path.write_text(
        "time,zone,text,service\n"
        "2026-10-14 08:15,Europe/Amsterdam,Customer reported missing orders,order-portal\n"
        "2026-10-14T07:30:00Z,,Incident declared,\n"
        "2026-10-14 09:00:30.250,,Patch deployed,\n"
    )
    notes = read_annotations(path)
    # 08:15 CEST (UTC+2) = 06:15 UTC.
    assert [n.ts for n in notes] == [
        datetime(2026, 10, 14, 6, 15, tzinfo=UTC),
        datetime(2026, 10, 14, 7, 30, tzinfo=UTC),
        datetime(2026, 10, 14, 9, 0, 30, 250000, tzinfo=UTC),
    ]
    assert [n.where for n in notes] == [f"{path}:2", f"{path}:3", f"{path}:4"]
    assert notes[0].service == "order-portal" and notes[1].service is None


def test_toml(tmp_path: Path) -> None:
    path = tmp_path / "notes.toml"
    path.write_text(
        '[[annotation]]\ntime = "2026-01-15 10:00"\nzone = "America/New_York"\ntext = "Users notified"\n'
    )
    (note,) = read_annotations(path)
    assert note.ts == datetime(2026, 1, 15, 15, 0, tzinfo=UTC)  # EST = UTC-5
    assert note.text == "Users notified"


def test_fall_back_hour_is_refused_with_both_offsets(tmp_path: Path) -> None:
    path = tmp_path / "n.csv"
    path.write_text("time,zone,text\n2026-10-25 02:30,Europe/Amsterdam,Rollback\n")
    with pytest.raises(AnnotationError) as info:
        read_annotations(path)
    assert str(info.value) == (
        f"{path}:2: 2026-10-25 02:30 happened twice or never in Europe/Amsterdam (DST change); "
        "write it with an offset (+01:00 or +02:00)"
    )


def test_spring_forward_gap_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "n.csv"
    path.write_text("time,zone,text\n2026-03-29 02:30,Europe/Amsterdam,Rollback\n")
    with pytest.raises(AnnotationError, match="2026-03-29 02:30 happened twice or never in Europe/Amsterdam"):
        read_annotations(path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("when,what\nx,y\n", "the header must name at least the columns time and text"),
        ("time,text\nyesterday,Called vendor\n", "time 'yesterday' is not ISO 8601"),
        ("time,text\n2026-10-14 08:15,\n", "an annotation needs both time and text"),
        ("time,zone,text\n2026-10-14 08:15,Mars/Base,x\n", "unknown time zone 'Mars/Base'"),
    ],
)
def test_bad_entries_name_file_and_line(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "n.csv"
    path.write_text(content)
    with pytest.raises(AnnotationError, match=message):
        read_annotations(path)


def test_rows_are_points_sorted_with_evidence(tmp_path: Path) -> None:
    path = tmp_path / "n.csv"
    path.write_text("time,text\n2026-10-14T09:00:00Z,B\n2026-10-14T08:00:00Z,A\n")
    rows = annotation_rows(read_annotations(path))
    assert rows["summary"].to_list() == ["A", "B"]
    assert (rows["start"] == rows["end"]).all()
    assert rows["kind"].unique().to_list() == ["annotation"]
    assert rows["evidence"].to_list() == [f"{path}:3", f"{path}:2"]
