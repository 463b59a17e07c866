"""The post-mortem "Timeline" section, in Markdown, ready to paste into a report.

Layout (every line is shown; ``…`` marks repetition)::

    ## Timeline

    All times Europe/Amsterdam (CEST, UTC+02:00).

    **Tuesday 2022-03-01**

    | Time | Service | What happened |
    | --- | --- | --- |
    | 21:04:12 – 21:05:37 (1 min 25 s) | runtime | 4 restarts within 2 min (evidence: rt.log:12 +3 more) |
    | 21:06:01 | — | Customer reported missing orders |

    **Wednesday 2022-03-02**
    …

- The zone is named once. If the rows straddle a clock change (DST), the zone line names every
  offset and when the clocks changed, and each time in the table carries its abbreviation
  (``02:30:00 CEST``), because a wall-clock time alone is ambiguous on such a day.
- Rows are grouped under a bold date line, one table per local date (also when there is only one
  date, so the date is always stated). A span that ends on a later date shows the end's date.
- Times have second precision (the CSV has milliseconds); a span shows its duration (``412 ms``,
  ``8.5 s``, ``1 min 25 s``); a span within one displayed second shows its start only, with its
  duration (``21:04:12 (259 ms)``).
- Evidence is shortened to the first ``file:line`` reference and ``+N more``; the full list is in
  ``timeline.csv``. A cross-service row shows ``—`` as its service.
- Log text is untrusted. Whitespace runs (newlines included) become one space, summaries longer
  than :data:`SUMMARY_LIMIT` characters are cut with ``…``, and every character that Markdown (or
  GitHub's math and strikethrough) would interpret -- ``\\ ` * _ [ ] < > | & ~ $`` and a leading
  ``#`` -- is backslash-escaped, so no message can end a cell, open a link or an image, emit HTML or
  an entity, or start a heading. Bare URLs stay text, but some viewers (GitHub) auto-link them;
  such a link shows its own target, so it cannot disguise where it goes.
"""

from __future__ import annotations

import itertools
import os
from zoneinfo import ZoneInfo

import polars as pl

from timeliner.render._evidence import short_evidence
from timeliner.render._files import write_text_atomically
from timeliner.render._time_text import (
    ZoneState,
    check_zone,
    clock_change_text,
    duration_text,
    may_hide_clock_changes,
    span_milliseconds,
    zone_states,
)
from timeliner.schema import conform_timeline

SUMMARY_LIMIT = 400
TABLE_HEADER = "| Time | Service | What happened |\n| --- | --- | --- |"
NO_SERVICE = "—"

# Characters CommonMark/GFM give a meaning to inside a line; each is escaped with a backslash.
_MARKDOWN_SPECIALS = r"([\\`*_\[\]<>|&~$])"


def markdown_text(text: pl.Expr) -> pl.Expr:
    """Untrusted text as one inert line of Markdown (see the module docstring for the rules)."""
    one_line = text.str.replace_all(r"[\s\x00-\x1f\x7f]+", " ").str.strip_chars()
    return one_line.str.replace_all(_MARKDOWN_SPECIALS, r"\${1}").str.replace(r"^#", r"\#")


