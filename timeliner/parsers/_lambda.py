r"""AWS Lambda lines as they appear in CloudWatch messages, whichever export carried them.

The Lambda service writes *platform* lines into the function's log stream, and each runtime
puts a prefix before the function's own lines (text log format)::

    INIT_START Runtime Version: nodejs:18.v18\tRuntime Version ARN: arn:aws:lambda:...
    START RequestId: 76269889-7d50-4d6d-a3f1-9b4f5322f47c Version: $LATEST
    2023-12-05T22:14:43.862Z\t76269889-7d50-4d6d-a3f1-9b4f5322f47c\tINFO\ta picture got uploaded
    [ERROR]\t2023-12-05T22:14:43.870Z\t76269889-7d50-4d6d-a3f1-9b4f5322f47c\tKeyError: 'x'   (Python)
    2020-06-09T15:02:26.150Z 7c9567b5-107b-4a6c-8798-0157ac21db52 Task timed out after 3.00 seconds
    RequestId: 59f8... Error: Runtime exited with error: signal: killed\nRuntime.ExitError
    END RequestId: 76269889-7d50-4d6d-a3f1-9b4f5322f47c
    REPORT RequestId: 76269889-...\tDuration: 14.97 ms\tBilled Duration: 15 ms\t...

and, in the JSON log format, ``{"time": ..., "type": "platform.report", "record": {"requestId":
...}}`` or ``{"timestamp": ..., "level": "ERROR", "requestId": ..., "message": ...}``.

:func:`lambda_fields` gives, for a column of messages, the request id, the level (the written
one; ``ERROR`` for a timeout or a runtime exit, which Lambda reports as failed invocations)
and the message without the runtime's prefix (its timestamp is the runtime's copy of the
event time, its request id and level go to their own columns). Platform lines are kept
whole, because rules recognise them by their first word (``INIT_START``, ``REPORT``).
"""

from __future__ import annotations

import polars as pl

REQUEST_ID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
# The runtime's prefix on a function's own line. Node writes "undefined" for lines logged
# outside an invocation (module load during INIT); older Node runtimes write no level.
APP_PREFIX = (
    r"^(?:\[(?<pylevel>[A-Z]+)\]\t)?"
    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z[\t ]"
    rf"(?<rid>{REQUEST_ID}|undefined)[\t ]"
    r"(?:(?<level>TRACE|DEBUG|INFO|WARN|WARNING|ERROR|FATAL|CRITICAL)\t)?"
)
_PLATFORM_RID = rf"^(?:START|END|REPORT) RequestId: ({REQUEST_ID})"
_RUNTIME_ERROR_RID = rf"^RequestId: ({REQUEST_ID}) Error: "
# Lambda's error types for failed invocations (not Java's Runtime.getRuntime()).
_FAILED = (
    r"Task timed out after \d|Runtime exited with error|Process exited before completing|\tStatus: (?:timeout|error)\b|"
    r"\bRuntime\.(?:ExitError|ImportModuleError|HandlerNotFound|UserCodeSyntaxError|OutOfMemory|Unknown)\b"
)
_PYTHON_LEVEL = r"^\[(DEBUG|INFO|WARNING|ERROR|CRITICAL)\]\s"
_JSON_RID = r'^\{.*"requestId"\s*:\s*"([^"]+)"'
_JSON_LEVEL = r'^\{.*"level"\s*:\s*"(\w+)"'
_JSON_FAILED = r'^\{.*"type"\s*:\s*"platform\.\w+".*"status"\s*:\s*"(?:timeout|error|failure)"'


def lambda_fields(message: pl.Expr) -> dict[str, pl.Expr]:
    """Expressions ``request_id``, ``level_raw`` (null when nothing says) and ``message`` (prefix removed)."""
    app = message.str.extract_groups(APP_PREFIX)
    rid = app.struct.field("rid")
    request_id = pl.coalesce(
        pl.when(rid != "undefined").then(rid),
        message.str.extract(_PLATFORM_RID, 1),
        message.str.extract(_RUNTIME_ERROR_RID, 1),
        message.str.extract(_JSON_RID, 1),
    )
    failed = message.str.contains(_FAILED) | message.str.contains(_JSON_FAILED)
    level = pl.coalesce(
        app.struct.field("pylevel"),
        app.struct.field("level"),
        pl.when(failed).then(pl.lit("ERROR")),
        message.str.extract(_PYTHON_LEVEL, 1),
        message.str.extract(_JSON_LEVEL, 1),
    )
    return {
        "request_id": request_id,
        "level_raw": level,
        "message": pl.when(rid.is_not_null()).then(message.str.replace(APP_PREFIX, "")).otherwise(message),
    }
