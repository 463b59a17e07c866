"""logfmt: quoting and escapes, stray paste artefacts, epoch and offset times, raw trace lines."""

from __future__ import annotations

import pytest
from _golden import GoldenCase, check_golden, golden_cases

from timeliner.parsers import get_format
from timeliner.parsers.logfmt import sniff
from timeliner.sources import SourceFile


@pytest.mark.parametrize("case", golden_cases("logfmt"), ids=str)
def test_golden(case: GoldenCase) -> None:
    check_golden(case)


def test_fields_beside_the_message() -> None:
    events = check_golden(golden_cases("logfmt")[0]).events
    assert events["request_id"].to_list() == [None, "r-9", None, None, None, None]
    assert events["logger"].to_list() == [None, None, None, "tsdb", None, None]
    assert events["message"][1].splitlines()[1:] == [
        "goroutine 7 [running]:",
        "main.charge(...)",
        "\t/app/main.go:88 +0x1d",
    ]


def test_sniff() -> None:
    assert sniff('ts=2024-08-14T10:30:54.415Z caller=main.go:983 level=warn msg="Received"\n') == 0.85
    assert sniff("Jun 14 15:16:01 combo sshd[1]: a=b level=info msg=x ts=2024\n") == 0.0
    assert sniff('at=info method=GET path="/" status=200\n') == 0.0  # no time: not ours to place


def test_empty_file() -> None:
    result = get_format("logfmt").parse(SourceFile(path="x.logfmt", text="", encoding="utf-8"))
    assert (result.units, result.events.height) == (0, 0)
