"""The built-in rules pack (data) and the loader of user rule files (``--rules``)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import polars as pl
import pytest

from timeliner.classify import classify, load_rules
from timeliner.errors import RulesError
from timeliner.rules import KIND_PRIORITY, builtin_rules_text
from timeliner.schema import EVENT_KINDS

BUILTIN = load_rules()
RULE_NAMES = [rule.name for rule in BUILTIN]


def test_builtin_rule_names_are_unique() -> None:
    names = [t["name"] for t in tomllib.loads(builtin_rules_text())["rule"]]
    assert len(names) == len(set(names))
    assert len(BUILTIN) == len(names)


def test_every_builtin_rule_has_an_example_and_a_known_kind() -> None:
    for rule in BUILTIN:
        assert rule.example, rule.name
        assert rule.kind in EVENT_KINDS, rule.name


@pytest.mark.parametrize("name", RULE_NAMES)
def test_builtin_rule_matches_its_example_and_not_its_counter_example(name: str) -> None:
    rule = BUILTIN[name]
    samples = [rule.example, rule.counter_example or ""]
    hits = pl.Series(samples, dtype=pl.String).str.contains(rule.regex).to_list()
    assert hits[0], f"{name} does not match its example"
    if rule.counter_example is not None:
        assert not hits[1], f"{name} matches its counter_example"


@pytest.mark.parametrize("name", RULE_NAMES)
def test_classifying_a_rules_example_gives_that_rules_kind(name: str) -> None:
    # Priorities must not let another rule of a different kind steal a rule's own example.
    rule = BUILTIN[name]
    events = pl.DataFrame(
        {"message": [rule.example], "level": ["info"], "source": ["log4j"], "service": ["s"]}
    )
    assert classify(events, BUILTIN)["kind"].to_list() == [rule.kind]


def test_rules_are_ordered_by_priority() -> None:
    priorities = [rule.priority for rule in BUILTIN]
    assert priorities == sorted(priorities, reverse=True)
    assert KIND_PRIORITY["crash"] > KIND_PRIORITY["interruption"] > KIND_PRIORITY["error"]


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "my-rules.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_user_file_adds_a_rule(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """
[[rule]]
name = "order-portal-missing-orders"
kind = "error"
pattern = 'orders? missing'
case_sensitive = false
example = "3 Orders missing since 12:00"
""",
    )
    rules = load_rules(path)
    assert rules["order-portal-missing-orders"].kind == "error"
    assert rules["order-portal-missing-orders"].origin == str(path)
    assert len(rules) == len(BUILTIN) + 1


def test_user_file_overrides_a_builtin_rule_key_by_key(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        '[[rule]]\nname = "connection-reset"\npriority = 5\n\n'
        '[[rule]]\nname = "broken-pipe"\nenabled = false\n',
    )
    rules = load_rules(path)
    assert rules["connection-reset"].priority == 5
    assert rules["connection-reset"].pattern == BUILTIN["connection-reset"].pattern
    assert not rules["broken-pipe"].enabled
    events = pl.DataFrame({"message": ["write: broken pipe"], "level": ["info"]})
    assert classify(events, rules)["kind"].to_list() == [None]


def test_user_rule_with_a_new_kind_word(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        '[[rule]]\nname = "failover"\nkind = "failover"\n'
        "pattern = 'promoted to primary'\ncase_sensitive = true\n",
    )
    events = pl.DataFrame({"message": ["replica db-2 promoted to primary"], "level": ["warning"]})
    assert classify(events, load_rules(path))["kind"].to_list() == ["failover"]


A_RULE = '[[rule]]\nname = "a"\nkind = "start"\ncase_sensitive = true\n'
A_X = A_RULE + "pattern = 'x'\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[[rule]\nname=", "my-rules.toml: not valid TOML"),
        ("[rules]\nx = 1\n", "my-rules.toml: unknown top-level key(s) rules"),
        (
            '[[rule]]\nname = "a"\nkind = "start"\npattern = \'x\'\n',
            "rule 'a': missing required key(s) case_sensitive",
        ),
        (
            "[[rule]]\nkind = \"start\"\npattern = 'x'\ncase_sensitive = true\n",
            "a rule without a name: missing required",
        ),
        (A_X + "patern = 'y'\n", "rule 'a': unknown key(s) patern"),
        (A_X.replace('"start"', '"Start Up"'), "rule 'a': kind 'Start Up'"),
        (A_RULE + "pattern = '(?<=x)y'\n", "rule 'a': pattern is not a valid regex"),
        (A_RULE + "pattern = 'x('\n", "rule 'a': pattern is not a valid regex"),
        (A_X.replace("= true", '= "yes"'), "rule 'a': case_sensitive must be true or false"),
        (A_X + 'priority = "high"\n', "rule 'a': priority must be an integer"),
        (A_X + 'level = ["fatal"]\n', "rule 'a': unknown level(s) fatal"),
        (
            A_RULE + "pattern = 'boot'\nexample = \"starting\"\n",
            "rule 'a': pattern does not match its own example 'starting'",
        ),
        (
            A_RULE.replace("true", "false") + "pattern = 'boot'\ncounter_example = \"BOOT\"\n",
            "matches its counter_example 'BOOT'",
        ),
        (
            '[[rule]]\nname = "broken-pipe"\nenabled = "no"\n',
            "rule 'broken-pipe': enabled must be true or false",
        ),
    ],
)
def test_bad_user_file_names_file_rule_and_problem(tmp_path: Path, text: str, expected: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(RulesError) as info:
        load_rules(path)
    assert expected in str(info.value)
    assert str(info.value).startswith(str(path))
    assert "\n" not in str(info.value)


def test_missing_user_file(tmp_path: Path) -> None:
    with pytest.raises(RulesError, match="cannot read the rules file"):
        load_rules(tmp_path / "nope.toml")
