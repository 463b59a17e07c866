"""Zone abbreviations in log text (``EST``, ``CEST``, ``UTC``) → fixed UTC offsets.

An abbreviation names an offset, not a zone with rules: ``CEST`` is always UTC+2, ``EST`` always
UTC−5, whatever the date. A few are used for several offsets (``IST`` is India, Ireland and
Israel; ``CST`` US Central, China and Cuba; ``BST`` British Summer and Bangladesh). For those
timeliner uses the most common meaning in server logs and warns, naming the choice, unless the
user configured one: ``--abbrev IST=Asia/Kolkata`` or ``--abbrev IST=+05:30``.

Numeric forms that parsers may leave in ``tz_abbrev`` (``+0800``, ``-05:00``, ``UTC+8``,
``GMT-3``) resolve too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import polars as pl

from timeliner.errors import TimezoneError, UsageError
from timeliner.timeparse import validate_zone

_NUMERIC = r"^(?:UTC|GMT|UT)?\s*([+-])(\d{1,2})(?::?(\d{2}))?$"
_NUMERIC_RE = re.compile(_NUMERIC, re.IGNORECASE)


@dataclass(frozen=True)
class Abbreviation:
    """One meaning of a zone abbreviation."""

    name: str
    offset: timedelta
    meaning: str
    others: str = ""  # the other meanings, for an ambiguous abbreviation left to its default
    configured: bool = False  # chosen by the user (--abbrev)

    @property
    def ambiguous(self) -> bool:
        return bool(self.others) and not self.configured

    @property
    def offset_text(self) -> str:
        return format_offset(self.offset)


def _abbr(name: str, hours: float, meaning: str, others: str = "") -> Abbreviation:
    return Abbreviation(name, timedelta(hours=hours), meaning, others)


# Unambiguous in practice, plus the ambiguous ones with the meaning used when nothing is configured.
BUILTIN: dict[str, Abbreviation] = {
    a.name: a
    for a in (
        *(_abbr(n, 0, "Coordinated Universal Time") for n in ("UTC", "UT", "Z", "ZULU", "UCT")),
        _abbr("GMT", 0, "Greenwich Mean Time"),
        _abbr("WET", 0, "Western European Time"),
        _abbr("WEST", 1, "Western European Summer Time"),
        _abbr("CET", 1, "Central European Time"),
        _abbr("CEST", 2, "Central European Summer Time"),
        _abbr("MET", 1, "Middle European Time"),
        _abbr("MEST", 2, "Middle European Summer Time"),
        _abbr("EET", 2, "Eastern European Time"),
        _abbr("EEST", 3, "Eastern European Summer Time"),
        _abbr("MSK", 3, "Moscow Time"),
        _abbr("EST", -5, "US Eastern Standard Time"),
        _abbr("EDT", -4, "US Eastern Daylight Time"),
        _abbr("CDT", -5, "US Central Daylight Time"),
        _abbr("MST", -7, "US Mountain Standard Time"),
        _abbr("MDT", -6, "US Mountain Daylight Time"),
        _abbr("PST", -8, "US Pacific Standard Time"),
        _abbr("PDT", -7, "US Pacific Daylight Time"),
        _abbr("AKST", -9, "Alaska Standard Time"),
        _abbr("AKDT", -8, "Alaska Daylight Time"),
        _abbr("HST", -10, "Hawaii Standard Time"),
        _abbr("ADT", -3, "Atlantic Daylight Time"),
        _abbr("NST", -3.5, "Newfoundland Standard Time"),
        _abbr("NDT", -2.5, "Newfoundland Daylight Time"),
        _abbr("BRT", -3, "Brasília Time"),
        _abbr("ART", -3, "Argentina Time"),
        _abbr("JST", 9, "Japan Standard Time"),
        _abbr("KST", 9, "Korea Standard Time"),
        _abbr("HKT", 8, "Hong Kong Time"),
        _abbr("SGT", 8, "Singapore Time"),
        _abbr("AWST", 8, "Australian Western Standard Time"),
        _abbr("ACST", 9.5, "Australian Central Standard Time"),
        _abbr("ACDT", 10.5, "Australian Central Daylight Time"),
        _abbr("AEST", 10, "Australian Eastern Standard Time"),
        _abbr("AEDT", 11, "Australian Eastern Daylight Time"),
        _abbr("NZST", 12, "New Zealand Standard Time"),
        _abbr("NZDT", 13, "New Zealand Daylight Time"),
        _abbr("IDT", 3, "Israel Daylight Time"),
        _abbr("PKT", 5, "Pakistan Standard Time"),
        _abbr("NPT", 5.75, "Nepal Time"),
        _abbr("ICT", 7, "Indochina Time"),
        _abbr("WIB", 7, "Western Indonesia Time"),
        _abbr("SAST", 2, "South Africa Standard Time"),
        _abbr("EAT", 3, "East Africa Time"),
        _abbr("WAT", 1, "West Africa Time"),
        _abbr("CAT", 2, "Central Africa Time"),
        _abbr(
            "IST", 5.5, "India Standard Time", "Irish Standard Time (+01:00), Israel Standard Time (+02:00)"
        ),
        _abbr(
            "CST", -6, "US Central Standard Time", "China Standard Time (+08:00), Cuba Standard Time (-05:00)"
        ),
        _abbr("BST", 1, "British Summer Time", "Bangladesh Standard Time (+06:00)"),
        _abbr("AST", -4, "Atlantic Standard Time", "Arabia Standard Time (+03:00)"),
        _abbr("GST", 4, "Gulf Standard Time", "South Georgia Time (-02:00)"),
    )
}


def format_offset(offset: timedelta) -> str:
    """``timedelta(hours=-3.5)`` → ``-03:30``."""
    minutes = round(offset.total_seconds() / 60)
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def parse_offset(text: str) -> timedelta | None:
    """``+05:30``, ``+0530``, ``-5``, ``UTC+8``, ``GMT-03:00`` → the offset; None when not such text."""
    found = _NUMERIC_RE.match(text.strip())
    if not found:
        return None
    sign, hours, minutes = found.groups()
    value = timedelta(hours=int(hours), minutes=int(minutes or 0))
    return -value if sign == "-" else value


def configured_abbreviation(name: str, value: str) -> Abbreviation:
    """The meaning the user gave an abbreviation (``--abbrev IST=Asia/Kolkata`` or ``IST=+05:30``).

    A zone gives the offset it uses under that abbreviation (``Europe/London`` → ``BST`` = +01:00);
    a zone that never uses the abbreviation is an error naming what it does use.
    """
    name = name.strip().upper()
    offset = parse_offset(value)
    if offset is not None:
        return Abbreviation(name, offset, f"{format_offset(offset)} (--abbrev)", configured=True)
    zone = ZoneInfo(validate_zone(value))
    seen: dict[str, timedelta] = {}
    for month in (1, 7):
        moment = datetime(2024, month, 15, 12, tzinfo=zone)
        seen[moment.tzname() or ""] = moment.utcoffset() or timedelta(0)
    if name not in seen:
        uses = ", ".join(f"{abbr} ({format_offset(off)})" for abbr, off in seen.items())
        raise TimezoneError(
            f"--abbrev {name}={value}: {value} does not call its time {name} (it uses {uses}); "
            f"give the offset instead, e.g. --abbrev {name}=+05:30"
        )
    return Abbreviation(name, seen[name], f"{value} ({format_offset(seen[name])}, --abbrev)", configured=True)


def abbreviation_table(configured: tuple[tuple[str, str], ...] = ()) -> dict[str, Abbreviation]:
    """The built-in meanings with the user's ``(abbreviation, zone or offset)`` pairs over them."""
    table = dict(BUILTIN)
    for name, value in configured:
        abbreviation = configured_abbreviation(name, value)
        table[abbreviation.name] = abbreviation
    return table


