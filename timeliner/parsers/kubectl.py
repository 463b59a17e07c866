"""Kubernetes text as people paste it: ``kubectl describe pod``, ``kubectl get pods``, kube-eventer events.

``kubectl describe pod`` — every absolute time in it becomes an event::

    Start Time:   Thu, 26 Nov 2020 20:30:38 +0800                    → Pod <name> started
        State:          Running
          Started:      Mon, 18 Jan 2021 18:31:57 +0800              → Container <c> started (State: Running)
        Last State:     Terminated
          Reason:       OOMKilled
          Exit Code:    137
          Started:      Mon, 18 Jan 2021 18:29:20 +0800              → Container <c> started (Last State: Terminated)
          Finished:     Mon, 18 Jan 2021 18:31:55 +0800              → Container <c> terminated: OOMKilled, exit code 137
        Restart Count:  21

plus the rows of an Events table that carry dates (kubectl ≤ 1.1: ``FirstSeen LastSeen Count ...``).
Times are RFC 1123 with a numeric offset: the instant is fixed. The other lines are context
(continuations); modern Events rows only say ``2m`` ago and cannot be placed (noted). The
service is the container (the pod for ``Start Time``), the group ``namespace/pod``.

``kubectl get pods`` has only relative times (``RESTARTS 4 (57s ago)``, ``AGE 2m40s``): it is
recognised so that it can be rejected with that reason rather than misread.

kube-eventer / webhook event text, one ``Key:Value`` per line (``Timestamp`` is zone-less local
time)::

    Level:Warning
    Reason:BackOff
    Timestamp:2024-01-04 17:51:18
    Message:Back-off restarting failed container
"""

from __future__ import annotations

import re

import polars as pl

from timeliner import timeparse
from timeliner.parsers._identity import service_from_path
from timeliner.parsers._lines import line_frame
from timeliner.parsers._regex import extract_groups
from timeliner.parsers._registry import Format, ParseResult, no_rejects, register
from timeliner.schema import LOCAL_US
from timeliner.sources import SourceFile

RFC1123 = r"[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}"
FIELD = r"^(?<indent> *)(?<key>[A-Za-z][A-Za-z0-9 ()/.-]*?):(?:[ \t]+(?<value>.*?))?[ \t]*$"
EVENT_ROW = rf"^\s+(?<first>{RFC1123})\s+(?<last>{RFC1123})\s+(?<count>\d+)\s+(?<rest>.*?)\s*$"
_TIME_KEYS = ("Start Time", "Started", "Finished")
_SNIFF_DESCRIBE = re.compile(r"^\s*(?:Start Time|Started|Finished|Last State|Restart Count):\s", re.MULTILINE)
_SNIFF_EVENTS_TABLE = re.compile(r"^\s*FirstSeen\s+LastSeen\s+Count\s", re.MULTILINE)
_SNIFF_GET_PODS = re.compile(r"^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\b")
_SNIFF_EVENT_TEXT = re.compile(r"^(Reason|Timestamp|Message):\S", re.MULTILINE)


def sniff_describe(head: str) -> float:
    """0.9 with two container-state fields, or an Events table with FirstSeen/LastSeen dates."""
    return 0.9 if len(_SNIFF_DESCRIBE.findall(head)) >= 2 or _SNIFF_EVENTS_TABLE.search(head) else 0.0


def sniff_get_pods(head: str) -> float:
    return 0.9 if _SNIFF_GET_PODS.match(head.lstrip()) else 0.0


def sniff_event_text(head: str) -> float:
    return 0.9 if len(set(_SNIFF_EVENT_TEXT.findall(head))) == 3 else 0.0


def _structure(frame: pl.DataFrame) -> pl.DataFrame:
    """Each line's field, section (indent 0), container, and State / Last State block."""
    frame = frame.with_columns(_f=extract_groups(pl.col("text"), FIELD)).unnest("_f")
    indent = pl.col("indent").str.len_chars()
    section = pl.when(indent == 0).then(pl.col("key"))
    frame = frame.with_columns(_indent=indent, _section=section.forward_fill())
    opens_container = (indent == 2) & pl.col("value").is_null() & (pl.col("_section") == "Containers")
    container = pl.when(opens_container).then(pl.col("key")).when(indent < 2).then(pl.lit(""))
    block = (pl.col("key").is_not_null() & (indent <= 4)).cast(pl.Int64).cum_sum()
    frame = frame.with_columns(
        _container=container.forward_fill().replace("", None),
        _block=block,
        _in_block=pl.col("key").is_not_null() & (indent > 4),
    )
    per_block = {"Reason": "_reason", "Exit Code": "_exit"}
    return frame.with_columns(
        _state=pl.col("key").first().over("_block") + ": " + pl.col("value").first().over("_block"),
        **{
            alias: pl.col("value").filter(pl.col("key") == key).first().over("_block")
            for key, alias in per_block.items()
        },
        _restarts=pl.col("value").filter(pl.col("key") == "Restart Count").first().over("_container"),
    )


