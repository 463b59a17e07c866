"""Kubernetes Events as JSON: ``kubectl get events -o json`` (an ``EventList``), single events, events.k8s.io/v1.

Reads core/v1 events::

    {"kind": "EventList", "items": [{"involvedObject": {"kind": "Pod", "name": "web-1", "namespace": "shop"},
      "reason": "BackOff", "message": "Back-off restarting failed container", "type": "Warning", "count": 5,
      "firstTimestamp": "2024-05-02T10:00:00Z", "lastTimestamp": "2024-05-02T10:04:00Z"}]}

and events.k8s.io/v1 events (``regarding``, ``note``, ``eventTime``, ``deprecatedFirstTimestamp``).
The event's time is when it first happened: ``eventTime``, else ``firstTimestamp``, else
``lastTimestamp``, else the object's ``creationTimestamp`` (all RFC 3339 UTC). A repeated event
(``count`` > 1) says how often and until when in its message. The service is the involved
object's name (``web-1``), the group its namespace; ``type`` (``Normal``, ``Warning``) is the
level as written. A record is one unit (``line`` = its 1-based index).
"""

from __future__ import annotations

import re
from typing import Any

import polars as pl

from timeliner import timeparse
from timeliner.parsers._identity import service_from_path
from timeliner.parsers._json import load_documents, records_under
from timeliner.parsers._registry import Format, ParseResult, register
from timeliner.sources import SourceFile

_SNIFF_LIST = re.compile(r'"kind"\s*:\s*"EventList"')
_SNIFF_EVENT = re.compile(r'"(?:involvedObject|regarding)"\s*:')
_SNIFF_REASON = re.compile(r'"reason"\s*:')
TIME_KEYS = (
    "eventTime",
    "firstTimestamp",
    "deprecatedFirstTimestamp",
    "lastTimestamp",
    "deprecatedLastTimestamp",
)
_COLUMNS = ("ts", "last", "count", "reason", "text", "kind", "name", "namespace", "type", "component")


def sniff(head: str) -> float:
    if _SNIFF_LIST.search(head):
        return 0.95
    return 0.9 if _SNIFF_EVENT.search(head) and _SNIFF_REASON.search(head) else 0.0


def _get(record: dict[str, Any], *path: str) -> Any:
    value: Any = record
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _row(record: Any) -> dict[str, str | None]:
    if not isinstance(record, dict):
        return dict.fromkeys(_COLUMNS)
    obj = record.get("involvedObject") or record.get("regarding") or {}
    times = [record.get(k) for k in TIME_KEYS] + [_get(record, "metadata", "creationTimestamp")]
    values = {
        "ts": next((t for t in times if isinstance(t, str) and t), None),
        "last": record.get("lastTimestamp") or record.get("deprecatedLastTimestamp"),
        "count": record.get("count") or _get(record, "series", "count") or record.get("deprecatedCount"),
        "reason": record.get("reason"),
        "text": record.get("message") or record.get("note"),
        "kind": _get(obj, "kind"),
        "name": _get(obj, "name"),
        "namespace": _get(obj, "namespace") or _get(record, "metadata", "namespace"),
        "type": record.get("type"),
        "component": _get(record, "source", "component") or record.get("reportingController"),
    }
    return {k: (str(v) if v is not None else None) for k, v in values.items()}


def _message() -> pl.Expr:
    repeated = pl.col("count").cast(pl.Int64, strict=False) > 1
    times = pl.concat_str(
        [pl.lit(" (x"), pl.col("count"), pl.lit(", last "), pl.col("last").fill_null("?"), pl.lit(")")]
    )
    head = pl.concat_str([pl.col("reason"), pl.col("text")], separator=": ", ignore_nulls=True)
    return pl.concat_str([head, pl.when(repeated).then(times).otherwise(pl.lit(""))]).fill_null("")


def parse(source: SourceFile) -> ParseResult:
    records = records_under(load_documents(source.text, source.path), ("items",))
    frame = pl.DataFrame(
        [_row(r) for r in records], schema=dict.fromkeys(_COLUMNS, pl.String)
    ).with_row_index("line", offset=1)
    frame = frame.with_columns(
        pl.col("line").cast(pl.Int64),
        ts_raw=pl.col("ts"),
        **timeparse.iso_columns(pl.col("ts")),
        message=_message(),
        level_raw=pl.col("type"),
        service=pl.coalesce("name", "kind", "component", pl.lit(service_from_path(source.path))),
        group=pl.col("namespace"),
        logger=pl.col("component"),
    )
    timed = pl.col("ts_utc").is_not_null() | pl.col("ts_local").is_not_null()
    rejects = frame.filter(~timed).select(
        "line",
        reason=pl.lit("event has no time (eventTime/firstTimestamp/lastTimestamp)"),
        text=pl.col("message"),
    )
    return ParseResult(events=frame.filter(timed), rejects=rejects, units=frame.height, unit="record")


FORMAT = register(
    Format(
        name="k8s-events-json",
        description="Kubernetes events as JSON (kubectl get events -o json, EventList, events.k8s.io/v1)",
        example='{"kind": "EventList", "items": [{"reason": "BackOff", "firstTimestamp": "2024-05-02T10:00:00Z", ...}]}',
        sniff=sniff,
        parse=parse,
    )
)
