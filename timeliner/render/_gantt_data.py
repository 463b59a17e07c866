"""The data behind the Gantt chart, as polars frames of display-ready values (no plotly here).

Every string that comes from a log and ends up in the figure passes through :func:`html_text`:
plotly renders a subset of HTML in hover labels, tick labels, legends and titles (``<b>``,
``<br>``, ``<a href=...>``) and decodes entities, so log text is entity-escaped and stays text.
Lane keys of the two synthetic lanes contain a raw ``<``, which an escaped service name never does,
so a service cannot collide with them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import polars as pl

from timeliner.render._evidence import short_evidence
from timeliner.render._time_text import duration_text, span_milliseconds

ANNOTATION_LANE = "<i>annotations</i>"
CROSS_SERVICE_LANE = "<i>all services</i>"
AXIS_CLOCK = "%Y-%m-%d %H:%M:%S%.3f"  # what plotly reads as a date on a date axis
HOVER_SUMMARY_LIMIT = 300
HOVER_LINE_WIDTH = 80
EVIDENCE_IN_HOVER = 3
QUIET_LANE_LIMIT = 30  # above this many lanes, services without timeline rows get none
LANE_SCHEMA = {"lane": pl.String(), "label": pl.String(), "source": pl.String()}


def html_text(text: pl.Expr) -> pl.Expr:
    """Untrusted text as one line that plotly shows literally: ``& < > " ' $`` become entities.

    Quotes get numeric entities: plotly decodes ``&#34;`` but shows ``&quot;`` as it stands.

    ``$`` is escaped because plotly hands text wrapped in ``$...$`` to MathJax where it is loaded
    (Jupyter), and an entity is not recognised as a delimiter.
    """
    one_line = text.str.replace_all(r"[\s\x00-\x1f\x7f]+", " ").str.strip_chars()
    escaped = one_line.str.replace_all("&", "&amp;", literal=True)
    for character, entity in (("<", "&lt;"), (">", "&gt;"), ('"', "&#34;"), ("'", "&#39;"), ("$", "&#36;")):
        escaped = escaped.str.replace_all(character, entity, literal=True)
    return escaped


def escaped(text: str) -> str:
    """:func:`html_text` for one Python string (a title, a kind name)."""
    return str(pl.select(html_text(pl.lit(text, pl.String))).item())


def kind_label(kind: pl.Expr) -> pl.Expr:
    """``restart storm`` from ``restart_storm``, escaped (user rules may name kinds freely)."""
    return html_text(kind.fill_null("event").str.replace_all("_", " ", literal=True))


def axis_clock(instant: pl.Expr, axis_tz: str) -> pl.Expr:
    """The wall-clock text of ``instant`` in ``axis_tz``, which plotly places on its (zoneless) axis."""
    return instant.dt.convert_time_zone(axis_tz).dt.strftime(AXIS_CLOCK)


def single_offset(instants: pl.Series, tz: str) -> bool:
    """Whether ``tz`` kept one UTC offset at all ``instants`` (no DST change inside the span)."""
    utc = instants.dt.replace_time_zone(None)
    local = instants.dt.convert_time_zone(tz).dt.replace_time_zone(None)
    return (local - utc).n_unique() <= 1


def lanes(timeline: pl.DataFrame, events: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    """The lanes, top to bottom (``lane`` y key, ``label`` tick text, ``source``), and how many were left out.

    Services are grouped by the format of their logs (their most frequent ``source``), then
    sorted by name; annotations and cross-service rows get a lane of their own at the top.
    Services that only logged (no timeline row) get a lane too, unless that would make more than
    :data:`QUIET_LANE_LIMIT` lanes: then they are left out and counted.
    """
    services = _service_lanes(timeline, events)
    shown = services.filter(pl.col("has_rows")) if services.height > QUIET_LANE_LIMIT else services
    annotation = timeline["kind"] == "annotation"
    special = [
        lane
        for lane, present in (
            (ANNOTATION_LANE, annotation.any()),
            (CROSS_SERVICE_LANE, (timeline["service"].is_null() & ~annotation).any()),
        )
        if present
    ]
    top = pl.DataFrame(
        {"lane": special, "label": special, "source": [None] * len(special)}, schema=LANE_SCHEMA
    )
    return pl.concat([top, shown.select(list(LANE_SCHEMA))]), services.height - shown.height


def _service_lanes(timeline: pl.DataFrame, events: pl.DataFrame) -> pl.DataFrame:
    usual_source = (
        events.filter(pl.col("service").is_not_null())
        .group_by("service", "source")
        .len()
        .sort(["len", "source"], descending=[True, False])
        .unique("service", keep="first")
    )
    named = (
        pl.concat([timeline.select("service", has_rows=True), events.select("service", has_rows=False)])
        .drop_nulls("service")
        .group_by("service")
        .agg(pl.col("has_rows").any())
    )
    label = pl.format("{}  <span style='color:#8a8f98;font-size:10px'>{}</span>", "lane", "source")
    return (
        named.join(usual_source, on="service", how="left")
        .with_columns(html_text(pl.col("service")).alias("lane"), html_text(pl.col("source")).alias("source"))
        .sort(["source", "lane"], nulls_last=True)
        .select("lane", label.fill_null(pl.col("lane")).alias("label"), "source", "has_rows")
    )


def timeline_marks(timeline: pl.DataFrame, *, tz: str, axis_tz: str) -> pl.DataFrame:
    """One mark per timeline row: ``lane, kind, is_span, x, duration_ms, hover``."""
    lane = (
        pl.when(pl.col("kind") == "annotation")
        .then(pl.lit(ANNOTATION_LANE))
        .otherwise(html_text(pl.col("service")).fill_null(CROSS_SERVICE_LANE))
    )
    return timeline.with_columns(pl.col("end").fill_null(pl.col("start"))).select(
        lane.alias("lane"),
        pl.col("kind").fill_null("event"),
        (pl.col("end") > pl.col("start")).alias("is_span"),
        axis_clock(pl.col("start"), axis_tz).alias("x"),
        span_milliseconds().cast(pl.Float64).alias("duration_ms"),
        _hover(tz).alias("hover"),
    )


def _hover(tz: str) -> pl.Expr:
    count = pl.when(pl.col("count") > 1).then(pl.format(" · {} events", pl.col("count")))
    service = pl.format(" · {}", html_text(pl.col("service")))
    head = pl.concat_str(
        [pl.lit("<b>"), kind_label(pl.col("kind")), pl.lit("</b>"), service, count], ignore_nulls=True
    )
    lines = [head, _wrapped_summary(), _clock_line("UTC", with_duration=True)]
    if tz != "UTC":
        lines.append(_clock_line(tz, with_duration=False))
    evidence = short_evidence(pl.col("evidence"), keep=EVIDENCE_IN_HOVER)
    lines.append(pl.format("Evidence: {}", html_text(evidence)))
    return pl.concat_str(lines, separator="<br>", ignore_nulls=True)


def _wrapped_summary() -> pl.Expr:
    summary = pl.col("summary").str.replace_all(r"\s+", " ")
    shortened = (
        pl.when(summary.str.len_chars() > HOVER_SUMMARY_LIMIT)
        .then(summary.str.slice(0, HOVER_SUMMARY_LIMIT) + pl.lit("…"))
        .otherwise(summary)
    )
    # Break at spaces only, so an entity such as &lt; is never cut in two.
    wrapped = html_text(shortened).str.replace_all(rf"(.{{1,{HOVER_LINE_WIDTH}}})(?:\s+|$)", "${1}<br>")
    return wrapped.str.strip_suffix("<br>").replace("", None)


def _clock_line(tz: str, *, with_duration: bool) -> pl.Expr:
    """``UTC: 2022-03-01 19:04:12.123 → 19:05:37.456 (1 min 25 s)``; spans only get an end."""
    zone_mark = "" if tz == "UTC" else " %Z"
    start = pl.col("start").dt.convert_time_zone(tz)
    end = pl.col("end").dt.convert_time_zone(tz)
    end_text = (
        pl.when(start.dt.date() == end.dt.date())
        .then(end.dt.strftime("%H:%M:%S%.3f" + zone_mark))
        .otherwise(end.dt.strftime(AXIS_CLOCK + zone_mark))
    )
    duration = pl.format(" ({})", duration_text(span_milliseconds())) if with_duration else pl.lit("")
    span = pl.when(pl.col("end") > pl.col("start")).then(pl.format(" → {}{}", end_text, duration))
    return pl.format(
        "{}: {}{}", pl.lit(tz), start.dt.strftime(AXIS_CLOCK + zone_mark), span.otherwise(pl.lit(""))
    )


def events_view(events: pl.DataFrame | None) -> pl.DataFrame:
    """The four event columns the chart uses (``ts, service, source, level``); absent ones are null."""
    columns: dict[str, pl.DataType] = {
        "ts": pl.Datetime("us", "UTC"),
        "service": pl.String(),
        "source": pl.String(),
        "level": pl.String(),
    }
    if events is None:
        return pl.DataFrame(schema=columns)
    return (
        events.select(
            (pl.col(name).cast(dtype) if name in events.columns else pl.lit(None, dtype)).alias(name)
            for name, dtype in columns.items()
        )
        .filter(pl.col("ts").is_not_null())
        .with_columns(pl.col("service").replace("", None))
    )


@dataclass(frozen=True)
class RateBin:
    """One bar of the event-rate strip: a polars duration and how to name it."""

    every: str  # "5m"
    seconds: int
    name: str  # "5 minutes", for trace names and hover
    short: str  # "5 min", for the strip's axis title


# The smallest bin that keeps the strip under RATE_BAR_LIMIT bars is used, so that bars stay visible.
RATE_BINS = (
    RateBin("1m", 60, "minute", "min"),
    RateBin("5m", 300, "5 minutes", "5 min"),
    RateBin("15m", 900, "15 minutes", "15 min"),
    RateBin("1h", 3_600, "hour", "h"),
    RateBin("6h", 21_600, "6 hours", "6 h"),
    RateBin("1d", 86_400, "day", "day"),
    RateBin("7d", 604_800, "week", "week"),
)
RATE_BAR_LIMIT = 600


def rate_bin(events: pl.DataFrame) -> RateBin:
    """The bin size for the event-rate strip over the span of ``events``."""
    first, last = events["ts"].min(), events["ts"].max()
    span = (last - first).total_seconds() if isinstance(first, datetime) and isinstance(last, datetime) else 0
    return next((b for b in RATE_BINS if span / b.seconds <= RATE_BAR_LIMIT), RATE_BINS[-1])


def event_rate(events: pl.DataFrame, *, axis_tz: str, every: RateBin) -> pl.DataFrame:
    """Events and errors per bin of the axis zone's clock: ``x`` (bin start), ``events, errors, hover``."""
    start = pl.col("bin")
    hover = pl.format(
        "{} ({}) · events: {} · errors: {}",
        start.dt.strftime("%Y-%m-%d %H:%M %Z"),
        pl.lit(every.name),
        "events",
        "errors",
    )
    return (
        events.group_by(pl.col("ts").dt.convert_time_zone(axis_tz).dt.truncate(every.every).alias("bin"))
        .agg(pl.len().alias("events"), pl.col("level").is_in(["error", "critical"]).sum().alias("errors"))
        .sort("bin")
        .select(start.dt.strftime(AXIS_CLOCK).alias("x"), "events", "errors", hover.alias("hover"))
    )


def log_coverage(events: pl.DataFrame, *, axis_tz: str) -> pl.DataFrame:
    """Per service, first to last event: ``lane, x, duration_ms, hover`` (where its logs exist)."""
    first, last = pl.col("first"), pl.col("last")
    return (
        events.filter(pl.col("service").is_not_null())
        .group_by("service")
        .agg(pl.col("ts").min().alias("first"), pl.col("ts").max().alias("last"), pl.len().alias("events"))
        .select(
            html_text(pl.col("service")).alias("lane"),
            axis_clock(first, axis_tz).alias("x"),
            (last - first).dt.total_milliseconds().cast(pl.Float64).alias("duration_ms"),
            pl.format(
                "<b>logs</b> · {}<br>{} events<br>UTC: {} → {}",
                html_text(pl.col("service")),
                "events",
                first.dt.strftime(AXIS_CLOCK),
                last.dt.strftime(AXIS_CLOCK),
            ).alias("hover"),
        )
        .sort("lane")  # the same chart file from the same input, run after run
    )
