"""Properties every detector must keep: input row order does not matter; rows lie inside the events."""

from __future__ import annotations

from typing import Any

import polars as pl
from _events import ev, events_frame
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from timeliner.detectors import DetectConfig, detect

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
