"""JSON lines: pino, bunyan, zap, slog, go-kit, structlog, Serilog CLEF, ECS; damage and raw traces."""

from __future__ import annotations

import pytest
from _golden import GoldenCase, check_golden, golden_cases

from timeliner.parsers import get_format
from timeliner.parsers.jsonlines import sniff
from timeliner.sources import SourceFile


def _case(fragment: str) -> GoldenCase:
    return next(c for c in golden_cases("jsonlines") if fragment in c.input.name)


@pytest.mark.parametrize("case", golden_cases("jsonlines"), ids=str)
def test_golden(case: GoldenCase) -> None:
    check_golden(case)


def test_duplicate_key_keeps_the_last_and_the_stack_follows_the_message() -> None:
    event = check_golden(_case("pino")).events.row(1, named=True)
    assert event["message"].splitlines() == [
        "Timeout awaiting 'request' for 120000ms",
        "RequestError: Timeout awaiting 'request' for 120000ms",
        "    at ClientRequest.<anonymous> (/app/node_modules/got/dist/source/core/index.js:970:65)",
    ]
    assert (event["host"], event["pid"], event["logger"]) == ("2f07087dc304", "13", "tOps")


def test_request_id_and_epoch_basis() -> None:
    events = check_golden(_case("pino")).events
    assert events["request_id"].to_list() == [None, None, None, "8f2c"]
    assert events["ts_basis"].to_list() == ["epoch", "epoch", "offset", "offset"]


def test_nested_host_object_gives_its_name() -> None:
    events = check_golden(_case("ecs")).events
    assert events["host"].to_list() == [None, None, None, "db-1", None]
    assert events["logger"][0] == "auth"


def test_sniff_accepts_structured_logs_and_leaves_envelopes_to_their_parsers() -> None:
    assert sniff('{"level":30,"time":1685976939200,"msg":"up"}\n') == 0.85
    assert sniff('{"log":"hi\\n","stream":"stdout","time":"2019-04-01T17:58:33.598656444Z"}\n') == 0.0
    assert sniff('{ "__REALTIME_TIMESTAMP" : "1583353899094400", "MESSAGE" : "x" }\n') == 0.0
    assert sniff('{"a": 1}\n{"b": 2}\n') == 0.0
    assert sniff("{\n") == 0.0


def test_empty_file() -> None:
    result = get_format("json-lines").parse(SourceFile(path="x.ndjson", text="", encoding="utf-8"))
    assert (result.units, result.events.height) == (0, 0)
