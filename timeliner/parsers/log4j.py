"""log4j 1/2, logback and Spring Boot 2/3 text logs, with multi-line stack traces.

Reads lines that start with an ISO-like timestamp followed by a level::

    2019-11-16 14:58:54.476  INFO 11680 --- [restartedMain] l.i.m.ManagementSystemApplication        : Started ...
    2023-10-18T20:09:06.941-04:00  INFO 498248 --- [JavaFX-Launcher] o.s.boot.SpringApplication : Starting ...
    2015-10-18 18:01:47,978 INFO [main] org.apache.hadoop.mapreduce.v2.app.MRAppMaster: Created MRAppMaster

Every line that does not start with a timestamp (``\\tat ...``, ``Caused by: ...``, ``... 12 more``,
blank lines around a logback trace) is a continuation of the event above it. Timestamps with an
offset (Spring Boot 3) fix the instant; those without (Spring Boot 2, log4j defaults) are local
time, localized with ``--source-tz`` / ``--tz``. Spring Boot's layout also gives pid, thread and
logger; the service is the file's stem.
"""

from __future__ import annotations

import re

import polars as pl

from timeliner import timeparse
from timeliner.parsers._identity import service_from_path
from timeliner.parsers._lines import LOOKS_LIKE_TIMESTAMP, assemble, line_frame, text_result
from timeliner.parsers._registry import Format, ParseResult, register
from timeliner.sources import SourceFile

_LEVEL = r"TRACE|DEBUG|INFO|WARN|WARNING|ERROR|FATAL|SEVERE|CRITICAL"
HEADER = (
    r"^(?<ts>\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})?)"
    r"(?:\s+|\s*\|\s*)(?<rest>.*)$"
)
SPRING = (
    rf"^(?<level>{_LEVEL})\s+(?<pid>\d+)\s+---\s+(?:\[[^\]]*\]\s+)?\[\s*(?<thread>[^\]]*?)\s*\]\s+"
    r"(?<logger>\S+)\s*:\s?(?<msg>.*)$"
)
LEVEL_NEAR_START = rf"^.{{0,40}}?\b({_LEVEL})\b"
_SNIFF_LINE = re.compile(HEADER.replace("?<", "?P<") + "")
_SNIFF_LEVEL = re.compile(LEVEL_NEAR_START)


def sniff(head: str) -> float:
    lines = [ln for ln in head.splitlines()[:30] if ln.strip()]
    if not lines:
        return 0.0
    starts = [m.group("rest") for ln in lines if (m := _SNIFF_LINE.match(ln))]
    with_level = sum(1 for rest in starts if _SNIFF_LEVEL.match(rest))
    if not starts or lines[0].lstrip().startswith(("{", "[")):
        return 0.0
    return 0.9 * with_level / len(starts) if with_level * 2 >= len(starts) else 0.2


def parse(source: SourceFile) -> ParseResult:
    frame = line_frame(source)
    header = pl.col("text").str.extract_groups(HEADER)
    frame = frame.with_columns(_h=header).unnest("_h")
    spring = pl.col("rest").str.extract_groups(SPRING)
    frame = frame.with_columns(_s=spring).unnest("_s").with_columns(
        ts_raw=pl.col("ts"),
        ts_utc=pl.when(timeparse.has_offset(pl.col("ts"))).then(timeparse.iso_to_utc(pl.col("ts"))),
        ts_local=pl.when(~timeparse.has_offset(pl.col("ts"))).then(timeparse.iso_to_local(pl.col("ts"))),
        ts_basis=pl.when(timeparse.has_offset(pl.col("ts"))).then(pl.lit("offset")),
        level_raw=pl.coalesce(pl.col("level"), pl.col("rest").str.extract(LEVEL_NEAR_START, 1)),
        message=pl.coalesce(pl.col("msg"), pl.col("rest")),
        service=pl.lit(service_from_path(source.path)),
    )
    heads, rejects, continuations = assemble(
        frame,
        is_start=pl.col("ts").is_not_null(),
        is_broken=pl.col("ts").is_null() & pl.col("text").str.contains(LOOKS_LIKE_TIMESTAMP),
    )
    return text_result(source, frame, heads, rejects, continuations)


FORMAT = register(
    Format(
        name="log4j",
        description="log4j 1/2, logback and Spring Boot 2/3 text logs; stack traces joined to their event",
        example="2019-11-16 14:58:54.476  INFO 11680 --- [main] c.e.App : Started App in 38.256 seconds",
        sniff=sniff,
        parse=parse,
    )
)
