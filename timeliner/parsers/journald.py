"""systemd journal exports: ``journalctl -o json`` / ``json-pretty`` and ``journalctl -o export``.

``-o json`` writes one object per line, every value a string (``-o json-pretty`` spreads each
object over several lines, one field a line)::

    { "__REALTIME_TIMESTAMP" : "1583353899094400", "_BOOT_ID" : "4486...", "SYSLOG_IDENTIFIER" : "openfaas-fn:nodeinfo", "_PID" : "2254", "MESSAGE" : "POST / - 200 OK" }

``-o export`` writes ``KEY=value`` lines, one entry per block, blocks separated by a blank line.

Times are µs since the epoch (UTC): the event's time is ``_SOURCE_REALTIME_TIMESTAMP`` (when the
program logged) where present, else ``__REALTIME_TIMESTAMP`` (when journald received it, kept
as ``received_ts``). The service is the systemd unit (``_SYSTEMD_UNIT``), else
``SYSLOG_IDENTIFIER``, else the command (``_COMM``); ``_BOOT_ID`` is the instance (a new boot id
is a reboot), ``_PID`` / ``_HOSTNAME`` are kept, ``PRIORITY`` 0–7 becomes the syslog severity
word. A ``MESSAGE`` journald stored as bytes (a JSON array of numbers) is decoded as UTF-8.
"""

from __future__ import annotations

import re

import orjson
import polars as pl

from timeliner import timeparse
from timeliner.parsers._identity import service_from_path
from timeliner.parsers._lines import line_frame
from timeliner.parsers._ndjson import assemble_records, read_fields
from timeliner.parsers._registry import Format, ParseResult, no_rejects, register
from timeliner.parsers.syslog import SEVERITIES
from timeliner.sources import SourceFile

FIELDS = (
    "__REALTIME_TIMESTAMP",
    "_SOURCE_REALTIME_TIMESTAMP",
    "MESSAGE",
    "PRIORITY",
    "_SYSTEMD_UNIT",
    "SYSLOG_IDENTIFIER",
    "_COMM",
    "_BOOT_ID",
    "_PID",
    "_HOSTNAME",
)
_EXPORT_FIELD = r"^([A-Z0-9_]+)=(.*)$"
_SNIFF_EXPORT = re.compile(r"^__(?:CURSOR|REALTIME_TIMESTAMP)=", re.MULTILINE)
NO_TIME = "journal entry has no __REALTIME_TIMESTAMP"


def sniff_json(head: str) -> float:
    """0.97 with a µs ``__REALTIME_TIMESTAMP``; 0.9 for journalctl's ``"MESSAGE" : `` spelling without one."""
    if re.search(r'"__REALTIME_TIMESTAMP"\s*:\s*"\d+"', head):
        return 0.97
    return 0.9 if re.search(r'^\s*\{?\s*"MESSAGE" : ', head, re.MULTILINE) else 0.0


def sniff_export(head: str) -> float:
    return 0.97 if _SNIFF_EXPORT.search(head) and re.search(r"^MESSAGE=", head, re.MULTILINE) else 0.0


def _message_text(raw: str) -> str:
    value = orjson.loads(raw)
    if all(isinstance(v, int) for v in value):
        return bytes(value).decode("utf-8", "replace")  # a binary field: an array of byte values
    return "\n".join(map(str, value))  # a field logged several times: an array of its values


def _with_text_messages(frame: pl.DataFrame) -> pl.DataFrame:
    """Decode MESSAGE values that journald wrote as arrays; rare, so one by one, only for those rows."""
    message = frame["MESSAGE"]
    as_array = message.str.starts_with("[").fill_null(False)
    if not as_array.any():
        return frame
    decoded = pl.Series([_message_text(raw) for raw in message.filter(as_array)], dtype=pl.String)
    return frame.with_columns(MESSAGE=message.scatter(as_array.arg_true(), decoded))