def _describe_message(pod: str | None) -> pl.Expr:
    who = pl.coalesce(pl.concat_str([pl.lit("Container "), pl.col("_container")]), pl.lit("Container"))
    ended = pl.concat_str(
        [
            who,
            pl.lit(" terminated: "),
            pl.col("_reason").fill_null("no reason given"),
            pl.lit(", exit code "),
            pl.col("_exit").fill_null("?"),
        ]
    )
    restarts = (
        pl.when(pl.col("_restarts").is_not_null())
        .then(pl.lit(" (restart count ") + pl.col("_restarts") + ")")
        .otherwise(pl.lit(""))
    )
    return (
        pl.when(pl.col("key") == "Start Time")
        .then(pl.lit(f"Pod {pod} started" if pod else "Pod started"))
        .when(pl.col("key") == "Finished")
        .then(ended + restarts)
        .otherwise(pl.concat_str([who, pl.lit(" started ("), pl.col("_state"), pl.lit(")")]))
    )


def parse_describe(source: SourceFile) -> ParseResult:
    frame = _structure(line_frame(source))
    fields = dict(frame.filter(pl.col("_indent") == 0).select("key", "value").drop_nulls().iter_rows())
    pod, namespace = fields.get("Name"), fields.get("Namespace")
    group = "/".join(p for p in (namespace, pod) if p) or None
    stem = service_from_path(source.path)
    timed = pl.col("key").is_in(_TIME_KEYS) & pl.col("value").str.contains(f"^{RFC1123}$")
    stamps = frame.filter(timed).select(
        "line",
        **_rfc1123_columns(pl.col("value")),
        message=_describe_message(pod),
        level_raw=pl.when((pl.col("key") == "Finished") & (pl.col("_exit").fill_null("0") != "0")).then(
            pl.lit("error")
        ),
        service=pl.when(pl.col("key") == "Start Time")
        .then(pl.lit(pod or stem))
        .otherwise(pl.col("_container").fill_null(stem)),
        group=pl.lit(group, dtype=pl.String),
    )
    events = pl.concat([stamps, _event_rows(frame, pod or stem, group)]).sort("line")
    return _accounted(frame, events, _relative_rows_note(frame))


def _rfc1123_columns(text: pl.Expr) -> dict[str, pl.Expr]:
    parsed = timeparse.rfc2822_to_utc(text)
    return {
        "ts_raw": text,
        "ts_utc": parsed,
        "ts_local": pl.lit(None, dtype=LOCAL_US),
        "ts_basis": pl.lit("offset"),
    }


def _event_rows(frame: pl.DataFrame, service: str, group: str | None) -> pl.DataFrame:
    """Rows of an old-style Events table, which carry absolute FirstSeen / LastSeen dates."""
    rows = (
        frame.filter(pl.col("_section") == "Events")
        .with_columns(_r=extract_groups(pl.col("text"), EVENT_ROW))
        .unnest("_r")
    )
    rows = rows.filter(pl.col("first").is_not_null())
    rest = pl.col("rest").str.replace_all(r"\t+|\s{2,}", " | ")
    return rows.select(
        "line",
        **_rfc1123_columns(pl.col("first")),
        message=pl.concat_str(
            [
                pl.lit("Event: "),
                rest,
                pl.lit(" (x"),
                pl.col("count"),
                pl.lit(", last "),
                pl.col("last"),
                pl.lit(")"),
            ]
        ),
        level_raw=pl.lit(None, dtype=pl.String),
        service=pl.lit(service),
        group=pl.lit(group, dtype=pl.String),
    )


def _relative_rows_note(frame: pl.DataFrame) -> list[str]:
    rows = frame.filter(
        (pl.col("_section") == "Events") & pl.col("text").str.contains(r"^\s+(?:Normal|Warning)\s")
    )
    if not rows.height:
        return []
    return [f"{rows.height} Events row(s) give only relative ages (e.g. '2m'): not placed on the timeline"]


