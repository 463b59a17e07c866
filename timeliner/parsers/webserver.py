"""Web server logs: Apache/nginx access logs (combined, common), Apache error logs, nginx error logs.

Access log, NCSA common/combined (Apache ``%h %l %u %t "%r" %>s %b``, nginx's default ``combined``;
an Apache ``vhost_combined`` ``host:port`` prefix is allowed)::

    83.149.9.216 - - [17/May/2015:10:05:03 +0000] "GET /presentations/ HTTP/1.1" 200 203023 "http://semicomplete.com/" "Mozilla/5.0 ..."

Its time carries an offset (the instant is fixed, to the second). Status 5xx is level ``error``,
anything else ``info``; the message is ``client "request" status bytes``.

Apache error log, 2.0/2.2 and 2.4 (module, pid/tid, µs)::

    [Sun Dec 04 04:47:44 2005] [error] mod_jk child workerEnv in error state 6
    [Wed Oct 11 14:32:52.123456 2000] [core:error] [pid 1234:tid 5678] [client 1.2.3.4:5] AH00124: Request exceeded ...

nginx error log::

    2024/01/01 12:00:00 [error] 123#0: *456 connect() failed (111: Connection refused) while connecting to upstream

Error-log times are local wall-clock time (``--source-tz`` / ``--tz``); lines without a header
continue the event above. pid and thread (``pid 1234:tid 5678``, ``123#0``) are kept, the Apache
module goes to ``logger``, nginx's connection number (``*456``) to ``request_id``. The service
is the file's stem, or its folder when the stem only says what the file is (``/var/log/nginx/error.log``
→ ``nginx``).
"""

from __future__ import annotations

import os

import polars as pl

from timeliner import timeparse
from timeliner.parsers._identity import service_from_path
from timeliner.parsers._lines import LOOKS_LIKE_TIMESTAMP, NOT_BLANK, assembled_result, header_frame
from timeliner.parsers._registry import Format, ParseResult, register
from timeliner.parsers._sniff import majority_sniffer
from timeliner.parsers._stamps import MONTH_NAMES, local_only_columns
from timeliner.schema import LOCAL_US
from timeliner.sources import SourceFile

ACCESS = (
    r"^(?:\S+:\d+ )?(?<client>\S+) \S+ (?<user>\S+) \[(?<ts>\d{2}/(?:"
    + MONTH_NAMES
    + r")/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4})\] "
    r'"(?<request>(?:[^"\\]|\\.)*)" (?<status>\d{3}|-) (?<bytes>\d+|-)(?<rest>.*)$'
)
APACHE_ERROR = (
    r"^\[(?<ts>\w{3} (?<mon>"
    + MONTH_NAMES
    + r") (?<day>\d{1,2}) (?<time>\d{2}:\d{2}:\d{2})(?:\.(?<frac>\d{1,6}))? (?<year>\d{4}))\] "
    r"\[(?:(?<module>[\w-]+):)?(?<level>\w+)\](?: \[pid (?<pid>\d+)(?::tid (?<tid>\d+))?\])?"
    r" ?(?<msg>.*)$"
)
NGINX_ERROR = r"^(?<ts>\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2}) \[(?<level>\w+)\] (?<pid>\d+)#(?<tid>\d+): (?:\*(?<cid>\d+) )?(?<msg>.*)$"
# File stems that only say what a file is; the folder then names the server (/var/log/nginx/error.log).
_GENERIC_STEMS = {
    "access",
    "error",
    "access_log",
    "error_log",
    "ssl_access_log",
    "ssl_error_log",
    "other_vhosts_access",
}


def service_for(path: str) -> str:
    stem = service_from_path(path)
    folder = os.path.basename(os.path.dirname(path))
    return folder if stem.lower() in _GENERIC_STEMS and folder else stem


def parse_access(source: SourceFile) -> ParseResult:
    frame = header_frame(source, ACCESS)
    status = pl.col("status").cast(pl.Int32, strict=False)
    frame = frame.with_columns(
        ts_raw=pl.col("ts"),
        ts_utc=timeparse.apache_to_utc(pl.col("ts")),
        ts_local=pl.lit(None, dtype=LOCAL_US),
        ts_basis=pl.lit("offset"),
        level_raw=pl.when(status >= 500)
        .then(pl.lit("error"))
        .when(status.is_not_null())
        .then(pl.lit("info")),
        message=pl.format('{} "{}" {} {}', *(pl.col(c) for c in ("client", "request", "status", "bytes"))),
        service=pl.lit(service_for(source.path)),
    )
    return assembled_result(
        source,
        frame,
        stamp="ts",
        broken=NOT_BLANK,
        broken_reason="not an access-log line (common or combined format)",
    )


def _parse_error_log(
    source: SourceFile, pattern: str, local: pl.Expr, columns: dict[str, pl.Expr]
) -> ParseResult:
    frame = header_frame(source, pattern).with_columns(
        **local_only_columns(pl.col("ts"), local),
        level_raw=pl.col("level"),
        message=pl.col("msg").str.strip_chars_end(),
        pid=pl.col("pid"),
        thread=pl.col("tid"),
        service=pl.lit(service_for(source.path)),
        **columns,
    )
    return assembled_result(
        source,
        frame,
        stamp="ts",
        broken=pl.col("text").str.contains(LOOKS_LIKE_TIMESTAMP + r"|^\[\w{3} \w{3} "),
    )


def parse_apache_error(source: SourceFile) -> ParseResult:
    local = timeparse.ctime_to_local(pl.col("ts"))
    return _parse_error_log(source, APACHE_ERROR, local, {"logger": pl.col("module")})


def parse_nginx_error(source: SourceFile) -> ParseResult:
    local = pl.col("ts").str.to_datetime("%Y/%m/%d %H:%M:%S", strict=False, time_unit="us")
    return _parse_error_log(source, NGINX_ERROR, local, {"request_id": pl.col("cid")})


ACCESS_FORMAT = register(
    Format(
        name="access-log",
        description="Apache/nginx access logs, common and combined (time with offset; 5xx = error)",
        example='83.149.9.216 - - [17/May/2015:10:05:03 +0000] "GET /presentations/ HTTP/1.1" 200 203023 "-" "Mozilla/5.0"',
        sniff=majority_sniffer(ACCESS, 0.95),
        parse=parse_access,
    )
)
APACHE_ERROR_FORMAT = register(
    Format(
        name="apache-error",
        description="Apache httpd error logs, 2.0/2.2 and 2.4 (module, pid/tid, µs); local time",
        example="[Sun Dec 04 04:47:44 2005] [error] mod_jk child workerEnv in error state 6",
        sniff=majority_sniffer(APACHE_ERROR, 0.95),
        parse=parse_apache_error,
    )
)
NGINX_ERROR_FORMAT = register(
    Format(
        name="nginx-error",
        description="nginx error logs (level, pid#tid, *connection); local time",
        example="2024/01/01 12:00:00 [error] 123#0: *456 connect() failed (111: Connection refused) while connecting to upstream",
        sniff=majority_sniffer(NGINX_ERROR, 0.95),
        parse=parse_nginx_error,
    )
)
