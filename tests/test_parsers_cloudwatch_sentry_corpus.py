"""Every real CloudWatch and Sentry export in ../shared/corpus: detected right, read whole, facts held.

The facts asserted here are the ones ../shared/corpus/MANIFEST.md states about each file
(event counts, streams, gaps, clocks), not values read back from our own output.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from timeliner.parsers import detect_format
from timeliner.parsers._registry import ParseResult
from timeliner.sources import read_source

pytestmark = pytest.mark.corpus

# Expected format by file name (first matching rule wins).
FORMAT_RULES = (
    ("cloudwatch/s3_export/", "cloudwatch-s3"),
    ("cloudwatch/insights_csv_", "cloudwatch-insights-csv"),
    ("cloudwatch/awscli_example_get_query_results", "cloudwatch-insights-json"),
    ("cloudwatch/lambda_insights_results", "cloudwatch-insights-json"),
    ("subscription", "cloudwatch-subscription"),
    ("cloudwatch/lambda_docs_awslogs_event", "cloudwatch-subscription"),
    ("cloudwatch/", "cloudwatch-json"),
    ("sentry/glitchtip_oss_sentry_events/", "sentry-json"),
    ("sentry/api_docs_examples/", "sentry-json"),
    ("sentry/glitchtip_incoming_events/", "sentry-payload"),
    ("sentry/glitchtip_oss_sentry_json/", "sentry-payload"),
)
# Rows rejected on purpose: MANIFEST's malformed rows, and an aggregation result (counts, no times).
EXPECTED_REJECTS = {
    "cloudwatch/insights_csv_eks_repost_replicaset.csv": ("2021-08-04 0718:44.561",),
    "cloudwatch/insights_csv_eks_repost_authenticator_malformed.csv": (
        "row has 3 fields but the header names 2",
    ),
    "cloudwatch/insights_csv_eks_repost_stats.csv": ("no @timestamp in this result",) * 5,
}


def _corpus_files() -> list[str]:
    root = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
    files = sorted(
        p for folder in ("cloudwatch", "sentry") for p in (root / folder).rglob("*") if p.is_file()
    )
    return [str(p.relative_to(root)) for p in files if p.suffix in (".json", ".csv", ".txt")]


def _expected_format(name: str) -> str:
    return next(fmt for prefix, fmt in FORMAT_RULES if prefix in name)


def _read(corpus: Path, name: str) -> ParseResult:
    source = read_source(str(corpus / name))
    return detect_format(source).format.parse(source)


@pytest.mark.parametrize("name", _corpus_files() or ["(corpus absent)"])
def test_detected_right_and_every_record_accounted(corpus: Path, name: str) -> None:
    source = read_source(str(corpus / name))
    detection = detect_format(source)
    assert detection.format.name == _expected_format(name)
    assert not detection.runners_up
    result = detection.format.parse(source)
    assert result.units == result.events.height + result.continuations + result.rejects.height
    expected = EXPECTED_REJECTS.get(name, ())
    assert len(expected) == result.rejects.height, result.rejects.to_dicts()
    for fragment, reason in zip(expected, result.rejects["reason"], strict=True):
        assert fragment in reason
    assert result.events.height + len(expected) == result.units - result.continuations
    assert result.events["ts_utc"].null_count() == 0
    assert result.events["service"].null_count() == 0


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def test_lambda_filter_payload_two_sandboxes_and_the_overnight_gap(corpus: Path) -> None:
    events = _read(corpus, "cloudwatch/lambda_filter_log_events_payload.json").events.sort("line")
    assert events.height == 265
    streams = events["instance"].to_list()
    assert len(set(streams[:155])) == 1 and len(set(streams[155:])) == 1 and streams[0] != streams[155]
    assert streams[0].startswith("2019/06/19/[$LATEST]c3ad")
    assert events["ts_utc"][154] == _at("2019-06-19T06:00:52.377Z")
    assert events["ts_utc"][155] == _at("2019-06-18T12:45:35.657Z")
    for index in (52, 143, 223):  # multi-line messages written with CRLF
        message = events["message"][index]
        assert "\n" in message and "\r" not in message
    lags = events.select((pl.col("received_ts") - pl.col("ts_utc")).alias("lag"))["lag"]
    assert lags.min() == timedelta(milliseconds=4) and lags.max() == timedelta(milliseconds=15176)
    starts = events.filter(pl.col("message").str.starts_with("START RequestId:"))
    assert starts.height == 49 and starts["request_id"].null_count() == 0


def test_lambda_insights_rows_cold_start_and_newest_first(corpus: Path) -> None:
    events = _read(corpus, "cloudwatch/lambda_insights_results.json").events.sort("line")
    assert events.height == 50
    init = events.row(9, named=True)
    assert init["message"].startswith("INIT_START Runtime Version: nodejs:18.v18")
    assert init["ts_utc"] == _at("2023-12-05T22:10:47.324Z")
    assert events.row(8, named=True)["message"] == "Loading function" and events["request_id"][8] is None
    assert events["ts_utc"][0] == _at("2023-12-05T22:14:43.877Z")
    assert set(events["ts_basis"]) == {"utc-by-format"}


def test_encoded_and_decoded_subscription_payloads_agree(corpus: Path) -> None:
    encoded = _read(corpus, "cloudwatch/DERIVED_subscription_event_datadog_encoded.json").events
    decoded = _read(corpus, "cloudwatch/subscription_payload_decoded_datadog.json").events
    assert encoded.equals(decoded)
    assert set(decoded["group"]) == {"/aws/lambda/hello-dog-node-dev-hello12x"}
    assert set(decoded["service"]) == {"hello-dog-node-dev-hello12x"}


def test_lambda_docs_trigger_event(corpus: Path) -> None:
    events = _read(corpus, "cloudwatch/lambda_docs_awslogs_event.json").events.sort("line")
    assert events["ts_utc"][0] == _at("2015-08-24T19:03:07Z")  # 1440442987000 ms
    assert events["message"].to_list() == ["[ERROR] First test message", "[ERROR] Second test message"]
    assert events["level_raw"].to_list() == ["ERROR", "ERROR"]
    assert set(events["group"]) == {"testLogGroup"}


def test_s3_export_lines_continuations_join_the_event_above(corpus: Path) -> None:
    result = _read(corpus, "cloudwatch/s3_export/pgbadger_issues_s3_export_lines.txt")
    assert result.events["line"].to_list() == [1, 2, 6]
    assert result.continuations == 3
    assert result.events["message"][1].count("\n") == 3


@pytest.mark.parametrize(
    ("name", "created", "received"),
    [
        ("python_zero_division", "2020-05-02T16:54:20.488Z", "2020-05-02T18:37:56.656Z"),
        ("very_small_event", "2020-04-25T19:36:56.585Z", "2020-04-28T01:51:50.687Z"),
    ],
)
def test_sentry_event_time_is_created_not_received(
    corpus: Path, name: str, created: str, received: str
) -> None:
    api = _read(corpus, f"sentry/glitchtip_oss_sentry_events/{name}.json").events
    assert api["ts_utc"].to_list() == [_at(created)]
    assert api["received_ts"].to_list() == [_at(received)]


@pytest.mark.parametrize(
    "name",
    [
        "python_zero_division",
        "elixir_error",
        "dotnet_divide_zero",
        "js_event_with_unix_timestamp",
        "php_message_event",
    ],
)
def test_the_three_shapes_of_one_sentry_event_agree_on_its_time(corpus: Path, name: str) -> None:
    times = [
        _read(corpus, f"sentry/{folder}/{name}.json").events["ts_utc"][0]
        for folder in (
            "glitchtip_incoming_events",
            "glitchtip_oss_sentry_events",
            "glitchtip_oss_sentry_json",
        )
    ]
    assert max(times) - min(times) < timedelta(milliseconds=1)


def test_elixir_zone_less_timestamp_is_utc(corpus: Path) -> None:
    events = _read(corpus, "sentry/glitchtip_incoming_events/elixir_error.json").events
    assert events["ts_utc"].to_list() == [_at("2021-09-28T18:57:46Z")]
    assert events["ts_basis"].to_list() == ["utc-by-format"]


def test_android_envelope_gives_the_event_and_its_session(corpus: Path) -> None:
    result = _read(corpus, "sentry/glitchtip_incoming_events/android_sdk_envelope.json")
    assert (result.units, result.events.height, result.continuations) == (5, 2, 3)
    assert result.events["ts_utc"].to_list() == [
        _at("2021-02-23T03:13:25.533Z"),
        _at("2021-02-23T03:13:25.549Z"),
    ]
    assert set(result.events["service"]) == {"com.example.androiderrorfactory"}
