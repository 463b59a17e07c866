"""The interactive Gantt chart (``gantt.html``): what happened to which service, and what overlapped.

One lane per service, grouped by log format; annotations and cross-service rows (gaps across all
logs) get lanes of their own at the top. Spans (downtime, restart storms, gaps, error bursts) are
bars, points (restarts, crashes, interruptions, deploys, annotations) are markers; each kind has
one colour, one marker symbol and one legend entry. A thin grey line in each lane shows from when
to when that service logged at all, and a strip under the lanes counts events (and errors) per
minute. Hovering shows the summary, the exact UTC and report-zone times and the evidence. The x
axis shows the report zone, unless it changed its UTC offset inside the span (DST): then the axis
is UTC and says so, because a wall-clock axis would fold or tear at the change.

This is the only module that imports plotly. All log text in the figure is escaped first (see
:mod:`._gantt_data`); :func:`write_gantt_html` writes one self-contained page (plotly.js inlined,
no MathJax, no network).
"""

from __future__ import annotations

import html
import os
import re
from dataclasses import dataclass

import plotly.graph_objects as go
import polars as pl

from timeliner.render import _gantt_data as data
from timeliner.render import _gantt_layout as layout
from timeliner.render._files import write_text_atomically
from timeliner.render._time_text import check_zone
from timeliner.schema import conform_timeline


@dataclass(frozen=True)
class KindStyle:
    colour: str
    symbol: str  # marker symbol for point rows of this kind


# Colour and marker per kind; the legend lists kinds in this order.
KIND_STYLES: dict[str, KindStyle] = {
    "gap": KindStyle("#9aa0a6", "line-ns-open"),
    "downtime": KindStyle("#c62828", "square"),
    "error_burst": KindStyle("#8e44ad", "square"),
    "restart_storm": KindStyle("#ef6c00", "square"),
    "restart": KindStyle("#1e6fd9", "circle"),
    "crash": KindStyle("#111111", "x"),
    "interruption": KindStyle("#d4a106", "diamond"),
    "deploy": KindStyle("#2e9d4f", "triangle-up"),
    "annotation": KindStyle("#37474f", "star"),
}
OTHER_COLOURS = ("#00897b", "#6d4c41", "#c2185b", "#5c6bc0", "#7cb342")
BAR_WIDTH, BAR_WIDTH_STEP, MIN_BAR_WIDTH = 0.72, 0.14, 0.3  # in lanes: nested bars, widest underneath
PAGE_CONFIG = {"displaylogo": False, "scrollZoom": True, "responsive": True}


def gantt(
    timeline: pl.DataFrame, events: pl.DataFrame | None = None, *, tz: str = "UTC", title: str | None = None
) -> go.Figure:
    """Build the Gantt chart of ``timeline`` (rows as in TIMELINE_SCHEMA) over ``events``.

    ``tz`` is the report zone (axis and hover times); ``title`` defaults to "Incident timeline".

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> t = datetime(2022, 3, 1, 19, 4, 12, tzinfo=timezone.utc)
    >>> rows = pl.DataFrame({"start": [t], "end": [t], "kind": ["crash"], "service": ["api"],
    ...                      "summary": ["api crashed"], "evidence": ["api.log:7"]})
    >>> [trace.name for trace in gantt(rows).data]
    ['crash']
    """
    check_zone(tz)
    rows = conform_timeline(timeline).with_columns(
        pl.col("end").fill_null(pl.col("start")),
        pl.col("service").replace("", None),  # an empty service is a cross-service row, not a blank lane
    )
    seen = data.events_view(events)
    instants = pl.concat([rows["start"], rows["end"], seen["ts"]])
    axis_tz = tz if data.single_offset(instants, tz) else "UTC"
    lanes, quiet_left_out = data.lanes(rows, seen)
    figure = go.Figure()
    coverage = data.log_coverage(seen, axis_tz=axis_tz).filter(pl.col("lane").is_in(lanes["lane"].implode()))
    _add_coverage(figure, coverage)
    _add_marks(figure, data.timeline_marks(rows, tz=tz, axis_tz=axis_tz))
    every = data.rate_bin(seen)
    if not seen.is_empty():
        _add_rate_strip(figure, data.event_rate(seen, axis_tz=axis_tz, every=every), every)
    figure.update_layout(
        layout.base_layout(
            lanes, strip=None if seen.is_empty() else every.short, axis_title=layout.axis_title(tz, axis_tz)
        ),
        title=layout.title_and_subtitle(rows, lanes, tz, title, quiet_left_out=quiet_left_out),
        shapes=layout.lane_bands(lanes)
        + layout.annotation_lines(rows, axis_tz, colour=KIND_STYLES["annotation"].colour),
    )
    figure.update_xaxes(range=layout.initial_range(rows, seen, axis_tz))
    return figure


