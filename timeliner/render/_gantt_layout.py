"""Layout of the Gantt chart as plain dicts: axes, lanes, title, initial range (no plotly here).

Kept apart from :mod:`.gantt` (which builds the traces) so each stays small; every value that
comes from a log is already escaped by :mod:`._gantt_data` when it reaches this module.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import polars as pl

from timeliner.render._gantt_data import axis_clock, escaped
from timeliner.render._time_text import duration_text

FONT = "Inter, 'Segoe UI', Helvetica, Arial, sans-serif"
LANE_HEIGHT = 38


def base_layout(lanes: pl.DataFrame, *, strip: str | None, axis_title: str) -> dict[str, object]:
    """Everything but the title and shapes: fonts, hover labels, height from the lane count, axes.

    ``strip`` is the bin of the event-rate strip ("5 min"), or None when there is no strip.
    """
    return {
        "template": "plotly_white",
        "font": {"family": FONT, "size": 12, "color": "#263238"},
        "barmode": "overlay",
        "hovermode": "closest",
        "hoverlabel": {
            "align": "left",
            "bgcolor": "white",
            "bordercolor": "#90a4ae",
            "font": {"size": 12, "color": "#263238"},
        },
        "height": max(460, 190 + LANE_HEIGHT * lanes.height + (0 if strip is None else 130)),
        "margin": {"l": 20, "r": 20, "t": 90, "b": 40},
        "legend": {"title": {"text": "Kind"}, "tracegroupgap": 2, "itemsizing": "constant"},
        "xaxis": _time_axis(strip=strip is not None, axis_title=axis_title),
        "yaxis": _lane_axis(lanes, bottom=0.0 if strip is None else 0.2),
        "yaxis2": {
            "domain": [0.0, 0.13],
            "title": {"text": f"per {strip}", "font": {"size": 10}},
            "rangemode": "tozero",
            "fixedrange": True,
            "gridcolor": "#eef1f5",
            "tickfont": {"size": 9},
            "visible": strip is not None,
        },
    }


def _time_axis(*, strip: bool, axis_title: str) -> dict[str, object]:
    return {
        "type": "date",
        "title": {"text": axis_title},
        "anchor": "y2" if strip else "y",  # tick labels under the event-rate strip, not between
        "rangeslider": {"visible": True, "thickness": 0.07, "bgcolor": "#f3f5f8"},
        "showgrid": True,
        "gridcolor": "#e3e7ed",
        "hoverformat": "%H:%M:%S",
    }


def _lane_axis(lanes: pl.DataFrame, *, bottom: float) -> dict[str, object]:
    lane_keys = lanes["lane"].to_list()
    return {
        "domain": [bottom, 1.0],
        "type": "category",
        "categoryorder": "array",
        "categoryarray": lane_keys,
        "tickvals": lane_keys,
        "ticktext": lanes["label"].to_list(),
        "range": [len(lane_keys) - 0.5, -0.5],  # first lane at the top
        "fixedrange": True,  # zoom along time only: lanes stay readable
        "showgrid": False,
        "automargin": True,
    }


def axis_title(tz: str, axis_tz: str) -> str:
    """``Time (Europe/Amsterdam)``, or why the axis is UTC when the report zone changed offset."""
    if axis_tz == tz:
        return f"Time ({tz})"
    return f"Time (UTC; {tz} changed its UTC offset inside this span)"


def title_and_subtitle(
    rows: pl.DataFrame, lanes: pl.DataFrame, tz: str, title: str | None, *, quiet_left_out: int
) -> dict[str, object]:
    """The title (escaped) and a subtitle with the rows' span in the report zone and their count."""
    heading = escaped(title or "Incident timeline")
    if rows.is_empty():
        subtitle = "No timeline rows were detected"
    else:
        first, last = rows["start"].min(), rows["end"].max()
        assert isinstance(first, datetime) and isinstance(last, datetime)
        span_ms = (last - first) // timedelta(milliseconds=1)
        duration = pl.select(duration_text(pl.lit(span_ms))).item()
        services = lanes.filter(~pl.col("lane").str.contains("<", literal=True)).height
        counts = f"{_count(rows.height, 'timeline row')} · {_count(services, 'service')}"
        span = _span_text(first, last, tz) + (f" ({duration})" if last > first else "")
        subtitle = f"{span} · {counts}"
        if quiet_left_out:
            subtitle += f" (and {quiet_left_out} without timeline rows, not shown)"
    return {"text": heading, "subtitle": {"text": subtitle}, "x": 0.01, "xanchor": "left"}


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _span_text(first: datetime, last: datetime, tz: str) -> str:
    """``2022-03-01 19:03:50 – 19:19:40 UTC``; dates and zones repeated only when they differ."""
    start, end = (pl.lit(instant).dt.convert_time_zone(tz) for instant in (first, last))
    texts = pl.select(
        start.dt.strftime("%Y-%m-%d %H:%M:%S").alias("start_clock"),
        start.dt.strftime("%Y-%m-%d %Z").alias("start_day"),
        end.dt.strftime("%Y-%m-%d %Z").alias("end_day"),
        end.dt.strftime("%H:%M:%S %Z").alias("end_clock"),
        end.dt.strftime("%Y-%m-%d %H:%M:%S %Z").alias("end_full"),
        start.dt.strftime("%Z").alias("zone"),
    ).row(0, named=True)
    if first == last:
        return f"{texts['start_clock']} {texts['zone']}"
    if texts["start_day"] == texts["end_day"]:
        return f"{texts['start_clock']} – {texts['end_clock']}"
    return f"{texts['start_clock']} {texts['zone']} – {texts['end_full']}"


