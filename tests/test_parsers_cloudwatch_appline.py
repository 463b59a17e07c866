"""An application's own log line inside a CloudWatch message: header split off, envelope time kept."""

from __future__ import annotations

from datetime import datetime

import polars as pl

from timeliner.parsers._cloudwatch import app_line


def _split(message: str) -> dict[str, object]:
    found = (
        pl.DataFrame({"m": [message]}).select(app_line(pl.col("m")).alias("a")).unnest("a").row(0, named=True)
    )
    return {name.removeprefix("app_"): value for name, value in found.items()}


def test_spring_boot_3_console_line_with_a_stack_trace() -> None:
    got = _split(
        "2026-10-13T21:02:12.412Z  WARN 1 --- [   scheduling-1] c.example.cnt01.sftp.InboundSyncService  : "
        "SFTP sync interrupted\njava.lang.InterruptedException: null\n\tat java.base/java.lang.Object.wait(Native Method)"
    )
    assert got["message"] == (
        "SFTP sync interrupted\njava.lang.InterruptedException: null\n\tat java.base/java.lang.Object.wait(Native Method)"
    )
    assert (got["level"], got["pid"], got["thread"], got["logger"]) == (
        "WARN",
        "1",
        "scheduling-1",
        "c.example.cnt01.sftp.InboundSyncService",
    )
    # The app's own clock, as UTC wall time: the second clock whose offset summary.json reports.
    assert got["ts_local"] == datetime(2026, 10, 13, 21, 2, 12, 412000)


def test_spring_boot_3_2_line_with_application_name() -> None:
    got = _split(
        "2024-06-22T06:49:54.963+02:00  INFO 1 --- [orders] [           main] o.s.b.App : Started App in 1 s"
    )
    assert got["message"] == "Started App in 1 s" and got["thread"] == "main"
    assert got["ts_local"] == datetime(2024, 6, 22, 4, 49, 54, 963000)


def test_other_messages_are_left_alone() -> None:
    for message in (
        "2019-08-09T18:00:00.000Z 2019-08-09 18:00:00 UTC:10.50.72.222(33436):lmn@lmn_db:[26802]:LOG:  duration",
        "START RequestId: 76269889-7d50-4d6d-a3f1-9b4f5322f47c Version: $LATEST",
        "plain text",
    ):
        got = _split(message)
        assert got["message"] is None and got["ts_local"] is None, message
