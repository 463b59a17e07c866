"""Supercomputer system logs as published by USENIX CFDR / loghub: Thunderbird, Blue Gene/L, LANL HPC.

Thunderbird and BG/L lines start with an alert label (``-`` = no alert), an epoch, a date and the
node, then the node's own record::

    - 1131566461 2005.11.09 dn228 Nov 9 12:01:01 dn228/dn228 crond(pam_unix)[2915]: session closed for user root
    - 1117838570 2005.06.03 R02-M1-N0-C:J12-U11 2005-06-03-15.42.50.675872 R02-M1-N0-C:J12-U11 RAS KERNEL INFO instruction cache parity error corrected

LANL HPC lines: log id, node, component, state, epoch, flag, message::

    134681 node-246 unix.hw state_change.unavailable 1077804742 1 Component State Change: Component ...

The epoch (seconds, UTC) is the event's time; BG/L's local stamp adds its microseconds. The
nodes' local stamps (UTC−8 for Thunderbird, PDT/PST for BG/L) are kept as a second clock
(``ts_local``), which normalize reports beside the epoch but does not use.
Files are commonly not in time order (HPC); normalize sorts. The service is the node
(Thunderbird: ``node/program`` like syslog, with the pid kept); a labelled line (not ``-``) has
level ``alert``; BG/L's component and level and HPC's component are kept.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from timeliner import timeparse
from timeliner.parsers._lines import NOT_BLANK, assembled_result, header_frame
from timeliner.parsers._registry import Format, ParseResult, register
from timeliner.parsers._sniff import majority_sniffer
from timeliner.parsers.syslog import TAG_WITH_PID, TAG_WITHOUT_PID
from timeliner.schema import LOCAL_US
from timeliner.sources import SourceFile

_PREFIX = r"^(?<label>\S+) (?<epoch>\d{9,10}) \d{4}\.\d{2}\.\d{2} (?<node>\S+) "
THUNDERBIRD = (
    _PREFIX
    + r"(?<local>(?<mon>\w{3}) +(?<day>\d{1,2}) (?<time>\d{2}:\d{2}:\d{2})) (?<source>\S+) (?<tagged>.*)$"
)
BGL = (
    _PREFIX
    + r"(?<local>\d{4}-\d{2}-\d{2}-\d{2}\.\d{2}\.\d{2}\.(?<frac>\d{6})) \S+ (?<kind>\S+) (?<component>\S+) "
    r"(?<level>[A-Z]+) (?<msg>.*)$"
)
LANL_HPC = r"^(?<logid>\d+) (?<node>\S+) (?<component>\S+) (?<state>\S+) (?<epoch>\d{9,10}) (?<flag>-?\d+) (?<msg>.*)$"


def _parse(
    source: SourceFile, pattern: str, columns: Callable[[], dict[str, pl.Expr]], *, yearless: bool = False
) -> ParseResult:
    frame = header_frame(source, pattern)
    fraction = pl.col("frac").cast(pl.Int64) if "frac" in frame.columns else pl.lit(0)
    frame = frame.with_columns(
        ts_raw=pl.col("epoch"),
        ts_utc=timeparse.epoch_to_utc(pl.col("epoch"), "s") + pl.duration(microseconds=fraction),
        ts_basis=pl.lit("epoch-s"),
        **{"ts_local": pl.lit(None, dtype=LOCAL_US), **columns()},
    )
    return assembled_result(
        source,
        frame,
        stamp="epoch",
        broken=NOT_BLANK,
        broken_reason="not a line of this log (its fields do not match)",
        yearless=yearless,
    )


def _alert() -> pl.Expr:
    return pl.when(pl.col("label") != "-").then(pl.lit("alert"))


def _thunderbird_columns() -> dict[str, pl.Expr]:
    with_pid = pl.col("tagged").str.extract_groups(TAG_WITH_PID)
    without_pid = pl.col("tagged").str.extract_groups(TAG_WITHOUT_PID)
    program = pl.coalesce(
        with_pid.struct.field("program"), without_pid.struct.field("program")
    ).str.strip_chars()
    return {
        # The node's own syslog stamp: a second clock, reported beside the epoch (yearless, as in syslog).
        "ts_local": timeparse.syslog_to_local(pl.col("local")),
        "level_raw": _alert(),
        "host": pl.col("node"),
        "service": pl.coalesce(pl.concat_str([pl.col("node"), program], separator="/"), pl.col("node")),
        "pid": with_pid.struct.field("pid"),
        "logger": pl.coalesce(with_pid.struct.field("sub"), without_pid.struct.field("sub")),
        "message": pl.coalesce(
            with_pid.struct.field("msg"), without_pid.struct.field("msg"), "tagged"
        ).str.strip_chars_end(),
    }


def _bgl_columns() -> dict[str, pl.Expr]:
    return {
        # The local stamp (Pacific time, with DST): a second clock, reported beside the epoch.
        "ts_local": pl.col("local").str.to_datetime("%Y-%m-%d-%H.%M.%S%.f", strict=False, time_unit="us"),
        "level_raw": pl.coalesce(_alert(), pl.col("level")),
        "host": pl.col("node"),
        "service": pl.col("node"),
        "logger": pl.col("component"),
        "message": pl.col("msg").str.strip_chars_end(),
    }


def _hpc_columns() -> dict[str, pl.Expr]:
    return {
        "host": pl.col("node"),
        "service": pl.col("node"),
        "logger": pl.col("component"),
        "message": pl.concat_str([pl.col("state"), pl.col("msg")], separator=" ").str.strip_chars_end(),
    }


THUNDERBIRD_FORMAT = register(
    Format(
        name="thunderbird",
        description="Thunderbird supercomputer syslog (CFDR/loghub): alert label, epoch UTC, node, syslog record",
        example="- 1131566461 2005.11.09 dn228 Nov 9 12:01:01 dn228/dn228 crond(pam_unix)[2915]: session closed for user root",
        sniff=majority_sniffer(THUNDERBIRD, 0.95),
        parse=lambda source: _parse(source, THUNDERBIRD, _thunderbird_columns, yearless=True),
    )
)
BGL_FORMAT = register(
    Format(
        name="bgl",
        description="Blue Gene/L RAS log (CFDR/loghub): alert label, epoch UTC with local µs, node, component, level",
        example="- 1117838570 2005.06.03 R02-M1-N0-C:J12-U11 2005-06-03-15.42.50.675872 R02-M1-N0-C:J12-U11 RAS KERNEL INFO ...",
        sniff=majority_sniffer(BGL, 0.95),
        parse=lambda source: _parse(source, BGL, _bgl_columns),
    )
)
HPC_FORMAT = register(
    Format(
        name="lanl-hpc",
        description="LANL HPC system log (CFDR/loghub): log id, node, component, state, epoch UTC (often unsorted)",
        example="134681 node-246 unix.hw state_change.unavailable 1077804742 1 Component State Change: Component ...",
        sniff=majority_sniffer(LANL_HPC, 0.95),
        parse=lambda source: _parse(source, LANL_HPC, _hpc_columns),
    )
)