def _events(frame: pl.DataFrame, fallback_service: str) -> pl.DataFrame:
    """Journal fields (one column per FIELDS name, as text) → partial-schema columns."""
    received = timeparse.epoch_to_utc(pl.col("__REALTIME_TIMESTAMP"), "us")
    logged = timeparse.epoch_to_utc(pl.col("_SOURCE_REALTIME_TIMESTAMP"), "us")
    priority = pl.col("PRIORITY").cast(pl.Int32, strict=False)
    return frame.with_columns(
        ts_raw=pl.coalesce("_SOURCE_REALTIME_TIMESTAMP", "__REALTIME_TIMESTAMP"),
        ts_utc=pl.coalesce(logged, received),
        ts_basis=pl.lit("epoch-us"),
        received_ts=received,
        message=pl.col("MESSAGE").fill_null("").str.strip_chars_end(),
        level_raw=priority.replace_strict(dict(enumerate(SEVERITIES)), default=None, return_dtype=pl.String),
        service=pl.coalesce("_SYSTEMD_UNIT", "SYSLOG_IDENTIFIER", "_COMM", pl.lit(fallback_service)),
        logger=pl.col("SYSLOG_IDENTIFIER"),
        instance=pl.col("_BOOT_ID"),
        pid=pl.col("_PID"),
        host=pl.col("_HOSTNAME"),
    ).drop(FIELDS)


def _one_object_per_line(frame: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    """``json-pretty`` → one line per object (numbered by its first line); the other lines are continuations."""
    stripped = pl.col("text").str.strip_chars()
    first = frame.filter(stripped != "")["text"].head(1).to_list()
    if not first or first[0].strip() != "{":
        return frame, 0
    grouped = frame.with_columns(_object=(stripped == "{").cast(pl.Int64).cum_sum())
    joined = grouped.group_by("_object", maintain_order=True).agg(
        pl.col("line").first(), pl.col("text").str.join(" ")
    )
    return joined.drop("_object"), frame.height - joined.height


def parse_json(source: SourceFile) -> ParseResult:
    frame, folded = _one_object_per_line(line_frame(source))
    frame = read_fields(
        frame, {name: [(name,)] for name in FIELDS}, required="__REALTIME_TIMESTAMP", texts=("MESSAGE",)
    )
    frame = _events(_with_text_messages(frame), service_from_path(source.path))
    heads, rejects, continuations = assemble_records(
        frame, is_record=pl.col("ts_utc").is_not_null(), missing_reason=NO_TIME
    )
    return ParseResult(
        events=heads,
        rejects=rejects if rejects.height else no_rejects(),
        units=frame.height + folded,
        continuations=continuations + folded,
    )


def parse_export(source: SourceFile) -> ParseResult:
    frame = line_frame(source)
    blank = pl.col("text").str.strip_chars() == ""
    # A new entry starts on the first line, and on every non-blank line after a blank one.
    starts = ~blank & blank.shift(1).fill_null(True)
    frame = frame.with_columns(_entry=starts.cast(pl.Int64).cum_sum(), _start=starts)
    fields = frame.with_columns(
        _key=pl.col("text").str.extract(_EXPORT_FIELD, 1), _value=pl.col("text").str.extract(_EXPORT_FIELD, 2)
    )
    wanted = fields.filter(pl.col("_key").is_in(FIELDS))
    values = wanted.pivot(on="_key", index="_entry", values="_value", aggregate_function="first")
    missing = [pl.lit(None, dtype=pl.String).alias(name) for name in FIELDS if name not in values.columns]
    entries = (
        fields.filter(pl.col("_start"))
        .select("_entry", "line", "text")
        .join(values.with_columns(missing), on="_entry", how="left")
        .drop("_entry")
    )
    entries = _events(_with_text_messages(entries), service_from_path(source.path))
    timed = entries.filter(pl.col("ts_utc").is_not_null())
    rejects = entries.filter(pl.col("ts_utc").is_null()).select("line", reason=pl.lit(NO_TIME), text="text")
    return ParseResult(
        events=timed,
        rejects=rejects if rejects.height else no_rejects(),
        units=frame.height,
        continuations=frame.height - entries.height,
    )


JSON_FORMAT = register(
    Format(
        name="journald-json",
        description="systemd journal as journalctl -o json / json-pretty (µs UTC; unit, boot id, pid, priority)",
        example='{ "__REALTIME_TIMESTAMP" : "1583353899094400", "_BOOT_ID" : "4486...", "SYSLOG_IDENTIFIER" : "sshd", "MESSAGE" : "..." }',
        sniff=sniff_json,
        parse=parse_json,
    )
)
EXPORT_FORMAT = register(
    Format(
        name="journald-export",
        description="systemd journal as journalctl -o export (KEY=value blocks; µs UTC; unit, boot id, pid)",
        example="__REALTIME_TIMESTAMP=1342540861416409",
        sniff=sniff_export,
        parse=parse_export,
    )
)
