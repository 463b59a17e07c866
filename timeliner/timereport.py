"""TimeReport: how one file's events got their instants, as data (summary.json) and as sentences.

Every assumption timeliner makes about time is counted here — the zone it used and why, DST
resolutions, zone abbreviations, the year of yearless files, clock skew — and
:meth:`TimeReport.sentences` says each in one plain line for the console and ``assumptions``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import timedelta
from typing import Any


@dataclass
class TimeReport:
    """How one file's events got their instants (the ``time`` entry of a file in summary.json)."""

    path: str = field(default="", repr=False)
    events_with_offset: int = 0  # the text fixed the instant (offset, Z, epoch, UTC by format)
    events_by_abbreviation: int = 0
    events_localized: int = 0
    basis: dict[str, int] = field(default_factory=dict)  # events per ts_basis
    zone: str | None = None  # zone used for zone-less text, if any was needed
    zone_reason: str | None = None
    zone_assumed: bool = False  # True when nobody said which zone: UTC by default
    dst_repeat_first_pass: int = 0
    dst_repeat_second_pass: int = 0
    first_ambiguous_line: int | None = None
    dst_nonexistent: int = 0
    first_nonexistent_line: int | None = None
    abbreviations: list[dict[str, Any]] = field(default_factory=list)
    unknown_abbreviations: dict[str, int] = field(default_factory=dict)
    year: int | None = None  # for yearless formats: the year of the first event
    year_reason: str | None = None
    year_inferred: bool = False
    years: list[int] = field(default_factory=list)
    feb29_moved: int = 0  # "Feb 29" rows that fell in a non-leap year (read as Mar 1)
    second_clock: dict[str, Any] = field(default_factory=dict)  # local stamp vs instant, same rows
    skew: str | None = None  # applied to this file's clock
    skew_reason: str | None = None
    skew_estimates: list[dict[str, Any]] = field(default_factory=list)
    skew_delta: timedelta | None = field(default=None, repr=False)  # the applied skew, for re-placing

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out.pop("path")
        out.pop("skew_delta")
        return {k: v for k, v in out.items() if v not in (None, 0, False, [], {})}

    def sentences(self, path: str) -> list[str]:
        """One plain sentence per assumption or finding, each starting with the file (and line)."""
        return [
            *self._zone_sentences(path),
            *self._abbreviation_sentences(path),
            *self._year_sentences(path),
            *self._clock_sentences(path),
        ]

    def _zone_sentences(self, path: str) -> list[str]:
        out = []
        if self.events_localized:
            how = "ASSUMED" if self.zone_assumed else "read"
            out.append(
                f"{path}: {self.events_localized} event(s) had no zone in the text; {how} as {self.zone} "
                f"({self.zone_reason})"
            )
        repeats = self.dst_repeat_first_pass + self.dst_repeat_second_pass
        if repeats:
            out.append(
                f"{path}:{self.first_ambiguous_line}: {repeats} local time(s) fall in the DST fall-back hour of "
                f"{self.zone}, which happens twice; resolved by file order ({self.dst_repeat_first_pass} first "
                f"pass, {self.dst_repeat_second_pass} repeat)"
            )
        if self.dst_nonexistent:
            out.append(
                f"{path}:{self.first_nonexistent_line}: {self.dst_nonexistent} local time(s) never existed in "
                f"{self.zone} (spring-forward gap); read with the offset in force before the gap — check this "
                "source's zone"
            )
        return out

    def _abbreviation_sentences(self, path: str) -> list[str]:
        out = []
        for entry in self.abbreviations:
            if entry.get("ambiguous"):
                name = entry["abbreviation"]
                out.append(
                    f"{path}: {entry['events']} event(s) carry the zone abbreviation {name}, which can also mean "
                    f"{entry['other_meanings']}; read as {entry['meaning']} ({entry['offset']}) — if that is "
                    f"wrong, pass --abbrev {name}=ZONE (e.g. --abbrev {name}=Asia/Kolkata) or an offset"
                )
        for name, count in sorted(self.unknown_abbreviations.items()):
            out.append(
                f"{path}: {count} event(s) carry the unknown zone abbreviation {name!r}; read in "
                f"{self.zone or 'UTC'} instead — pass --abbrev {name}=ZONE or an offset such as +05:30"
            )
        return out

    def _year_sentences(self, path: str) -> list[str]:
        if self.year is None:
            return []
        crossed = (
            f"; years {self.years[0]}–{self.years[-1]} by New Year rollover" if len(self.years) > 1 else ""
        )
        how = "inferred as" if self.year_inferred else "taken as"
        out = [
            f"{path}: timestamps have no year; first event's year {how} {self.year} ({self.year_reason}){crossed}"
        ]
        if self.feb29_moved:
            out.append(
                f"{path}: {self.feb29_moved} event(s) dated Feb 29 fall in a year without one; read as Mar 1 — "
                "the year is probably wrong: pass --year"
            )
        return out

    def _clock_sentences(self, path: str) -> list[str]:
        out = []
        if self.second_clock:
            low, high = self.second_clock["range_s"]
            # Within a second it is the writer's own clock lag, not a zone: say how much, in ms.
            lag = (
                f"differ from the instants by {low * 1000:+.0f} to {high * 1000:+.0f} ms"
                if abs(low) < 1 and abs(high) < 1
                else f"run {self.second_clock['local_minus_utc']} from UTC"
            )
            out.append(
                f"{path}: {self.second_clock['events']} line(s) carry both an instant and the writer's own stamp; "
                f"the own stamps {lag} (the instant was used)"
            )
        if self.skew:
            out.append(f"{path}: clock shifted by {self.skew} ({self.skew_reason})")
        for estimate in self.skew_estimates:
            if estimate["consistent"] and not estimate["applied"]:
                out.append(
                    f"{path}: its clock looks off by {estimate['suggested_skew']} against {estimate['reference']} "
                    f"({estimate['method']}, {estimate['anchors']} anchors, spread {estimate['spread_s']} s); "
                    f"pass --skew '{path}={estimate['suggested_skew'].replace(' ', '')}' or --skew auto to apply it"
                )
        return out
