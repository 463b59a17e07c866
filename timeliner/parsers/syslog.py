"""syslog: BSD / RFC 3164 files and messages, and RFC 5424 messages.

Reads, line by line (both kinds may share a file)::

    Jun 14 15:16:01 combo sshd(pam_unix)[19939]: authentication failure; logname= uid=0   (file: no <PRI>)
    <34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8            (RFC 3164 wire)
    2024-05-02T10:00:00.123456+02:00 web-1 nginx[812]: worker process 815 exited          (rsyslog file format)
    <165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It's time to make the do-nuts.

RFC 3164 time (``Jun  7 12:16:20``) has no year and no zone: the year is assigned by normalize
(``--year`` or inferred, rolling over at New Year) and the zone is the file's (``--source-tz`` /
``--tz``). RFC 5424 and rsyslog's ISO stamps carry their offset. The service is
``host/program`` (``combo/sshd``); the pid is kept (a new pid is a new process), a PAM-style
suffix (``sshd(pam_unix)``) goes to ``logger``, RFC 5424's MSGID to ``request_id``. With a
``<PRI>``, the level is its severity (``<34>`` → ``crit``).
"""

from __future__ import annotations

import re

import polars as pl

from timeliner import timeparse
from timeliner.fileindex import per_file_values
from timeliner.parsers._identity import path_service
from timeliner.parsers._lines import assemble, line_frame, split_by_file, text_result, with_columns
from timeliner.parsers._regex import extract_groups
from timeliner.parsers._registry import BatchResult, Format, ParseResult, any_file, register
from timeliner.parsers._sniff import head_lines, python_regex, share
from timeliner.parsers._stamps import MONTH_NAMES
from timeliner.sources import SourceBatch, SourceFile

_PRI = r"(?:<(?<pri>\d{1,3})>)?"
BSD = (
    "^" + _PRI + rf"(?<bsd>(?<mon>{MONTH_NAMES})\s+(?<day>\d{{1,2}})\s+(?<time>\d{{1,2}}:\d{{2}}:\d{{2}})"
    r"(?:\.(?<frac>\d{1,6}))?)\s+(?<host>\S+)\s+(?<tagged>.*)$"
)
ISO = (
    "^"
    + _PRI
    + r"(?<iso>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2}))\s+(?<host>\S+)\s+(?<tagged>.*)$"
)
_SD = r'-|(?:\[(?:[^\]"\\]|\\.|"(?:[^"\\]|\\.)*")*\])+'
RFC5424 = (
    r"^<(?<pri>\d{1,3})>\d{1,2} (?<ts>\S+) (?<host>\S+) (?<app>\S+) (?<procid>\S+) (?<msgid>\S+) "
    rf"(?<sd>{_SD})(?: (?<msg>.*))?$"
)
# The TAG of a BSD message: program (may hold spaces: "Microsoft Word"), optional (sub) and [pid].
TAG_WITH_PID = r"^\s*(?<program>[^\[\]:\s][^\[\]:]{0,63}?)(?:\((?<sub>[^()]*)\))?\[(?<pid>\d+)\](?:\s*\([^)]*\))?:\s?(?<msg>.*)$"
TAG_WITHOUT_PID = r"^(?<program>[^\s\[\]:()]+)(?:\((?<sub>[^()]*)\))?(?: \d[\w.]*)?:\s?(?<msg>.*)$"
SEVERITIES = ("emerg", "alert", "crit", "err", "warning", "notice", "info", "debug")

_SNIFF_5424 = python_regex(RFC5424)
_SNIFF_BSD = python_regex(BSD)
_SNIFF_ISO = python_regex(ISO)
_SNIFF_TAGS = [re.compile(re.sub(r"\(\?<\w+>", "(?:", p)) for p in (TAG_WITH_PID, TAG_WITHOUT_PID)]


def _bsd_line(line: str) -> bool:
    found = _SNIFF_BSD.match(line) or _SNIFF_ISO.match(line)
    return found is not None and any(t.match(found.group("tagged")) for t in _SNIFF_TAGS)


def sniff_bsd(head: str) -> float:
    """0.9 × the share of lines that are BSD syslog (``Mmm dd hh:mm:ss host tag:``), if at least half are."""
    lines = head_lines(head, 40)
    bsd = sum(map(_bsd_line, lines)) / len(lines) if lines else 0.0
    return round(0.9 * bsd, 3) if bsd >= 0.5 else 0.0


def sniff_5424(head: str) -> float:
    """0.95 × the share of lines that are RFC 5424 (``<PRI>1 TIMESTAMP HOST APP ...``), if at least half are."""
    rfc5424 = share(head, _SNIFF_5424, 40)
    return round(0.95 * rfc5424, 3) if rfc5424 >= 0.5 else 0.0


def _f(column: str, name: str) -> pl.Expr:
    return pl.col(column).struct.field(name)


