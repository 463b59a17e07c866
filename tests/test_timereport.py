"""The plain sentences summary.json and the console give for the second clock of a file."""

from __future__ import annotations

from timeliner.timereport import TimeReport


def _sentences(second_clock: dict[str, object]) -> list[str]:
    report = TimeReport()
    report.second_clock = second_clock
    return [s for s in report.sentences("x.json") if "own stamp" in s]


def test_a_lag_under_a_second_is_named_in_milliseconds() -> None:
    clock = {"events": 912, "local_minus_utc": "+00:00", "range_s": [-0.048, -0.002]}
    assert _sentences(clock) == [
        "x.json: 912 line(s) carry both an instant and the writer's own stamp; "
        "the own stamps differ from the instants by -48 to -2 ms (the instant was used)"
    ]


def test_a_zone_offset_is_named_as_an_offset() -> None:
    clock = {"events": 2000, "local_minus_utc": "-08:00", "range_s": [-28800.0, -28800.0]}
    assert _sentences(clock) == [
        "x.json: 2000 line(s) carry both an instant and the writer's own stamp; "
        "the own stamps run -08:00 from UTC (the instant was used)"
    ]
