"""End to end: hostile log lines go through a whole build and stay inert text in gantt.html and timeline.md.

``test_browser_gantt.py`` renders a hand-made hostile timeline; here the payloads start where an
attacker puts them -- in log messages and in a service name of a JSON-lines record -- and travel
through parsing, classification and detection into the timeline rows (a crash, two interruptions,
a deploy) that the chart draws and the hover shows. Headless Chromium opens the page offline, hovers
the crash and interruption rows, and the page must still have its own title, no image and no
``javascript:`` link, with each payload shown as text.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from test_browser_gantt import (
    HOVER_HARNESS,
    IMAGE_PAYLOAD,
    LINK_PAYLOAD,
    SCRIPT_PAYLOAD,
    dump_dom,
    inert_hover_labels,
    without_scripts,
)
from test_browser_gantt import pytestmark as BROWSER_MARKS
from typer.testing import CliRunner

from timeliner.cli import app

SCRIPT, IMAGE, LINK = SCRIPT_PAYLOAD, IMAGE_PAYLOAD, LINK_PAYLOAD
pytestmark = BROWSER_MARKS


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    case = tmp_path_factory.mktemp("case")
    (case / "orders.log").write_text(
        "2026-03-01 12:00:00,000 INFO [main] com.example.Orders: Starting Orders\n"
        "2026-03-01 12:00:05,000 INFO [main] com.example.Orders: Started Orders in 5.0 seconds\n"
        f"2026-03-01 12:01:00,000 ERROR [sync] com.example.Sftp: SFTP sync of /inbound interrupted {SCRIPT}\n"
        f"2026-03-01 12:02:00,000 ERROR [main] com.example.Orders: java.lang.OutOfMemoryError: Java heap space {IMAGE}\n"
        f"2026-03-01 12:03:00,000 INFO [main] com.example.Orders: Deploying release 2.3 {LINK}\n"
    )
    record = {
        "time": "2026-03-01T12:01:30Z",
        "level": "error",
        "service": IMAGE,
        "msg": "connection reset by peer",
    }
    (case / "api.jsonl").write_text(json.dumps(record) + "\n")
    out = case / "out"
    result = CliRunner().invoke(app, ["build", str(case), "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def rendered(built: Path) -> tuple[str, str]:
    """(the page's own title, the DOM after the crash and interruption rows were hovered)."""
    page = (built / "gantt.html").read_text(encoding="utf-8")
    title = re.findall(r"<title>(.*?)</title>", page, flags=re.S)
    harnessed = built / "gantt_hovered.html"
    harnessed.write_text(page.replace("</body>", HOVER_HARNESS + "</body>"), encoding="utf-8")
    return (title[0] if title else ""), dump_dom(harnessed, built / "profile")


def test_the_payloads_reached_the_timeline(built: Path) -> None:
    timeline = (built / "timeline.csv").read_text(encoding="utf-8")
    kinds = re.findall(r"^[^,]+,[^,]+,([a-z_]+),", timeline, flags=re.M)
    assert {"crash", "interruption", "deploy"} <= set(kinds)
    assert "document.title='PWNED'" in timeline  # as data in the CSV; the browser test below is the point


def test_hostile_log_text_did_not_run_in_the_chart(rendered: tuple[str, str]) -> None:
    title, dom = rendered
    head = re.search(r"<head>(.*?)</head>", dom, flags=re.S)
    assert head is not None
    assert re.findall(r"<title>(.*?)</title>", head.group(1), flags=re.S) == [title]
    assert "PWNED" not in title


def test_hostile_log_text_made_no_image_or_link_and_shows_as_text(rendered: tuple[str, str]) -> None:
    _title, dom = rendered
    labels = inert_hover_labels(without_scripts(dom))
    assert "&lt;script&gt;document.title='PWNED'&lt;/script&gt;" in labels  # the interruption's message
    assert "&lt;img src=x onerror=\"document.title='PWNED'\"&gt;" in labels  # the crash, the service


def test_hostile_log_text_is_inert_in_the_markdown(built: Path) -> None:
    markdown = (built / "timeline.md").read_text(encoding="utf-8")
    assert "PWNED" in markdown  # the rows are there ...
    # ... but every "<" of a tag is backslash-escaped (shown, not parsed), and no link survives.
    assert re.findall(r"(?<!\\)<(?:script|img|a\b)", markdown) == []
    # By hand: the script in one message; the image in the service cell and summary of the api row, and in
    # the crash message.
    assert markdown.count("\\<script") == 1 and markdown.count("\\<img") == 3
    assert "](javascript:" not in markdown
