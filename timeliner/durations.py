"""Durations as users write them (``120s``, ``2m``, ``+2.5s``) and as reports print them (``1 min 25 s``).

>>> parse_duration("2m")
datetime.timedelta(seconds=120)
>>> format_duration(parse_duration("85s"))
'1 min 25 s'
"""

from __future__ import annotations

import re
from datetime import timedelta

ACCEPTED_FORMS = (
    "a number with a unit, optionally signed and combined: 500ms, 120s, 2m, 1.5h, 1d, +2.5s, -1m, 1h30m "
    "(units: ms, s, m or min, h, d)"
)

_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "sec": 1.0, "m": 60.0, "min": 60.0, "h": 3600.0, "d": 86400.0}
_PART = r"(\d+(?:\.\d+)?|\.\d+)\s*(ms|sec|min|s|m|h|d)"
_WHOLE = re.compile(rf"^([+-]?)\s*((?:{_PART}\s*)+)$", re.IGNORECASE)
_PARTS = re.compile(_PART, re.IGNORECASE)


def parse_duration(text: str) -> timedelta:
    """Parse a signed duration such as ``120s``, ``2m``, ``1h``, ``+2.5s``, ``-1m``, ``500ms``, ``1d``.

    Parts may be combined (``1h30m``); a leading ``+`` or ``-`` applies to the whole.

    Raises:
        ValueError: naming the text and the accepted forms, when it is not such a duration.

    >>> parse_duration("-1m30s")
    datetime.timedelta(days=-1, seconds=86310)
    """
    match = _WHOLE.match(text.strip()) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f"not a duration: {text!r}; expected {ACCEPTED_FORMS}")
    seconds = sum(float(num) * _UNIT_SECONDS[unit.lower()] for num, unit in _PARTS.findall(match.group(2)))
    sign = -1 if match.group(1) == "-" else 1
    return timedelta(seconds=sign * seconds)


def format_duration(delta: timedelta) -> str:
    """Write a duration for a report: ``850 ms``, ``2.5 s``, ``1 min 25 s``, ``2 h 5 min``, ``1 d 3 h``.

    Below a minute, seconds keep one decimal when they have one; from a minute up, the largest unit
    and the next one (when not zero), rounded to that next unit. Negative durations get a leading ``-``.

    >>> format_duration(timedelta(seconds=3725))
    '1 h 2 min'
    """
    total = delta.total_seconds()
    if total < 0:
        return "-" + format_duration(-delta)
    if round(total * 1000) < 1000:
        return f"{round(total * 1000)} ms"
    if total < 59.95:
        tenths = round(total, 1)
        return f"{tenths:g} s" if tenths != int(tenths) else f"{int(tenths)} s"
    # Two units are shown, so round to the smaller one first (1 h 59 min 50 s -> 2 h).
    granularity = 3600 if total >= 86400 else 60 if total >= 3600 else 1
    remaining = round(total / granularity) * granularity
    units = (("d", 86400), ("h", 3600), ("min", 60), ("s", 1))
    amounts = []
    for unit, size in units:
        amount, remaining = divmod(remaining, size)
        amounts.append((amount, unit))
    first = next(i for i, (amount, _) in enumerate(amounts) if amount)
    shown = [f"{amount} {unit}" for amount, unit in amounts[first : first + 2] if amount]
    return " ".join(shown)
