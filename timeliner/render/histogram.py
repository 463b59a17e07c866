"""Events per time bin as a stacked bar chart: where the volume was, per service (or level, source).

For exploring in a notebook: a spike or a hole in one service's bars is where to look next.
"""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from timeliner.render._gantt_data import escaped
from timeliner.timeparse import validate_zone


def events_histogram(
    events: pl.DataFrame, *, every: str = "1m", by: str = "service", tz: str = "UTC"
) -> go.Figure:
    """Stacked bars of events per ``every`` (a polars duration: ``1m``, ``5m``, ``1h``), one colour per ``by``.

    Examples
    --------
    >>> import timeliner as tl
    >>> tl.events_per_minute(tl.load("sample_logs"), by="level")  # doctest: +SKIP
    """
    tz = validate_zone(tz)
    if by not in events.columns:
        raise ValueError(f"cannot group by {by!r}; events have the columns {', '.join(events.columns)}")
    counts = (
        events.filter(pl.col("ts").is_not_null())
        .with_columns(pl.col("ts").dt.convert_time_zone(tz).dt.truncate(every).alias("bin"))
        .group_by("bin", pl.col(by).cast(pl.String).fill_null("(none)").alias("group"))
        .len()
        .sort("bin", "group")
    )
    fig = go.Figure()
    for (group,), part in counts.group_by("group", maintain_order=True):
        name = escaped(str(group))  # service names come from logs: text, never markup
        fig.add_bar(
            x=part["bin"].dt.replace_time_zone(None).to_list(),
            y=part["len"].to_list(),
            name=name,
            hovertemplate=f"{name}<br>%{{x}}: %{{y}} events<extra></extra>",
        )
    fig.update_layout(
        barmode="stack",
        title=f"Events per {every} by {by}",
        xaxis_title=f"time ({tz})",
        yaxis_title="events",
        legend_title_text=by,
        bargap=0.05,
    )
    return fig
