"""``error_burst``: error rate far above the service's own baseline (5-min bins, median and MAD)."""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest
from _events import at, ev, events_frame

from timeliner.detectors import DetectConfig, detect

BIN = 300


def errors_in_bins(
    counts: list[int], service: str = "order-api", kind: str | None = None
) -> list[dict[str, Any]]:
    """``counts[i]`` errors spread evenly inside bin i (bins start at T0, which is bin-aligned)."""
    events = []
    for index, n in enumerate(counts):
        events.append(ev(index * BIN, "heartbeat", service=service))  # the service is observed in every bin
        events += [
            ev(
                index * BIN + 1 + i * (290 / max(n, 1)),
                f"boom {i}",
                level="error",
                kind=kind,
                service=service,
            )
            for i in range(n)
        ]
    return events


def bursts(events: list[dict[str, Any]], **options: Any) -> pl.DataFrame:
    return detect(events_frame(events), DetectConfig.from_options(detectors=("error_burst",), **options))


@pytest.mark.parametrize(("peak", "is_burst"), [(9, False), (10, True)])
def test_flat_baseline_burst_min_is_the_threshold(peak: int, is_burst: bool) -> None:
    # median 2, MAD 0: threshold = max(10, 5 x 2, 2 + 0) = 10.
    rows = bursts(errors_in_bins([2] * 10 + [peak] + [2] * 10))
    assert rows.height == (1 if is_burst else 0)
    if is_burst:
        assert rows.select("start", "end", "count", "severity").rows() == [
            (at(10 * BIN + 1), at(10 * BIN + 1 + 9 * 29), 10, "medium")
        ]
        assert rows["summary"].to_list() == [
            "order-api logged 10 errors in 4 min 21 s, against a usual 24 per hour."
        ]


@pytest.mark.parametrize(("peak", "is_burst"), [(99, False), (100, True)])
def test_noisy_baseline_needs_five_times_the_median(peak: int, is_burst: bool) -> None:
    # 10/20/30 cycling: median 20, MAD 10 -> 20 + 5 x 1.4826 x 10 = 94.1; 5 x 20 = 100 wins.
    rows = bursts(errors_in_bins([10, 20, 30] * 4 + [peak] + [10, 20, 30] * 4))
    assert rows.height == (1 if is_burst else 0)


def test_consecutive_hot_bins_are_one_burst_from_first_to_last_error() -> None:
    rows = bursts(errors_in_bins([0] * 12 + [50, 400, 60] + [1] * 12))
    assert rows.select("start", "end", "count").rows() == [
        (at(12 * BIN + 1), at(14 * BIN + 1 + 59 * (290 / 60)), 510)
    ]
    assert rows["summary"][0].startswith("order-api logged 510 errors in 14 min 45 s, against a usual")


def test_errors_count_by_kind_or_level() -> None:
    events = errors_in_bins([0] * 8 + [20] + [0] * 8, kind="interruption")
    assert bursts(events)["count"].to_list() == [20]


def test_a_service_seen_for_too_few_bins_has_no_baseline() -> None:
    assert bursts(errors_in_bins([0, 0, 0, 0, 50])).height == 0
    assert bursts(errors_in_bins([0, 0, 0, 0, 0, 50])).height == 1


def test_baselines_are_per_service() -> None:
    busy = errors_in_bins([200] * 10, service="busy")  # always at 200: its normal
    quiet = errors_in_bins([0] * 9 + [15], service="quiet")
    assert bursts(busy + quiet)["service"].to_list() == ["quiet"]
