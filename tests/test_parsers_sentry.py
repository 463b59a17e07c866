"""Sentry parsers: golden fixtures (tests/fixtures/sentry) and the behaviour behind them."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from _golden import (
    FIXTURES,
    GoldenCase,
    check_detected_from_own_example,
    check_empty_file_parses_to_nothing,
    check_golden,
    event_column,
    golden_cases,
    parse_file,
)

from timeliner.parsers import get_format
from timeliner.parsers._sentry import exception_values, tags_of
from timeliner.sources import read_source


@pytest.mark.parametrize("case", golden_cases("sentry"), ids=str)
def test_golden(case: GoldenCase) -> None:
    check_golden(case)


HERE = FIXTURES / "sentry"
FORMATS = ("sentry-json", "sentry-payload", "sentry-csv")


def _utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_api_events_keep_received_time_server_and_project() -> None:
    result = parse_file(HERE / "checkout.events.json")
    assert event_column(result, "received_ts") == [
        _utc(2024, 3, 10, 14, 5, 42, 530000),
        _utc(2024, 3, 10, 14, 5, 40, 900000),
        _utc(2024, 3, 10, 16, 12),  # replayed two hours later: the event time stays dateCreated
        _utc(2024, 3, 10, 13, 58, 1, 20000),
    ]
    assert event_column(result, "host") == ["checkout-7d9f", "checkout-7d9f", "checkout-5b21", None]
    assert event_column(result, "group") == ["42"] * 4
    assert event_column(result, "ts_basis") == ["offset", "offset", "offset", "utc-by-format"]
    assert (
        event_column(result, "message")[2]
        == "payment provider slow\npayment provider slow: 4.2 s for order 8812"
    )


def test_payload_message_is_headline_then_logged_message_then_inner_exceptions() -> None:
    result = parse_file(HERE / "payloads_mixed.json")
    assert event_column(result, "message")[0] == (
        "System.Net.Http.HttpRequestException: Connection refused (payments:443)\n"
        "An unhandled exception has occurred while executing the request.\n"
        "System.Net.Sockets.SocketException: Connection refused"
    )
    assert event_column(result, "request_id")[0] == "0HLVMOGBIU2OM:00000001"
    assert event_column(result, "logger")[0] == "Microsoft.AspNetCore.Diagnostics.ExceptionHandlerMiddleware"
    assert event_column(result, "host") == ["orders-api-5c7d", None, "stock-6f8a"]
    assert event_column(result, "ts_basis") == ["offset", "epoch", "offset"]


def test_stored_event_json_reads_epoch_floats_and_pairs() -> None:
    result = parse_file(HERE / "stored_event.json")
    assert event_column(result, "ts_utc") == [_utc(2022, 10, 11, 15, 18, 38, 363000)]
    assert event_column(result, "received_ts") == [_utc(2022, 10, 11, 15, 18, 38, 528000)]
    assert event_column(result, "host") == ["78b41d5b387e"]  # from the [k, v] tag pairs
    assert event_column(result, "group") == ["11"]
    assert event_column(result, "logger") == ["errors.views"]


def test_envelope_as_lines_and_as_a_saved_json_list_read_the_same(tmp_path: Path) -> None:
    lines = (HERE / "android_crash.envelope").read_text().splitlines()
    path = tmp_path / "envelope.json"
    path.write_text("[" + ",\n".join(lines) + "]")
    as_lines, as_list = parse_file(HERE / "android_crash.envelope"), parse_file(path)
    for result in (as_lines, as_list):
        assert (result.units, result.events.height, result.continuations, result.rejects.height) == (
            5,
            2,
            3,
            0,
        )
    columns = ["line", "ts_utc", "service", "level_raw", "message"]
    assert as_list.events.select(columns).to_dicts() == as_lines.events.select(columns).to_dicts()


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        ({"server_name": "web1", "level": "error"}, {"server_name": "web1", "level": "error"}),
        ([["server_name", "web1"], ["level", "error"]], {"server_name": "web1", "level": "error"}),
        ([{"key": "server_name", "value": "web1"}, {"key": "level", "value": "error", "_meta": None}],
         {"server_name": "web1", "level": "error"}),
        ([["broken"], {"value": "no key"}, "text", ["user", None]], {}),
        (None, {}),
    ],
)  # fmt: skip
def test_tags_in_every_shape(tags: object, expected: dict[str, str]) -> None:
    assert tags_of({"tags": tags}) == expected


@pytest.mark.parametrize(
    ("exception", "expected"),
    [
        ({"values": [{"type": "KeyError", "value": "'a'"}]}, ["KeyError: 'a'"]),
        ([{"type": "UndefinedFunctionError", "value": "function x/0 is undefined"}],
         ["UndefinedFunctionError: function x/0 is undefined"]),
        ([], []),
    ],
)  # fmt: skip
def test_exception_as_object_or_bare_list(exception: object, expected: list[str]) -> None:
    values = exception_values({"exception": exception})
    assert [f"{v['type']}: {v['value']}" for v in values] == expected


def test_user_tag_values_export_is_read(tmp_path: Path) -> None:
    path = tmp_path / "ISSUES_BY_TAG-user.csv"
    path.write_bytes(
        b"value,id,email,username,ip_address,times_seen,last_seen,first_seen\r\n"
        b"id:17,17,ann@example.com,ann,,3,2024-03-10T14:05:42.118000Z,2024-03-10T14:01:00.000000Z\r\n"
    )
    result = parse_file(path)
    assert event_column(result, "ts_utc") == [_utc(2024, 3, 10, 14, 1)]
    assert event_column(result, "message") == [
        'tag value "id:17" seen 3 times, first 2024-03-10T14:01:00.000000Z, last 2024-03-10T14:05:42.118000Z'
    ]


def test_discover_export_without_a_time_column_rejects_every_row(tmp_path: Path) -> None:
    path = tmp_path / "discover.csv"
    path.write_bytes(b"title,project,count\r\nKeyError: 'a',checkout,12\r\n")
    result = get_format("sentry-csv").parse(read_source(str(path)))
    assert result.events.is_empty() and result.units == 1
    assert result.rejects["reason"].to_list() == [
        "no timestamp, first_seen or last_seen column: the rows cannot be placed in time"
    ]


@pytest.mark.parametrize("name", FORMATS)
def test_an_empty_file_parses_to_nothing(name: str) -> None:
    check_empty_file_parses_to_nothing(name, "empty.json")


@pytest.mark.parametrize("name", FORMATS)
def test_each_format_is_detected_from_its_own_example(name: str) -> None:
    check_detected_from_own_example(name)


def test_a_damaged_payload_is_rejected_without_its_breadcrumbs_becoming_events(tmp_path: Path) -> None:
    damaged = (
        '{"event_id": "0deedc6e122944f093c29d6e6182fce9", "timestamp": 1710079541.25, "platform": "javascript",\n'
        ' "breadcrumbs": {"values": [{"timestamp": 1710079540.0, "category": "fetch", "level": "info"}]},\n'
        ' "exception": {"values": [{"type": "TypeError" "value": "Failed to fetch"}]}}'
    )
    good = (
        '{"event_id": "34526172dfbe4c9c92bf1e6f14d6cd25", "timestamp": 1710079542.5, "message": "retry ok"}'
    )
    path = tmp_path / "payloads.json"
    path.write_text(f"[{damaged},\n{good}]")
    result = get_format("sentry-payload").parse(read_source(str(path)))
    assert event_column(result, "line") == [2]
    assert event_column(result, "message") == ["retry ok"]
    assert result.rejects.select("line", "reason").rows() == [
        (
            1,
            "damaged JSON from file line 1 (Expecting ',' delimiter at file line 3); the Sentry documents around it were kept",
        )
    ]
