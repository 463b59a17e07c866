"""The README's Formats section names exactly the registered formats, each once."""

from __future__ import annotations

import re
from pathlib import Path

from timeliner.parsers import all_formats

README = Path(__file__).parents[1] / "README.md"


def _formats_section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("\n## Formats\n")
    end = text.index("\n## ", start + 1)
    return text[start:end]


def test_formats_section_lists_every_registered_format_once() -> None:
    rows = re.findall(r"^\| `([a-z0-9-]+)` \|", _formats_section(), re.MULTILINE)
    assert sorted(rows) == sorted(f.name for f in all_formats())
