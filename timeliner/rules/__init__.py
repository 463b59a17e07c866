"""Classification rules: data (TOML), not code.

A rule says "an event whose message matches this regex is a ``start`` / ``ready`` / ``stop`` /
``crash`` / ``interruption`` / ``error`` / ``deploy``". The built-in rules live in ``builtin.toml``
beside this module; ``--rules FILE`` adds rules or overrides built-in ones by name. A rule file is
a list of ``[[rule]]`` tables::

    [[rule]]
    name = "sftp-sync-aborted"          # unique; a built-in rule of that name is overridden
    kind = "interruption"               # start, ready, stop, crash, interruption, error, deploy, or own word
    pattern = 'SFTP sync (aborted|cancelled)'   # regex over the message (Rust regex syntax: no look-around)
    case_sensitive = false              # required: say whether case matters
    priority = 80                       # optional; the highest priority wins when several rules match
    source = ["log4j"]                  # optional: format names (globs) the rule applies to
    level = ["warning", "error"]        # optional: levels the rule applies to
    service = "cnt*-runtime"            # optional: service glob (or a list of globs)
    example = "SFTP sync aborted after 312 of 540 files"    # a message the rule must match
    counter_example = "SFTP sync completed"                 # optional: a message it must not match
    description = "why this rule exists"                    # optional

Overriding a built-in rule merges the given keys over it, so ``enabled = false`` alone switches it
off and ``priority = 10`` alone lowers it. Patterns run in multi-line mode: ``^`` and ``$`` match at
each line of a multi-line message (stack traces), and ``.`` does not cross lines.
"""

from __future__ import annotations

import fnmatch
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import polars as pl

from timeliner.errors import RulesError
from timeliner.schema import LEVELS

# Default priority of a kind when a rule gives none: a crash outranks an interruption (a failed start
# with "Connection refused" in its stack trace is a crash), an interruption outranks a plain error.
KIND_PRIORITY = {
    "crash": 90,
    "interruption": 80,
    "stop": 70,
    "start": 60,
    "ready": 60,
    "deploy": 50,
    "error": 30,
}
DEFAULT_PRIORITY = 40
BUILTIN_ORIGIN = "built-in rules (timeliner/rules/builtin.toml)"

_REQUIRED = ("name", "kind", "pattern", "case_sensitive")
_OPTIONAL = ("priority", "source", "level", "service", "example", "counter_example", "description", "enabled")
_KIND_WORD = re.compile(r"^[a-z][a-z0-9_-]*$")


@dataclass(frozen=True)
class Rule:
    """One classification rule (see the module docstring for the meaning of each field)."""

    name: str
    kind: str
    pattern: str
    case_sensitive: bool
    priority: int
    source: tuple[str, ...] = ()  # globs over the `source` column; empty = any source
    level: tuple[str, ...] = ()  # empty = any level (including none)
    service: tuple[str, ...] = ()  # globs over the `service` column; empty = any service
    example: str | None = None
    counter_example: str | None = None
    description: str = ""
    enabled: bool = True
    origin: str = BUILTIN_ORIGIN  # the file the rule (or its last override) came from

    @property
    def regex(self) -> str:
        """The pattern as handed to polars: multi-line, and case-insensitive unless asked otherwise."""
        return ("(?m)" if self.case_sensitive else "(?mi)") + self.pattern

    def applies_to(self, column: str, value: str | None) -> bool:
        """Whether a constrained column (``source``/``service``) value passes this rule's globs."""
        globs = self.source if column == "source" else self.service
        return not globs or (value is not None and any(fnmatch.fnmatchcase(value, g) for g in globs))


@dataclass(frozen=True)
class Rules:
    """An ordered set of rules: highest priority first, then in the order the files list them."""

    rules: tuple[Rule, ...]

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    def __getitem__(self, name: str) -> Rule:
        for rule in self.rules:
            if rule.name == name:
                return rule
        raise KeyError(name)

    @property
    def active(self) -> tuple[Rule, ...]:
        return tuple(rule for rule in self.rules if rule.enabled)


def builtin_rules_text() -> str:
    """The text of ``builtin.toml`` (shipped inside the package)."""
    return resources.files(__name__).joinpath("builtin.toml").read_text(encoding="utf-8")


def load_rules(extra: Path | str | None = None) -> Rules:
    """The built-in rules, plus a user TOML file that adds rules or overrides them by name.

    Raises:
        RulesError: the user file is unreadable, not TOML, or a rule in it is malformed; the message
            names the file, the rule and what is wrong.

    >>> rules = load_rules()
    >>> rules["spring-boot-started"].kind
    'ready'
    """
    by_name: dict[str, Rule] = {}
    for entry in _rule_tables(builtin_rules_text(), BUILTIN_ORIGIN):
        rule = _make_rule(entry, BUILTIN_ORIGIN, base=None)
        by_name[rule.name] = rule
    if extra is not None:
        origin = str(extra)
        for entry in _rule_tables(_read(extra), origin):
            rule = _make_rule(entry, origin, base=by_name.get(str(entry.get("name"))))
            by_name[rule.name] = rule
    order = {name: i for i, name in enumerate(by_name)}
    ranked = sorted(by_name.values(), key=lambda r: (-r.priority, order[r.name]))
    return Rules(tuple(ranked))


