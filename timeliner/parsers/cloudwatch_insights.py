"""CloudWatch Logs Insights query results: console CSV downloads and ``get-query-results`` JSON.

The API (and ``aws logs get-query-results``) returns rows as lists of ``{field, value}``::

    {"results": [[{"field": "@timestamp", "value": "2024-05-19 06:10:35.743"},
                  {"field": "@message", "value": "Test BENCHMARK 3"},
                  {"field": "@logStream", "value": "TestStream"}, ...], ...],
     "statistics": {...}, "status": "Complete"}

(also saved as the bare list of rows, or as objects keyed by field name, the console's JSON
download). The console's "Download table (CSV)" writes a header of the query's field names::

    @logStream,@timestamp,@message
    authenticator-8c0c570ea5676c62c44d98da6189a02b,2021-08-08 20:04:46.282,"time=""2021-08-08T20:04:44Z"" ..."

``@timestamp`` is written without a zone and is UTC by definition; ``@ingestionTime`` becomes
``received_ts``. Rows come newest first (the query's sort); they keep their position as
``line`` (the row's physical line in a CSV, its 1-based index in JSON) and are sorted by time
later. Service identity from ``@logStream`` and the log group in ``@log``
(``account:group``), see :mod:`timeliner.parsers._cloudwatch`; ``@requestId`` and Lambda
platform lines give ``request_id``. Without ``@message`` (``fields @timestamp, verb, ...``)
the message is the other fields as ``name=value``. A row without a readable ``@timestamp`` is
rejected with the reason — including every row of an aggregation result (``stats count() by
...``), which holds counts, not events.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

import polars as pl

from timeliner import timeparse
from timeliner.parsers._cloudwatch import clean_message, describe_message, message_columns, stream_identity
from timeliner.parsers._csv_rows import read_csv_rows, rows_frame
from timeliner.parsers._identity import service_from_path
from timeliner.parsers._json_records import REJECT_COLUMNS, read_records
from timeliner.parsers._registry import Format, ParseResult, register
from timeliner.sources import SourceFile

SYSTEM_FIELDS = ("@timestamp", "@message", "@logStream", "@log", "@ingestionTime", "@ptr", "@requestId")
_FIELD_VALUE = re.compile(
    r'"field"\s*:\s*"@\w+"\s*,\s*"value"\s*:|"value"\s*:\s*"[^"]*"\s*,\s*"field"\s*:\s*"@'
)
_KEYED = re.compile(r'"@timestamp"\s*:')
_KEYED_MORE = re.compile(r'"@(?:message|logStream|log|ptr|ingestionTime)"\s*:')
_AGGREGATE = re.compile(
    r"^(?:count|sum|avg|min|max|pct|stddev|count_distinct|earliest|latest|bin)\b", re.IGNORECASE
)
_FIELD_NAME = re.compile(r"^[\w.@()*\-]+$")
_PTR_PREFIX = 160  # base64 characters: 120 bytes, room for a log group name of ~100 characters
_PTR_GROUP = re.compile(rb"([\x0e-\x7f])(\d{12}:/?[\x21-\x7e])")
_STATUS = re.compile(r'"status"\s*:\s*"(Scheduled|Running|Failed|Cancelled|Timeout|Unknown)"')
NO_TIMESTAMP = (
    "no @timestamp in this result (an aggregation such as `stats count() by ...` holds counts, not events); "
    "add @timestamp to the query's fields to put rows on the timeline"
)


def sniff_csv(head: str) -> float:
    lines = head.lstrip("\ufeff").splitlines()
    header = [name.strip() for name in lines[0].split(",")] if lines else []
    if len(header) < 2 and not any(n.startswith("@") for n in header):
        return 0.0
    if any(n.split(" ")[0] in SYSTEM_FIELDS for n in header):
        return 0.95
    # An aggregation result names no system field: field names and one aggregate column.
    if all(_FIELD_NAME.match(n) for n in header) and any(_AGGREGATE.match(n) for n in header):
        return 0.4
    return 0.0


def sniff_json(head: str) -> float:
    if _FIELD_VALUE.search(head):
        return 0.97
    return 0.9 if _KEYED.search(head) and _KEYED_MORE.search(head) else 0.0


def insights_events(frame: pl.DataFrame, *, fallback: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Result rows (String columns named after the fields, plus ``_line``) → (partial events, rejects)."""
    if "@timestamp" not in frame.columns:
        rejects = frame.select(line="_line", reason=pl.lit(NO_TIMESTAMP), text=_as_text(frame))
        return frame.select(line="_line", message=pl.lit("")).clear(), rejects

    def col(name: str) -> pl.Expr:
        return pl.col(name) if name in frame.columns else pl.lit(None, dtype=pl.String)

    frame = frame.with_columns(_ts=_utc(pl.col("@timestamp")))
    message = (
        clean_message(col("@message")) if "@message" in frame.columns else _as_text(frame, skip_system=True)
    )
    frame = frame.with_columns(describe_message(message))
    described = message_columns()
    group = pl.coalesce(col("@log").str.replace(r"^\d{12}:", ""), _group_from_ptr(frame))
    events = frame.filter(pl.col("_ts").is_not_null()).select(
        line="_line",
        ts_raw="@timestamp",
        ts_utc="_ts",
        ts_basis=pl.lit("utc-by-format"),
        received_ts=_utc(col("@ingestionTime")),
        message=described["message"],
        level_raw=pl.coalesce(col("level"), described["level_raw"]),
        request_id=pl.coalesce(col("@requestId"), described["request_id"]),
        pid=described["pid"],
        thread=described["thread"],
        logger=described["logger"],
        ts_local=described["ts_local"],
        **stream_identity(col("@logStream"), group, fallback=fallback, fallback_instance=None),
    )
    return events, _time_rejects(frame)


