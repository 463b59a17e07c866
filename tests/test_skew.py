"""Clock skew: hand-set --skew rules, estimates from shared request ids and receipt clocks, --skew auto."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import polars as pl
import pytest

from timeliner import skew
from timeliner.errors import UsageError
from timeliner.normalize import finish_run
from timeliner.schema import conform_events
from timeliner.settings import Settings
from timeliner.timereport import TimeReport

T0 = datetime(2024, 5, 9, 12, 0, tzinfo=UTC)


def events(rows: list[dict[str, object]]) -> pl.DataFrame:
    base = {"ts_raw": "", "source": "log4j", "service": "svc", "message": "m"}
    return conform_events(pl.DataFrame([{**base, **row} for row in rows]))


def shared_ids(behind: timedelta, jitter_ms: list[int]) -> pl.DataFrame:
    """api.log (5 events + 1 extra) and worker.log (5), worker's clock ``behind`` the api's."""
    rows: list[dict[str, object]] = []
    for k, jitter in enumerate(jitter_ms):
        at = T0 + timedelta(minutes=k)
        rows.append({"ts": at, "file": "api.log", "line": k + 1, "request_id": f"req-{k}"})
        seen = at - behind + timedelta(milliseconds=jitter)
        rows.append({"ts": seen, "file": "worker.log", "line": k + 1, "request_id": f"req-{k}"})
    rows.append({"ts": T0, "file": "api.log", "line": 99, "request_id": None})
    return events(rows)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["*nginx*=+2.5s"], (("*nginx*", "+2.5s"),)),
        (["auto"], (("*", "auto"),)),
        (["*app*=-1m", "*db*=AUTO"], (("*app*", "-1m"), ("*db*", "auto"))),
        (None, ()),
    ],
)
def test_parse_skew_options(values: list[str] | None, expected: tuple[tuple[str, str], ...]) -> None:
    assert skew.parse_skew_options(values) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("+2.5s", "expected GLOB=DURATION"),
        ("*app*=soon", "'soon' is not a duration"),
    ],
)
def test_bad_skew_option_is_a_usage_error(value: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        skew.parse_skew_options([value])


def test_first_matching_rule_wins_and_auto_never_overrides_a_hand_set_skew() -> None:
    rules = (("*app*", "+1s"), ("*", "-2s"), ("*", "auto"))
    assert skew.manual_skew("x/app.log", rules) == (timedelta(seconds=1), "--skew *app*=+1s")
    assert skew.manual_skew("x/db.log", rules) == (timedelta(seconds=-2), "--skew *=-2s")
    assert not skew.wants_auto("x/db.log", rules)
    assert skew.wants_auto("db.log", (("*", "auto"),))


def test_shared_request_ids_estimate_the_smaller_file_against_the_larger() -> None:
    [estimate] = skew.estimate_skews(shared_ids(timedelta(seconds=3), [0, 10, -10, 20, -20]))
    assert (estimate.path, estimate.reference, estimate.method) == (
        "worker.log",
        "api.log",
        "shared request ids",
    )
    assert estimate.correction == timedelta(seconds=3)
    assert estimate.anchors == 5
    assert (estimate.low, estimate.high) == (timedelta(seconds=2.98), timedelta(seconds=3.02))
    assert estimate.consistent
    assert estimate.evidence[0] == "request id req-0: worker.log:1 vs api.log:1"


def test_scattered_differences_are_reported_but_not_consistent() -> None:
    [estimate] = skew.estimate_skews(shared_ids(timedelta(seconds=3), [0, 4000, -4000, 8000, -8000]))
    assert estimate.correction == timedelta(seconds=3)
    assert not estimate.consistent


def test_a_difference_within_transport_latency_is_not_worth_applying() -> None:
    [estimate] = skew.estimate_skews(shared_ids(timedelta(milliseconds=100), [0, 5, 10, 5, 0]))
    assert not estimate.consistent


def receipts(lag_s: list[float], source: str = "cloudwatch-json") -> pl.DataFrame:
    rows = [
        {"ts": T0 + timedelta(minutes=k), "file": "cw.json", "line": k + 1, "source": source}
        | {"received_ts": T0 + timedelta(minutes=k, seconds=lag)}
        for k, lag in enumerate(lag_s)
    ]
    return events(rows)


def test_receipts_before_the_event_prove_the_clock_runs_ahead() -> None:
    [estimate] = skew.estimate_skews(receipts([-2.0, -1.5, -1.8, -1.2]))
    assert estimate.method == "cloudwatch-json receipt time"
    assert estimate.correction == timedelta(seconds=-2)
    assert estimate.consistent
    assert estimate.note is not None and "runs ahead" in estimate.note


def test_ordinary_receipt_delays_are_no_evidence_of_skew() -> None:
    [estimate] = skew.estimate_skews(receipts([0.004, 0.2, 15.176, 1.0]))
    assert estimate.correction == timedelta(0)
    assert not estimate.consistent
    assert estimate.as_dict()["range_s"] == [0.004, 15.176]


def test_receipt_lags_clustered_at_an_hour_suggest_a_zone_mistake() -> None:
    [estimate] = skew.estimate_skews(receipts([3600.2, 3600.4, 3600.3, 3600.1]))
    assert estimate.note is not None and "+1 h" in estimate.note


def test_estimates_that_disagree_are_not_applied() -> None:
    agree = [
        skew.SkewEstimate(
            "a", "m", "r", timedelta(seconds=s), 5, timedelta(0), timedelta(0), timedelta(0), True
        )
        for s in (3, 3.5)
    ]
    disagree = [*agree, skew.SkewEstimate("a", "m", "r", timedelta(seconds=9), 5, *[timedelta(0)] * 3, True)]
    assert skew.choose_auto(agree) == {"a": timedelta(seconds=3.5)}
    assert skew.choose_auto(disagree) == {}


def test_finish_run_reports_estimates_and_applies_them_only_with_auto() -> None:
    frame = shared_ids(timedelta(seconds=3), [0, 10, -10, 20, -20])
    reports = [TimeReport(path="api.log"), TimeReport(path="worker.log")]
    finish_run(frame, reports, Settings())
    assert reports[1].skew_estimates[0]["suggested_skew"] == "+3 s"
    assert reports[1].skew_estimates[0]["applied"] is False
    assert any("--skew 'worker.log=+3s'" in s for s in reports[1].sentences("worker.log"))

    reports = [TimeReport(path="api.log"), TimeReport(path="worker.log")]
    out = finish_run(frame, reports, Settings(skew=(("*", "auto"),)))
    worker = out.filter(pl.col("file") == "worker.log").sort("line")["ts"].to_list()
    assert worker[0] == T0  # 3 s behind, shifted +3 s
    assert reports[1].skew == "+3 s" and reports[1].skew_estimates[0]["applied"] is True
    assert reports[0].skew is None
    assert out["ts"].is_sorted()


def test_cli_skew_is_applied_and_bad_text_is_one_line_exit_2(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from timeliner.cli import app

    log = tmp_path / "app.log"
    log.write_text("2026-10-13 21:04:12.345  INFO 4242 --- [main] c.e.App : Started App in 8.4 seconds\n")
    runner = CliRunner()
    bad = runner.invoke(app, ["build", str(log), "--out", str(tmp_path / "o"), "--skew", "*app*=soon"])
    assert bad.exit_code == 2
    assert bad.stderr.startswith("Error: --skew '*app*=soon': 'soon' is not a duration;")
    good = runner.invoke(
        app, ["build", str(log), "--out", str(tmp_path / "o"), "--skew", "*app*=+2.5s", "-q"]
    )
    assert good.exit_code == 0, good.stderr
    events = pl.read_parquet(tmp_path / "o" / "events.parquet")
    assert events["ts"].to_list() == [datetime(2026, 10, 13, 21, 4, 14, 845000, tzinfo=UTC)]
