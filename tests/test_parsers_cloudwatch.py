"""CloudWatch parsers: golden fixtures (tests/fixtures/cloudwatch) and the behaviour behind them."""

from __future__ import annotations

import base64
import gzip
import json
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
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

from timeliner.normalize import normalize_file
from timeliner.parsers import detect_format, get_format
from timeliner.settings import Settings
from timeliner.sources import read_source

HERE = FIXTURES / "cloudwatch"
CHECKOUT_RID = "6f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
SANDBOX_1 = "2024/05/09/[$LATEST]3f2e1d0c9b8a47c6b5a4938271605f4e"
SANDBOX_2 = "2024/05/09/[$LATEST]9a8b7c6d5e4f43a2b1c0d9e8f7a6b5c4"
TASK_OLD, TASK_NEW = "0a1b2c3d4e5f40718293a4b5c6d7e8f9", "7f6e5d4c3b2a41908f7e6d5c4b3a2910"
FORMATS = (
    "cloudwatch-json",
    "cloudwatch-s3",
    "cloudwatch-insights-csv",
    "cloudwatch-insights-json",
    "cloudwatch-subscription",
)


@pytest.mark.parametrize("case", golden_cases("cloudwatch"), ids=str)
def test_golden(case: GoldenCase) -> None:
    check_golden(case)


def _utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_lambda_lines_give_request_id_and_sandbox_instance() -> None:
    result = parse_file(HERE / "checkout-fn.json")
    assert event_column(result, "request_id") == [None] + [CHECKOUT_RID] * 6 + [
        None,  # "undefined": logged while the module loaded, outside any invocation
        "0c9d8e7f-6a5b-4c3d-9e8f-7a6b5c4d3e2f",
    ]
    assert event_column(result, "instance") == [SANDBOX_1] * 7 + [SANDBOX_2] * 2


def test_event_time_is_the_envelope_and_ingestion_is_the_second_clock() -> None:
    events = parse_file(HERE / "checkout-fn.json").events.sort("line")
    # Line 3's message carries the runtime's own copy of the time; the envelope's is used.
    assert events["ts_utc"][2] == _utc(2024, 5, 9, 8, 0, 0, 415000)
    assert events["received_ts"][2] == _utc(2024, 5, 9, 8, 0, 0, 950000)
    assert set(events["ts_basis"]) == {"epoch-ms"}


def test_ecs_streams_give_container_service_and_task_instance() -> None:
    result = parse_file(HERE / "ecs_two_pages.json")
    assert event_column(result, "service") == [
        "orders/api",
        "orders/api",
        "orders/api",
        "orders/worker",
        "orders/api",
    ]
    assert event_column(result, "instance") == [TASK_OLD, TASK_OLD, TASK_NEW, TASK_NEW, TASK_NEW]
    # CRLF inside a message becomes LF, and the agent's line ending goes.
    assert event_column(result, "message")[3] == "WARN  consumer lag is 1200 messages on partition 3"


def test_a_damaged_record_in_the_middle_is_rejected_and_the_others_kept(tmp_path: Path) -> None:
    text = (
        (HERE / "ecs_two_pages.json")
        .read_text()
        .replace('"timestamp": 1710079333900,', '"timestamp": 1710079333900 ', 1)
    )
    path = tmp_path / "orders.json"
    path.write_text(text)
    result = get_format("cloudwatch-json").parse(read_source(str(path)))
    assert event_column(result, "line") == [1, 3, 4, 5]
    assert result.rejects["line"].to_list() == [2]
    assert result.rejects["reason"][0] == (
        # The comma is missing at the end of line 12; the decoder notices at the next key, line 13.
        "damaged JSON from file line 10 (Expecting ',' delimiter at file line 13); the log events around it were kept"
    )
    assert result.rejects["text"][0].startswith('{\n            "logStreamName": "orders/api/0a1b')
    assert result.units == 5
    assert "kept 4 log events that decode on their own, rejected 1 damaged part(s)" in result.notes[0]


