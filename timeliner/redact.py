"""``--redact``: mask secrets and personal data in every output, because timelines are shared widely.

Logs carry what nobody meant to share: AWS keys in a crash dump, a bearer token in a request
log, a password in a connection URL, customers' e-mail addresses. With ``--redact`` each such
value is replaced by ``[REDACTED:<kind>]`` in the text columns of the events, the rejected lines,
the timeline rows and the strings of ``summary.json`` -- before anything is written, so no output
(Parquet, CSV, Markdown, HTML, JSON) holds the value. Pipeline order: :func:`redact_event_content`
before detection, :func:`redact_tables` after it, :func:`redact_summary` last. How many values of each kind were masked is
reported in ``summary.json`` under ``redaction``.

What is *not* changed: file paths and ``file:line`` evidence (they must lead back to the input,
and the user named those files), times, levels and kinds. Service and host names are masked only
after detection, so masking never merges two services or hosts. IP addresses are masked only with ``--redact-ips``:
they are often what an investigator needs, but they are personal data in some jurisdictions.

Patterns are applied in order, each to the text the previous ones left, so a value is masked (and
counted) once: ``Bearer eyJ...`` counts as one JWT, not as a JWT and a bearer token.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import polars as pl


@dataclass(frozen=True)
class Pattern:
    """One shape of secret: a regex over whole columns, and the kind it is masked and counted as.

    With ``keep_prefix`` the regex's group 1 (a key such as ``password=``) stays and only what
    follows it is masked.
    """

    kind: str
    regex: str
    keep_prefix: bool = False
    suffix: str = ""  # text the regex consumed after the value and that the replacement puts back

    @property
    def replacement(self) -> str:
        return ("${1}" if self.keep_prefix else "") + f"[REDACTED:{self.kind}]" + self.suffix


# A value that starts with "[" is already a mask from an earlier pattern: it is not masked twice.
# Quotes, brackets and backslashes end a value, so escaped JSON inside a message stays well-formed.
_VALUE_START = r"""[^\s"'`&,;<>\[\]{}()\\]"""
_VALUE_REST = r"""[^\s"'`&,;<>\]{}()\\]"""
_VALUE = _VALUE_START + _VALUE_REST + "*"
_ASSIGN = r"""\\?["']?\s*[:=]\s*\\?["']?"""
_SECRET_KEYS = (
    r"api[_-]?key|apikey|x-api-key|access[_-]?token|auth[_-]?token|refresh[_-]?token|id[_-]?token"
    r"|session[_-]?token|session[_-]?id|client[_-]?secret|secret[_-]?key|private[_-]?key|token|secret"
)
_AUTH = rf"(?i)\b(authorization{_ASSIGN}"
PATTERNS: tuple[Pattern, ...] = (
    Pattern("private-key", r"-----BEGIN [A-Z ]*PRIVATE KEY-----(?s:.*?)-----END [A-Z ]*PRIVATE KEY-----"),
    Pattern("jwt", r"\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*"),
    Pattern("aws-access-key", r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|APKA)[A-Z0-9]{16}\b"),
    Pattern("aws-secret-key", rf"(?i)\b((?:aws_?)?secret_?access_?key{_ASSIGN})[A-Za-z0-9/+=]{{40}}", True),
    # scheme://user:password@host -- the password may hold a raw '@'; the last '@' before the path ends it.
    Pattern("url-password", r"\b([A-Za-z][A-Za-z0-9+.-]*://[^\s:/?#@\[\]]*:)[^\s/?#\[\]]+@", True, "@"),
    Pattern("token", rf"{_AUTH}(?:bearer|basic|token|digest)\s+){_VALUE}", True),
    # A bare credential after "Authorization:" has 8+ characters, so a lone scheme name is not one.
    Pattern("token", rf"{_AUTH}){_VALUE_START}{_VALUE_REST}{{7,}}", True),
    Pattern("token", r"(?i)\b(bearer\s+)[A-Za-z0-9._~+/-]{16,}=*", True),
    Pattern(
        "token",
        r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,}|xox[abposr]-[A-Za-z0-9-]{10,}"
        r"|[sr]k_(?:live|test)_[A-Za-z0-9]{16,}|AIza[0-9A-Za-z_-]{35}|npm_[A-Za-z0-9]{36})",
    ),
    Pattern("secret", rf"(?i)\b((?:{_SECRET_KEYS}){_ASSIGN}){_VALUE}", True),
    Pattern("password", rf"(?i)\b((?:password|passwd|pwd){_ASSIGN}){_VALUE}", True),
    Pattern("email", r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b"),
)
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_HEX4 = r"[0-9A-Fa-f]{1,4}"
_HEX4_DIGIT = r"[0-9A-Fa-f]{0,3}[0-9][0-9A-Fa-f]{0,3}"  # a group with a digit: 'fe80', not 'Add' of Add::bad
IP_PATTERNS: tuple[Pattern, ...] = (
    Pattern("ip", rf"\b{_OCTET}(?:\.{_OCTET}){{3}}\b"),
    Pattern(
        "ip",
        rf"\b(?:{_HEX4}:){{7}}{_HEX4}\b|\b{_HEX4_DIGIT}(?::{_HEX4}){{0,6}}::(?:{_HEX4}(?::{_HEX4}){{0,6}})?"
        rf"|::{_HEX4_DIGIT}(?::{_HEX4}){{0,6}}\b",
    ),
)

# Text columns that carry log content. Event content is masked before detection, so that messages
# quoted (and shortened) in timeline summaries are already masked; identity columns after it, so that
# masking never merges two services or hosts. Paths, times, levels and kinds are left alone.
EVENT_CONTENT_COLUMNS = ("message", "ts_raw", "thread", "logger", "request_id")
EVENT_IDENTITY_COLUMNS = ("service", "host", "instance", "group")
REJECT_TEXT_COLUMNS = ("reason", "text")
TIMELINE_TEXT_COLUMNS = ("summary", "service")
# summary.json values under these keys are paths the user chose: kept, like the evidence that names them.
KEPT_SUMMARY_KEYS = frozenset({"path", "file", "config_files", "rules", "annotations"})


def patterns(*, ips: bool = False) -> tuple[Pattern, ...]:
    """The patterns ``--redact`` applies, in order (``--redact-ips`` adds IPv4 and IPv6 addresses)."""
    return PATTERNS + (IP_PATTERNS if ips else ())


def redact_series(texts: pl.Series, *, ips: bool = False) -> tuple[pl.Series, Counter[str]]:
    """Mask secrets in a string column; (masked column, how many values of each kind were masked).

    >>> out, counts = redact_series(pl.Series(["login bob@example.com with password=hunter2"]))
    >>> out.to_list(), dict(counts)
    (['login [REDACTED:email] with password=[REDACTED:password]'], {'password': 1, 'email': 1})
    """
    counts: Counter[str] = Counter()
    for pattern in patterns(ips=ips):
        found = int(texts.str.count_matches(pattern.regex).sum() or 0)
        if found:  # most patterns find nothing: skip the second pass over the column
            counts[pattern.kind] += found
            texts = texts.str.replace_all(pattern.regex, pattern.replacement)
    return texts, counts


def redact_frame(
    frame: pl.DataFrame, columns: Iterable[str], *, ips: bool = False
) -> tuple[pl.DataFrame, Counter[str]]:
    """Mask secrets in the given text columns of ``frame`` (absent or non-text columns are skipped)."""
    counts: Counter[str] = Counter()
    masked = []
    for name in columns:
        if name in frame.columns and frame.schema[name] == pl.String:
            column, found = redact_series(frame[name], ips=ips)
            masked.append(column)
            counts += found
    return (frame.with_columns(masked) if masked else frame), counts


@dataclass
class RedactionReport:
    """How many values of each kind were masked, per output table (``summary.json``'s ``redaction``)."""

    ips: bool = False
    masked: dict[str, Counter[str]] = field(default_factory=dict)

    def add(self, output: str, counts: Counter[str]) -> None:
        self.masked[output] = self.masked.get(output, Counter()) + counts

    def as_dict(self) -> dict[str, Any]:
        total: Counter[str] = sum(self.masked.values(), Counter())
        return {
            "enabled": True,
            "ips": self.ips,
            "masked_total": sum(total.values()),
            "masked_by_kind": dict(sorted(total.items())),
            "masked_by_output": {name: dict(sorted(c.items())) for name, c in self.masked.items()},
            "kept": "file paths and file:line evidence, times, levels and kinds",
        }


def redact_event_content(events: pl.DataFrame, report: RedactionReport) -> pl.DataFrame:
    """Before detection: mask messages and other content columns of the events."""
    events, counts = redact_frame(events, EVENT_CONTENT_COLUMNS, ips=report.ips)
    report.add("events", counts)
    return events


@dataclass
class Redacted:
    events: pl.DataFrame
    rejects: pl.DataFrame
    timeline: pl.DataFrame


def redact_tables(
    events: pl.DataFrame, rejects: pl.DataFrame, timeline: pl.DataFrame, report: RedactionReport
) -> Redacted:
    """After detection: mask the events' identity columns, the rejected lines and the timeline rows."""
    events, counts = redact_frame(events, EVENT_IDENTITY_COLUMNS, ips=report.ips)
    report.add("events", counts)
    rejects, counts = redact_frame(rejects, REJECT_TEXT_COLUMNS, ips=report.ips)
    report.add("rejects", counts)
    timeline, counts = redact_frame(timeline, TIMELINE_TEXT_COLUMNS, ips=report.ips)
    report.add("timeline", counts)
    return Redacted(events, rejects, timeline)


def redact_summary(summary: dict[str, Any], report: RedactionReport) -> dict[str, Any]:
    """Mask every string of ``summary.json`` (keys too: service names are keys) and add the report."""
    strings: list[str] = []
    _collect(summary, strings)
    masked, _counts = redact_series(pl.Series(strings, dtype=pl.String), ips=report.ips)
    replaced = dict(zip(strings, masked.to_list(), strict=True))
    out = _rebuild(summary, replaced)
    out["redaction"] = report.as_dict()
    return out


def _collect(value: Any, strings: list[str], key: str = "") -> None:
    if key in KEPT_SUMMARY_KEYS:
        return
    if isinstance(value, str):
        strings.append(value)
    elif isinstance(value, dict):
        for k, v in value.items():
            strings.append(str(k))
            _collect(v, strings, str(k))
    elif isinstance(value, list | tuple):
        for item in value:
            _collect(item, strings, key)


def _rebuild(value: Any, replaced: dict[str, str], key: str = "") -> Any:
    if key in KEPT_SUMMARY_KEYS:
        return value
    if isinstance(value, str):
        return replaced.get(value, value)
    if isinstance(value, dict):
        out: dict[Any, Any] = {}
        for k, v in value.items():
            new_key, new_value = replaced.get(str(k), k), _rebuild(v, replaced, str(k))
            if isinstance(out.get(new_key), int) and isinstance(new_value, int):
                new_value += out[new_key]  # two services masked to one name: their counts add up
            out[new_key] = new_value
        return out
    if isinstance(value, list | tuple):
        return [_rebuild(item, replaced, key) for item in value]
    return value
