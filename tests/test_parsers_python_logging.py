"""Python logging: asctime layouts, Home Assistant, oslo.log; tracebacks are continuations."""

from __future__ import annotations

import pytest
from _golden import GoldenCase, check_golden, golden_cases

from timeliner.parsers import get_format
from timeliner.parsers.python_logging import sniff
from timeliner.sources import SourceFile


@pytest.mark.parametrize("case", golden_cases("python_logging"), ids=str)
def test_golden(case: GoldenCase) -> None:
    check_golden(case)


def test_traceback_is_one_event_with_its_frames() -> None:
    result = check_golden(next(c for c in golden_cases("python_logging") if "cookbook" in c.input.name))
    error = result.events.filter(result.events["line"] == 3)
    assert error["message"][0].splitlines()[-1] == "ZeroDivisionError: division by zero"
    assert error["logger"][0] == "orders.api"
    assert result.continuations == 6  # 5 traceback lines + the blank line after it


def test_oslo_keeps_pid_logger_and_request_id() -> None:
    result = check_golden(next(c for c in golden_cases("python_logging") if "oslo" in c.input.name))
    first = result.events.row(0, named=True)
    assert (first["pid"], first["logger"]) == ("2931", "nova.compute.manager")
    assert first["request_id"] == "req-3ea4052c-895d-4b64-9e2d-04d64c4d94ab"
    assert result.events["request_id"][1] is None  # "[-]": no request context


def test_home_assistant_keeps_thread() -> None:
    result = check_golden(next(c for c in golden_cases("python_logging") if "home_assistant" in c.input.name))
    assert result.events["thread"].to_list() == ["MainThread", "SyncWorker_3", "MainThread"]


def test_sniff_leaves_java_layouts_to_log4j() -> None:
    assert sniff("2015-10-18 18:01:47,978 INFO [main] org.apache.hadoop.MRAppMaster: Created\n") == 0.0
    assert sniff("2024-05-02 10:00:00,123 [ERROR] app: boom\nTraceback (most recent call last):\n") == 0.96


def test_empty_file_gives_nothing_and_accounts_for_nothing() -> None:
    result = get_format("python-logging").parse(SourceFile(path="empty.log", text="", encoding="utf-8"))
    assert (result.units, result.events.height, result.rejects.height) == (0, 0, 0)