def test_s3_export_tree_names_the_stream_from_the_path(tmp_path: Path) -> None:
    folder = tmp_path / "exportedlogs" / "5e0c7a3e-1f2b-4c5d-8e9f-0a1b2c3d4e5f" / "orders" / "api" / TASK_NEW
    folder.mkdir(parents=True)
    (folder / "000000.gz").write_bytes(
        gzip.compress(
            b"2024-03-10T14:05:40.117Z Starting OrdersApplication\n2024-03-10T14:02:11.250Z earlier chunk\n"
        )
    )
    result = parse_file(folder / "000000.gz")
    assert event_column(result, "service") == ["orders/api", "orders/api"]
    assert event_column(result, "instance") == [TASK_NEW, TASK_NEW]
    assert event_column(result, "ts_utc") == [
        _utc(2024, 3, 10, 14, 5, 40, 117000),
        _utc(2024, 3, 10, 14, 2, 11, 250000),
    ]


def test_s3_export_of_a_lambda_stream_takes_the_stream_across_folders(tmp_path: Path) -> None:
    folder = (
        tmp_path
        / "x"
        / "5e0c7a3e-1f2b-4c5d-8e9f-0a1b2c3d4e5f"
        / "2024"
        / "05"
        / "09"
        / "[$LATEST]3f2e1d0c9b8a47c6b5a4938271605f4e"
    )
    folder.mkdir(parents=True)
    line = f"2024-05-09T08:00:03.412Z 2024-05-09T08:00:03.412Z {CHECKOUT_RID} Task timed out after 3.00 seconds\n"
    (folder / "000001.gz").write_bytes(gzip.compress(line.encode()))
    result = parse_file(folder / "000001.gz")
    assert event_column(result, "instance") == [SANDBOX_1]
    assert event_column(result, "request_id") == [CHECKOUT_RID]
    assert event_column(result, "level_raw") == ["ERROR"]
    assert event_column(result, "message") == ["Task timed out after 3.00 seconds"]


def test_s3_permission_probe_is_recognised_and_not_a_log(tmp_path: Path) -> None:
    path = tmp_path / "aws-logs-write-test"
    path.write_text("Permission Check Successful")
    source = read_source(str(path))
    assert detect_format(source).format.name == "cloudwatch-s3"
    result = get_format("cloudwatch-s3").parse(source)
    assert result.events.is_empty() and result.units == 1
    assert result.rejects["reason"].to_list() == [
        "S3 export permission probe (aws-logs-write-test), not a log"
    ]


def _awslogs_trigger(delivery: dict[str, object]) -> str:
    data = base64.b64encode(gzip.compress(json.dumps(delivery).encode())).decode()
    return json.dumps({"awslogs": {"data": data}})


def test_subscription_trigger_decodes_to_the_same_events_as_the_decoded_delivery(tmp_path: Path) -> None:
    text = (HERE / "firehose_concatenated.json").read_text()
    delivery = json.loads(text[text.index('{"messageType":"DATA_MESSAGE"') :])
    path = tmp_path / "trigger.json"
    path.write_text(_awslogs_trigger(delivery))
    decoded, encoded = parse_file(HERE / "firehose_concatenated.json"), parse_file(path)
    columns = ["line", "ts_utc", "service", "instance", "group", "message"]
    assert encoded.events.select(columns).to_dicts() == decoded.events.select(columns).to_dicts()
    assert event_column(encoded, "group") == ["/ecs/orders", "/ecs/orders"]


def test_control_messages_are_skipped_with_a_note() -> None:
    result = parse_file(HERE / "firehose_concatenated.json")
    assert result.units == 2 and result.events.height == 2
    assert result.notes == [
        "skipped 1 CONTROL_MESSAGE delivery(ies): CloudWatch checking the destination, not log events"
    ]


def test_lambda_function_comes_from_the_log_group_of_a_delivery(tmp_path: Path) -> None:
    delivery = {
        "messageType": "DATA_MESSAGE",
        "logGroup": "/aws/lambda/checkout-fn",
        "logStream": SANDBOX_1,
        "logEvents": [{"id": "1", "timestamp": 1715241603412, "message": "END RequestId: " + CHECKOUT_RID}],
    }
    kinesis = {"Records": [{"kinesis": {"data": json.loads(_awslogs_trigger(delivery))["awslogs"]["data"]}}]}
    path = tmp_path / "kinesis-event.json"
    path.write_text(json.dumps(kinesis))
    result = parse_file(path)
    assert event_column(result, "service") == ["checkout-fn"]
    assert event_column(result, "instance") == [SANDBOX_1]


