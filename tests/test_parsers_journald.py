"""journald: -o json (one line or pretty), -o export; boot id as instance, source time over receive time."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from _golden import GoldenCase, check_golden, golden_cases

from timeliner.parsers import get_format
from timeliner.parsers.journald import sniff_export, sniff_json
from timeliner.sources import SourceFile, source_from_bytes


def _case(fragment: str) -> GoldenCase:
    return next(c for c in golden_cases("journald") if fragment in c.input.name)


@pytest.mark.parametrize("case", golden_cases("journald"), ids=str)
def test_golden(case: GoldenCase) -> None:
    check_golden(case)


def test_boot_id_pid_host_and_both_clocks() -> None:
    events = check_golden(_case("reboot")).events
    assert events["instance"].to_list() == ["aaaa1111", "aaaa1111", "bbbb2222", "bbbb2222", "bbbb2222"]
    assert events.row(0, named=True)["pid"] == "812" and events.row(0, named=True)["host"] == "web-1"
    second = events.row(1, named=True)
    assert second["received_ts"] == datetime(2024, 5, 2, 10, 0, 1, 500000, tzinfo=UTC)
    assert second["ts_utc"] == datetime(2024, 5, 2, 10, 0, 1, 499000, tzinfo=UTC)
    assert events["message"][4] == "first value\nsecond value"


def test_pretty_object_lines_are_continuations() -> None:
    result = check_golden(_case("pretty"))
    assert (result.units, result.events.height, result.continuations) == (14, 2, 12)


def test_export_entry_lines_are_continuations() -> None:
    result = check_golden(_case("export"))
    assert (result.units, result.events.height, result.continuations, result.rejects.height) == (15, 2, 12, 1)


def test_sniffers() -> None:
    assert sniff_json('{ "__REALTIME_TIMESTAMP" : "1583353899094400", "MESSAGE" : "x" }\n') == 0.97
    assert sniff_json('{\n  "MESSAGE" : "Hello World",\n  "LARGE" : null\n}\n') == 0.9
    assert sniff_json('{"msg": "x", "time": 1}\n') == 0.0
    assert sniff_export("__CURSOR=s=1\n__REALTIME_TIMESTAMP=1\nMESSAGE=x\n") == 0.97
    assert sniff_export("ts=2024-01-01T00:00:00Z msg=x\n") == 0.0


def test_empty_files() -> None:
    for name in ("journald-json", "journald-export"):
        result = get_format(name).parse(SourceFile(path="x.json", text="", encoding="utf-8"))
        assert (result.units, result.events.height) == (0, 0)


def test_a_line_holding_two_json_values_is_one_rejected_line() -> None:
    # Found by the fuzzer: polars' JSON decode made two rows of this one line.
    source = source_from_bytes("x.json", b'{\n  "timestamp": null\n},\nnull', None)
    result = get_format("journald-json").parse(source)
    assert result.units == result.events.height + result.continuations + result.rejects.height
    assert result.events.is_empty() and result.rejects.height == 1