def to_markdown(timeline: pl.DataFrame, tz: str = "UTC", *, title: str = "Timeline") -> str:
    """Render timeline rows as the "Timeline" section of a post-mortem, times in zone ``tz``.

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> t = datetime(2022, 3, 1, 19, 4, 12, tzinfo=timezone.utc)
    >>> rows = pl.DataFrame({"start": [t], "end": [t], "kind": ["crash"], "service": ["api"],
    ...                      "summary": ["api crashed"], "evidence": ["api.log:7"]})
    >>> print(to_markdown(rows, "Europe/Amsterdam"))
    ## Timeline
    <BLANKLINE>
    All times Europe/Amsterdam (CET, UTC+01:00).
    <BLANKLINE>
    **Tuesday 2022-03-01**
    <BLANKLINE>
    | Time | Service | What happened |
    | --- | --- | --- |
    | 20:04:12 | api | api crashed (evidence: api.log:7) |
    <BLANKLINE>
    """
    zone = check_zone(tz)
    rows = conform_timeline(timeline).with_columns(pl.col("end").fill_null(pl.col("start")))
    heading = pl.select(markdown_text(pl.lit(title))).item()
    instants = pl.concat([rows["start"], rows["end"]])
    states = zone_states(instants, zone)
    parts = [
        f"## {heading}",
        _zone_sentence(tz, states, zone, every_change_seen=not may_hide_clock_changes(instants)),
    ]
    if rows.is_empty():
        parts.append("No timeline rows were detected.")
    for date, day in (
        _table_rows(rows, tz, mark_zone=len(states) > 1)
        .partition_by("date", maintain_order=True, include_key=False, as_dict=True)
        .items()
    ):
        parts.append(f"**{date[0]}**\n\n{TABLE_HEADER}\n" + "\n".join(day["line"]))
    return "\n\n".join(parts) + "\n"


def write_timeline_markdown(
    timeline: pl.DataFrame, path: str | os.PathLike[str], *, tz: str = "UTC", title: str = "Timeline"
) -> None:
    """Write :func:`to_markdown` output to ``path`` (``timeline.md``), atomically."""
    write_text_atomically(path, to_markdown(timeline, tz, title=title))


def _zone_sentence(tz: str, states: list[ZoneState], zone: ZoneInfo, *, every_change_seen: bool) -> str:
    if not states:
        return f"All times {tz}."
    if len(states) == 1:
        return "All times UTC." if tz == "UTC" else f"All times {tz} ({states[0].label()})."
    marked = f"All times {tz}, each marked with its zone: "
    if not every_change_seen or len(states) > 3:
        # Over months the list of clock changes would be long (or incomplete): name the zones only.
        return marked + " or ".join(dict.fromkeys(state.described() for state in states)) + "."
    changes = [clock_change_text(before, after, zone) for before, after in itertools.pairwise(states)]
    return marked + "; then ".join(changes) + "."


def _table_rows(rows: pl.DataFrame, tz: str, *, mark_zone: bool) -> pl.DataFrame:
    """One Markdown table line per row, with the local date it is grouped under."""
    clock = "%H:%M:%S %Z" if mark_zone else "%H:%M:%S"
    start = pl.col("start").dt.convert_time_zone(tz)
    end = pl.col("end").dt.convert_time_zone(tz)
    same_day = start.dt.date() == end.dt.date()
    end_text = pl.when(same_day).then(end.dt.strftime(clock)).otherwise(end.dt.strftime("%Y-%m-%d " + clock))
    start_text, duration = start.dt.strftime(clock), duration_text(span_milliseconds())
    time_cell = (
        pl.when(pl.col("end") == pl.col("start"))
        .then(start_text)
        .when(end_text == start_text)  # a sub-second span: "21:04:12 – 21:04:12" would say nothing
        .then(pl.format("{} ({})", start_text, duration))
        .otherwise(pl.format("{} – {} ({})", start_text, end_text, duration))
    )
    service_cell = markdown_text(pl.col("service")).replace("", None).fill_null(NO_SERVICE)
    line = pl.format("| {} | {} | {} |", time_cell, service_cell, _what_happened())
    return rows.select(start.dt.strftime("%A %Y-%m-%d").alias("date"), line.alias("line"))


def _what_happened() -> pl.Expr:
    summary = pl.col("summary").fill_null("").str.replace_all(r"[\s\x00-\x1f\x7f]+", " ").str.strip_chars()
    shortened = (
        pl.when(summary.str.len_chars() > SUMMARY_LIMIT)
        .then(summary.str.slice(0, SUMMARY_LIMIT) + pl.lit("…"))
        .otherwise(summary)
    )
    return markdown_text(shortened) + _evidence_note()


def _evidence_note() -> pl.Expr:
    """`` (evidence: app.log:12 +3 more)``, or nothing when the row has no evidence."""
    shortened = short_evidence(pl.col("evidence"), keep=1)
    return pl.format(" (evidence: {})", markdown_text(shortened)).fill_null("")
