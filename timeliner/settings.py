"""Build settings: command-line options merged over a case file (``timeliner.toml``).

An investigator keeps a ``timeliner.toml`` beside the exports of a case, so that the zones
and report zone they worked out are not retyped on every run::

    report_tz = "Europe/Amsterdam"
    tz = "UTC"
    year = 2026
    [source_tz]
    "*order-portal*" = "Europe/Amsterdam"

Options given on the command line win over the file; ``--source-tz`` globs given on the
command line are tried before the file's.
"""

from __future__ import annotations

import fnmatch
import tomllib
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from timeliner.errors import ConfigError, UsageError
from timeliner.timeparse import validate_zone


@dataclass(frozen=True)
class Settings:
    """Everything a build needs to know besides its inputs."""

    tz: str | None = None  # zone for zone-less text; None = UTC, counted as an assumption
    source_tz: tuple[tuple[str, str], ...] = ()  # (glob, zone), first match wins
    year: int | None = None
    report_tz: str = "UTC"
    restart_window: timedelta = timedelta(minutes=2)
    restart_min: int = 2
    rules: Path | None = None
    strict: bool = False
    formats: tuple[tuple[str, str], ...] = ()  # (glob, format name), --format
    skew: tuple[tuple[str, str], ...] = ()  # (glob, "+2.5s") or (glob, "auto"); --skew auto = ("*", "auto")
    abbrevs: tuple[tuple[str, str], ...] = ()  # (abbreviation, zone or offset), --abbrev IST=Asia/Kolkata
    annotations: Path | None = None
    aliases: tuple[tuple[str, str], ...] = ()  # (service as logged, service to call it), --alias
    detect: tuple[tuple[str, str], ...] = ()  # (DetectConfig field, value as text), --detect / [detect]
    redact: bool = False  # --redact: mask secrets and personal data in every output (see redact.py)
    redact_ips: bool = False  # --redact-ips: IP addresses too (implies redact)
    raw_formulas: bool = False  # --raw-formulas: CSV cells starting with = + - @ are written unchanged
    config_files: tuple[str, ...] = field(default=())

    def zone_for(self, path: str) -> tuple[str, str]:
        """(zone, why) for zone-less timestamps in ``path``: a --source-tz glob, --tz, or the UTC default."""
        for glob, zone in self.source_tz:
            if fnmatch.fnmatchcase(path, glob):
                return zone, f"--source-tz {glob}={zone}"
        if self.tz:
            return self.tz, f"--tz {self.tz}"
        return "UTC", "no zone given: assumed UTC (pass --tz or --source-tz)"


def parse_pairs(
    values: list[str] | None,
    option: str,
    *,
    check_zone: bool = False,
    shape: str = "GLOB=VALUE",
    example: str = "'*app*.log=Europe/Amsterdam'",
) -> tuple[tuple[str, str], ...]:
    """``["*.log=Europe/Amsterdam"]`` → ``(("*.log", "Europe/Amsterdam"),)``; bad text is a usage error."""
    pairs = []
    for value in values or []:
        glob, sep, rhs = value.rpartition("=")
        if not sep or not glob or not rhs:
            raise UsageError(f"{option} {value!r}: expected {shape}, e.g. {option} {example}")
        pairs.append((glob, validate_zone(rhs) if check_zone else rhs))
    return tuple(pairs)


def load_case_file(path: str) -> dict[str, Any]:
    """Read one ``timeliner.toml``; a malformed file is a :class:`ConfigError` naming it."""
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc}); fix or remove the file") from None
    known = {
        "tz",
        "report_tz",
        "year",
        "source_tz",
        "restart_window",
        "restart_min",
        "format",
        "service_alias",
        "detect",
    }
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError(
            f"{path}: unknown setting(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}"
        )
    return data


def merge_case_files(settings: Settings, paths: list[str], explicit: set[str]) -> Settings:
    """Apply case files under the options the user typed (``explicit`` names those options)."""
    for path in paths:
        data = load_case_file(path)
        base = Path(path).parent
        changes: dict[str, Any] = {}
        for key in ("tz", "report_tz"):
            if key in data and key not in explicit:
                changes[key] = validate_zone(str(data[key]))
        if "year" in data and "year" not in explicit:
            changes["year"] = int(data["year"])
        if "restart_min" in data and "restart_min" not in explicit:
            changes["restart_min"] = int(data["restart_min"])
        # Globs in a case file are relative to the folder it sits in, like the paths they match.
        source_tz = tuple(
            (_anchor(glob, base), validate_zone(str(zone)))
            for glob, zone in (data.get("source_tz") or {}).items()
        )
        formats = tuple((_anchor(glob, base), str(name)) for glob, name in (data.get("format") or {}).items())
        changes["source_tz"] = settings.source_tz + source_tz
        changes["formats"] = settings.formats + formats
        aliases = tuple((str(k), str(v)) for k, v in (data.get("service_alias") or {}).items())
        changes["aliases"] = settings.aliases + aliases
        # Options typed on the command line come after the file's, so they win in the dict built from them.
        changes["detect"] = (
            tuple((str(k), str(v)) for k, v in (data.get("detect") or {}).items()) + settings.detect
        )
        changes["config_files"] = (*settings.config_files, path)
        settings = replace(settings, **changes)
    return settings


def _anchor(glob: str, base: Path) -> str:
    # "*order-portal*" already matches anywhere; "app/*.log" is meant relative to the case folder.
    return glob if glob.startswith("*") or glob.startswith("/") else str(base / glob)
