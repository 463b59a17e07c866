"""syslog: BSD/RFC 3164 files (yearless), rsyslog ISO stamps, RFC 5424; service host/program, pid kept."""

from __future__ import annotations

import pytest
from _golden import GoldenCase, check_golden, golden_cases

from timeliner.parsers import get_format
from timeliner.parsers.syslog import sniff_5424, sniff_bsd
from timeliner.sources import SourceFile


def _case(fragment: str) -> GoldenCase:
    return next(c for c in golden_cases("syslog") if fragment in c.input.name)


@pytest.mark.parametrize("case", golden_cases("syslog"), ids=str)
def test_golden(case: GoldenCase) -> None:
    check_golden(case)


def test_bsd_file_is_yearless_and_keeps_pid_and_pam_module() -> None:
    result = check_golden(_case("bsd_rollover"))
    assert result.yearless
    first = result.events.row(0, named=True)
    assert (first["host"], first["pid"], first["logger"]) == ("combo", "19939", "pam_unix")
    assert result.events["pid"].to_list() == ["19939", None, None, "14463", "129", "2421"]


def test_rfc5424_fields() -> None:
    result = check_golden(_case("rfc5424"))
    assert not result.yearless
    assert result.events["pid"].to_list() == ["8710", None, None, "812"]
    assert result.events["request_id"].to_list() == [None, "ID47", "ID47", None]


def test_sniffers_tell_the_two_apart() -> None:
    bsd = "Jun 14 15:16:01 combo sshd(pam_unix)[19939]: check pass; user unknown\n"
    new = "<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% do-nuts\n"
    assert (sniff_bsd(bsd), sniff_5424(bsd)) == (0.9, 0.0)
    assert (sniff_bsd(new), sniff_5424(new)) == (0.0, 0.95)
    # Mixed: the majority decides, scaled by its share (4 of 5 lines are RFC 5424).
    assert sniff_5424(new * 4 + bsd) == 0.76


def test_empty_file() -> None:
    result = get_format("syslog").parse(SourceFile(path="messages", text="", encoding="utf-8"))
    assert (result.units, result.events.height) == (0, 0)
