"""log4j 1/2, logback and Spring Boot 2/3 text logs (and the Hadoop family's layouts), with stack traces.

Reads lines that start with a timestamp followed by a level, in the layouts Java services write::

    2019-11-16 14:58:54.476  INFO 11680 --- [restartedMain] l.i.m.ManagementSystemApplication        : Started ...
    2023-10-18T20:09:06.941-04:00  INFO 498248 --- [JavaFX-Launcher] o.s.boot.SpringApplication : Starting ...
    2015-10-18 18:01:47,978 INFO [main] org.apache.hadoop.mapreduce.v2.app.MRAppMaster: Created MRAppMaster
    2015-07-29 17:41:44,747 - INFO  [QuorumPeer[myid=1]/0:0:0:0:0:0:0:0:2181:Follower@63] - FOLLOWING
    2024-05-02 10:00:00.123 [http-nio-8080-exec-1] ERROR c.e.OrderService - payment failed
    [2017-11-26 15:34:35,542] INFO Kafka version : 1.0.0 (org.apache.kafka.common.utils.AppInfoParser)
    17/06/09 20:10:40 INFO executor.CoarseGrainedExecutorBackend: Registered signal handlers   (Spark)
    081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 terminating          (HDFS)

Every line that does not start with a timestamp (``\\tat ...``, ``Caused by: ...``, ``... 12 more``,
blank lines around a logback trace) is a continuation of the event above it. Timestamps with an
offset (Spring Boot 3) fix the instant; those without are local time, localized with
``--source-tz`` / ``--tz``; two-digit years (Spark ``yy/MM/dd``, HDFS ``yyMMdd``) are 19xx/20xx by
the POSIX pivot. pid, thread and logger are kept where the layout has them; the service is the
file's stem.
"""

from __future__ import annotations

import re

import polars as pl

from timeliner import timeparse
from timeliner.parsers._identity import path_service
from timeliner.parsers._lines import (
    LOOKS_LIKE_TIMESTAMP,
    assembled_result,
    header_frame,
    with_columns,
    with_layout_fields,
)
from timeliner.parsers._registry import Format, ParseResult, any_file, register
from timeliner.parsers._sniff import head_lines, python_regex
from timeliner.sources import SourceFile

_LEVEL = r"TRACE|DEBUG|INFO|WARN|WARNING|ERROR|FATAL|SEVERE|CRITICAL"
ISO_STAMP = r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})?"
HEADER = (
    rf"^\[?(?:(?<iso>{ISO_STAMP})|(?<slashed>\d{{2}}/\d{{2}}/\d{{2}} \d{{2}}:\d{{2}}:\d{{2}})"
    r"|(?<compact>\d{6} \d{6}))\]?(?:\s+|\s*\|\s*)(?<rest>.*)$"
)
_LOGGER = r"[A-Za-z_$][\w$]*(?:\.[\w$]+)+"
# What follows the timestamp, most specific first. Named groups: level, pid, thread, logger, msg.
SPRING_LAYOUT = (
    rf"^(?<level>{_LEVEL})\s+(?<pid>\d+)\s+---\s+(?:\[[^\]]*\]\s+)?\[\s*(?<thread>[^\]]*?)\s*\]\s+"
    r"(?<logger>\S+)\s*:\s?(?<msg>.*)$"
)
LAYOUTS = {
    "spring": SPRING_LAYOUT,
    "hdfs": rf"^(?<thread>\d+)\s+(?<level>{_LEVEL})\s+(?<logger>[\w.$]+):\s(?<msg>.*)$",
    "thread-first": rf"^\[(?<thread>[^\]]*)\]\s+(?<level>{_LEVEL})\s+(?:(?<logger>[\w.$]+)\s+-\s)?(?<msg>.*)$",
    "level-first": (
        rf"^(?:-\s+)?\[?(?<level>{_LEVEL})\]?\s+(?:\[(?<thread>[^\]]*(?:\[[^\]]*\][^\]]*)*)\]\s+)?"
        rf"(?:-\s+)?(?:(?<logger>{_LOGGER}):\s)?(?<msg>.*)$"
    ),
}
_FIELDS = ("level", "pid", "thread", "logger", "msg")
LEVEL_NEAR_START = rf"^.{{0,40}}?\b({_LEVEL})\b"
_SNIFF_HEADER = python_regex(HEADER)
_SNIFF_LAYOUTS = {name: python_regex(p) for name, p in LAYOUTS.items()}
_SNIFF_LEVEL = re.compile(LEVEL_NEAR_START)


def _line_score(rest: str) -> float:
    if _SNIFF_LAYOUTS["spring"].match(rest):
        return 0.95
    for name in ("hdfs", "thread-first", "level-first"):
        found = _SNIFF_LAYOUTS[name].match(rest)
        if found and (found.group("thread") is not None or found.group("logger")):
            return 0.9
    return 0.6 if _SNIFF_LEVEL.match(rest) else 0.0


def sniff(head: str) -> float:
    """Mean per-line score over timestamped lines: 0.95 Spring Boot, 0.9 thread/logger layouts, 0.6 bare."""
    lines = head_lines(head)
    if not lines or lines[0].lstrip().startswith("{"):
        return 0.0
    starts = [m.group("rest") for ln in lines if (m := _SNIFF_HEADER.match(ln))]
    scores = [_line_score(rest) for rest in starts]
    if not scores or sum(1 for s in scores if s) * 2 < len(scores):
        return 0.2 if scores else 0.0
    return round(sum(scores) / len(scores), 3)


def _timestamp_columns() -> dict[str, pl.Expr]:
    iso = timeparse.iso_columns(pl.col("iso"))
    slashed = timeparse.twodigit_year_to_local(pl.col("slashed"), "%y/%m/%d %H:%M:%S")
    compact = timeparse.twodigit_year_to_local(pl.col("compact"), "%y%m%d %H%M%S")
    return {
        "ts_raw": pl.coalesce("iso", "slashed", "compact"),
        "ts_utc": iso["ts_utc"],
        "ts_local": pl.coalesce(iso["ts_local"], slashed, compact),
        "ts_basis": iso["ts_basis"],
    }


def _level_and_message() -> dict[str, pl.Expr]:
    """After :func:`with_layout_fields`: the level (else a level word near the start) and the message."""
    unplaced = pl.when(pl.col("level").is_null()).then(pl.col("rest"))  # the search runs only there
    return {
        "level_raw": pl.coalesce("level", unplaced.str.extract(LEVEL_NEAR_START, 1)),
        "message": pl.coalesce("msg", "rest").str.strip_chars_end(),
    }


def parse(source: SourceFile) -> ParseResult:
    frame = with_layout_fields(header_frame(source, HEADER), "rest", LAYOUTS, _FIELDS)
    frame = with_columns(
        frame, **_timestamp_columns(), **_level_and_message(), service=path_service(source)
    ).drop("level", "msg")
    return assembled_result(
        source, frame, stamp="ts_raw", broken=pl.col("text").str.contains(LOOKS_LIKE_TIMESTAMP)
    )


FORMAT = register(
    Format(
        name="log4j",
        description=(
            "log4j 1/2, logback, Spring Boot 2/3 and Hadoop/Spark/HDFS/ZooKeeper/Kafka text logs; "
            "stack traces joined to their event"
        ),
        example="2019-11-16 14:58:54.476  INFO 11680 --- [main] c.e.App : Started App in 38.256 seconds",
        sniff=sniff,
        parse=parse,
        batches=any_file,
    )
)