def _split(frame: pl.DataFrame) -> pl.DataFrame:
    """Match every line against the three header shapes, then its BSD tag against the two tag shapes.

    The shapes exclude each other (a month name, a year, or ``<PRI>1`` first), so each is tried
    only on the lines the shapes before it did not match: a pattern over a null costs nothing.
    """
    text = pl.col("text")
    frame = frame.with_columns(_bsd=extract_groups(text, BSD))
    frame = frame.with_columns(_iso=extract_groups(pl.when(_f("_bsd", "bsd").is_null()).then(text), ISO))
    unmatched = _f("_bsd", "bsd").is_null() & _f("_iso", "iso").is_null()
    frame = frame.with_columns(_new=extract_groups(pl.when(unmatched).then(text), RFC5424))
    frame = frame.with_columns(_tagged=pl.coalesce(_f("_bsd", "tagged"), _f("_iso", "tagged")))
    frame = frame.with_columns(_pid=extract_groups(pl.col("_tagged"), TAG_WITH_PID))
    return frame.with_columns(
        _nopid=extract_groups(
            pl.when(_f("_pid", "program").is_null()).then(pl.col("_tagged")), TAG_WITHOUT_PID
        )
    )


def _time_columns() -> dict[str, pl.Expr]:
    stamp = pl.coalesce(_f("_new", "ts"), _f("_iso", "iso"))  # RFC 5424 "-" (no time) is rejected as such
    zoned = timeparse.iso_columns(stamp)
    bsd_time = timeparse.syslog_to_local(_f("_bsd", "bsd"))

    return {
        "ts_raw": pl.coalesce(stamp, _f("_bsd", "bsd")),
        "ts_utc": zoned["ts_utc"],
        "ts_local": pl.coalesce(zoned["ts_local"], bsd_time),
        "ts_basis": zoned["ts_basis"],
    }


def _identity_columns(fallback_service: pl.Expr) -> dict[str, pl.Expr]:
    program = pl.coalesce(
        _f("_new", "app").replace("-", None), _f("_pid", "program"), _f("_nopid", "program")
    )
    host = pl.coalesce(_f("_new", "host"), _f("_bsd", "host"), _f("_iso", "host")).replace("-", None)
    pri = pl.coalesce(_f("_new", "pri"), _f("_bsd", "pri"), _f("_iso", "pri")).cast(pl.Int32, strict=False)
    return {
        "host": host,
        "service": pl.coalesce(
            pl.concat_str([host, program.str.strip_chars()], separator="/"), host, fallback_service
        ),
        "pid": pl.coalesce(_f("_new", "procid").replace("-", None), _f("_pid", "pid")),
        "logger": pl.coalesce(_f("_pid", "sub"), _f("_nopid", "sub")),
        "request_id": _f("_new", "msgid").replace("-", None),
        "level_raw": (pri % 8).replace_strict(
            dict(enumerate(SEVERITIES)), default=None, return_dtype=pl.String
        ),
    }


def _message() -> pl.Expr:
    return pl.coalesce(
        _f("_new", "msg").str.strip_chars_start("\ufeff"),
        _f("_new", "sd").replace("-", ""),  # structured data only: it is the message
        _f("_pid", "msg"),
        _f("_nopid", "msg"),
        pl.col("_tagged"),
    ).str.strip_chars_end()


def parse(source: SourceFile) -> ParseResult:
    return _parse(source)[0]


def parse_batch(sources: list[SourceFile]) -> BatchResult | None:
    """Several small files as one text; each file is yearless when it alone would be (a BSD stamp)."""
    batch = SourceBatch(sources)
    result, frame = _parse(batch)
    split = split_by_file(batch, result)
    if split is not None:
        yearless = per_file_values(frame, _f("_bsd", "bsd").is_not_null().any())
        split.yearless = [bool(yearless.get(index)) for index in range(len(sources))]
    return split


def _parse(source: SourceFile) -> tuple[ParseResult, pl.DataFrame]:
    """The parse, and the frame of every line with its header shapes (what says yearless)."""
    frame = _split(line_frame(source))
    frame = with_columns(
        frame, **_time_columns(), **_identity_columns(path_service(source)), message=_message()
    )
    yearless = bool(frame["_bsd"].struct.field("bsd").is_not_null().any())
    heads, rejects, continuations = assemble(
        frame.drop("_bsd", "_iso", "_new", "_tagged", "_pid", "_nopid"),
        is_start=pl.col("ts_raw").is_not_null(),
        # A syslog record is one line; a line that is not one is damage, not a continuation.
        is_broken=pl.col("ts_raw").is_null() & (pl.col("text").str.strip_chars() != ""),
        broken_reason="not a syslog line (no RFC 3164 or RFC 5424 header)",
    )
    return text_result(source, frame, heads, rejects, continuations, yearless=yearless), frame


_DESCRIPTION = (
    "syslog: RFC 3164 / BSD files (yearless, local time; with or without <PRI>) and rsyslog ISO stamps"
)
FORMAT = register(
    Format(
        name="syslog",
        description=_DESCRIPTION,
        example="Jun 14 15:16:01 combo sshd(pam_unix)[19939]: authentication failure; logname= uid=0 euid=0",
        sniff=sniff_bsd,
        parse=parse,
        batches=any_file,
        parse_batch=parse_batch,
    )
)
FORMAT_5424 = register(
    Format(
        name="syslog-rfc5424",
        description="syslog RFC 5424 messages (<PRI>1 RFC 3339 time, host, app, procid, msgid, structured data)",
        example="<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It's time to make the do-nuts.",
        sniff=sniff_5424,
        parse=parse,
        batches=any_file,
        parse_batch=parse_batch,
    )
)
