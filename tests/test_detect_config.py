"""DetectConfig: contract defaults, validation with one clear line, options given as text."""

from __future__ import annotations

from datetime import timedelta

import pytest

from timeliner.detectors import ALL_DETECTORS, DetectConfig
from timeliner.errors import UsageError


def test_contract_defaults() -> None:
    cfg = DetectConfig()
    assert cfg.restart_window == timedelta(minutes=2)
    assert cfg.restart_min == 2
    assert cfg.detectors == ALL_DETECTORS


def test_config_is_frozen() -> None:
    with pytest.raises(AttributeError):
        DetectConfig().restart_min = 3  # type: ignore[misc]


def test_from_options_parses_durations() -> None:
    cfg = DetectConfig.from_options(restart_window="90s", gap_min="1h", restart_min=3)
    assert (cfg.restart_window, cfg.gap_min, cfg.restart_min) == (
        timedelta(seconds=90),
        timedelta(hours=1),
        3,
    )


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"restart_min": 1}, "restart_min must be a whole number of at least 2 (got 1)"),
        ({"restart_window": "-2m"}, "detection setting restart_window must not be negative"),
        ({"restart_window": "soon"}, "restart_window: not a duration: 'soon'"),
        ({"detectors": ("restart", "outage")}, "unknown detector(s) outage"),
        ({"restart_windw": "2m"}, "unknown detection option(s) restart_windw"),
    ],
)
def test_bad_options_are_usage_errors(options: dict[str, object], message: str) -> None:
    with pytest.raises(UsageError) as info:
        DetectConfig.from_options(**options)
    assert message in str(info.value)
