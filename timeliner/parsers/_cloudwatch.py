"""What every CloudWatch Logs export shares: who emitted a line, its level, its clean message.

Service identity comes from the log stream name, the most specific emitter CloudWatch knows:

* ECS/Fargate (awslogs driver) ``<prefix>/<container>/<task id>`` → service ``<prefix>/<container>``,
  instance = the task id (a new task is a new stream: evidence of a replacement);
* Lambda ``YYYY/MM/DD/[<version>]<32 hex>`` (one stream per execution environment) → service =
  the function, from the log group ``/aws/lambda/<function>`` when the export names it, else
  the file name; instance = the stream;
* EKS control plane and similar ``<component>-<32 hex>`` → service ``<component>``, instance = the hex;
* anything else → the stream name itself.

The log group goes to ``group``. Messages lose the newline the agent read with them, and CRLF
inside multi-line messages becomes LF.
"""

from __future__ import annotations

import polars as pl

from timeliner import timeparse
from timeliner.fileindex import FILE_INDEX
from timeliner.parsers._lambda import lambda_fields
from timeliner.parsers._regex import extract_groups
from timeliner.parsers._stamps import iso_instant_or_local
from timeliner.parsers.log4j import ISO_STAMP, SPRING_LAYOUT
from timeliner.schema import LOCAL_US

ECS_STREAM = r"^(?<svc>.+)/(?<task>[0-9a-f]{32})$"
# "/" may come back as "-" from tools that flatten stream names into S3 keys or file names.
LAMBDA_STREAM = r"^\d{4}[/-]\d{2}[/-]\d{2}[/-]\[[^\]]*\][0-9A-Za-z]+$"
SUFFIXED_STREAM = r"^(?<svc>.+?)[-_](?<inst>[0-9a-f]{32})$"
LAMBDA_GROUP = r"^/aws/lambda/(.+)$"
# A level word near the start of the message (the application's own layout), a logfmt
# ``level=warning`` (Go services, EKS control plane), or PostgreSQL's "...:[pid]:ERROR:  ..."
# prefix (RDS/Aurora log groups).
_LEVEL = r"^(?:\S+\s+){0,3}?\[?(TRACE|DEBUG|INFO|WARN|WARNING|ERROR|FATAL|CRITICAL)\]?(?:\b|:)"
_PG_LEVEL = r":(WARNING|ERROR|FATAL|PANIC):\s\s"
_LOGFMT_LEVEL = r"(?:^|\s)level=\"?([A-Za-z]+)"


def clean_message(message: pl.Expr) -> pl.Expr:
    """The message without the agent's line ending; CRLF inside it becomes LF."""
    return message.fill_null("").str.replace_all("\r\n", "\n", literal=True).str.strip_chars_end("\r\n")


def message_level(message: pl.Expr) -> pl.Expr:
    """The level an application wrote into its own line, if it wrote one near the start."""
    return pl.coalesce(
        message.str.extract(_LEVEL, 1),
        message.str.extract(_LOGFMT_LEVEL, 1),
        message.str.extract(_PG_LEVEL, 1),
    )


def stream_identity(
    stream: pl.Expr, group: pl.Expr, *, fallback: str | pl.Expr, fallback_instance: str | pl.Expr | None
) -> dict[str, pl.Expr]:
    """Expressions ``service``, ``instance`` and ``group`` from a stream and a log group column.

    ``fallback`` is the service where neither names one, ``fallback_instance`` the instance: a
    value, or an expression (per file, in a batch).
    """
    fallback = fallback if isinstance(fallback, pl.Expr) else pl.lit(fallback)
    if not isinstance(fallback_instance, pl.Expr):
        fallback_instance = pl.lit(fallback_instance, dtype=pl.String)
    ecs = extract_groups(stream, ECS_STREAM)
    suffixed = extract_groups(stream, SUFFIXED_STREAM)
    is_lambda = stream.str.contains(LAMBDA_STREAM)
    function = group.str.extract(LAMBDA_GROUP, 1)
    service = pl.coalesce(
        ecs.struct.field("svc"),
        pl.when(is_lambda).then(pl.coalesce(function, fallback)),
        suffixed.struct.field("svc"),
        stream,
        function,
        group,
        fallback,
    )
    instance = pl.coalesce(
        ecs.struct.field("task"),
        pl.when(is_lambda).then(stream),
        suffixed.struct.field("inst"),
        fallback_instance,
    )
    return {"service": service, "instance": instance, "group": group}


MESSAGE_FIELDS = ("message", "level_raw", "request_id", "pid", "thread", "logger", "ts_local")
_DESCRIBED = "_described"


def describe_message(message: pl.Expr) -> pl.Expr:
    """A struct of :data:`MESSAGE_FIELDS` for each message; add it as a column, then read :func:`message_columns`.

    ``message`` (Lambda runtime prefix or the app's own line header removed), ``level_raw``,
    ``request_id``, and from an embedded Spring Boot / log4j line ``pid``, ``thread``, ``logger``
    and the app's own stamp as the second clock ``ts_local`` (the envelope time stays the event
    time). Worked out in steps, once per column: a struct of expressions would match each
    message once per field read from it.
    """
    dtype = pl.Struct({**dict.fromkeys(MESSAGE_FIELDS[:-1], pl.String), "ts_local": LOCAL_US})
    return message.map_batches(_described, return_dtype=dtype, is_elementwise=True).alias(_DESCRIBED)