def _accounted(frame: pl.DataFrame, events: pl.DataFrame, notes: list[str]) -> ParseResult:
    has_time = pl.col("ts_utc").is_not_null() | pl.col("ts_local").is_not_null()
    good, bad = events.filter(has_time), events.filter(~has_time)
    rejects = bad.select("line", reason=pl.lit("timestamp is not a valid date/time"), text=pl.col("ts_raw"))
    return ParseResult(
        events=good,
        rejects=rejects if rejects.height else no_rejects(),
        units=frame.height,
        continuations=frame.height - good.height - rejects.height,
        notes=notes,
    )


def parse_get_pods(source: SourceFile) -> ParseResult:
    frame = line_frame(source)
    rows = frame.filter((pl.col("line") > 1) & (pl.col("text").str.strip_chars() != ""))
    reason = "kubectl get pods gives only relative times (AGE, RESTARTS '(57s ago)'); use kubectl describe pod or get events -o json"
    rejects = rows.select("line", reason=pl.lit(reason), text="text")
    return ParseResult(
        events=pl.DataFrame(schema={"line": pl.Int64, "message": pl.String}),
        rejects=rejects if rejects.height else no_rejects(),
        units=frame.height,
        continuations=frame.height - rejects.height,
    )


def parse_event_text(source: SourceFile) -> ParseResult:
    frame = line_frame(source).with_columns(
        _key=pl.col("text").str.extract(r"^([A-Za-z]+):", 1),
        _value=pl.col("text").str.extract(r"^[A-Za-z]+:(.*?)\s*$", 1),
    )
    blank = pl.col("text").str.strip_chars() == ""
    first_key = frame["_key"].drop_nulls().first() if frame["_key"].drop_nulls().len() else None
    repeats_first = pl.col("_key") == first_key if first_key is not None else pl.lit(False)
    starts = repeats_first | (~blank & blank.shift(1).fill_null(True))
    frame = frame.with_columns(_event=starts.fill_null(False).cast(pl.Int64).cum_sum())
    values = frame.filter(pl.col("_key").is_not_null()).pivot(
        on="_key", index="_event", values="_value", aggregate_function="first"
    )
    for key in ("Level", "Namespace", "Name", "Reason", "Timestamp", "Message", "Kind"):
        if key not in values.columns:
            values = values.with_columns(pl.lit(None, dtype=pl.String).alias(key))
    heads = frame.group_by("_event").agg(pl.col("line").min()).join(values, on="_event")
    events = heads.select(
        "line",
        ts_raw=pl.col("Timestamp"),
        ts_local=pl.col("Timestamp").str.to_datetime("%Y-%m-%d %H:%M:%S", strict=False, time_unit="us"),
        ts_utc=pl.lit(None, dtype=pl.Datetime("us", "UTC")),
        level_raw=pl.col("Level"),
        message=pl.concat_str([pl.col("Reason"), pl.col("Message")], separator=": ", ignore_nulls=True),
        service=pl.col("Name").str.replace(r"\.[0-9a-f]{10,}$", "").fill_null(service_from_path(source.path)),
        group=pl.col("Namespace"),
    ).sort("line")
    return _accounted(frame, events, [])


DESCRIBE = register(
    Format(
        name="kubectl-describe",
        description="kubectl describe pod text: container starts and terminations (OOMKilled, exit codes) at their RFC 1123 times",
        example="      Finished:     Mon, 18 Jan 2021 18:31:55 +0800",
        sniff=sniff_describe,
        parse=parse_describe,
    )
)
GET_PODS = register(
    Format(
        name="kubectl-get-pods",
        description="kubectl get pods table: recognised, but it has only relative times, so its rows are rejected saying so",
        example="web-74464f6b98-2kj6g      0/1     OOMKilled   4 (57s ago)   2m40s",
        sniff=sniff_get_pods,
        parse=parse_get_pods,
    )
)
EVENT_TEXT = register(
    Format(
        name="kube-event-text",
        description="Kubernetes event as Key:Value text (kube-eventer webhooks): Reason, Message, zone-less Timestamp",
        example="Timestamp:2024-01-04 17:51:18",
        sniff=sniff_event_text,
        parse=parse_event_text,
    )
)
