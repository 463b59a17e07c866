"""``gap``: silence far longer than the stream's own rhythm; sampling and nights are not gaps."""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest
from _events import at, ev, events_frame

from timeliner.detectors import DetectConfig, detect


def gaps(events: list[dict[str, Any]], **options: Any) -> pl.DataFrame:
    return detect(events_frame(events), DetectConfig.from_options(detectors=("gap",), **options))


def steady(first: float, count: int, every: float = 10, **kw: Any) -> list[dict[str, Any]]:
    return [ev(first + i * every, "tick", **kw) for i in range(count)]


@pytest.mark.parametrize(("pause", "is_gap"), [(599, False), (600, False), (601, True)])
def test_gap_just_below_at_and_above_gap_min(pause: float, is_gap: bool) -> None:
    # A 10 s rhythm: p95 x 10 = 100 s, no recurring long pause, so the threshold is gap_min (10 min).
    events = steady(0, 50) + steady(490 + pause, 50)
    rows = gaps(events)
    if is_gap:
        assert rows.select("start", "end", "count", "evidence", "severity").rows() == [
            (at(490), at(490 + pause), 2, "app.log:50;app.log:51", "medium")
        ]
        assert rows["summary"].to_list() == [
            "svc (log4j) logged nothing for 10 min 1 s; its usual pauses are at most 10 s."
        ]
    else:
        assert rows.height == 0


def test_threshold_follows_the_streams_own_rhythm() -> None:
    # A stream that logs every 5 min: p95 = 5 min, so only pauses > 50 min are gaps.
    events = steady(0, 30, every=300) + steady(8700 + 2999, 30, every=300)
    assert gaps(events).height == 0
    events = steady(0, 30, every=300) + steady(8700 + 3001, 30, every=300)
    assert gaps(events)["end"].to_list() == [at(8700 + 3001)]


def test_too_few_events_to_learn_a_rhythm() -> None:
    assert gaps(steady(0, 10) + steady(10_000, 9)).height == 0
    assert gaps(steady(0, 10) + steady(10_000, 10)).height == 1


def sampled_minute_per_hour(hours: int, skip: tuple[int, ...] = ()) -> list[dict[str, Any]]:
    """Like the Apache access log of the corpus: requests only in minute :05 of every hour, one a second."""
    return [
        ev(h * 3600 + 300 + s, "GET /", source="apache-access")
        for h in range(hours)
        if h not in skip
        for s in range(60)
    ]


def test_sampling_one_minute_per_hour_is_not_a_gap() -> None:
    assert gaps(sampled_minute_per_hour(40)).height == 0


def test_a_missing_sampled_hour_is_a_gap() -> None:
    rows = gaps(sampled_minute_per_hour(40, skip=(20, 21)))
    assert rows.select("start", "end").rows() == [(at(19 * 3600 + 359), at(22 * 3600 + 300))]


def day_shift(days: int, quiet: tuple[int, int] | None = None) -> list[dict[str, Any]]:
    """A source active 08:00-20:00 UTC every day, one event a minute; optionally a quiet stretch (minutes)."""
    events = []
    for day in range(days):
        for minute in range(12 * 60):
            t = day * 86400 - 4 * 3600 + minute * 60  # T0 is 12:00, so day 0 starts at 08:00
            if quiet and day == 1 and quiet[0] < minute < quiet[1]:
                continue
            events.append(ev(t, "tick"))
    return events


def test_no_gap_for_nights_of_a_source_idle_every_night() -> None:
    assert gaps(day_shift(3)).height == 0


def test_nights_are_gaps_when_asked() -> None:
    rows = gaps(day_shift(3), gap_include_idle=True)
    assert rows.select("start", "end").rows() == [
        (at(8 * 3600 - 60), at(20 * 3600)),
        (at(32 * 3600 - 60), at(44 * 3600)),
    ]


def test_a_daytime_silence_of_a_nightly_idle_source_is_a_gap() -> None:
    rows = gaps(day_shift(3, quiet=(600, 660)))
    assert rows.select("start", "end").rows() == [(at(86400 + 6 * 3600), at(86400 + 7 * 3600))]


def test_silence_after_a_stop_is_not_a_gap() -> None:
    events = steady(0, 50)
    events[-1] = ev(490, "Graceful shutdown complete", kind="stop")
    assert gaps(events + steady(490 + 3600, 50)).height == 0


def test_streams_are_per_source_and_service() -> None:
    # Two services logging in turn every 10 s: each has a 20 s rhythm and no gap.
    events = steady(0, 60, every=20, service="a") + steady(10, 60, every=20, service="b")
    events += steady(
        1190 + 1200, 30, every=20, service="a"
    )  # a goes silent for 20 min; b does not exist then
    rows = gaps(events)
    assert rows["service"].to_list() == ["a"]
