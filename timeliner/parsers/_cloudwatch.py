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
from timeliner.parsers._lambda import lambda_fields
from timeliner.parsers._regex import extract_groups
from timeliner.parsers._stamps import iso_instant_or_local
from timeliner.parsers.log4j import ISO_STAMP, SPRING_LAYOUT

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
    stream: pl.Expr, group: pl.Expr, *, fallback: str, fallback_instance: str | None
) -> dict[str, pl.Expr]:
    """Expressions ``service``, ``instance`` and ``group`` from a stream and a log group column."""
    ecs = extract_groups(stream, ECS_STREAM)
    suffixed = extract_groups(stream, SUFFIXED_STREAM)
    is_lambda = stream.str.contains(LAMBDA_STREAM)
    function = group.str.extract(LAMBDA_GROUP, 1)
    service = pl.coalesce(
        ecs.struct.field("svc"),
        pl.when(is_lambda).then(pl.coalesce(function, pl.lit(fallback))),
        suffixed.struct.field("svc"),
        stream,
        function,
        group,
        pl.lit(fallback),
    )
    instance = pl.coalesce(
        ecs.struct.field("task"),
        pl.when(is_lambda).then(stream),
        suffixed.struct.field("inst"),
        pl.lit(fallback_instance, dtype=pl.String),
    )
    return {"service": service, "instance": instance, "group": group}


def message_columns(message: pl.Expr) -> dict[str, pl.Expr]:
    """``message`` (Lambda runtime prefix or the app's own line header removed), ``level_raw``,
    ``request_id``, and from an embedded Spring Boot / log4j line ``pid``, ``thread``, ``logger`` and
    the app's own stamp as the second clock ``ts_local`` (the envelope time stays the event time).
    """
    lam = lambda_fields(message)
    app = app_line_columns(lam["message"])
    return {
        "message": pl.coalesce(app["message"], lam["message"]),
        "level_raw": pl.coalesce(lam["level_raw"], app["level"], message_level(lam["message"])),
        "request_id": lam["request_id"],
        "pid": app["pid"],
        "thread": app["thread"],
        "logger": app["logger"],
        "ts_local": app["ts_local"],
    }


# ECS and EC2 agents ship the application's console line as it was printed, its own header and
# all: "2026-10-13T21:02:12.412Z  WARN 1 --- [main] c.e.Sync : SFTP sync interrupted\n\tat ...".
_APP_LINE = rf"^(?<stamp>{ISO_STAMP})\s+(?<rest>[^\n]*)(?<tail>(?s:\n.*))?$"


def app_line_columns(message: pl.Expr) -> dict[str, pl.Expr]:
    """Fields of a Spring Boot / logback console line inside a message (nulls where it is not one)."""
    head = extract_groups(message, _APP_LINE)
    layout = extract_groups(head.struct.field("rest"), SPRING_LAYOUT)
    matched = layout.struct.field("level").is_not_null()
    stamp = iso_instant_or_local(head.struct.field("stamp"))
    body = pl.concat_str([layout.struct.field("msg"), head.struct.field("tail").fill_null("")])
    return {
        "message": pl.when(matched).then(body),
        "level": layout.struct.field("level"),
        "pid": layout.struct.field("pid"),
        "thread": layout.struct.field("thread"),
        "logger": layout.struct.field("logger"),
        # The app's clock as a wall time (a "Z" stamp in UTC wall time): timeliner reports its offset.
        "ts_local": pl.when(matched).then(
            pl.coalesce(stamp["ts_utc"].dt.replace_time_zone(None), stamp["ts_local"])
        ),
    }


def log_events(
    frame: pl.DataFrame, *, fallback: str, fallback_instance: str | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """CloudWatch log records → (partial events, rejects).

    ``frame`` has String columns ``timestamp`` (epoch ms), ``message``, ``ingestionTime``,
    ``stream``, ``group`` and ``_line``. A record whose timestamp is missing or not a whole
    number of milliseconds is rejected.
    """
    checked = frame.with_columns(
        _ms=pl.col("timestamp").str.strip_chars().cast(pl.Int64, strict=False),
        _received=pl.col("ingestionTime").cast(pl.Int64, strict=False),
    )
    rejects = checked.filter(pl.col("_ms").is_null()).select(
        line="_line",
        reason=pl.when(pl.col("timestamp").is_null())
        .then(pl.lit("log event has no timestamp"))
        .otherwise(pl.format("timestamp {} is not epoch milliseconds", pl.col("timestamp"))),
        text=pl.col("message").fill_null(""),
    )
    who = stream_identity(
        pl.col("stream"), pl.col("group"), fallback=fallback, fallback_instance=fallback_instance
    )
    events = checked.filter(pl.col("_ms").is_not_null()).select(
        line="_line",
        ts_raw="timestamp",
        ts_utc=timeparse.epoch_to_utc(pl.col("_ms"), "ms"),
        ts_basis=pl.lit("epoch-ms"),
        received_ts=timeparse.epoch_to_utc(pl.col("_received"), "ms"),
        **message_columns(clean_message(pl.col("message"))),
        **who,
    )
    return events, rejects
