"""Android HealthApp pipe-separated log (loghub): ``timestamp|component|pid|message``.

Reads lines such as::

    20171223-22:15:29:606|Step_LSC|30002312|onStandStepChanged 3579
    20171224-0:0:0:218|Step_StandStepCounter|30002312|reStartStepCounter

Hour, minute, second and milliseconds are not zero-padded (``0:0:0:218``; ``35:11`` is 11 ms).
The time is local wall-clock time (``--source-tz`` / ``--tz``). The component goes to ``logger``,
the pid is kept; the service is the file's stem.
"""

from __future__ import annotations

import polars as pl

from timeliner.parsers._identity import service_from_path
from timeliner.parsers._lines import assembled_result, header_frame
from timeliner.parsers._registry import Format, ParseResult, register
from timeliner.parsers._sniff import majority_sniffer
from timeliner.parsers._stamps import local_only_columns, wall_clock
from timeliner.sources import SourceFile

HEADER = (
    r"^(?<ts>(?<year>\d{4})(?<month>\d{2})(?<day>\d{2})-(?<time>\d{1,2}:\d{1,2}:\d{1,2}):(?<ms>\d{1,3}))"
    r"\|(?<component>[^|]*)\|(?<pid>\d+)\|(?<msg>.*)$"
)


sniff = majority_sniffer(HEADER, 0.95)


def parse(source: SourceFile) -> ParseResult:
    local = wall_clock(
        year=pl.col("year"),
        month=pl.col("month"),
        day=pl.col("day"),
        time=pl.col("time"),
        fraction=pl.col("ms").str.pad_start(3, "0"),
    )
    frame = header_frame(source, HEADER).with_columns(
        **local_only_columns(pl.col("ts"), local),
        logger=pl.col("component"),
        message=pl.col("msg").str.strip_chars_end(),
        service=pl.lit(service_from_path(source.path)),
    )
    return assembled_result(source, frame, stamp="ts", broken=pl.col("text").str.contains(r"^\d{8}-\d"))


FORMAT = register(
    Format(
        name="healthapp",
        description="Android HealthApp log (loghub): yyyyMMdd-H:m:s:S|component|pid|message, local time",
        example="20171223-22:15:29:606|Step_LSC|30002312|onStandStepChanged 3579",
        sniff=sniff,
        parse=parse,
    )
)