def _read(path: Path | str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RulesError(f"{path}: cannot read the rules file ({exc.__class__.__name__}: {exc})") from None


def _rule_tables(text: str, origin: str) -> list[dict[str, Any]]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(f"{origin}: not valid TOML ({exc})") from None
    unknown = sorted(set(data) - {"rule"})
    if unknown:
        raise RulesError(
            f"{origin}: unknown top-level key(s) {', '.join(unknown)}; rules go in [[rule]] tables"
        )
    tables = data.get("rule", [])
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise RulesError(f"{origin}: 'rule' must be a list of [[rule]] tables")
    return tables


def _make_rule(entry: dict[str, Any], origin: str, base: Rule | None) -> Rule:
    name = entry.get("name")
    where = (
        f"{origin}: rule {name!r}" if isinstance(name, str) and name else f"{origin}: a rule without a name"
    )
    unknown = sorted(set(entry) - set(_REQUIRED) - set(_OPTIONAL))
    if unknown:
        known = ", ".join(_REQUIRED + _OPTIONAL)
        raise RulesError(f"{where}: unknown key(s) {', '.join(unknown)}; known keys: {known}")
    if base is None:
        missing = [key for key in _REQUIRED if key not in entry]
        if missing:
            raise RulesError(f"{where}: missing required key(s) {', '.join(missing)}")
    merged = {**(_as_entry(base) if base else {}), **entry}
    rule = _validate(merged, where, origin)
    if origin != BUILTIN_ORIGIN:  # built-in rules are held to their examples by the test suite instead
        _check_examples(rule, where)
    return rule


def _as_entry(rule: Rule) -> dict[str, Any]:
    return {k: getattr(rule, k) for k in _REQUIRED + _OPTIONAL}


def _validate(entry: dict[str, Any], where: str, origin: str) -> Rule:
    kind, pattern, case = entry["kind"], entry["pattern"], entry["case_sensitive"]
    if not isinstance(kind, str) or not _KIND_WORD.match(kind):
        raise RulesError(f"{where}: kind {kind!r} must be one lower-case word such as 'start' or 'crash'")
    if not isinstance(pattern, str) or not pattern:
        raise RulesError(f"{where}: pattern must be a non-empty string")
    if not isinstance(case, bool):
        raise RulesError(f"{where}: case_sensitive must be true or false, not {case!r}")
    priority = entry.get("priority", KIND_PRIORITY.get(kind, DEFAULT_PRIORITY))
    if not isinstance(priority, int) or isinstance(priority, bool):
        raise RulesError(f"{where}: priority must be an integer, not {priority!r}")
    levels = _strings(entry.get("level"), where, "level")
    bad_levels = sorted(set(levels) - set(LEVELS))
    if bad_levels:
        raise RulesError(f"{where}: unknown level(s) {', '.join(bad_levels)}; levels are {', '.join(LEVELS)}")
    rule = Rule(
        name=str(entry["name"]), kind=kind, pattern=pattern, case_sensitive=case, priority=priority,
        source=_strings(entry.get("source"), where, "source"), level=levels,
        service=_strings(entry.get("service"), where, "service"),
        example=_optional_str(entry.get("example"), where, "example"),
        counter_example=_optional_str(entry.get("counter_example"), where, "counter_example"),
        description=_optional_str(entry.get("description"), where, "description") or "",
        enabled=_flag(entry.get("enabled", True), where, "enabled"), origin=origin,
    )  # fmt: skip
    return rule


def _strings(value: Any, where: str, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list | tuple) or not all(isinstance(v, str) and v for v in values):
        raise RulesError(f"{where}: {key} must be a string or a list of strings")
    return tuple(values)


def _flag(value: Any, where: str, key: str) -> bool:
    if not isinstance(value, bool):
        raise RulesError(f"{where}: {key} must be true or false, not {value!r}")
    return value


def _optional_str(value: Any, where: str, key: str) -> str | None:
    if value is not None and not isinstance(value, str):
        raise RulesError(f"{where}: {key} must be a string")
    return value


def _check_examples(rule: Rule, where: str) -> None:
    """Compile the pattern with the engine that will run it, and hold it to its own examples."""
    samples = [s for s in (rule.example, rule.counter_example) if s is not None]
    try:
        hits = pl.Series(samples or [""], dtype=pl.String).str.contains(rule.regex).to_list()
    except pl.exceptions.PolarsError as exc:
        reason = str(exc).split("\n\nThis error occurred")[0].replace("\n", " ")
        raise RulesError(f"{where}: pattern is not a valid regex ({reason})") from None
    if rule.example is not None and not hits[0]:
        raise RulesError(f"{where}: pattern does not match its own example {rule.example!r}")
    if rule.counter_example is not None and hits[-1]:
        raise RulesError(f"{where}: pattern matches its counter_example {rule.counter_example!r}")