def _time_rejects(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.filter(pl.col("_ts").is_null()).select(
        line="_line",
        reason=pl.when(pl.col("@timestamp").is_null())
        .then(pl.lit("result row has no @timestamp"))
        .otherwise(
            pl.format(
                "@timestamp '{}' is not a valid date/time (Logs Insights writes YYYY-MM-DD HH:MM:SS.mmm, in UTC)",
                pl.col("@timestamp"),
            )
        ),
        text=_as_text(frame),
    )


def _group_from_ptr(frame: pl.DataFrame) -> pl.Expr:
    """The log group named inside ``@ptr`` when ``@log`` was not selected (a Lambda's function name).

    ``@ptr`` is base64 of a protobuf whose first string is ``<account>:<log group>`` after its
    length byte. The format is not documented, so anything unexpected just gives null. All
    rows of one log group share the leading bytes: only the distinct prefixes are decoded.
    """
    if "@ptr" not in frame.columns:
        return pl.lit(None, dtype=pl.String)
    prefix = pl.col("@ptr").str.slice(0, _PTR_PREFIX)
    known = {p: _ptr_group(p) for p in frame.select(prefix.unique().drop_nulls()).to_series()}
    return prefix.replace_strict(known, default=None, return_dtype=pl.String)


def _ptr_group(prefix: str) -> str | None:
    try:
        raw = base64.b64decode(prefix[: len(prefix) // 4 * 4])
    except (binascii.Error, ValueError):
        return None
    found = _PTR_GROUP.search(raw)
    if not found or len(raw) < found.start(2) + found.group(1)[0]:
        return None
    named = raw[found.start(2) : found.start(2) + found.group(1)[0]].decode("ascii", "replace")
    return named.split(":", 1)[1] or None


def _utc(text: pl.Expr) -> pl.Expr:
    # UTC without a marker by definition; an offset or Z, if a tool added one, is honoured.
    return pl.coalesce(timeparse.iso_to_utc(text), timeparse.iso_to_local(text).dt.replace_time_zone("UTC"))


def _as_text(frame: pl.DataFrame, *, skip_system: bool = False) -> pl.Expr:
    """The row's fields as ``name=value`` text, in column order."""
    names = [c for c in frame.columns if not c.startswith("_") and not (skip_system and c in SYSTEM_FIELDS)]
    if not names:
        return pl.lit("")
    # Not pl.format: a header name is file text, and "{" in it would be read as a placeholder.
    parts = [pl.concat_str([pl.lit(f"{name}="), pl.col(name).fill_null("")]) for name in names]
    return pl.concat_str(parts, separator=" ")


def parse_csv(source: SourceFile) -> ParseResult:
    """Parse a console "Download table (CSV)" file."""
    header, rows, bad = read_csv_rows(source.text)
    events, rejects = insights_events(rows_frame(header, rows), fallback=service_from_path(source.path))
    rejects = pl.concat([pl.DataFrame(bad, schema=REJECT_COLUMNS, orient="row"), rejects]).sort("line")
    return ParseResult(events=events, rejects=rejects, units=len(rows) + len(bad), unit="record")


def _row_dict(item: Any) -> dict[str, Any] | None:
    """One result row: a list of {field, value} (API), or an object keyed by field (console JSON)."""
    if isinstance(item, list) and all(isinstance(cell, dict) and "field" in cell for cell in item):
        return {str(cell["field"]): cell.get("value") for cell in item}
    if isinstance(item, dict) and any(str(key).startswith("@") for key in item):
        return item
    return None


def parse_json(source: SourceFile) -> ParseResult:
    """Parse ``get-query-results`` output (or its ``results`` list, or the console JSON download)."""
    found = read_records(
        source,
        keys=("results",),
        is_record=lambda item: _row_dict(item) is not None,
        record_hint=r'"@timestamp"',
        what="result row",
        opener=r"[\[{]",
        convert=_row_dict,
    )
    names = sorted({key for record in found.records for key in record if key != "_line"})
    frame = pl.DataFrame(
        {
            "_line": [r["_line"] for r in found.records],
            **{n: [_text(r.get(n)) for r in found.records] for n in names},
        },
        schema={"_line": pl.Int64, **dict.fromkeys(names, pl.String)},
    )
    events, bad = insights_events(frame, fallback=service_from_path(source.path))
    status = _STATUS.search(source.text)
    incomplete = [f"query status was {status.group(1)}: the results may be incomplete"] if status else []
    return found.result(events, bad, more_notes=incomplete)


def _text(value: Any) -> str | None:
    return value if value is None or isinstance(value, str) else str(value)


FORMAT_CSV = register(
    Format(
        name="cloudwatch-insights-csv",
        description="CloudWatch Logs Insights console CSV download (@timestamp = UTC without a marker)",
        example="@logStream,@timestamp,@message",
        sniff=sniff_csv,
        parse=parse_csv,
    )
)
FORMAT_JSON = register(
    Format(
        name="cloudwatch-insights-json",
        description="CloudWatch Logs Insights `get-query-results` JSON (rows of {field,value}; @timestamp = UTC)",
        example='{"results":[[{"field":"@timestamp","value":"2024-05-19 06:10:35.743"},{"field":"@message","value":"Test BENCHMARK 3"}]],"status":"Complete"}',
        sniff=sniff_json,
        parse=parse_json,
    )
)
