"""Python ``logging`` text logs: the common ``%(asctime)s`` layouts, Home Assistant, OpenStack oslo.log.

Reads lines that start with Python's ``asctime`` (``2003-07-08 16:49:45,896``; ``.`` or no
fraction; an offset if ``datefmt`` added one) followed by one of these layouts::

    2018-04-29 19:05:28 ERROR (Thread-6) [homeassistant.components.notify.ios] The notify.ios ...   (Home Assistant)
    2017-05-16 00:00:00.008 25746 INFO nova.osapi_compute.wsgi.server [req-38101a0b-...] 10.11.10.1 "GET ..." (oslo.log)
    2024-05-02 10:00:00,123 - myapp.db - ERROR - connection lost      (logging cookbook: asctime - name - levelname)
    2024-05-02 10:00:00,123 ERROR:myapp.db:connection lost            (asctime + basicConfig's default)
    2024-05-02 10:00:00,123 [ERROR] myapp.db: connection lost         (only with a traceback in the file)

Tracebacks (``Traceback (most recent call last):``, ``  File "x.py", line 3, in f``,
``ZeroDivisionError: division by zero``) and other lines without a timestamp are continuations
of the event above. ``asctime`` is local time (``time.localtime``): localized with
``--source-tz`` / ``--tz``. oslo.log lines as collected by loghub start with the name of the file
they came from (``nova-api.log.1.2017-05-16_13:53:08``): that name gives the service
(``nova-api``), otherwise the file's stem does. Thread, logger, pid and oslo's request id
(``req-…``) are kept.
"""

from __future__ import annotations

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

_LEVEL = r"DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL|FATAL|AUDIT|TRACE|NOTSET"
HEADER = (
    r"^(?:(?<srcfile>[A-Za-z][\w-]*)\.log\S*\s+)?"
    r"(?<ts>\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:[.,]\d{1,6})?(?:Z|[+-]\d{2}:?\d{2})?)\s+(?<rest>.*)$"
)
# What follows asctime. Named groups among: level, thread, logger, pid, request_id, msg.
LAYOUTS = {
    "home-assistant": rf"^(?<level>{_LEVEL})\s+\((?<thread>[^)]*)\)\s+\[(?<logger>[^\]]+)\]\s?(?<msg>.*)$",
    "oslo": (
        rf"^(?<pid>\d+)\s+(?<level>{_LEVEL})\s+(?<logger>[\w.]+)\s+"
        r"(?:\[(?:(?<request_id>req-[0-9a-f-]+)[^\]]*|-)\]\s?)?(?<msg>.*)$"
    ),
    "cookbook": rf"^-\s+(?<logger>\S+)\s+-\s+(?<level>{_LEVEL})\s+-\s?(?<msg>.*)$",
    "basic": rf"^(?<level>{_LEVEL}):(?<logger>[^:\s]*):(?<msg>.*)$",
    "bracketed": rf"^\[?(?<level>{_LEVEL})\]?\s+(?:(?<logger>[\w.]+):\s)?(?<msg>.*)$",
}
_FIELDS = ("level", "thread", "logger", "pid", "request_id", "msg")
# Layouts that are Python's own; "bracketed" is shared with Java layouts and counts only with a traceback.
_DISTINCT = ("home-assistant", "oslo", "cookbook", "basic")
_SNIFF_HEADER = python_regex(HEADER)
_SNIFF_LAYOUTS = [python_regex(LAYOUTS[name]) for name in _DISTINCT]
_SNIFF_BRACKETED = python_regex(LAYOUTS["bracketed"])
TRACEBACK = "Traceback (most recent call last):"


def sniff(head: str) -> float:
    """0.96 when most timestamped lines are in a Python-only layout (or a traceback follows), else 0."""
    lines = head_lines(head)
    starts = [m.group("rest") for ln in lines if (m := _SNIFF_HEADER.match(ln))]
    if not starts:
        return 0.0
    distinct = sum(1 for rest in starts if any(p.match(rest) for p in _SNIFF_LAYOUTS))
    if distinct * 2 > len(starts):
        return 0.96
    bracketed = sum(1 for rest in starts if _SNIFF_BRACKETED.match(rest))
    return 0.96 if TRACEBACK in head and bracketed * 2 > len(starts) else 0.0


def parse(source: SourceFile) -> ParseResult:
    frame = with_layout_fields(header_frame(source, HEADER), "rest", LAYOUTS, _FIELDS)
    frame = with_columns(
        frame,
        ts_raw=pl.col("ts"),
        **timeparse.iso_columns(pl.col("ts")),
        level_raw=pl.col("level"),
        message=pl.coalesce("msg", "rest").str.strip_chars_end(),
        service=pl.coalesce(pl.col("srcfile"), path_service(source)),
    ).drop("level", "msg")
    return assembled_result(
        source, frame, stamp="ts", broken=pl.col("text").str.contains(LOOKS_LIKE_TIMESTAMP)
    )


FORMAT = register(
    Format(
        name="python-logging",
        description=(
            "Python logging text (asctime layouts, Home Assistant, OpenStack oslo.log); tracebacks joined to their event"
        ),
        example="2018-04-29 19:05:28 ERROR (Thread-6) [homeassistant.components.notify.ios] The notify.ios platform ...",
        sniff=sniff,
        parse=parse,
        batches=any_file,
    )
)
