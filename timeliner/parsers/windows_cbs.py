"""Windows Component-Based Servicing log (``C:\\Windows\\Logs\\CBS\\CBS.log``, also DISM.log).

Reads lines such as::

    2016-09-28 04:30:30, Info                  CBS    Loaded Servicing Stack v6.1.7601.23505 with Core: ...
    2016-09-28 04:30:31, Info                  CSI    00000001@2016/9/27:20:30:31.455 WcpInitialize (wcp.dll version 0.0.0.6) called

The line's time is local wall-clock time (``--source-tz`` / ``--tz``). CSI lines carry a second,
inner stamp in another zone (UTC on the machine loghub sampled): it stays in the message, the
line's own time is the event's. The level (``Info``, ``Warning``, ``Error``) is kept, the component
(``CBS``, ``CSI``, ``DISM``) goes to ``logger``; the service is the file's stem. Lines without the
prefix continue the event above.
"""

from __future__ import annotations

import polars as pl

from timeliner.parsers._identity import service_from_path
from timeliner.parsers._lines import assembled_result, header_frame
from timeliner.parsers._registry import Format, ParseResult, register
from timeliner.parsers._sniff import majority_sniffer
from timeliner.parsers._stamps import local_only_columns
from timeliner.sources import SourceFile

HEADER = r"^(?<ts>\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}), (?<level>[A-Za-z]+)\s+(?<component>[\w-]+)\s{2,}(?<msg>.*)$"


sniff = majority_sniffer(HEADER, 0.95)


def parse(source: SourceFile) -> ParseResult:
    local = pl.col("ts").str.to_datetime("%Y-%m-%d %H:%M:%S", strict=False, time_unit="us")
    frame = header_frame(source, HEADER).with_columns(
        **local_only_columns(pl.col("ts"), local),
        level_raw=pl.col("level"),
        logger=pl.col("component"),
        message=pl.col("msg").str.strip_chars_end(),
        service=pl.lit(service_from_path(source.path)),
    )
    return assembled_result(
        source,
        frame,
        stamp="ts",
        broken=pl.col("text").str.contains(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},"),
    )


FORMAT = register(
    Format(
        name="windows-cbs",
        description="Windows CBS.log / DISM.log servicing logs (local time, level, component)",
        example="2016-09-28 04:30:30, Info                  CBS    Loaded Servicing Stack v6.1.7601.23505 with Core: ...",
        sniff=sniff,
        parse=parse,
    )
)
