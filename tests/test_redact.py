"""``--redact``: secrets and personal data never reach an output file, and the masks are counted.

The end-to-end test plants known secrets in messages, a stack trace, a rejected line, a service
name and a deploy message that the timeline quotes; builds once without ``--redact`` (to prove
each secret is visible to the search in some output) and once with it; then searches the bytes of
every output file, and every text cell of the Parquet file, for each secret.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from timeliner.cli import app
from timeliner.redact import RedactionReport, redact_series, redact_summary

OUTPUTS = ("events.parquet", "rejects.csv", "timeline.csv", "timeline.md", "gantt.html", "summary.json")

JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("s3 upload with AKIAIOSFODNN7EXAMPLE failed", "s3 upload with [REDACTED:aws-access-key] failed"),
        (
            "aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "aws_secret_access_key=[REDACTED:aws-secret-key]",
        ),
        (
            '{"SecretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}',
            '{"SecretAccessKey": "[REDACTED:aws-secret-key]"}',
        ),
        (f"Authorization: Bearer {JWT}", "Authorization: Bearer [REDACTED:jwt]"),
        ("Authorization: Basic YWxhZGRpbjpvcGVuc2VzYW1l", "Authorization: Basic [REDACTED:token]"),
        ("retry with bearer abcdefghijklmnop0123 now", "retry with bearer [REDACTED:token] now"),
        ("ghp_abcdefghijklmnopqrstuvwxyz0123456789 leaked", "[REDACTED:token] leaked"),
        ("xoxb-1234567890-abcdefghij posted", "[REDACTED:token] posted"),
        ("postgres://orders:Hunter2@db:5432/o", "postgres://orders:[REDACTED:url-password]@db:5432/o"),
        ("mysql://app:p@ss@w0rd@db/x", "mysql://app:[REDACTED:url-password]@db/x"),  # a raw '@' in it
        ("redis://:hunter2@cache:6379", "redis://:[REDACTED:url-password]@cache:6379"),
        (
            "GET /login?user=bob&password=hunter2&next=/",
            "GET /login?user=bob&password=[REDACTED:password]&next=/",
        ),
        (
            '{\\"password\\":\\"hunter2\\"}',
            '{\\"password\\":\\"[REDACTED:password]\\"}',
        ),  # escaped JSON stays JSON
        ("api_key=abcd1234 and token: xyz789", "api_key=[REDACTED:secret] and token: [REDACTED:secret]"),
        ("mail alice.smith+ops@example.co.uk now", "mail [REDACTED:email] now"),
        (
            "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nabc\n-----END RSA PRIVATE KEY-----\nafter",
            "[REDACTED:private-key]\nafter",
        ),
    ],
)
def test_each_kind_of_secret_is_masked(text: str, masked: str) -> None:
    assert redact_series(pl.Series([text]))[0].to_list() == [masked]


@pytest.mark.parametrize(
    "text",
    [
        "Started App in 38.256 seconds (JVM running for 39.1)",
        "Bearer token expired for user",  # the word, not a token
        "using basic authentication for the proxy",
        "tokenizer loaded; password reset requested",
        "client 10.0.0.5 connected",  # IPs only with --redact-ips
        "token=[REDACTED:jwt]",  # already masked: not masked (or counted) twice
        "http://host:8080/path?x=1",
    ],
)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert redact_series(pl.Series([text]))[0].to_list() == [text]


def test_ips_only_when_asked_and_not_times_or_paths() -> None:
    text = (
        "from 10.0.0.5 and fe80::1 and 2001:db8::ff00:42:8329 at 12:14:50, std::vector, mac 00:1a:2b:3c:4d:5e"
    )
    masked, counts = redact_series(pl.Series([text]), ips=True)
    assert masked.to_list() == [
        "from [REDACTED:ip] and [REDACTED:ip] and [REDACTED:ip] at 12:14:50, std::vector, mac 00:1a:2b:3c:4d:5e"
    ]
    assert counts == Counter({"ip": 3})


def test_counts_are_per_value_and_kind() -> None:
    texts = pl.Series(
        [f"Authorization: Bearer {JWT} for bob@example.com", "bob@example.com and eve@example.org", None]
    )
    masked, counts = redact_series(texts)
    assert counts == Counter({"jwt": 1, "email": 3})  # "Bearer <jwt>" is one JWT, not a token too
    assert masked[2] is None


def test_summary_strings_are_masked_but_paths_kept() -> None:
    summary = {
        "events_by_service": {"billing/bob@example.com": 3, "billing/eve@example.com": 2, "web": 1},
        "files": [{"path": "cases/bob@example.com/app.log", "notes": ["from bob@example.com"]}],
    }
    out = redact_summary(summary, RedactionReport())
    assert out["events_by_service"] == {"billing/[REDACTED:email]": 5, "web": 1}  # merged names add up
    assert out["files"] == [{"path": "cases/bob@example.com/app.log", "notes": ["from [REDACTED:email]"]}]
    assert out["redaction"]["enabled"] is True


# --- end to end -----------------------------------------------------------------------------------

SECRETS = {
    "aws-access-key": "AKIAIOSFODNN7EXAMPLE",
    "jwt": JWT,
    "url-password": "Hunter2Secret",
    "email": "alice.oncall@example.com",
    "password": "TopSecret99",
    "token": "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
    "ip": "10.1.2.3",
}
APP_LOG = f"""\
2026-03-01 12:00:00,000 INFO [main] com.example.Orders: Starting Orders for {SECRETS["email"]}
2026-03-01 12:00:01,000 ERROR [main] com.example.Orders: upstream failed: Authorization: Bearer {SECRETS["jwt"]}
2026-03-01 12:00:02,000 ERROR [main] com.example.Orders: s3 upload failed with {SECRETS["aws-access-key"]}
java.lang.RuntimeException: connect postgres://orders:{SECRETS["url-password"]}@db.internal:5432/orders
\tat com.example.Db.connect(Db.java:42)
2026-03-01 12:00:03,000 INFO [main] com.example.Orders: Deploying release 2.3 by {SECRETS["email"]} with {SECRETS["token"]}
2026-03-01 12:00:04,000 INFO [main] com.example.Orders: Stopping Orders
2026-03-01 12:00:09,000 INFO [main] com.example.Orders: Starting Orders
2026-13-45 12:00:10,000 INFO [main] com.example.Orders: login with password={SECRETS["password"]}
"""
API_JSONL = (
    json.dumps(
        {"time": "2026-03-01T12:00:05Z", "level": "error", "service": f"api-{SECRETS['email']}",
         "host": SECRETS["ip"], "msg": f"request from {SECRETS['ip']} failed"}
    ) + "\n"
)  # fmt: skip


def build(inputs: Path, out: Path, *options: str) -> None:
    result = CliRunner().invoke(app, ["build", str(inputs), "--out", str(out), "--quiet", *options])
    assert result.exit_code == 0, result.stderr


def output_texts(out: Path) -> dict[str, str]:
    """What a search can find in each output: the bytes of text files, every text cell of the Parquet."""
    texts = {name: (out / name).read_text(encoding="utf-8") for name in OUTPUTS if name != "events.parquet"}
    events = pl.read_parquet(out / "events.parquet")
    texts["events.parquet"] = "\n".join(
        str(value) for name, dtype in events.schema.items() if dtype == pl.String for value in events[name]
    )
    return texts


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("case")
    (folder / "orders.log").write_text(APP_LOG)
    (folder / "api.jsonl").write_text(API_JSONL)
    return folder


def test_every_secret_is_visible_without_redact(case: Path, tmp_path: Path) -> None:
    build(case, tmp_path / "plain")
    texts = output_texts(tmp_path / "plain")
    for kind, secret in SECRETS.items():
        assert any(secret in text for text in texts.values()), kind  # so the search below can see them
    assert SECRETS["email"] in texts["timeline.csv"]  # the deploy row quotes its message


def test_redact_masks_every_secret_in_every_output(case: Path, tmp_path: Path) -> None:
    out = tmp_path / "masked"
    build(case, out, "--redact-ips")
    for name, text in output_texts(out).items():
        for kind, secret in SECRETS.items():
            assert secret not in text, f"{kind} secret found in {name}"
        assert "[REDACTED:" in text or name in ("rejects.csv",), name
    rejects = pl.read_csv(out / "rejects.csv")
    assert rejects["text"].to_list() == [
        "2026-13-45 12:00:10,000 INFO [main] com.example.Orders: login with password=[REDACTED:password]"
    ]


def test_redaction_counts_in_summary(case: Path, tmp_path: Path) -> None:
    out = tmp_path / "masked"
    build(case, out, "--redact-ips")
    redaction = json.loads((out / "summary.json").read_text())["redaction"]
    # By hand: messages hold 2 e-mails (start, deploy), 1 JWT, 1 AWS key, 1 URL password, 1 GitHub
    # token and 1 IP; the JSON record's service holds 1 e-mail (on its one event) and its host 1 IP;
    # the rejected line holds 1 password.
    assert redaction["masked_by_output"]["events"] == {
        "aws-access-key": 1, "email": 3, "ip": 2, "jwt": 1, "token": 1, "url-password": 1,
    }  # fmt: skip
    assert redaction["masked_by_output"]["rejects"] == {"password": 1}
    assert redaction["ips"] is True


def test_without_ips_option_addresses_stay(case: Path, tmp_path: Path) -> None:
    out = tmp_path / "masked"
    build(case, out, "--redact")
    events = pl.read_parquet(out / "events.parquet")
    assert events.filter(pl.col("host") == SECRETS["ip"]).height == 1
    assert SECRETS["email"] not in "\n".join(output_texts(out).values())
