"""JSON lines from structured loggers: pino, bunyan, zap, go-kit, slog, structlog, Serilog CLEF, ECS.

One JSON object per line::

    {"level":30,"time":1685976939200,"pid":13,"hostname":"2f07087dc304","name":"connector-agent","msg":"starting up"}
    {"name":"myapp","hostname":"banana.local","pid":40161,"level":30,"msg":"hi","time":"2013-01-04T18:46:23.851Z","v":0}
    {"level":"info","ts":1494196393.1474843,"caller":"pkg/file.go:84","msg":"fetched URL"}
    {"caller":"main.go:346","level":"info","msg":"Starting Prometheus","ts":"2020-11-27T11:17:34.498Z"}
    {"time":"2024-05-02T10:00:00.123+02:00","level":"WARN","source":{"file":"main.go"},"msg":"slow"}
    {"event":"user logged in","level":"info","timestamp":"2023-05-02T10:00:00.123456Z"}
    {"@t":"2024-05-02T10:00:00.1234567Z","@mt":"Order {Id} failed","@l":"Error","Id":42}

Time is the first of ``time``, ``ts``, ``@timestamp``, ``timestamp``, ``@t``, ``t``, ``datetime``:
epoch numbers (s, ms, µs, ns, told from the magnitude; ``1494196393.147`` keeps its fraction)
and ISO text with an offset fix the instant; ISO text without one is local time. Levels are
kept as written (pino/bunyan ``30``, ``"warn"``, ``"Warning"``). The message is ``msg`` /
``message`` / ``event`` / ``@m`` / ``@mt``, followed by an error's stack (``err.stack``,
``stack``, ``exception``) on the next lines; a record without any is shown whole. Of duplicate
keys the last counts, as in every JSON reader. The service is ``service`` / ``service.name`` /
``app``, else the file's stem; ``name`` / ``logger`` go to ``logger``; ``pid``, host and request
ids are kept. Non-JSON lines between records (a raw panic or traceback) continue the record above.
"""

from __future__ import annotations

import orjson
import polars as pl

from timeliner.parsers._identity import path_service
from timeliner.parsers._lines import line_frame, text_result, with_columns
from timeliner.parsers._ndjson import Path, assemble_records, read_fields
from timeliner.parsers._registry import Format, ParseResult, any_file, register
from timeliner.parsers._sniff import head_lines
from timeliner.parsers._stamps import with_epoch_or_iso_columns
from timeliner.sources import SourceFile

TIME_KEYS = ("time", "ts", "@timestamp", "timestamp", "@t", "t", "datetime")
# Read into helper columns, then shaped into the partial schema. First spelling present wins.
RAW_PATHS: dict[str, list[Path]] = {
    "_time": [(k,) for k in TIME_KEYS],
    "_level": [
        ("level",),
        ("lvl",),
        ("severity",),
        ("levelname",),
        ("log.level",),
        ("log", "level"),
        ("@l",),
    ],
    "_msg": [("msg",), ("message",), ("event",), ("@m",), ("@mt",), ("Message",)],
    "_detail": [("err", "stack"), ("error", "stack"), ("stack",), ("stacktrace",), ("exception",), ("@x",)],
    "_service": [("service", "name"), ("service.name",), ("service",), ("app",), ("application",)],
}
# Kept as they are, in the partial schema's columns of the same name.
KEPT_PATHS: dict[str, list[Path]] = {
    "logger": [("logger",), ("logger_name",), ("log.logger",), ("name",), ("Category",)],
    "host": [("hostname",), ("host", "name"), ("host.name",), ("host",)],
    "pid": [("pid",), ("process", "pid"), ("process.pid",)],
    "thread": [("thread",), ("thread_name",), ("process.thread.name",)],
    "request_id": [("req_id",), ("reqId",), ("request_id",), ("requestId",), ("trace.id",), ("trace_id",)],
}
_MESSAGE_OR_LEVEL = ("msg", "message", "event", "level", "@m", "@mt")
_EPOCH_TEXT = r"^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$"
# Formats with their own, more specific parser: docker json-file, journald, CloudWatch exports.
_NOT_OURS = (
    '"stream":"stdout"',
    '"stream":"stderr"',
    '"__REALTIME_TIMESTAMP"',
    '"logStreamName"',
    '"ingestionTime"',
)


def _objects(head: str) -> list[dict[str, object]]:
    """The first lines that look like JSON objects, decoded ({} when damaged)."""
    objects = []
    for line in (ln for ln in head_lines(head) if ln.lstrip().startswith("{")):
        try:
            value = orjson.loads(line)
        except orjson.JSONDecodeError:
            value = None
        objects.append(value if isinstance(value, dict) else {})
    return objects


def _usable(record: dict[str, object]) -> bool:
    return any(k in record for k in TIME_KEYS) and any(k in record for k in _MESSAGE_OR_LEVEL)


def sniff(head: str) -> float:
    """0.85 when the file starts with a JSON object and most object lines have a time and a message or level."""
    objects = _objects(head)
    if not objects or not head.lstrip().startswith("{") or any(key in head[:2000] for key in _NOT_OURS):
        return 0.0
    usable = sum(map(_usable, objects))
    return 0.85 if _usable(objects[0]) and usable * 2 > len(objects) else 0.0


def _message() -> pl.Expr:
    msg = pl.coalesce(pl.col("_msg"), pl.col("text").str.strip_chars())
    detail = pl.col("_detail")
    with_detail = pl.concat_str([msg, detail], separator="\n")
    return (
        pl.when(detail.is_not_null() & (detail != msg)).then(with_detail).otherwise(msg).str.strip_chars_end()
    )


def parse(source: SourceFile) -> ParseResult:
    frame = line_frame(source)
    frame = read_fields(frame, {**RAW_PATHS, **KEPT_PATHS}, required="_time", texts=("_msg", "_detail"))
    frame = with_epoch_or_iso_columns(frame, "_time", _EPOCH_TEXT)
    frame = with_columns(
        frame,
        level_raw=pl.col("_level"),
        message=_message(),
        service=pl.coalesce(pl.col("_service"), path_service(source)),
    )
    heads, rejects, continuations = assemble_records(
        frame.drop(*RAW_PATHS),
        is_record=pl.col("ts_raw").is_not_null(),
        missing_reason="JSON record has no time field (" + "/".join(TIME_KEYS) + ")",
    )
    return text_result(source, frame, heads, rejects, continuations)


FORMAT = register(
    Format(
        name="json-lines",
        description="JSON lines from pino, bunyan, zap, go-kit, slog, structlog, Serilog (time under time/ts/@timestamp/...)",
        example='{"level":30,"time":1685976939200,"pid":13,"hostname":"2f07087dc304","msg":"Connector starting up"}',
        sniff=sniff,
        parse=parse,
        batches=any_file,
    )
)
