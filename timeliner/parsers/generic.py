"""Any text log whose lines start with a recognizable timestamp — the fallback when no format fits.

Reads lines that begin (optionally inside ``[...]``) with one of::

    2024-05-02 10:00:00,123 anything      2024-05-02T10:00:00.123+02:00 anything      2024/05/02 10:00:00 anything
    May  2 10:00:00 anything (no year)    Thu May 02 10:00:00 2024 anything (ctime)

It scores lowest of all formats, so a specific parser always wins. ISO-like stamps with an
offset fix the instant, others are local wall-clock time; a stamp without a year gets one from
normalize. A level word near the start (``ERROR``, ``warn``) is kept. Lines that do not start
with a timestamp continue the event above. The service is the file's stem.
"""

from __future__ import annotations

import polars as pl

from timeliner import timeparse
from timeliner.parsers._identity import service_from_path
from timeliner.parsers._lines import assembled_result, header_frame
from timeliner.parsers._registry import Format, ParseResult, register
from timeliner.parsers._sniff import head_lines, python_regex
from timeliner.parsers._stamps import MONTH_NAMES
from timeliner.sources import SourceFile

_ISO = r"(?<iso>\d{4}[-/.]\d{2}[-/.]\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?(?:\s?(?:Z|[+-]\d{2}:?\d{2}))?)"
_BSD = rf"(?<bsd>(?<mon>{MONTH_NAMES}) +(?<day>\d{{1,2}}) (?<time>\d{{2}}:\d{{2}}:\d{{2}})(?:\.(?<frac>\d{{1,6}}))?)"
_CTIME = rf"(?<ctime>[A-Z][a-z]{{2}} (?:{MONTH_NAMES}) +\d{{1,2}} \d{{2}}:\d{{2}}:\d{{2}} \d{{4}})"
HEADER = rf"^\s*\[?(?:{_ISO}|{_CTIME}|{_BSD})\]?(?:\s*[|:-]\s*|\s+|$)(?<rest>.*)$"
LEVEL_NEAR_START = r"(?i)^.{0,40}?\b(TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|FATAL|CRITICAL|CRIT|SEVERE|ALERT|EMERG)\b"
_SNIFF = python_regex(HEADER)


def sniff(head: str) -> float:
    """0.35 when most unindented lines start with a timestamp: chosen only when nothing else fits.

    Indented lines (stack frames, wrapped text) are continuations, whatever their number.
    """
    lines = [line for line in head_lines(head, 40) if not line[:1].isspace()]
    hits = sum(1 for line in lines if _SNIFF.match(line))
    return 0.35 if lines and hits * 2 > len(lines) else 0.0


def _time_columns() -> dict[str, pl.Expr]:
    # 2024/05/02 and 2024.05.02 are read like 2024-05-02; a space before the offset is dropped.
    iso_text = (
        pl.col("iso")
        .str.replace(r"^(\d{4})[/.](\d{2})[/.](\d{2})", "$1-$2-$3")
        .str.replace(r"\s(Z|[+-])", "$1")
    )
    iso = timeparse.iso_columns(iso_text)
    bsd = timeparse.syslog_to_local(pl.col("bsd"))
    ctime = timeparse.ctime_to_local(pl.col("ctime"))
    return {
        "ts_raw": pl.coalesce("iso", "ctime", "bsd"),
        "ts_utc": iso["ts_utc"],
        "ts_local": pl.coalesce(iso["ts_local"], ctime, bsd),
        "ts_basis": iso["ts_basis"],
    }


def parse(source: SourceFile) -> ParseResult:
    frame = header_frame(source, HEADER).with_columns(
        **_time_columns(),
        level_raw=pl.col("rest").str.extract(LEVEL_NEAR_START, 1),
        message=pl.col("rest").str.strip_chars_end(),
        service=pl.lit(service_from_path(source.path)),
    )
    yearless = bool(frame["bsd"].is_not_null().any())
    return assembled_result(source, frame, stamp="ts_raw", yearless=yearless)


FORMAT = register(
    Format(
        name="generic",
        description="fallback: any text whose lines start with a timestamp (ISO, yyyy/MM/dd, syslog-style, ctime)",
        example="2024-05-02 10:00:00.123 worker-3 lost connection to db-1 (retrying in 5 s)",
        sniff=sniff,
        parse=parse,
    )
)
