"""The generic fallback: lines that start with a timestamp, chosen only when nothing specific fits."""

from __future__ import annotations

import pytest
from _golden import GoldenCase, check_golden, golden_cases

from timeliner.parsers import detect_format
from timeliner.parsers.generic import sniff
from timeliner.sources import SourceFile


@pytest.mark.parametrize("case", golden_cases("generic"), ids=str)
def test_golden(case: GoldenCase) -> None:
    check_golden(case)


@pytest.mark.parametrize(
    ("line", "winner"),
    [
        ("2019-11-16 14:58:54.476  INFO 11680 --- [main] c.e.App : Started App in 38.256 seconds", "log4j"),
        (
            "2018-04-29 19:05:28 ERROR (Thread-6) [homeassistant.components.notify.ios] The notify.ios",
            "python-logging",
        ),
        ("Jun 14 15:16:01 combo sshd(pam_unix)[19939]: check pass; user unknown", "syslog"),
        ("2024/01/01 12:00:00 [error] 123#0: *456 connect() failed", "nginx-error"),
        ("2024-05-02 10:00:00 backup started", "generic"),
    ],
)
def test_specific_formats_win_over_the_fallback(line: str, winner: str) -> None:
    assert sniff(line + "\n") == 0.35
    assert detect_format(SourceFile(path="x.log", text=line + "\n", encoding="utf-8")).format.name == winner


def test_yearless_only_with_syslog_style_stamps() -> None:
    assert check_golden(next(c for c in golden_cases("generic") if "yearless" in c.input.name)).yearless
    assert not check_golden(next(c for c in golden_cases("generic") if "mixed" in c.input.name)).yearless


def test_indented_continuations_do_not_outvote_the_timestamped_lines() -> None:
    trace = (
        "2024-05-02 10:00:00 worker crashed\n"
        + "    at frame\n" * 20
        + "2024-05-02 10:00:05 worker restarted\n"
    )
    assert sniff(trace) == 0.35
    assert sniff("no timestamp here\n" * 3 + "2024-05-02 10:00:00 one\n") == 0.0
