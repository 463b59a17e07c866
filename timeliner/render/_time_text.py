"""How the renderers print instants, durations and the report zone.

Shared by the Markdown section and the Gantt chart so that both say "1 min 25 s" and
"Europe/Amsterdam (CEST, UTC+02:00)" the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import polars as pl

from timeliner.errors import TimezoneError

# Zones change their offset at most twice within this time (Morocco's Ramadan pause is ~30 days).
MIN_TIME_BETWEEN_CLOCK_CHANGES = timedelta(days=20)


def check_zone(tz: str) -> ZoneInfo:
    """Return the IANA zone ``tz`` or raise :class:`TimezoneError` naming it."""
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise TimezoneError(
            f"unknown time zone {tz!r}; use an IANA zone name such as Europe/Amsterdam or UTC"
        ) from None


def duration_text(milliseconds: pl.Expr) -> pl.Expr:
    """``412 ms``, ``8.5 s``, ``1 min 25 s``, ``2 h 5 s``, ``1 d 3 h``: a duration in words.

    Under a second: milliseconds; under a minute: seconds to one decimal (``22 s`` when it is
    whole); longer: rounded to the second, zero parts left out.
    """
    tenths = (milliseconds + 50) // 100
    short = (
        pl.when(tenths % 10 == 0)
        .then(pl.format("{} s", tenths // 10))
        .otherwise(pl.format("{}.{} s", tenths // 10, tenths % 10))
    )
    seconds = (milliseconds + 500) // 1000
    parts = [
        (seconds // 86_400, "d"),
        (seconds % 86_400 // 3_600, "h"),
        (seconds % 3_600 // 60, "min"),
        (seconds % 60, "s"),
    ]
    words = pl.concat_str(
        [pl.when(value > 0).then(pl.format("{} " + unit, value)) for value, unit in parts],
        separator=" ",
        ignore_nulls=True,
    )
    return (
        pl.when(milliseconds < 1000)
        .then(pl.format("{} ms", milliseconds))
        .when(milliseconds < 59_950)  # still under "60.0 s" once rounded to a tenth
        .then(short)
        .otherwise(words)
    )


def span_milliseconds(start: str = "start", end: str = "end") -> pl.Expr:
    """Whole milliseconds from ``start`` to ``end`` (null end counts as a point)."""
    return (pl.col(end).fill_null(pl.col(start)) - pl.col(start)).dt.total_milliseconds()


@dataclass(frozen=True)
class ZoneState:
    """One stretch of the report span during which the zone keeps one offset."""

    abbreviation: str  # "CEST"; empty when the zone has none (tzdata writes "-03")
    offset_minutes: int  # 120 for UTC+02:00
    until: datetime | None  # UTC instant of the next clock change, None for the last stretch

    @property
    def offset(self) -> str:
        """``+02:00``."""
        sign = "+" if self.offset_minutes >= 0 else "-"
        return f"{sign}{abs(self.offset_minutes) // 60:02d}:{abs(self.offset_minutes) % 60:02d}"

    @property
    def name(self) -> str:
        """``CEST``, or ``UTC-03:00`` for a zone without an abbreviation."""
        return self.abbreviation or f"UTC{self.offset}"

    def label(self) -> str:
        """``CEST, UTC+02:00`` (or ``UTC-03:00`` for a zone without an abbreviation)."""
        return f"{self.abbreviation}, UTC{self.offset}" if self.abbreviation else f"UTC{self.offset}"

    def described(self) -> str:
        """``CEST (UTC+02:00)`` (or ``UTC-03:00``)."""
        return f"{self.abbreviation} (UTC{self.offset})" if self.abbreviation else self.name


def zone_states(instants: pl.Series, zone: ZoneInfo) -> list[ZoneState]:
    """The offsets ``zone`` used at ``instants`` (UTC) in time order, and the clock changes between them.

    Only changes between two consecutive instants with different offsets are seen: a pair of
    changes inside a long quiet stretch is not (see :func:`may_hide_clock_changes`).
    """
    utc = instants.drop_nulls().sort().dt.replace_time_zone(None)
    local = instants.drop_nulls().sort().dt.convert_time_zone(zone.key)
    frame = pl.DataFrame({"utc": utc, "offset": (local.dt.replace_time_zone(None) - utc).dt.total_minutes()})
    starts = frame.with_columns(before=pl.col("utc").shift(1)).filter(
        pl.col("offset") != pl.col("offset").shift(1).fill_null(pl.col("offset") + 1)
    )
    states: list[ZoneState] = []
    for begin, offset, before in starts.iter_rows():  # one iteration per offset change: a handful
        instant = begin.replace(tzinfo=UTC)
        if states:
            states[-1] = replace(states[-1], until=_clock_change(before.replace(tzinfo=UTC), instant, zone))
        states.append(ZoneState(_abbreviation(instant, zone), offset, None))
    return states


def may_hide_clock_changes(instants: pl.Series) -> bool:
    """Whether two consecutive instants are far enough apart for clocks to change twice between them."""
    longest = instants.drop_nulls().sort().diff().max()
    return isinstance(longest, timedelta) and longest > MIN_TIME_BETWEEN_CLOCK_CHANGES


def clock_change_text(before: ZoneState, after: ZoneState, zone: ZoneInfo) -> str:
    """``CET (UTC+01:00) until 2022-03-27 02:00:00 CET, when clocks went forward to 03:00:00 CEST ...``"""
    change = before.until
    if change is None:
        raise ValueError("clock_change_text needs a state that ends at a clock change")
    # The old wall clock at the change (02:00 CET, not 03:00 CEST): one second before it, plus one.
    old_clock = (change - timedelta(seconds=1)).astimezone(zone).replace(tzinfo=None) + timedelta(seconds=1)
    new_clock = change.astimezone(zone)
    direction = "forward" if after.offset_minutes > before.offset_minutes else "back"
    return (
        f"{before.described()} until {old_clock:%Y-%m-%d %H:%M:%S} {before.name}, "
        f"when clocks went {direction} to {new_clock:%H:%M:%S} {after.described()}"
    )


def _offset(instant: datetime, zone: ZoneInfo) -> timedelta:
    return instant.astimezone(zone).utcoffset() or timedelta(0)


def _abbreviation(instant: datetime, zone: ZoneInfo) -> str:
    name = instant.astimezone(zone).tzname() or ""
    # tzdata spells zones without a customary abbreviation as a bare offset ("-03", "+0545").
    return "" if name[:1] in "+-" else name


def _clock_change(before: datetime, after: datetime, zone: ZoneInfo) -> datetime:
    """First whole second after ``before`` that has ``after``'s offset (a bisection)."""
    low, high = int(before.timestamp()), int(after.timestamp())
    target = _offset(after, zone)
    while high - low > 1:
        middle = (low + high) // 2
        if _offset(datetime.fromtimestamp(middle, UTC), zone) == target:
            high = middle
        else:
            low = middle
    return datetime.fromtimestamp(high, UTC)