def offset_seconds(abbrev: pl.Expr, table: dict[str, Abbreviation]) -> pl.Expr:
    """Seconds east of UTC for each row's abbreviation (or numeric offset text); null when unknown.

    >>> pl.select(offset_seconds(pl.lit("CEST"), BUILTIN)).item()
    7200
    """
    key = abbrev.str.strip_chars().str.to_uppercase()
    named = key.replace_strict(
        {name: int(a.offset.total_seconds()) for name, a in table.items()},
        default=None,
        return_dtype=pl.Int32,
    )
    parts = key.str.extract_groups(_NUMERIC)
    sign = pl.when(parts.struct.field("1") == "-").then(-1).otherwise(1)
    hours = parts.struct.field("2").cast(pl.Int32, strict=False)
    minutes = parts.struct.field("3").cast(pl.Int32, strict=False).fill_null(0)
    return pl.coalesce(named, sign * (hours * 3600 + minutes * 60)).cast(pl.Int32)


def parse_abbrev_options(values: list[str] | None) -> tuple[tuple[str, str], ...]:
    """``["IST=Asia/Kolkata", "CST=+08:00"]`` → pairs, each checked now so a mistake stops the run early."""
    pairs = []
    for value in values or []:
        name, sep, meaning = value.partition("=")
        if not sep or not name.strip() or not meaning.strip():
            raise UsageError(
                f"--abbrev {value!r}: expected ABBREVIATION=ZONE or ABBREVIATION=OFFSET, e.g. IST=+05:30"
            )
        configured_abbreviation(name, meaning.strip())
        pairs.append((name.strip().upper(), meaning.strip()))
    return tuple(pairs)
