"""logfmt: space-separated ``key=value`` lines (Prometheus/go-kit, slog's text handler, logrus).

Reads lines such as::

    ts=2024-08-14T10:30:54.415Z caller=main.go:983 level=warn msg="Received an OS signal, exiting gracefully..." signal=terminated
    time=2024-05-02T10:00:00.000+02:00 level=INFO source=main.go:12 msg="listening" addr=:8080
    time="2024-05-02T10:00:00Z" level=error msg="Error syncing pod" pod=web-1

Values with spaces are double-quoted with ``\\"`` escapes. Time is the first of ``ts``,
``time``, ``t``, ``timestamp``: ISO text with an offset fixes the instant, without one it is
local time; an epoch number is read by its magnitude. A stray character after the time as
people paste it (`` ts=…Z` ``) is ignored. The message is ``msg`` / ``message``; a line without
one is shown with its other pairs. ``level`` is kept as written; ``component`` / ``logger``
go to ``logger``; ``service`` / ``app`` name the service, else the file's stem does. Lines
without ``key=`` (a raw stack trace) continue the event above; a ``key=value`` line without a
time is rejected.
"""

from __future__ import annotations

import re

import polars as pl

from timeliner.parsers._identity import path_service
from timeliner.parsers._lines import assemble, line_frame, text_result
from timeliner.parsers._registry import Format, ParseResult, any_file, register
from timeliner.parsers._sniff import head_lines
from timeliner.parsers._stamps import with_epoch_or_iso_columns
from timeliner.sources import SourceFile

TIME_KEYS = ("ts", "time", "t", "timestamp")
_VALUE = r'("(?:[^"\\]|\\.)*"|[^\s"]\S*|)'
PAIR_LINE = r"^\s*[A-Za-z_][\w.-]*=\S"
_EPOCH_TEXT = r"^-?\d+(?:\.\d+)?$"
_SNIFF_LINE = re.compile(PAIR_LINE)
_SNIFF_TIME = re.compile(r"(?:^|\s)(?:" + "|".join(TIME_KEYS) + r")=\"?\d")
_SNIFF_WHAT = re.compile(r"(?:^|\s)(?:level|lvl|msg|message)=")


def pair(key: str) -> str:
    """Regex capturing the raw value of ``key`` (quoted or bare) where it stands as a key."""
    return r"(?:^|\s)" + re.escape(key) + "=" + _VALUE


def value_of(keys: tuple[str, ...]) -> pl.Expr:
    """The first of ``keys`` present on the line, unquoted and unescaped (null when absent)."""
    raw = pl.coalesce([pl.col("text").str.extract(pair(k), 1) for k in keys])
    quoted = raw.str.starts_with('"') & raw.str.ends_with('"') & (raw.str.len_chars() >= 2)
    inner = raw.str.slice(1, raw.str.len_chars() - 2).str.replace_all(r'\\(["\\])', "$1")
    return pl.when(quoted).then(inner).otherwise(raw).replace("", None)


def sniff(head: str) -> float:
    """0.85 when most lines are key=value pairs with a time key and a level or message key."""
    lines = head_lines(head)
    hits = sum(
        1 for ln in lines if _SNIFF_LINE.match(ln) and _SNIFF_TIME.search(ln) and _SNIFF_WHAT.search(ln)
    )
    return 0.85 if lines and hits * 2 > len(lines) else 0.0


def _message() -> pl.Expr:
    # Without msg, the line is its own message, less the time and level that have columns of their own.
    rest = pl.col("text")
    for key in (*TIME_KEYS, "level"):
        rest = rest.str.replace(pair(key), "")
    return pl.coalesce(value_of(("msg", "message")), rest.str.strip_chars()).str.strip_chars_end()


def parse(source: SourceFile) -> ParseResult:
    frame = line_frame(source)
    frame = frame.with_columns(
        # People paste logs with a stray quote or backtick after the value: `ts=...Z``.
        _time=value_of(TIME_KEYS).str.strip_chars_end("`'"),
        _pairs=pl.col("text").str.contains(PAIR_LINE),
    )
    frame = with_epoch_or_iso_columns(frame, "_time", _EPOCH_TEXT).with_columns(
        level_raw=value_of(("level", "lvl", "severity")),
        message=_message(),
        logger=value_of(("logger", "component")),
        service=pl.coalesce(value_of(("service", "app")), path_service(source)),
        host=value_of(("host", "hostname")),
        pid=value_of(("pid",)),
        request_id=value_of(("request_id", "req_id", "trace_id")),
    )
    heads, rejects, continuations = assemble(
        frame.drop("_time"),
        is_start=pl.col("_pairs") & pl.col("ts_raw").is_not_null(),
        is_broken=pl.col("_pairs") & pl.col("ts_raw").is_null(),
        broken_reason="logfmt line has no time (" + "/".join(f"{k}=" for k in TIME_KEYS) + ")",
    )
    return text_result(source, frame, heads.drop("_pairs"), rejects, continuations)


FORMAT = register(
    Format(
        name="logfmt",
        description="logfmt key=value lines (Prometheus/go-kit, slog text, logrus); time under ts/time/t",
        example='ts=2024-08-14T10:30:54.415Z caller=main.go:983 level=warn msg="Received an OS signal, exiting gracefully..."',
        sniff=sniff,
        parse=parse,
        batches=any_file,
    )
)
