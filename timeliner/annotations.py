"""Human milestones of an incident (``--annotations FILE``) → ``annotation`` timeline rows.

Real post-mortem timelines mix log evidence with what people did: "customer reported missing
orders", "patch deployed", "users notified". They come from a CSV or TOML file::

    time,zone,text,service
    2026-10-14 08:15,Europe/Amsterdam,Customer reported missing orders,
    2026-10-14T07:30:00Z,,Incident declared,

    [[annotation]]
    time = "2026-10-14 08:15"
    zone = "Europe/Amsterdam"
    text = "Customer reported missing orders"

``time`` is ISO 8601; with an offset (or ``Z``) it is exact, without one ``zone`` says where it
was written (default UTC, stated in the summary). A local time that is ambiguous or that never
existed (DST) is refused with the fix, because a human milestone must not be silently moved.
Evidence for an annotation row is ``FILE:LINE`` of the annotation itself.
"""

from __future__ import annotations

import csv
import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl

from timeliner.errors import UsageError
from timeliner.schema import conform_timeline
from timeliner.timeparse import validate_zone


class AnnotationError(UsageError):
    """An annotations file or one of its entries is malformed (names file, line and fix)."""


@dataclass(frozen=True)
class Annotation:
    ts: datetime  # aware, UTC
    text: str
    service: str | None
    where: str  # "file:line"


def read_annotations(path: str | Path) -> list[Annotation]:
    """Read a CSV or TOML annotations file (by its extension; TOML also recognised by content)."""
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise AnnotationError(f"--annotations {path}: cannot be read ({exc.strerror or exc})") from None
    if path.suffix.lower() == ".toml" or raw.lstrip().startswith("[["):
        return _from_toml(raw, str(path))
    return _from_csv(raw, str(path))


def _from_csv(raw: str, path: str) -> list[Annotation]:
    rows = list(csv.DictReader(raw.splitlines()))
    if rows and not {"time", "text"} <= set(rows[0]):
        raise AnnotationError(
            f"{path}:1: the header must name at least the columns time and text (optional: zone, service)"
        )
    # Line numbers: the header is line 1, so data row i is line i + 2 (no multi-line cells expected).
    return [_annotation(row, f"{path}:{i + 2}") for i, row in enumerate(rows)]


def _from_toml(raw: str, path: str) -> list[Annotation]:
    try:
        entries = tomllib.loads(raw).get("annotation", [])
    except tomllib.TOMLDecodeError as exc:
        raise AnnotationError(f"{path}: not valid TOML ({exc})") from None
    # TOML keeps no line numbers; the evidence names the entry's position instead.
    return [_annotation(entry, f"{path}:{i + 1}") for i, entry in enumerate(entries)]


def _annotation(entry: dict[str, object], where: str) -> Annotation:
    text = str(entry.get("text") or "").strip()
    when = str(entry.get("time") or "").strip()
    if not text or not when:
        raise AnnotationError(f"{where}: an annotation needs both time and text")
    zone = str(entry.get("zone") or "").strip() or "UTC"
    service = str(entry.get("service") or "").strip() or None
    return Annotation(ts=_instant(when, zone, where), text=text, service=service, where=where)


def _instant(when: str, zone: str, where: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(when.replace("Z", "+00:00"))
    except ValueError:
        raise AnnotationError(
            f"{where}: time {when!r} is not ISO 8601 (e.g. 2026-10-14 08:15 or 2026-10-14T06:15:00Z)"
        ) from None
    if parsed.tzinfo is not None:
        return parsed.astimezone(UTC)
    try:
        tz = ZoneInfo(validate_zone(zone))
    except UsageError as exc:
        raise AnnotationError(f"{where}: {exc}") from None
    early, late = parsed.replace(tzinfo=tz, fold=0), parsed.replace(tzinfo=tz, fold=1)
    if early.utcoffset() != late.utcoffset():
        offsets = " or ".join(sorted({_offset(early), _offset(late)}))
        raise AnnotationError(
            f"{where}: {when} happened twice or never in {zone} (DST change); write it with an offset ({offsets})"
        )
    # A time in the spring-forward gap does not survive a round trip through UTC.
    if early.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != parsed:
        raise AnnotationError(
            f"{where}: {when} never existed in {zone} (DST change); write it with an offset"
        )
    return early.astimezone(UTC)


def _offset(value: datetime) -> str:
    return value.strftime("%z")[:3] + ":" + value.strftime("%z")[3:]


def annotation_rows(annotations: list[Annotation]) -> pl.DataFrame:
    """Annotations as timeline rows (kind ``annotation``, a point in time each)."""
    return conform_timeline(
        pl.DataFrame(
            {
                "start": [a.ts for a in annotations],
                "end": [a.ts for a in annotations],
                "kind": ["annotation"] * len(annotations),
                "service": [a.service for a in annotations],
                "count": [1] * len(annotations),
                "summary": [a.text for a in annotations],
                "evidence": [a.where for a in annotations],
                "severity": ["low"] * len(annotations),
            },
            schema_overrides={
                "start": pl.Datetime("us", "UTC"),
                "end": pl.Datetime("us", "UTC"),
                "service": pl.String,
            },
        )
    )