def write_gantt_html(fig: go.Figure, path: str | os.PathLike[str]) -> None:
    """Write ``fig`` as one self-contained HTML page (plotly.js inlined; opens offline), atomically."""
    page = fig.to_html(include_plotlyjs=True, full_html=True, include_mathjax=False, config=PAGE_CONFIG)
    write_text_atomically(path, page.replace("<head>", f"<head>\n<title>{_page_title(fig)}</title>", 1))


def _page_title(fig: go.Figure) -> str:
    # The figure title is already entity-escaped; strip any tag, decode, and escape once for HTML.
    text = fig.layout.title.text or "Incident timeline"
    return html.escape(html.unescape(re.sub(r"<[^>]*>", "", text)))


def _style(kind: str, kinds: list[str]) -> KindStyle:
    unknown = [k for k in kinds if k not in KIND_STYLES]
    fallback = OTHER_COLOURS[unknown.index(kind) % len(OTHER_COLOURS)] if kind in unknown else "#607d8b"
    return KIND_STYLES.get(kind, KindStyle(fallback, "circle-open"))


def _kinds_in_order(marks: pl.DataFrame) -> list[str]:
    present = marks["kind"].unique().to_list()
    return [k for k in KIND_STYLES if k in present] + sorted(k for k in present if k not in KIND_STYLES)


def _add_marks(figure: go.Figure, marks: pl.DataFrame) -> None:
    """Bar traces (spans), then marker traces (points), one legend entry per kind.

    Kinds whose spans run longest are drawn first and widest, so that shorter spans on the same
    lane (a storm inside an error burst) sit on top of them, nested, instead of hidden beneath.
    """
    kinds = _kinds_in_order(marks)
    longest_first = (
        marks.filter(pl.col("is_span"))
        .group_by("kind")
        .agg(pl.col("duration_ms").max())
        .sort(["duration_ms", "kind"], descending=[True, False])["kind"]
        .to_list()
    )
    for depth, kind in enumerate(longest_first):
        spans = marks.filter(pl.col("kind") == kind, pl.col("is_span"))
        width = round(max(BAR_WIDTH - BAR_WIDTH_STEP * depth, MIN_BAR_WIDTH), 2)
        figure.add_trace(_bars(spans, _style(kind, kinds), width, showlegend=True, **_legend(kind, kinds)))
    for kind in kinds:
        points = marks.filter(pl.col("kind") == kind, ~pl.col("is_span"))
        if not points.is_empty():
            shown = kind not in longest_first  # a kind with bars has its legend entry already
            figure.add_trace(_markers(points, _style(kind, kinds), showlegend=shown, **_legend(kind, kinds)))


def _legend(kind: str, kinds: list[str]) -> dict[str, object]:
    label = data.escaped(kind.replace("_", " "))
    return {"legendgroup": data.escaped(kind), "name": label, "legendrank": 100 + kinds.index(kind)}


def _bars(spans: pl.DataFrame, style: KindStyle, width: float, **trace: object) -> go.Bar:
    return go.Bar(
        orientation="h",
        base=spans["x"].to_list(),
        x=spans["duration_ms"].to_list(),
        y=spans["lane"].to_list(),
        width=width,
        marker={"color": style.colour, "opacity": 0.8, "line": {"color": style.colour, "width": 1}},
        hovertext=spans["hover"].to_list(),
        hoverinfo="text",
        **trace,
    )


def _markers(points: pl.DataFrame, style: KindStyle, **trace: object) -> go.Scatter:
    return go.Scatter(
        mode="markers",
        x=points["x"].to_list(),
        y=points["lane"].to_list(),
        marker={
            "color": style.colour,
            "symbol": style.symbol,
            "size": 12,
            "line": {"color": "white" if "open" not in style.symbol else style.colour, "width": 1.2},
        },
        hovertext=points["hover"].to_list(),
        hoverinfo="text",
        cliponaxis=False,
        **trace,
    )


def _add_coverage(figure: go.Figure, coverage: pl.DataFrame) -> None:
    if coverage.is_empty():
        return
    figure.add_trace(
        go.Bar(
            orientation="h",
            base=coverage["x"].to_list(),
            x=coverage["duration_ms"].to_list(),
            y=coverage["lane"].to_list(),
            width=0.1,
            marker={"color": "#c9ced6"},
            hovertext=coverage["hover"].to_list(),
            hoverinfo="text",
            name="logs present",
            legendrank=1000,
        )
    )


def _add_rate_strip(figure: go.Figure, rates: pl.DataFrame, every: data.RateBin) -> None:
    """Events (grey) and errors (red) per bin, in a short strip under the lanes."""
    for column, colour in (("events", "#b8bec8"), ("errors", "#d9534f")):
        figure.add_trace(
            go.Bar(
                x=rates["x"].to_list(),
                y=rates[column].to_list(),
                yaxis="y2",
                width=every.seconds * 1000,
                offset=0,
                marker={"color": colour, "line": {"width": 0}},
                hovertext=rates["hover"].to_list(),
                hoverinfo="text",
                name=f"{column} per {every.name}",
                showlegend=False,
            )
        )
