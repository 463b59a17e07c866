"""Applying rules to an events frame: which kind wins, the error-level fallback, constraints."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from _events import ev, events_frame
from polars.testing import assert_frame_equal

from timeliner.classify import ERROR_LEVEL_RULE, Rules, classify, load_rules
from timeliner.schema import EVENT_SCHEMA

RULES = load_rules()


def rules_with(tmp_path: Path, toml: str) -> Rules:
    """The built-in rules plus those of ``toml``, written to a rules file as a user would."""
    path = tmp_path / "rules.toml"
    path.write_text(toml, encoding="utf-8")
    return load_rules(path)


def kinds(messages: list[str], level: str | None = "info") -> list[tuple[str | None, str | None]]:
    frame = events_frame([ev(i, m, level=level) for i, m in enumerate(messages)])
    return classify(frame, RULES).select("kind", "rule").rows()


@pytest.mark.parametrize(
    ("message", "kind", "rule"),
    [
        (
            "Starting CntRuntimeApplication v2.3.1 using Java 17.0.9 with PID 81 (/opt/app.jar started by app)",
            "start",
            "spring-boot-starting",
        ),
        (
            "Starting CntRuntimeApplication on cnt01 with PID 81 (/opt/app.jar)",
            "start",
            "spring-boot-starting",
        ),
        (
            "Started CntRuntimeApplication in 8.412 seconds (JVM running for 9.3)",
            "ready",
            "spring-boot-started",
        ),
        ("Application run failed", "crash", "spring-boot-run-failed"),
        (
            "Commencing graceful shutdown. Waiting for active requests to complete",
            "stop",
            "spring-boot-graceful-shutdown",
        ),
        ("Graceful shutdown complete", "stop", "spring-boot-graceful-shutdown"),
        (
            "Delivery of order 4711 failed\njava.lang.RuntimeException: x\n"
            "Caused by: java.lang.InterruptedException\n\tat x.y(Z.java:1)",
            "interruption",
            "java-interrupted",
        ),
        ("I/O error on POST request: Connection reset; nested exception", "interruption", "connection-reset"),
        ("java.io.IOException: Broken pipe", "interruption", "broken-pipe"),
        (
            "java.net.ConnectException: Connection refused (Connection refused)",
            "interruption",
            "connection-refused",
        ),
        ("SFTP sync of /inbound aborted: session closed", "interruption", "transfer-aborted"),
        ("Back-off restarting failed container order-api in pod order-api-7d9f", "crash", "k8s-backoff"),
        (
            "INIT_START Runtime Version: python:3.12.v18\tRuntime Version ARN: arn:x",
            "start",
            "lambda-init-start",
        ),
        (
            "RequestId: 1 Error: Runtime exited with error: exit status 1\nRuntime.ExitError",
            "crash",
            "lambda-runtime-exit",
        ),
        ("2024-05-01T10:00:03.000Z 1a2b Task timed out after 3.01 seconds", "crash", "lambda-timeout"),
        ("START RequestId: 1a2b Version: $LATEST", None, None),
        ("Starting thread to transfer block blk_1 to 10.0.0.1:50010", None, None),
    ],
)
def test_message_kinds(message: str, kind: str | None, rule: str | None) -> None:
    assert kinds([message]) == [(kind, rule)]


def test_crash_outranks_an_interruption_in_its_stack_trace() -> None:
    message = (
        "Application run failed\norg.x.BeanCreation\nCaused by: java.net.ConnectException: Connection refused"
    )
    assert kinds([message], level="error") == [("crash", "spring-boot-run-failed")]


def test_error_level_without_rule_is_error_and_interruption_wins_over_it() -> None:
    result = kinds(["NullPointerException in OrderMapper", "Connection reset by peer", "fine"], level="error")
    assert result == [
        ("error", ERROR_LEVEL_RULE),
        ("interruption", "connection-reset"),
        ("error", ERROR_LEVEL_RULE),
    ]
    assert kinds(["NullPointerException in OrderMapper"], level="critical") == [("error", ERROR_LEVEL_RULE)]
    assert kinds(["NullPointerException in OrderMapper"], level="warning") == [(None, None)]
    assert kinds(["NullPointerException in OrderMapper"], level=None) == [(None, None)]


def test_a_kind_set_by_the_parser_stays_when_no_rule_matches() -> None:
    frame = events_frame(
        [
            ev(0, "pod order-api evicted", kind="crash", level="error"),
            ev(1, "Started container x", kind="crash"),
        ]
    )
    assert classify(frame, RULES).select("kind", "rule").rows() == [
        ("crash", None),
        ("start", "k8s-started-container"),
    ]


def test_other_columns_are_untouched() -> None:
    frame = events_frame(
        [ev(0, "Graceful shutdown complete", pid="7"), ev(1, "hello", level=None), ev(2, "x", level="error")]
    )
    out = classify(frame, RULES)
    assert out.columns == list(EVENT_SCHEMA)
    assert_frame_equal(out.drop("kind", "rule"), frame.drop("kind", "rule"))


def test_case_sensitivity_is_as_declared() -> None:
    # spring-boot-run-failed is case-sensitive; connection-reset is not.
    assert kinds(["application run failed", "CONNECTION RESET"]) == [
        (None, None),
        ("interruption", "connection-reset"),
    ]


def test_null_message_and_empty_frame() -> None:
    frame = events_frame([ev(0, "x", level="error")]).with_columns(
        pl.lit(None, dtype=pl.String).alias("message")
    )
    assert classify(frame, RULES).select("kind").rows() == [("error",)]
    empty = pl.DataFrame(schema=EVENT_SCHEMA)
    assert classify(empty, RULES).height == 0


def test_constraints_on_source_level_and_service(tmp_path: Path) -> None:
    rules = rules_with(
        tmp_path,
        """
[[rule]]
name = "runtime-pull"
kind = "deploy"
pattern = 'pulled'
case_sensitive = true
source = ["log*"]
level = ["info"]
service = ["cnt*-runtime", "batch"]
""",
    )
    frame = events_frame(
        [
            ev(0, "pulled", service="cnt01-runtime"),
            ev(1, "pulled", service="cnt01-runtime", source="sentry-json"),
            ev(2, "pulled", service="cnt01-runtime", level="warning"),
            ev(3, "pulled", service="portal"),
            ev(4, "pulled", service="batch"),
        ]
    )
    assert classify(frame, rules)["kind"].to_list() == ["deploy", None, None, None, "deploy"]


def test_priority_decides_and_ties_go_to_the_first_listed(tmp_path: Path) -> None:
    rules = rules_with(
        tmp_path,
        """
[[rule]]
name = "a-low"
kind = "deploy"
pattern = 'reset'
case_sensitive = false
priority = 81
[[rule]]
name = "b-same"
kind = "stop"
pattern = 'reset'
case_sensitive = false
priority = 81
""",
    )
    assert classify(events_frame([ev(0, "Connection reset")]), rules)["rule"].to_list() == ["a-low"]