def initial_range(rows: pl.DataFrame, seen: pl.DataFrame, axis_tz: str) -> list[str] | None:
    """The rows' span with a margin (the whole log span stays reachable in the range slider)."""
    instants = pl.concat([rows["start"], rows["end"]]) if not rows.is_empty() else seen["ts"]
    if instants.is_empty():
        return None
    first, last = instants.min(), instants.max()
    assert isinstance(first, datetime) and isinstance(last, datetime)
    margin = max((last - first) * 0.05, timedelta(seconds=30))
    ends = pl.Series([first - margin, last + margin], dtype=pl.Datetime("us", "UTC"))
    return pl.select(axis_clock(pl.lit(ends), axis_tz)).to_series().to_list()


def lane_bands(lanes: pl.DataFrame) -> list[dict[str, object]]:
    """Faint bands on every other lane and a rule between log formats, so the eye can follow a lane."""
    sources = lanes["source"].to_list()
    shapes: list[dict[str, object]] = []
    for index in range(lanes.height):  # one shape per lane: a handful, not per event
        if index % 2 == 1:
            shapes.append(_band(index - 0.5, index + 0.5, fillcolor="#f4f6f9", line={"width": 0}))
        if index > 0 and sources[index] != sources[index - 1]:
            shapes.append(_band(index - 0.5, index - 0.5, line={"color": "#b0bac6", "width": 1}))
    return shapes


def _band(y0: float, y1: float, **style: object) -> dict[str, object]:
    return {
        "type": "rect",
        "xref": "paper",
        "x0": 0,
        "x1": 1,
        "yref": "y",
        "y0": y0,
        "y1": y1,
        "layer": "below",
    } | style


def annotation_lines(rows: pl.DataFrame, axis_tz: str, *, colour: str) -> list[dict[str, object]]:
    """A faint vertical line through all lanes at each annotation (human milestone)."""
    moments = rows.filter(pl.col("kind") == "annotation").select(axis_clock(pl.col("start"), axis_tz))
    return [
        {
            "type": "line",
            "xref": "x",
            "x0": moment,
            "x1": moment,
            "yref": "y domain",
            "y0": 0,
            "y1": 1,
            "layer": "below",
            "line": {"color": colour, "width": 1, "dash": "dot"},
            "opacity": 0.5,
        }
        for moment in moments.to_series().to_list()
    ]
