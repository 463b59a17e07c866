"""docs/formats-app-logs.md names exactly the registered app/system-log formats, each once."""

from __future__ import annotations

import re
from pathlib import Path

from timeliner.parsers import all_formats

DOC = Path(__file__).parents[1] / "docs" / "formats-app-logs.md"
# Formats documented elsewhere (CloudWatch and Sentry have their own section).
ELSEWHERE = re.compile(r"^(cloudwatch|sentry)")


def test_table_lists_every_app_log_format_once() -> None:
    rows = re.findall(r"^\| `([a-z0-9-]+)` \|", DOC.read_text(encoding="utf-8"), re.MULTILINE)
    registered = sorted(f.name for f in all_formats() if not ELSEWHERE.match(f.name))
    assert sorted(rows) == registered
