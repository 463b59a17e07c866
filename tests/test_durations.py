"""Durations typed by users (``--restart-window 2m``, ``--skew +2.5s``) and printed in summaries."""

from __future__ import annotations

from datetime import timedelta

import pytest

from timeliner.durations import format_duration, parse_duration


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("120s", timedelta(seconds=120)),
        ("2m", timedelta(minutes=2)),
        ("2min", timedelta(minutes=2)),
        ("1h", timedelta(hours=1)),
        ("1d", timedelta(days=1)),
        ("500ms", timedelta(milliseconds=500)),
        ("+2.5s", timedelta(seconds=2.5)),
        ("-1m", timedelta(minutes=-1)),
        ("1h30m", timedelta(minutes=90)),
        ("-1m30s", timedelta(seconds=-90)),
        (" 2 m ", timedelta(minutes=2)),
        ("1.5H", timedelta(minutes=90)),
        ("0s", timedelta(0)),
    ],
)
def test_parse_duration_accepts(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    "text", ["", "2", "m", "2x", "1m-", "--1m", "+-1m", "1.5.2s", "two minutes", "1 m s"]
)
def test_parse_duration_rejects_with_a_message_naming_text_and_forms(text: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_duration(text)
    message = str(info.value)
    assert repr(text) in message
    assert "120s" in message and "2m" in message and "units: ms, s, m or min, h, d" in message


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0 ms"),
        (0.85, "850 ms"),
        (0.9996, "1 s"),
        (2.5, "2.5 s"),
        (8, "8 s"),
        (59.4, "59.4 s"),
        (59.96, "1 min"),
        (85, "1 min 25 s"),
        (120, "2 min"),
        (3600, "1 h"),
        (3725, "1 h 2 min"),
        (7199, "2 h"),  # 1 h 59 min 59 s rounds to the minute, then carries
        (90000, "1 d 1 h"),
        (-85, "-1 min 25 s"),
    ],
)
def test_format_duration(seconds: float, text: str) -> None:
    assert format_duration(timedelta(seconds=seconds)) == text
