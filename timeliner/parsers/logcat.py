"""Android logcat text (``adb logcat`` / bug reports): threadtime, time, year and epoch layouts.

Reads lines such as::

    03-17 16:13:38.811  1702  2395 D WindowManager: printFreezingDisplayLogs opening app wtoken   (threadtime)
    03-17 16:13:38.811 -0700  1702  2395 E AndroidRuntime: FATAL EXCEPTION: main                   (-v zone)
    03-17 16:13:38.811 D/WindowManager( 1702): printFreezingDisplayLogs                             (-v time)
    2024-03-17 16:13:38.811  1702  2395 I ActivityManager: Start proc 4312:com.example/u0a123      (-v year)
    1710692018.811  1702  2395 W System: A resource failed to call close.                          (-v epoch)

Without a year (the default) the year is assigned by normalize (``--year`` or inferred) and, as
without a zone, the time is local wall-clock time of the device (``--source-tz`` / ``--tz``);
``-v epoch`` and ``-v zone`` fix the instant (without ``-v year``, normalize applies the offset
once it has chosen the year). The tag is the service (pid and tid kept: a new pid
for a tag is a restarted process); the level letter (V D I W E F A) is kept.
``--------- beginning of main`` markers are counted as continuations; lines without a header
(a wrapped stack trace) continue the event above.
"""

from __future__ import annotations

import re

import polars as pl

from timeliner import timeparse
from timeliner.parsers._lines import assemble, line_frame, text_result
from timeliner.parsers._registry import Format, ParseResult, register
from timeliner.parsers._sniff import head_lines, python_regex
from timeliner.parsers._stamps import wall_clock
from timeliner.schema import PLACEHOLDER_YEAR
from timeliner.sources import SourceFile

_STAMP = (
    r"(?<stamp>(?:(?<year>\d{4})-)?(?<month>\d{2})-(?<day>\d{2}) (?<time>\d{2}:\d{2}:\d{2})\.(?<frac>\d{3,6})"
    r"(?: (?<zone>[+-]\d{4}))?|(?<epoch>\d{9,10}\.\d{3,6}))"
)
THREADTIME = (
    r"^" + _STAMP + r"\s+(?<pid>\d+)\s+(?<tid>\d+)\s+(?<level>[VDIWEFAS])\s+(?<tag>.*?)\s*: (?<msg>.*)$"
)
TIME = r"^" + _STAMP + r"\s+(?<level>[VDIWEFAS])/(?<tag>[^(]*?)\(\s*(?<pid>\d+)\): (?<msg>.*)$"
MARKER = r"^-{9} (?:beginning of|switch to) \w+"
_SNIFF = [python_regex(p) for p in (THREADTIME, TIME)]


def sniff(head: str) -> float:
    lines = [ln for ln in head_lines(head, 40) if not re.match(MARKER, ln)]
    hits = sum(1 for ln in lines if any(p.match(ln) for p in _SNIFF))
    return 0.95 if lines and hits * 2 > len(lines) else 0.0


def _fields() -> dict[str, pl.Expr]:
    layouts = [pl.col("text").str.extract_groups(p) for p in (THREADTIME, TIME)]
    names = (
        "stamp",
        "year",
        "month",
        "day",
        "time",
        "frac",
        "zone",
        "epoch",
        "pid",
        "tid",
        "level",
        "tag",
        "msg",
    )
    return {
        name: pl.coalesce(
            [
                s.struct.field(name)
                for s, p in zip(layouts, (THREADTIME, TIME), strict=True)
                if f"<{name}>" in p
            ]
        )
        for name in names
    }


def _offset() -> pl.Expr:
    # "-0700" → -7 h, as a duration to subtract from the wall time.
    zone = pl.col("zone")
    minutes = zone.str.slice(1, 2).cast(pl.Int64) * 60 + zone.str.slice(3, 2).cast(pl.Int64)
    return pl.duration(minutes=pl.when(zone.str.starts_with("-")).then(-minutes).otherwise(minutes))


def _time_columns() -> dict[str, pl.Expr]:
    epoch = pl.col("epoch").is_not_null()
    # A zone without a year is applied by normalize once it has picked the year (as tz_abbrev).
    zoned = pl.col("zone").is_not_null() & pl.col("year").is_not_null()
    year = pl.coalesce(pl.col("year"), pl.lit(str(PLACEHOLDER_YEAR)))
    wall = wall_clock(
        year=year, month=pl.col("month"), day=pl.col("day"), time=pl.col("time"), fraction=pl.col("frac")
    )
    return {
        "ts_raw": pl.col("stamp"),
        "ts_utc": pl.when(epoch)
        .then(timeparse.epoch_to_utc(pl.col("epoch"), "s"))
        .when(zoned)
        .then(wall.dt.replace_time_zone("UTC") - _offset()),
        "ts_local": pl.when(~epoch & ~zoned).then(wall),
        "tz_abbrev": pl.when(~zoned).then(pl.col("zone")),
        "ts_basis": pl.when(epoch).then(pl.lit("epoch-s")).when(zoned).then(pl.lit("offset")),
    }


def parse(source: SourceFile) -> ParseResult:
    frame = line_frame(source)
    markers = frame["text"].str.contains(MARKER)
    lines = frame.filter(~markers).with_columns(**_fields())
    lines = lines.with_columns(
        **_time_columns(),
        level_raw=pl.col("level"),
        service=pl.col("tag").str.strip_chars(),
        thread=pl.col("tid"),
        message=pl.col("msg").str.strip_chars_end(),
    )
    heads, rejects, continuations = assemble(
        lines,
        is_start=pl.col("stamp").is_not_null(),
        is_broken=pl.col("stamp").is_null()
        & pl.col("text").str.contains(r"^(?:\d{4}-)?\d{2}-\d{2} \d{2}:\d{2}:\d{2}"),
    )
    result = text_result(source, frame, heads, rejects, continuations + int(markers.sum()))
    # Yearless unless every event carried a year, a zone with its year, or an epoch.
    result.yearless = bool(heads.filter(pl.col("year").is_null() & pl.col("epoch").is_null()).height)
    return result


FORMAT = register(
    Format(
        name="logcat",
        description="Android logcat (threadtime, time, year, zone, epoch layouts); tag as service, pid/tid kept",
        example="03-17 16:13:38.811  1702  2395 D WindowManager: printFreezingDisplayLogs opening app wtoken",
        sniff=sniff,
        parse=parse,
    )
)
