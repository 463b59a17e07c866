"""Lambda lines inside CloudWatch messages: request id, level and the runtime prefix, line by line."""

from __future__ import annotations

import polars as pl
import pytest

from timeliner.parsers._lambda import lambda_fields

RID = "b441820a-4f5e-4c3d-9a8b-7c6d5e4f3a2b"


@pytest.mark.parametrize(
    ("message", "request_id", "level", "text"),
    [
        (f"2019-06-19T12:45:35.624Z\t{RID}\tStatus is  ProcessingComplete", RID, None, "Status is  ProcessingComplete"),
        (f"2023-12-05T22:14:43.862Z\t{RID}\tWARN\tslow S3 read", RID, "WARN", "slow S3 read"),
        (f"[WARNING]\t2024-05-09T08:00:00.415Z\t{RID}\tretrying", RID, "WARNING", "retrying"),
        ("[ERROR] Runtime.ImportModuleError: Unable to import module 'app'", None, "ERROR",
         "[ERROR] Runtime.ImportModuleError: Unable to import module 'app'"),
        (f'{{"time":"2024-10-18T19:38:39.661Z","type":"platform.report","record":{{"requestId":"{RID}",'
         '"metrics":{"durationMs":30000.0},"status":"timeout"}}', RID, "ERROR", None),
        (f'{{"timestamp":"2024-10-18T19:38:10.001Z","level":"INFO","requestId":"{RID}","message":"ok"}}',
         RID, "INFO", None),
        ("Process exited before completing request", None, "ERROR", "Process exited before completing request"),
        ("long r = Runtime.getRuntime().totalMemory();", None, None, "long r = Runtime.getRuntime().totalMemory();"),
    ],
)  # fmt: skip
def test_lambda_fields(message: str, request_id: str | None, level: str | None, text: str | None) -> None:
    row = pl.select(**lambda_fields(pl.lit(message))).row(0, named=True)
    assert (row["request_id"], row["level_raw"]) == (request_id, level)
    assert row["message"] == (text if text is not None else message)