def test_undecodable_delivery_is_one_reject_with_the_reason(tmp_path: Path) -> None:
    path = tmp_path / "trigger.json"
    path.write_text('{"awslogs": {"data": "bm90IGd6aXA="}}')  # base64 of "not gzip"
    result = get_format("cloudwatch-subscription").parse(read_source(str(path)))
    assert result.units == 1 and result.events.is_empty()
    assert result.rejects["reason"][0].startswith("decoded data is not valid JSON")


def test_insights_json_keeps_request_id_group_and_second_clock(tmp_path: Path) -> None:
    result = parse_file(HERE / "insights_query_results.json")
    assert event_column(result, "request_id") == [CHECKOUT_RID] * 3
    assert event_column(result, "group") == ["/aws/lambda/checkout-fn"] * 3
    assert set(result.events["ts_basis"]) == {"utc-by-format"}
    rows = [[{"field": "@timestamp", "value": "2023-12-05 22:14:43.877"},
             {"field": "@ingestionTime", "value": "2023-12-05 22:14:52.883"},
             {"field": "@message", "value": "END RequestId: 76269889-7d50-4d6d-a3f1-9b4f5322f47c"},
             {"field": "@ptr", "value": "CioKJgokMTIzNDU2Nzg5MDEyOi9hd3MvbGFtYmRhL2NoZWNrb3V0LWZuEAE="}]]  # fmt: skip
    path = tmp_path / "rows.json"
    path.write_text(json.dumps({"results": rows, "status": "Running"}))
    partial = parse_file(path)
    assert event_column(partial, "received_ts") == [_utc(2023, 12, 5, 22, 14, 52, 883000)]
    assert event_column(partial, "service") == ["checkout-fn"]  # the log group named inside @ptr
    assert partial.notes == ["query status was Running: the results may be incomplete"]


def test_insights_without_message_shows_the_selected_fields(tmp_path: Path) -> None:
    path = tmp_path / "audit.csv"
    path.write_text(
        "@logStream,@timestamp,requestURI,verb\r\n"
        "kube-apiserver-audit-8c0c570ea5676c62c44d98da6189a02b,2021-08-10 17:13:53.281,/api/v1/pods,create\r\n"
    )
    result = parse_file(path)
    assert event_column(result, "message") == ["requestURI=/api/v1/pods verb=create"]
    assert event_column(result, "service") == ["kube-apiserver-audit"]
    assert event_column(result, "line") == [2]


def test_insights_csv_row_cut_off_inside_quotes_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "cut.csv"
    path.write_text(
        '@timestamp,@message\n2021-08-10 17:13:53.281,"complete"\n2021-08-10 17:13:54.000,"cut off her'
    )
    result = parse_file(path)
    assert event_column(result, "line") == [2]
    assert result.rejects.select("line", "reason").rows() == [
        (3, "cut off: the file ends inside a quoted field of this row")
    ]


def test_zone_less_insights_time_stays_utc_whatever_zone_is_configured() -> None:
    result = parse_file(HERE / "insights_console_download.json")
    events, _ = normalize_file(
        result.events, path="insights_console_download.json", source="cloudwatch-insights-json",
        settings=Settings(tz="America/New_York"),
    )  # fmt: skip
    assert events.sort("line")["ts"].to_list() == [
        _utc(2021, 8, 8, 20, 4, 46, 282000),
        _utc(2021, 8, 8, 20, 4, 40, 1000),
    ]


@pytest.mark.parametrize("name", FORMATS)
def test_an_empty_file_parses_to_nothing(name: str) -> None:
    check_empty_file_parses_to_nothing(name, "empty.json")


@pytest.mark.parametrize("name", FORMATS)
def test_each_format_is_detected_from_its_own_example(name: str) -> None:
    check_detected_from_own_example(name)


def test_frames_keep_utc_instants() -> None:
    events = parse_file(HERE / "ecs_two_pages.json").events
    assert events.schema["ts_utc"] == pl.Datetime("us", "UTC")
    assert events.schema["received_ts"] == pl.Datetime("us", "UTC")


def test_s3_chunk_given_from_inside_its_folder_still_names_the_stream(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "5e0c7a3e-1f2b-4c5d-8e9f-0a1b2c3d4e5f" / "billing"
    folder.mkdir(parents=True)
    (folder / "000000.gz").write_bytes(gzip.compress(b"2024-03-10T14:05:40.117Z invoice run started\n"))
    monkeypatch.chdir(folder)
    result = parse_file("000000.gz")
    assert event_column(result, "service") == ["billing"]
