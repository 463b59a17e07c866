"""gantt(): traces per kind, lanes, bar positions, ranges, hover text, escaping; gantt.html self-contained."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import polars as pl
import pytest
from _timelines import row, timeline

from timeliner.errors import TimezoneError
from timeliner.render import gantt, write_gantt_html
from timeliner.render._gantt_data import html_text

AMS = "Europe/Amsterdam"


def utc(hour: int, minute: int, second: int = 0, micro: int = 0, *, day: int = 1, month: int = 3) -> datetime:
    return datetime(2022, month, day, hour, minute, second, micro, tzinfo=UTC)


def events(*rows: tuple[datetime, str, str, str]) -> pl.DataFrame:
    frame = pl.DataFrame(rows, schema=["ts", "service", "source", "level"], orient="row")
    return frame.with_columns(pl.col("ts").cast(pl.Datetime("us", "UTC")))


INCIDENT = timeline(
    row(utc(12, 14), utc(12, 16, 0, 400_000), kind="restart_storm", count=3,
        summary="3 restarts of api within 2 min", evidence="api.log:1;api.log:3;api.log:9", severity="high"),
    row(utc(12, 14)),
    row(utc(12, 15)),
    row(utc(12, 16, 0, 400_000)),
    row(utc(12, 15, 30), kind="crash", service="worker", summary="worker crashed", evidence="w.log:8"),
    row(utc(12, 20), utc(12, 23, 30), kind="gap", service=None, summary="No log line for 3 min 30 s",
        evidence=""),
    row(utc(12, 18), kind="annotation", service=None, summary="Customer reported missing orders",
        evidence="notes.csv:2"),
)  # fmt: skip
EVENTS = events(
    (utc(12, 14, 5), "api", "log4j", "info"),
    (utc(12, 14, 59), "api", "log4j", "error"),
    (utc(12, 14, 30), "worker", "cloudwatch-json", "info"),
    (utc(12, 16, 1), "worker", "cloudwatch-json", "info"),
    (utc(12, 16, 2), "quiet", "cloudwatch-json", "info"),
)


def traces_named(figure: go.Figure, name: str) -> list[Any]:
    return [trace for trace in figure.data if trace.name == name]


def test_one_trace_per_kind_bars_for_spans_markers_for_points() -> None:
    figure = gantt(INCIDENT, EVENTS, tz=AMS)
    kinds = [(t.name, t.type) for t in figure.data if t.legendgroup]
    assert kinds == [
        ("gap", "bar"),
        ("restart storm", "bar"),
        ("restart", "scatter"),
        ("crash", "scatter"),
        ("annotation", "scatter"),
    ]
    assert all(t.orientation == "h" for t in figure.data if t.type == "bar" and t.legendgroup)


def test_every_kind_has_exactly_one_legend_entry() -> None:
    # An error burst of zero length is drawn as a marker, the other as a bar: still one legend entry.
    rows = timeline(
        row(utc(12, 0), utc(12, 1), kind="error_burst", summary="5 errors"),
        row(utc(12, 5), kind="error_burst", summary="2 errors at once"),
    )
    figure = gantt(rows)
    bursts = traces_named(figure, "error burst")
    assert [(t.type, t.showlegend) for t in bursts] == [("bar", True), ("scatter", False)]
    assert {t.legendgroup for t in bursts} == {"error_burst"}


def test_lanes_synthetic_lanes_first_then_grouped_by_source_then_name() -> None:
    figure = gantt(INCIDENT, EVENTS, tz=AMS)
    assert list(figure.layout.yaxis.categoryarray) == [
        "<i>annotations</i>",
        "<i>all services</i>",
        "quiet",  # cloudwatch-json services first (sources sorted by name) ...
        "worker",
        "api",  # ... then log4j
    ]
    assert (
        figure.layout.yaxis.ticktext[2]
        == "quiet  <span style='color:#8a8f98;font-size:10px'>cloudwatch-json</span>"
    )
    assert tuple(figure.layout.yaxis.range) == (4.5, -0.5)  # first lane at the top


def test_bars_sit_at_report_zone_clock_with_their_length_in_ms() -> None:
    figure = gantt(INCIDENT, EVENTS, tz=AMS)
    (storm,) = traces_named(figure, "restart storm")
    # 12:14 UTC is 13:14 in Amsterdam in March (CET, UTC+01:00); the storm lasts 2 min 0.4 s.
    assert list(storm.base) == ["2022-03-01 13:14:00.000"]
    assert list(storm.x) == [120_400.0]
    assert list(storm.y) == ["api"]
    (restarts,) = traces_named(figure, "restart")
    assert list(restarts.x) == [
        "2022-03-01 13:14:00.000",
        "2022-03-01 13:15:00.000",
        "2022-03-01 13:16:00.400",
    ]
    assert figure.layout.xaxis.title.text == "Time (Europe/Amsterdam)"


def test_initial_range_is_the_rows_span_with_a_margin() -> None:
    figure = gantt(INCIDENT, EVENTS, tz=AMS)
    # Rows span 12:14:00 - 12:23:30 UTC (9 min 30 s); 5 % of that is 28.5 s, so the 30 s minimum applies.
    assert tuple(figure.layout.xaxis.range) == ("2022-03-01 13:13:30.000", "2022-03-01 13:24:00.000")
    assert figure.layout.xaxis.rangeslider.visible is True
    assert figure.layout.yaxis.fixedrange is True  # zoom is along time only


def test_hover_has_summary_exact_utc_and_report_zone_times_and_evidence() -> None:
    figure = gantt(INCIDENT, EVENTS, tz=AMS)
    (storm,) = traces_named(figure, "restart storm")
    assert storm.hovertext[0] == (
        "<b>restart storm</b> · api · 3 events<br>"
        "3 restarts of api within 2 min<br>"
        "UTC: 2022-03-01 12:14:00.000 → 12:16:00.400 (2 min)<br>"
        "Europe/Amsterdam: 2022-03-01 13:14:00.000 CET → 13:16:00.400 CET<br>"
        "Evidence: api.log:1; api.log:3; api.log:9"
    )
    (gap,) = traces_named(figure, "gap")
    assert gap.hovertext[0] == (
        "<b>gap</b><br>No log line for 3 min 30 s<br>"
        "UTC: 2022-03-01 12:20:00.000 → 12:23:30.000 (3 min 30 s)<br>"
        "Europe/Amsterdam: 2022-03-01 13:20:00.000 CET → 13:23:30.000 CET"
    )
    assert all(trace.hoverinfo == "text" for trace in figure.data)  # no template interpolates log text


def test_hover_shortens_evidence_and_wraps_long_summaries() -> None:
    words = " ".join(["word"] * 40)  # 199 characters
    rows = timeline(row(utc(9, 0), summary=words, evidence="a:1;a:2;a:3;a:4;a:5 +15 more"))
    (restarts,) = traces_named(gantt(rows), "restart")
    lines = restarts.hovertext[0].split("<br>")
    assert lines[-1] == "Evidence: a:1; a:2; a:3 +17 more"
    assert [len(line) for line in lines[1:4]] == [79, 79, 39]  # 16 + 16 + 8 words, broken at spaces


def test_events_per_minute_strip_and_log_coverage() -> None:
    figure = gantt(INCIDENT, EVENTS, tz=AMS)
    (per_minute,) = traces_named(figure, "events per minute")
    (errors,) = traces_named(figure, "errors per minute")
    assert list(per_minute.x) == ["2022-03-01 13:14:00.000", "2022-03-01 13:16:00.000"]
    assert list(per_minute.y) == [3, 2]
    assert list(errors.y) == [1, 0]
    assert per_minute.yaxis == "y2" and per_minute.showlegend is False
    assert per_minute.hovertext[0] == "2022-03-01 13:14 CET (minute) · events: 3 · errors: 1"
    assert figure.layout.yaxis2.title.text == "per min"
    (coverage,) = traces_named(figure, "logs present")
    spans = dict(zip(coverage.y, zip(coverage.base, coverage.x, strict=True), strict=True))
    assert spans["worker"] == ("2022-03-01 13:14:30.000", 91_000.0)
    assert spans["quiet"] == ("2022-03-01 13:16:02.000", 0.0)


def test_axis_falls_back_to_utc_when_the_report_zone_changes_offset_inside_the_span() -> None:
    rows = timeline(
        row(utc(0, 50, day=30, month=10), utc(1, 10, day=30, month=10), kind="downtime", summary="down"),
    )
    figure = gantt(rows, tz=AMS)
    assert (
        figure.layout.xaxis.title.text
        == "Time (UTC; Europe/Amsterdam changed its UTC offset inside this span)"
    )
    (downtime,) = traces_named(figure, "downtime")
    assert list(downtime.base) == ["2022-10-30 00:50:00.000"]
    assert list(downtime.x) == [1_200_000.0]  # 20 minutes, though the wall clock went 02:50 -> 02:10
    assert "Europe/Amsterdam: 2022-10-30 02:50:00.000 CEST → 02:10:00.000 CET" in downtime.hovertext[0]


def test_title_and_subtitle_state_the_incident_span() -> None:
    figure = gantt(INCIDENT, EVENTS, tz=AMS, title="INC-42: orders missing")
    assert figure.layout.title.text == "INC-42: orders missing"
    assert figure.layout.title.subtitle.text == (
        "2022-03-01 13:14:00 – 13:23:30 CET (9 min 30 s) · 7 timeline rows · 3 services"
    )


def test_annotations_draw_a_faint_line_through_the_lanes() -> None:
    figure = gantt(INCIDENT, EVENTS, tz=AMS)
    lines = [shape for shape in figure.layout.shapes if shape.type == "line" and shape.xref == "x"]
    assert [(line.x0, line.yref) for line in lines] == [("2022-03-01 13:18:00.000", "y domain")]


HOSTILE = [
    "<script>document.title='PWNED'</script>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">click</a>',
    "&lt;b&gt; $\\href{javascript:alert(1)}{x}$",
]


def strings_in(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings_in(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from strings_in(item)


def test_log_text_cannot_become_markup_anywhere_in_the_figure() -> None:
    rows = timeline(
        *(row(utc(9, minute), summary=text, service=text, evidence=text, kind=f"k{minute}<u>")
          for minute, text in enumerate(HOSTILE)),
    )  # fmt: skip
    hostile_events = events(*((utc(9, 0), text, text, "info") for text in HOSTILE))
    figure = gantt(rows, hostile_events, title="<img src=y onerror=alert(2)>")
    everything = list(strings_in(figure.to_plotly_json()))
    tags = {tag.lower() for text in everything for tag in re.findall(r"<\s*/?\s*([a-zA-Z]+)", text)}
    assert tags <= {"b", "br", "i", "span"}  # our own formatting only
    assert not any("href=" in text and "<a" in text for text in everything)
    assert not any("$" in text for text in everything)  # MathJax delimiters are entities too
    assert "&lt;script&gt;document.title=&#39;PWNED&#39;&lt;/script&gt;" in figure.layout.yaxis.categoryarray
    assert figure.layout.title.text == "&lt;img src=y onerror=alert(2)&gt;"


def test_html_text_escapes_what_plotly_would_interpret() -> None:
    text = pl.select(html_text(pl.lit("<a href=\"x\">'&amp;' $1\n\tnext</a>"))).item()
    assert text == "&lt;a href=&#34;x&#34;&gt;&#39;&amp;amp;&#39; &#36;1 next&lt;/a&gt;"


def test_empty_timeline_and_no_events_still_make_a_figure() -> None:
    figure = gantt(timeline(), None, tz=AMS)
    assert len(figure.data) == 0
    assert figure.layout.title.subtitle.text == "No timeline rows were detected"


def test_api_style_call_with_an_empty_events_frame() -> None:
    figure = gantt(INCIDENT, pl.DataFrame())
    assert not traces_named(figure, "events per minute")
    assert figure.layout.xaxis.title.text == "Time (UTC)"


def test_unknown_zone_is_a_clear_error() -> None:
    with pytest.raises(TimezoneError, match="unknown time zone 'Europe/Atlantis'"):
        gantt(INCIDENT, EVENTS, tz="Europe/Atlantis")


def test_gantt_html_is_one_self_contained_page(tmp_path: Path) -> None:
    rows = timeline(row(utc(9, 0), summary="</script><script>alert(1)</script>"))
    path = tmp_path / "gantt.html"
    write_gantt_html(gantt(rows, title="INC <42> & co"), path)
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>")
    assert "<title>INC &lt;42&gt; &amp; co</title>" in page
    assert re.search(r"<script[^>]*\bsrc=", page) is None  # nothing loaded from elsewhere
    assert re.search(r"<link\b", page) is None
    assert "plotly.js v" in page  # the library itself is inlined
    assert page.count("</script>") == page.count("<script")  # log text did not close a script early
    assert [p.name for p in tmp_path.iterdir()] == ["gantt.html"]


def test_an_empty_service_name_is_a_cross_service_row_not_a_blank_lane() -> None:
    figure = gantt(timeline(row(utc(9, 0), kind="gap", service="")), events((utc(9, 0), "", "log4j", "info")))
    assert list(figure.layout.yaxis.categoryarray) == ["<i>all services</i>"]


def test_with_many_services_those_without_timeline_rows_get_no_lane() -> None:
    quiet = events(*((utc(9, 0), f"quiet-{n:02d}", "syslog", "info") for n in range(35)))
    busy = events((utc(9, 0), "api", "log4j", "info"))
    figure = gantt(timeline(row(utc(9, 0))), pl.concat([quiet, busy]))
    assert list(figure.layout.yaxis.categoryarray) == ["api"]
    assert figure.layout.title.subtitle.text == (
        "2022-03-01 09:00:00 UTC · 1 timeline row · 1 service (and 35 without timeline rows, not shown)"
    )
    (coverage,) = traces_named(figure, "logs present")
    assert list(coverage.y) == ["api"]  # a coverage bar would otherwise add its lane back


def test_up_to_the_limit_quiet_services_keep_their_lane() -> None:
    quiet = events(*((utc(9, 0), f"quiet-{n:02d}", "syslog", "info") for n in range(29)))
    figure = gantt(timeline(row(utc(9, 0))), quiet)
    assert len(figure.layout.yaxis.categoryarray) == 30


def test_over_days_the_strip_counts_per_quarter_hour_so_bars_stay_visible() -> None:
    # 3 days = 4,320 minutes or 864 five-minute bins: more than 600 bars, so 15-minute bins (288).
    spread = events(
        (utc(0, 7, day=1), "api", "log4j", "info"),
        (utc(0, 14, day=1), "api", "log4j", "error"),
        (utc(0, 16, day=1), "api", "log4j", "info"),
        (utc(0, 0, day=4), "api", "log4j", "info"),
    )
    figure = gantt(timeline(row(utc(0, 7, day=1))), spread, tz="Asia/Kathmandu")  # UTC+05:45
    (per_bin,) = traces_named(figure, "events per 15 minutes")
    # 00:07 UTC is 05:52 in Kathmandu: its quarter hour starts at 05:45 on the local clock.
    assert list(per_bin.x) == [
        "2022-03-01 05:45:00.000",
        "2022-03-01 06:00:00.000",
        "2022-03-04 05:45:00.000",
    ]
    assert list(per_bin.y) == [2, 1, 1]
    assert per_bin.width == 900_000
    assert figure.layout.yaxis2.title.text == "per 15 min"


def test_longer_spans_are_drawn_first_and_wider_so_shorter_ones_stay_visible() -> None:
    rows = timeline(
        row(utc(12, 0), utc(12, 0, 30), kind="downtime", summary="down 30 s"),
        row(utc(11, 50), utc(12, 10), kind="error_burst", summary="errors for 20 min"),
        row(utc(11, 59), utc(12, 1), kind="restart_storm", summary="storm of 2 min"),
    )
    bars = [(trace.name, trace.width) for trace in gantt(rows).data if trace.type == "bar"]
    assert bars == [("error burst", 0.72), ("restart storm", 0.58), ("downtime", 0.44)]
