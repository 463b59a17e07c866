"""Properties every detector must keep: input row order does not matter; rows lie inside the events."""

from __future__ import annotations

from typing import Any

import polars as pl
from _events import ev, events_frame
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from timeliner.detectors import DetectConfig, detect
from timeliner.detectors.evidence import UNKNOWN_SERVICE, in_event_order, prepare_events
from timeliner.schema import DETECTION_COLUMNS, UTC_US

KINDS = [None, None, "start", "ready", "stop", "crash", "interruption", "error", "deploy"]

event_strategy = st.builds(
    lambda t, kind, service, pid, level: ev(
        float(t), f"message {kind}", kind=kind, service=service, pid=pid, level=level
    ),
    t=st.integers(min_value=0, max_value=4 * 3600),
    kind=st.sampled_from(KINDS),
    service=st.sampled_from(["a", "b"]),
    pid=st.sampled_from([None, "1", "2", "3"]),
    level=st.sampled_from(["info", "error"]),
)
# Small windows and thresholds so that short random inputs reach every detector.
CFG = DetectConfig.from_options(
    gap_min="1m", gap_min_events=5, burst_min=2, burst_min_bins=2, burst_bin="10m"
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(events=st.lists(event_strategy, min_size=1, max_size=60), seed=st.randoms(use_true_random=False))
def test_shuffling_input_rows_does_not_change_the_timeline(events: list[dict[str, Any]], seed: Any) -> None:
    frame = events_frame(events)
    shuffled = frame.sample(fraction=1.0, shuffle=True, seed=seed.randint(0, 2**31))
    assert_frame_equal(detect(frame, CFG), detect(shuffled, CFG))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(events=st.lists(event_strategy, min_size=1, max_size=60))
def test_rows_lie_inside_the_events_span_and_cite_real_lines(events: list[dict[str, Any]]) -> None:
    frame = events_frame(events)
    timeline = detect(frame, CFG)
    first, last = frame["ts"].min(), frame["ts"].max()
    assert (
        timeline.filter(
            (pl.col("start") < first) | (pl.col("end") > last) | (pl.col("end") < pl.col("start"))
        ).height
        == 0
    )
    known = set(frame.select(pl.format("{}:{}", "file", "line").alias("ref"))["ref"])
    for evidence in timeline["evidence"]:
        cited = [ref for ref in evidence.split(";") if not ref.startswith("+")]
        assert cited and set(cited) <= known
    assert (timeline["count"] >= 1).all()
    assert timeline["start"].is_sorted()


def test_empty_events_give_an_empty_timeline() -> None:
    timeline = detect(events_frame([ev(0)]).head(0), DetectConfig())
    assert timeline.height == 0


# Few instants, files and lines, so that random events often tie on (ts, file, line).
tie_prone_event = st.builds(
    lambda t, file, line, message: ev(float(t), message, file=file, line=line),
    t=st.integers(min_value=0, max_value=3),
    file=st.sampled_from(["a.log", "b.log"]),
    line=st.integers(min_value=1, max_value=3),
    message=st.sampled_from(["x", "y", "z"]),
)
TOTAL_ORDER = ["ts", "file", "line", "message"]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(events=st.lists(tie_prone_event, min_size=1, max_size=12), presort=st.booleans())
def test_prepared_events_stand_in_the_total_order_whether_or_not_the_sort_was_skipped(
    events: list[dict[str, Any]], presort: bool
) -> None:
    frame = events_frame(events, number_lines=False).sample(fraction=1.0, shuffle=True, seed=7)
    if presort:  # the input a build hands over: already in order, so prepare_events skips its sort
        frame = frame.sort(["ts", "file", "line"])
    prepared = prepare_events(frame)
    expected = frame.sort(TOTAL_ORDER, nulls_last=True, maintain_order=True).select(DETECTION_COLUMNS)
    assert_frame_equal(prepared.drop("_row"), expected)
    assert prepared["_row"].to_list() == list(range(frame.height))


def test_in_event_order_needs_every_row_strictly_after_the_one_above() -> None:
    rows = [ev(0, "b", line=1), ev(0, "a", line=2), ev(0, "a", file="b.log", line=1), ev(1, "a", line=1)]
    frame = events_frame(rows, number_lines=False)
    assert in_event_order(frame)  # later line, then later file, then later time: no sort needed
    assert not in_event_order(frame.reverse())
    tie = events_frame([ev(0, "b", line=1), ev(0, "a", line=1)], number_lines=False)
    assert not in_event_order(tie)  # same (ts, file, line): only the message orders them
    assert prepare_events(tie)["message"].to_list() == ["a", "b"]
    no_line = frame.with_columns(line=pl.lit(None, dtype=pl.Int64))
    assert not in_event_order(no_line)  # nulls are left to the sort (nulls last)


def test_prepared_events_carry_only_what_the_detectors_read() -> None:
    frame = events_frame([ev(0, "x", line=1)]).with_columns(host=pl.lit("h"), ts=pl.lit(None, dtype=UTC_US))
    assert prepare_events(frame).height == 0  # no time, no place on the timeline
    prepared = prepare_events(events_frame([ev(0, "x", line=1)]).with_columns(service=pl.lit(None)))
    assert prepared.columns == ["_row", *DETECTION_COLUMNS]
    assert prepared["service"].to_list() == [UNKNOWN_SERVICE]
