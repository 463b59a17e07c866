"""Helpers for sniffers: the first lines of a file, and "most lines match this layout" scores.

Parsers write their regexes once, in the Rust syntax polars uses (``(?<name>...)``); sniffers
run the same pattern through Python's ``re`` on the first few KiB, via :func:`python_regex`.
"""

from __future__ import annotations

import re
from collections.abc import Callable


def python_regex(pattern: str) -> re.Pattern[str]:
    """Compile a polars (Rust) regex for Python: ``(?<name>`` → ``(?P<name>``."""
    return re.compile(pattern.replace("(?<", "(?P<"))


def head_lines(head: str, limit: int = 30) -> list[str]:
    """The first ``limit`` non-blank lines of ``head``, without a last line cut by the sniff window."""
    lines = head.splitlines()
    if len(lines) > 1 and not head.endswith("\n"):
        lines.pop()
    return [line for line in lines if line.strip()][:limit]


def share(head: str, pattern: re.Pattern[str], limit: int = 30) -> float:
    """The share (0–1) of the first non-blank lines that ``pattern`` matches at their start."""
    lines = head_lines(head, limit)
    return sum(1 for line in lines if pattern.match(line)) / len(lines) if lines else 0.0


def majority_sniffer(pattern: str, score: float) -> Callable[[str], float]:
    """A sniffer scoring ``score`` when more than half of the first lines match ``pattern`` (polars syntax)."""
    compiled = python_regex(pattern)

    def sniff(head: str) -> float:
        return score if share(head, compiled) > 0.5 else 0.0

    return sniff
