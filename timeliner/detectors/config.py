"""The knobs of detection, with the defaults of the contract (``--restart-window 2m``, ``--restart-min 2``)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import timedelta
from typing import Any

from timeliner.durations import parse_duration
from timeliner.errors import UsageError

ALL_DETECTORS = (
    "restart",
    "restart_storm",
    "downtime",
    "interruption",
    "crash",
    "stop",
    "deploy",
    "gap",
    "error_burst",
)


@dataclass(frozen=True)
class DetectConfig:
    """How the detectors decide; every window is inclusive (a gap equal to the window is inside it).

    >>> DetectConfig(restart_window=timedelta(seconds=90)).restart_min
    2
    >>> DetectConfig.from_options(restart_window="90s").restart_window
    datetime.timedelta(seconds=90)
    """

    # restart / restart_storm
    restart_window: timedelta = timedelta(minutes=2)  # max start-to-start gap between restarts of a storm
    restart_min: int = 2  # restarts in one chain that make a storm
    boot_window: timedelta = timedelta(minutes=5)  # a ready line this soon after a start belongs to its boot
    start_merge: timedelta = timedelta(seconds=10)  # start lines this close (no ready between) are one boot
    pid_min_events: int = 20  # a pid change is a restart only after a process that logged this many lines ...
    pid_min_life: timedelta = timedelta(minutes=1)  # ... over at least this long (not a per-connection fork)
    # grouping of point events of one service into one row (chained: each within the window of the last)
    interruption_group: timedelta = timedelta(seconds=5)
    crash_group: timedelta = timedelta(seconds=5)
    stop_group: timedelta = timedelta(seconds=30)  # a shutdown sequence of a service is one stop row
    deploy_group: timedelta = timedelta(minutes=1)
    # gap: silence far longer than the source's own rhythm
    gap_min: timedelta = timedelta(minutes=10)  # never report a silence shorter than this
    gap_factor: float = 10.0  # ... nor shorter than this many times the 95th percentile pause
    gap_recurring: int = 3  # pauses that happen this many times are part of the rhythm ...
    gap_recurring_margin: float = 2.0  # ... so a gap must be this many times longer than such a pause
    gap_min_events: int = 20  # a source with fewer events has no learnable rhythm: no gap rows
    gap_sparse: timedelta = timedelta(hours=1)  # ... nor one whose median pause is longer (sampled, sparse)
    gap_include_idle: bool = False  # count silence during the source's usual idle hours (nights) too
    idle_hour_share: float = 0.05  # an hour of day is idle if it holds < 5 % of an average hour's events
    idle_learn_span: timedelta = timedelta(days=2)  # idle hours are learned only from sources this long
    # error_burst: error rate far above the service's own baseline
    burst_bin: timedelta = timedelta(minutes=5)
    burst_min: int = 10  # errors in one bin, at least, to be part of a burst
    burst_factor: float = 5.0  # ... and at least this many times the median bin
    burst_sigma: float = 5.0  # ... and at least median + this many robust standard deviations (MAD)
    burst_min_bins: int = 6  # a service observed for fewer bins has no baseline: no burst rows
    # incidents: rows closer than this (end of one to start of the next) share an incident id
    incident_window: timedelta = timedelta(minutes=5)
    detectors: tuple[str, ...] = ALL_DETECTORS

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if isinstance(value, timedelta) and value < timedelta(0):
                raise UsageError(f"detection setting {item.name} must not be negative (got {value})")
        if not isinstance(self.restart_min, int) or self.restart_min < 2:
            raise UsageError(f"restart_min must be a whole number of at least 2 (got {self.restart_min!r})")
        unknown = sorted(set(self.detectors) - set(ALL_DETECTORS))
        if unknown:
            raise UsageError(f"unknown detector(s) {', '.join(unknown)}; known: {', '.join(ALL_DETECTORS)}")

    @classmethod
    def from_options(cls, **options: Any) -> DetectConfig:
        """Build a config from API or case-file options, where windows may be text such as ``"2m"``."""
        names = {item.name: item for item in fields(cls)}
        unknown = sorted(set(options) - set(names))
        if unknown:
            raise UsageError(f"unknown detection option(s) {', '.join(unknown)}; known: {', '.join(names)}")
        converted = {
            name: _from_text(name, value, getattr(cls, name, None)) for name, value in options.items()
        }
        return cls(**converted)


def _from_text(name: str, value: Any, default: Any) -> Any:
    """Command-line and case-file values arrive as text: read them as the setting's own type."""
    if not isinstance(value, str):
        return value
    try:
        if isinstance(default, timedelta):
            return parse_duration(value)
        if isinstance(default, bool):
            if value.lower() not in ("true", "false", "yes", "no", "1", "0"):
                raise ValueError("expected true or false")
            return value.lower() in ("true", "yes", "1")
        if isinstance(default, int):
            if not value.strip().isdigit():
                raise ValueError("expected a whole number")
            return int(value)
        if isinstance(default, float):
            try:
                return float(value)
            except ValueError:
                raise ValueError("expected a number such as 2 or 2.5") from None
        if isinstance(default, tuple):
            return tuple(part.strip() for part in value.split(",") if part.strip())
    except ValueError as exc:
        detail = str(exc) if isinstance(default, timedelta) else f"{exc}, got {value!r}"
        raise UsageError(f"{name}: {detail}") from None
    return value
