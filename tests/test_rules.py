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


# Lines that ../shared/corpus/MANIFEST.md names, as they stand in the file (the whole raw line is
# classified as the message, which the unanchored patterns below allow), and the kind they must get.
# None marks lines MANIFEST calls "not a restart" that a careless rule would catch.
CORPUS_LINES = [
    ("loghub/Linux_2k.log", 1911, "start"),  # kernel: Linux version ... (the reboot)
    ("loghub/Linux_2k.log", 1828, "interruption"),  # Connection reset by peer
    ("loghub/Linux_2k.log", 1830, "interruption"),
    ("loghub/Linux_2k.log", 144, None),  # cupsd shutdown succeeded: weekly log rotation, not a reboot
    ("loghub/Linux_2k.log", 146, None),  # syslogd 1.4.1: restart.  (log rotation)
    ("loghub/OpenSSH_2k.log", 1869, "interruption"),  # fatal: Write failed: Connection reset by peer
    ("loghub/Hadoop_2k.log", 1, "start"),  # Created MRAppMaster
    ("loghub/Hadoop_2k.log", 848, "interruption"),  # Address change detected (first sign of the RM loss)
    ("loghub/Hadoop_2k.log", 923, "interruption"),  # ERROR IN CONTACTING RM.
    ("loghub/Hadoop_2k.log", 930, "interruption"),  # Retrying connect to server
    ("loghub/Spark_2k.log", 1, "start"),  # Registered signal handlers for [TERM, HUP, INT]
    ("loghub/Windows_2k.log", 953, "stop"),  # Ending TrustedInstaller finalization
    ("loghub/Windows_2k.log", 954, "start"),  # Starting TrustedInstaller initialization
    ("loghub/Windows_2k.log", 5, None),  # Ending TrustedInstaller initialization
    ("loghub/Thunderbird_2k.log", 75, "interruption"),  # connection lost
    ("loghub/Thunderbird_2k.log", 99, "interruption"),  # Connection refused
    ("loghub/HPC_2k.log", 212, "interruption"),  # detected a failed network connection
    ("loghub/HPC_2k.log", 214, "crash"),  # domain panic has occurred
    ("loghub/HPC_2k.log", 1910, None),  # has detected an available network connection
    ("loghub/HDFS_2k.log", 912, None),  # Starting thread to transfer block: not a process start
    ("python_logging/home-assistant_geekly.log", 51, "interruption"),  # TimeoutError
    ("python_logging/home-assistant_geekly.log", 53, "interruption"),  # Cannot connect to host
    ("python_logging/home-assistant_geekly.log", 55, "interruption"),
    ("jsonlines/pino_ibm_satellite_connector_agent.ndjson", 1, "start"),  # starting up
    ("jsonlines/prometheus_issue8231_gokit_json.ndjson", 1, "start"),  # Starting Prometheus
    ("logfmt/prometheus_helmcharts2812_startup.logfmt", 1, "start"),  # Starting Prometheus Server
    ("logfmt/prometheus_helmcharts2812_startup.logfmt", 6, None),  # Start listening for connections
    ("logfmt/prometheus_issue12976_sigterm_pasted.logfmt", 2, "ready"),  # Server is ready ...
    ("logfmt/prometheus_issue12976_sigterm_pasted.logfmt", 3, "stop"),  # Received SIGTERM
    ("logfmt/prometheus_issue14672_sigterm_shutdown.logfmt", 3, "stop"),  # Received an OS signal
    ("k8s/describe_pod_oomkilled_kubernetes_issue98157.txt", 24, "crash"),  # Reason: OOMKilled
    ("k8s/describe_pod_crashloopbackoff_kube-eventer_issue285.txt", 2, "crash"),  # CrashLoopBackOff
    ("k8s/kube-eventer_issue285_webhook_event.txt", 7, "crash"),  # Back-off restarting failed container
    ("apache_access/apache_logs_first5000.log", 2071, "error"),  # HTTP 500
    ("apache_access/apache_logs_first5000.log", 3473, "error"),
    ("apache_access/apache_logs_first5000.log", 2070, None),
]


@pytest.mark.corpus
@pytest.mark.parametrize(("path", "line", "kind"), CORPUS_LINES)
def test_manifest_lines_get_their_kind(corpus: Path, path: str, line: int, kind: str | None) -> None:
    text = (corpus / path).read_text(encoding="utf-8", errors="replace").splitlines()[line - 1]
    events = pl.DataFrame({"message": [text], "level": ["info"], "source": ["raw"], "service": ["s"]})
    assert classify(events, BUILTIN)["kind"].to_list() == [kind], text
