"""timeline.md: hand-written expected sections (zones, day grouping, DST), and hostile text kept inert."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest
from _timelines import row as timeline_row
from _timelines import timeline

from timeliner.errors import TimezoneError
from timeliner.render import to_markdown, write_timeline_markdown

HEADER = "| Time | Service | What happened |\n| --- | --- | --- |"


def utc(year: int, month: int, day: int, hour: int, minute: int, second: int = 0, micro: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, micro, tzinfo=UTC)


def row(start: datetime, end: datetime | None = None, **values: object) -> dict[str, object]:
    # This file's rows default to a restart of "app", line 1.
    return timeline_row(
        start, end, **({"service": "app", "summary": "app restarted", "evidence": "app.log:1"} | values)
    )


def test_utc_single_day_rows_sorted_with_durations_and_short_evidence() -> None:
    rows = timeline(
        row(utc(2022, 3, 1, 12, 20), utc(2022, 3, 1, 12, 23, 30), kind="gap", service=None,
            summary="No log line from any source for 3 min 30 s", evidence=""),
        row(utc(2022, 3, 1, 12, 14, 50, 700_000), summary="api restarted", service="api", evidence="api.log:3"),
        row(utc(2022, 3, 1, 12, 14), utc(2022, 3, 1, 12, 16, 0, 400_000), kind="restart_storm", service="api",
            summary="3 restarts of api within 2 min", evidence="api.log:1;api.log:3;api.log:9"),
    )  # fmt: skip
    assert to_markdown(rows) == (
        "## Timeline\n\n"
        "All times UTC.\n\n"
        "**Tuesday 2022-03-01**\n\n"
        f"{HEADER}\n"
        "| 12:14:00 – 12:16:00 (2 min) | api | 3 restarts of api within 2 min (evidence: api.log:1 +2 more) |\n"
        "| 12:14:50 | api | api restarted (evidence: api.log:3) |\n"
        "| 12:20:00 – 12:23:30 (3 min 30 s) | — | No log line from any source for 3 min 30 s |\n"
    )


def test_report_zone_named_once_rows_grouped_by_local_date_and_span_over_midnight() -> None:
    rows = timeline(
        row(utc(2022, 6, 30, 21, 58), kind="crash", service="db", summary="db crashed", evidence="db.log:40"),
        row(utc(2022, 6, 30, 21, 59), utc(2022, 6, 30, 22, 3, 10), kind="downtime", service="db",
            summary="db down for 4 min 10 s", evidence="db.log:41;db.log:77"),
        row(utc(2022, 7, 1, 6, 0), kind="annotation", service=None, summary="Patch deployed",
            evidence="notes.csv:2"),
    )  # fmt: skip
    assert to_markdown(rows, "Europe/Amsterdam") == (
        "## Timeline\n\n"
        "All times Europe/Amsterdam (CEST, UTC+02:00).\n\n"
        "**Thursday 2022-06-30**\n\n"
        f"{HEADER}\n"
        "| 23:58:00 | db | db crashed (evidence: db.log:40) |\n"
        "| 23:59:00 – 2022-07-01 00:03:10 (4 min 10 s) | db | db down for 4 min 10 s (evidence: db.log:41 +1 more) |\n"
        "\n"
        "**Friday 2022-07-01**\n\n"
        f"{HEADER}\n"
        "| 08:00:00 | — | Patch deployed (evidence: notes.csv:2) |\n"
    )


def test_a_zone_west_of_utc_and_a_title() -> None:
    rows = timeline(
        row(utc(2023, 1, 15, 3, 30, 9), service="web", summary="web restarted", evidence="web.log:12")
    )
    assert to_markdown(rows, "America/New_York", title="Timeline of INC-42") == (
        "## Timeline of INC-42\n\n"
        "All times America/New_York (EST, UTC-05:00).\n\n"
        "**Saturday 2023-01-14**\n\n"
        f"{HEADER}\n"
        "| 22:30:09 | web | web restarted (evidence: web.log:12) |\n"
    )


def test_autumn_clock_change_marks_every_time_with_its_zone() -> None:
    # 02:30 happens twice in Amsterdam on 2022-10-30: once in CEST (00:30 UTC), once in CET (01:30 UTC).
    rows = timeline(
        row(utc(2022, 10, 30, 0, 30), summary="first 02:30", evidence="app.log:1"),
        row(utc(2022, 10, 30, 0, 50), utc(2022, 10, 30, 1, 10), kind="downtime", summary="down",
            evidence="app.log:2"),
        row(utc(2022, 10, 30, 1, 30), summary="second 02:30", evidence="app.log:3"),
    )  # fmt: skip
    assert to_markdown(rows, "Europe/Amsterdam") == (
        "## Timeline\n\n"
        "All times Europe/Amsterdam, each marked with its zone: CEST (UTC+02:00) until "
        "2022-10-30 03:00:00 CEST, when clocks went back to 02:00:00 CET (UTC+01:00).\n\n"
        "**Sunday 2022-10-30**\n\n"
        f"{HEADER}\n"
        "| 02:30:00 CEST | app | first 02:30 (evidence: app.log:1) |\n"
        "| 02:50:00 CEST – 02:10:00 CET (20 min) | app | down (evidence: app.log:2) |\n"
        "| 02:30:00 CET | app | second 02:30 (evidence: app.log:3) |\n"
    )


def test_two_clock_changes_seen_between_rows_close_together_are_both_described() -> None:
    # A row every 15 days from 2022-03-01 to 2022-11-12: no stretch long enough to hide a change.
    starts = pl.datetime_range(utc(2022, 3, 1, 12, 0), utc(2022, 11, 12, 12, 0), "15d", eager=True)
    rows = timeline(*(row(start, summary="tick", evidence="") for start in starts))
    text = to_markdown(rows, "Europe/Amsterdam")
    assert text.splitlines()[2] == (
        "All times Europe/Amsterdam, each marked with its zone: "
        "CET (UTC+01:00) until 2022-03-27 02:00:00 CET, when clocks went forward to 03:00:00 CEST (UTC+02:00); "
        "then CEST (UTC+02:00) until 2022-10-30 03:00:00 CEST, when clocks went back to 02:00:00 CET (UTC+01:00)."
    )
    assert "| 13:00:00 CET | app | tick |" in text  # 2022-03-01 12:00 UTC
    assert "| 14:00:00 CEST | app | tick |" in text  # 2022-03-31 12:00 UTC


def test_over_months_with_long_quiet_stretches_the_zone_line_names_the_zones_only() -> None:
    # Between March and November the clocks changed twice; with no row in between, list neither.
    rows = timeline(
        row(utc(2022, 3, 27, 0, 59), utc(2022, 3, 27, 1, 1), kind="downtime", summary="down", evidence="a:1"),
        row(utc(2022, 11, 2, 12, 0), summary="later", evidence="a:2"),
    )
    text = to_markdown(rows, "Europe/Amsterdam")
    assert text.splitlines()[2] == (
        "All times Europe/Amsterdam, each marked with its zone: CET (UTC+01:00) or CEST (UTC+02:00)."
    )
    assert "| 01:59:00 CET – 03:01:00 CEST (2 min) | app | down (evidence: a:1) |" in text
    assert "**Wednesday 2022-11-02**" in text
    assert "| 13:00:00 CET | app | later (evidence: a:2) |" in text


def test_short_spans_and_long_durations_in_words() -> None:
    rows = timeline(
        row(utc(2022, 1, 3, 10, 0, 0), utc(2022, 1, 3, 10, 0, 0, 412_000), summary="a", evidence=""),
        row(utc(2022, 1, 3, 10, 5, 0), utc(2022, 1, 3, 10, 5, 27, 700_000), summary="b", evidence=""),
        row(utc(2022, 1, 3, 10, 10, 0), utc(2022, 1, 3, 10, 10, 22, 20_000), summary="c", evidence=""),
        row(utc(2022, 1, 3, 10, 20, 0), utc(2022, 1, 3, 10, 20, 59, 960_000), summary="d", evidence=""),
        row(utc(2022, 1, 3, 11, 0, 0), utc(2022, 1, 4, 13, 0, 5), summary="e", evidence=""),
    )
    assert to_markdown(rows).splitlines()[-5:] == [
        "| 10:00:00 (412 ms) | app | a |",  # within one displayed second: no "10:00:00 – 10:00:00"
        "| 10:05:00 – 10:05:27 (27.7 s) | app | b |",
        "| 10:10:00 – 10:10:22 (22 s) | app | c |",
        "| 10:20:00 – 10:20:59 (1 min) | app | d |",  # 59.96 s is a minute once rounded
        "| 11:00:00 – 2022-01-04 13:00:05 (1 d 2 h 5 s) | app | e |",
    ]


HOSTILE = (
    "a|b [click](https://evil.example) ![pic](https://evil.example/p.png) <img src=x onerror=alert(1)> "
    "<script>alert(1)</script> `code` *strong* _em_ ~~del~~ $x$ &amp; \\| end\nsecond line\r\n| --- |"
)


def test_hostile_text_is_escaped_character_by_character() -> None:
    rows = timeline(
        row(utc(2022, 3, 1, 9, 0), service="svc|<b>x</b>", summary=HOSTILE, evidence="l[1].log:7")
    )
    table_line = to_markdown(rows).splitlines()[-1]
    assert table_line == (
        "| 09:00:00 | svc\\|\\<b\\>x\\</b\\> | "
        "a\\|b \\[click\\](https://evil.example) !\\[pic\\](https://evil.example/p.png) "
        "\\<img src=x onerror=alert(1)\\> \\<script\\>alert(1)\\</script\\> \\`code\\` \\*strong\\* \\_em\\_ "
        "\\~\\~del\\~\\~ \\$x\\$ \\&amp; \\\\\\| end second line \\| --- \\| "
        "(evidence: l\\[1\\].log:7) |"
    )


def test_a_leading_hash_cannot_make_a_heading_and_the_title_is_escaped() -> None:
    rows = timeline(row(utc(2022, 3, 1, 9, 0), summary="# Root cause: none", evidence=""))
    text = to_markdown(rows, title="Timeline *draft*")
    assert text.startswith("## Timeline \\*draft\\*\n")
    assert text.splitlines()[-1] == "| 09:00:00 | app | \\# Root cause: none |"


def test_hostile_text_renders_as_one_plain_table_row() -> None:
    markdown_it = pytest.importorskip("markdown_it", reason="markdown-it-py renders the Markdown to check it")
    rows = timeline(
        row(utc(2022, 3, 1, 9, 0), summary=HOSTILE, service="<b>svc</b>"),
        row(utc(2022, 3, 1, 9, 1), summary="# heading? no", evidence="x.log:1"),
    )
    html = markdown_it.MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(to_markdown(rows))
    body_rows = re.findall(r"<tr>(.*?)</tr>", html, flags=re.S)[1:]
    assert [len(re.findall(r"<td>", cells)) for cells in body_rows] == [3, 3]
    tags = set(re.findall(r"<([a-z0-9]+)", html))
    assert tags == {"h2", "p", "strong", "table", "thead", "tbody", "tr", "th", "td"}  # strong: the date line
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "[click](https://evil.example)" in html


def test_very_long_summaries_are_cut_with_an_ellipsis() -> None:
    rows = timeline(row(utc(2022, 3, 1, 9, 0), summary="x" * 1000, evidence=""))
    assert to_markdown(rows).splitlines()[-1] == "| 09:00:00 | app | " + "x" * 400 + "… |"


def test_no_rows() -> None:
    assert to_markdown(timeline(), "Europe/Amsterdam") == (
        "## Timeline\n\nAll times Europe/Amsterdam.\n\nNo timeline rows were detected.\n"
    )


def test_unknown_zone_is_a_clear_error() -> None:
    with pytest.raises(TimezoneError, match=r"unknown time zone 'Mars/Olympus'; use an IANA zone name"):
        to_markdown(timeline(), "Mars/Olympus")


def test_the_machine_zone_does_not_change_the_text(monkeypatch: pytest.MonkeyPatch) -> None:
    rows = timeline(row(utc(2022, 3, 1, 23, 30), utc(2022, 3, 2, 0, 30), kind="downtime", evidence="a:1"))
    expected = to_markdown(rows, "Asia/Kathmandu")
    monkeypatch.setenv("TZ", "America/Los_Angeles")
    time.tzset()
    try:
        assert to_markdown(rows, "Asia/Kathmandu") == expected
    finally:
        monkeypatch.undo()
        time.tzset()
    assert "All times Asia/Kathmandu (UTC+05:45)." in expected  # tzdata has no abbreviation for it
    assert "| 05:15:00 – 06:15:00 (1 h) |" in expected


def test_write_timeline_markdown_writes_the_same_text(tmp_path: Path) -> None:
    rows = timeline(row(utc(2022, 3, 1, 9, 0)))
    path = tmp_path / "timeline.md"
    write_timeline_markdown(rows, path, tz="Europe/Amsterdam")
    assert path.read_text(encoding="utf-8") == to_markdown(rows, "Europe/Amsterdam")