def message_columns() -> dict[str, pl.Expr]:
    """The fields of the column :func:`describe_message` added, as expressions named after them."""
    return {name: pl.col(_DESCRIBED).struct.field(name) for name in MESSAGE_FIELDS}


def _described(message: pl.Series) -> pl.Series:
    lam = [field.alias(name) for name, field in lambda_fields(pl.col("_m")).items()]
    frame = message.to_frame("_m").with_columns(_lam=pl.struct(lam)).unnest("_lam")
    frame = frame.with_columns(_app=app_line(pl.col("message"))).unnest("_app")
    return frame.select(
        pl.struct(
            message=pl.coalesce("app_message", "message"),
            level_raw=pl.coalesce("level_raw", "app_level", message_level(pl.col("message"))),
            request_id="request_id",
            pid="pid",
            thread="thread",
            logger="logger",
            ts_local="ts_local",
        )
    ).to_series()


# ECS and EC2 agents ship the application's console line as it was printed, its own header and
# all: "2026-10-13T21:02:12.412Z  WARN 1 --- [main] c.e.Sync : SFTP sync interrupted\n\tat ...".
# The stamp is matched alone and the rest cut at its first newline: a capture over the whole
# message (a stack trace and all) costs many times more than the slices.
_APP_STAMP = rf"^(?<stamp>{ISO_STAMP})\s+(?<after>(?s:.*))$"
_APP_FIELDS = {"app_message": pl.String, "app_level": pl.String, "pid": pl.String, "thread": pl.String}
_APP_DTYPE = pl.Struct({**_APP_FIELDS, "logger": pl.String, "ts_local": LOCAL_US})


def app_line(message: pl.Expr) -> pl.Expr:
    """A Spring Boot / logback console line inside a message, as a struct (fields null where it is not one).

    Fields ``app_message``, ``app_level``, ``pid``, ``thread``, ``logger`` and ``ts_local`` (the
    app's clock as a wall time; a "Z" stamp in UTC wall time: timeliner reports its offset).
    """
    return message.map_batches(_app_line, return_dtype=_APP_DTYPE, is_elementwise=True)


def _app_line(message: pl.Series) -> pl.Series:
    frame = message.to_frame("_m").with_columns(_h=extract_groups(pl.col("_m"), _APP_STAMP)).unnest("_h")
    frame = frame.with_columns(_first=pl.col("after").str.splitn("\n", 2)).unnest("_first")
    frame = frame.with_columns(_l=extract_groups(pl.col("field_0"), SPRING_LAYOUT)).unnest("_l")
    matched = pl.col("level").is_not_null()
    stamp = iso_instant_or_local(pl.col("stamp"))
    tail = pl.when(pl.col("field_1").is_not_null()).then("\n" + pl.col("field_1")).otherwise(pl.lit(""))
    return frame.select(
        pl.struct(
            app_message=pl.when(matched).then(pl.concat_str([pl.col("msg"), tail])),
            app_level="level",
            pid="pid",
            thread="thread",
            logger="logger",
            ts_local=pl.when(matched).then(
                pl.coalesce(stamp["ts_utc"].dt.replace_time_zone(None), stamp["ts_local"])
            ),
        )
    ).to_series()


def log_events(
    frame: pl.DataFrame, *, fallback: str | pl.Expr, fallback_instance: str | pl.Expr | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """CloudWatch log records → (partial events, rejects).

    ``frame`` has String columns ``timestamp`` (epoch ms), ``message``, ``ingestionTime``,
    ``stream``, ``group`` and ``_line``. A record whose timestamp is missing or not a whole
    number of milliseconds is rejected. The records of a batch of files carry ``FILE_INDEX``,
    which both results keep.
    """
    in_batch = [FILE_INDEX] if FILE_INDEX in frame.columns else []
    checked = frame.with_columns(
        _ms=pl.col("timestamp").str.strip_chars().cast(pl.Int64, strict=False),
        _received=pl.col("ingestionTime").cast(pl.Int64, strict=False),
    )
    rejects = checked.filter(pl.col("_ms").is_null()).select(
        *in_batch,
        line="_line",
        reason=pl.when(pl.col("timestamp").is_null())
        .then(pl.lit("log event has no timestamp"))
        .otherwise(pl.format("timestamp {} is not epoch milliseconds", pl.col("timestamp"))),
        text=pl.col("message").fill_null(""),
    )
    who = stream_identity(
        pl.col("stream"), pl.col("group"), fallback=fallback, fallback_instance=fallback_instance
    )
    events = checked.filter(pl.col("_ms").is_not_null()).with_columns(
        describe_message(clean_message(pl.col("message")))
    )
    events = events.select(
        *in_batch,
        line="_line",
        ts_raw="timestamp",
        ts_utc=timeparse.epoch_to_utc(pl.col("_ms"), "ms"),
        ts_basis=pl.lit("epoch-ms"),
        received_ts=timeparse.epoch_to_utc(pl.col("_received"), "ms"),
        **message_columns(),
        **who,
    )
    return events, rejects
