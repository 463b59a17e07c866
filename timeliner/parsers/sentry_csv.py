"""Sentry CSV exports (Data Export: Discover "Export All" and an issue's tag-values export).

Sentry writes them with Python's ``csv.DictWriter`` (CRLF line ends). Two shapes:

* Discover: the header is the query's field list, functions under their alias
  (``count()`` → ``count``), e.g. ``title,event.type,project,user.display,timestamp``::

      title,event.type,project,level,timestamp
      ZeroDivisionError: division by zero,error,checkout,error,2021-03-11T17:54:18+00:00

* an issue's tag values (Issue → Tags → Export): ``value,times_seen,last_seen,first_seen``
  (for the ``user`` key ``value,id,email,username,ip_address,times_seen,last_seen,first_seen``),
  dates like ``2020-06-17T22:26:56.098086Z``.

The event time is ``timestamp`` when the export has one, else ``first_seen`` (the moment a tag
value — a release, a server — first appeared with the issue), else ``last_seen``. A date
without a zone is UTC, as Sentry defines. Service = the ``project`` (or ``project.name``)
column, else the file name; ``server_name`` → host, ``level``, ``logger`` and ``trace`` /
``request_id`` columns are kept. The message is ``title`` (and ``message`` when it says more);
a tag-values row reads ``tag value "web-1" seen 12 times, first ..., last ...``. A row is one
unit (``line`` = the physical line where it starts); a row without a readable time is rejected.
"""

from __future__ import annotations

import polars as pl

from timeliner.parsers._csv_rows import read_csv_rows, rows_frame
from timeliner.parsers._identity import service_from_path
from timeliner.parsers._json_records import REJECT_COLUMNS
from timeliner.parsers._registry import Format, ParseResult, register
from timeliner.parsers._sentry import sentry_basis, sentry_instant
from timeliner.sources import SourceFile

TAG_VALUE_HEADERS = (
    ["value", "times_seen", "last_seen", "first_seen"],
    ["value", "id", "email", "username", "ip_address", "times_seen", "last_seen", "first_seen"],
)
TIME_COLUMNS = ("timestamp", "first_seen", "last_seen", "timestamp.to_hour", "timestamp.to_day")
# Field names only Sentry's Discover writes (a generic CSV with "timestamp,message" is not enough).
_SENTRY_FIELDS = {
    "title", "event.type", "issue", "issue.id", "project", "project.name", "user.display", "culprit",
    "count_unique_user", "transaction.duration", "error.type", "error.value", "sdk.name", "os.name",
}  # fmt: skip


def _header(head: str) -> list[str]:
    first = head.lstrip("\ufeff").split("\n", 1)[0].rstrip("\r")
    return [name.strip().strip('"') for name in first.split(",")]


def sniff(head: str) -> float:
    header = _header(head)
    if header in TAG_VALUE_HEADERS:
        return 0.97
    if any(name.startswith("@") for name in header) or not _SENTRY_FIELDS & set(header):
        return 0.0
    return 0.85 if set(TIME_COLUMNS) & set(header) else 0.5


def parse(source: SourceFile) -> ParseResult:
    """Parse one Sentry CSV export."""
    header, rows, bad = read_csv_rows(source.text)
    frame = rows_frame(header, rows)
    events, rejects = _events(frame, fallback=service_from_path(source.path))
    rejects = pl.concat([pl.DataFrame(bad, schema=REJECT_COLUMNS, orient="row"), rejects]).sort("line")
    return ParseResult(events=events, rejects=rejects, units=len(rows) + len(bad), unit="record")


def _events(frame: pl.DataFrame, *, fallback: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    def col(*names: str) -> pl.Expr:
        found = [pl.col(n).replace("", None) for n in names if n in frame.columns]
        return pl.coalesce(found) if found else pl.lit(None, dtype=pl.String)

    time_name = next((name for name in TIME_COLUMNS if name in frame.columns), None)
    text = _message(frame).str.replace_all("\r\n", "\n", literal=True)
    if time_name is None:
        reason = "no timestamp, first_seen or last_seen column: the rows cannot be placed in time"
        return frame.select(line="_line", message=text).clear(), frame.select(
            line="_line", reason=pl.lit(reason), text=text
        )
    raw = pl.col(time_name)
    frame = frame.with_columns(_ts=sentry_instant(raw))
    bad = frame.filter(pl.col("_ts").is_null()).select(
        line="_line",
        reason=pl.format(f"{time_name} '{{}}' is not a valid date/time", raw.fill_null("")),
        text=text,
    )
    events = frame.filter(pl.col("_ts").is_not_null()).select(
        line="_line",
        ts_raw=raw,
        ts_utc="_ts",
        ts_basis=sentry_basis(raw),
        message=text,
        level_raw=col("level"),
        service=col("project", "project.name").fill_null(fallback),
        host=col("server_name"),
        logger=col("logger"),
        request_id=col("trace", "request_id"),
    )
    return events, bad


def _message(frame: pl.DataFrame) -> pl.Expr:
    """Title (and a message that says more), a tag-value sentence, or the fields as name=value."""
    names = frame.columns
    if "title" in names:
        title, message = (
            pl.col("title"),
            pl.col("message") if "message" in names else pl.lit(None, dtype=pl.String),
        )
        more = message.is_not_null() & (message != "") & (message != title)
        return pl.when(more).then(pl.concat_str([title, message], separator="\n")).otherwise(title)
    if {"value", "times_seen", "first_seen", "last_seen"} <= set(names):
        columns = (pl.col("value"), pl.col("times_seen"), pl.col("first_seen"), pl.col("last_seen"))
        return pl.format('tag value "{}" seen {} times, first {}, last {}', *columns)
    if "message" in names:
        return pl.col("message").fill_null("")
    # Not pl.format: a header name is file text, and "{" in it would be read as a placeholder.
    fields = [
        pl.concat_str([pl.lit(f"{n}="), pl.col(n).fill_null("")]) for n in names if not n.startswith("_")
    ]
    return pl.concat_str(fields, separator=" ") if fields else pl.lit("")


FORMAT = register(
    Format(
        name="sentry-csv",
        description="Sentry CSV exports: Discover 'Export All' and issue tag values (timestamp, else first_seen = event time)",
        example="title,event.type,project,level,timestamp",
        sniff=sniff,
        parse=parse,
    )
)
