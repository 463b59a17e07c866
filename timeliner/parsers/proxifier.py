"""Proxifier connection log: ``[MM.DD HH:MM:SS] program - target message``.

Reads lines such as::

    [10.30 16:49:06] chrome.exe - proxy.cse.cuhk.edu.hk:5070 open through proxy proxy.cse.cuhk.edu.hk:5070 HTTPS
    [10.30 21:08:03] spoolsv.exe *64 - 127.0.0.1:135 error : Could not connect through proxy proxy.cse.cuhk.edu.hk:5070

The time has no year and no zone: the year is assigned by normalize (``--year`` or inferred,
rolling over at New Year) and the zone is the file's (``--source-tz`` / ``--tz``). The program
(``chrome.exe``; ``*64`` marks a 64-bit process) is the service; a line saying ``error`` is
level ``error``.
"""

from __future__ import annotations

import polars as pl

from timeliner import timeparse
from timeliner.parsers._identity import service_from_path
from timeliner.parsers._lines import assembled_result, header_frame
from timeliner.parsers._registry import Format, ParseResult, register
from timeliner.parsers._sniff import majority_sniffer
from timeliner.parsers._stamps import local_only_columns
from timeliner.sources import SourceFile

HEADER = (
    r"^\[(?<ts>(?<month>\d{2})\.(?<day>\d{2}) (?<time>\d{2}:\d{2}:\d{2}))\] "
    r"(?<program>.+?)(?: \*64)? - (?<msg>.*)$"
)


sniff = majority_sniffer(HEADER, 0.95)


def parse(source: SourceFile) -> ParseResult:
    frame = header_frame(source, HEADER).with_columns(
        **local_only_columns(pl.col("ts"), timeparse.yearless_to_local(pl.col("ts"), "%m.%d %H:%M:%S")),
        level_raw=pl.when(pl.col("msg").str.contains(r"\berror\b")).then(pl.lit("error")),
        message=pl.col("msg").str.strip_chars_end(),
        service=pl.coalesce(pl.col("program"), pl.lit(service_from_path(source.path))),
    )
    return assembled_result(
        source,
        frame,
        stamp="ts",
        broken=pl.col("text").str.contains(r"^\[\d{2}\.\d{2} "),
        yearless=True,
    )


FORMAT = register(
    Format(
        name="proxifier",
        description="Proxifier connection log ([MM.DD HH:MM:SS] program - ...); yearless local time",
        example="[10.30 16:49:06] chrome.exe - proxy.cse.cuhk.edu.hk:5070 open through proxy proxy.cse.cuhk.edu.hk:5070 HTTPS",
        sniff=sniff,
        parse=parse,
    )
)
