"""Where the real public logs live (``../shared/corpus``, beside the checkout), for tests that read them."""

from __future__ import annotations

from pathlib import Path

import pytest

CORPUS = Path(__file__).parents[1].parent / "shared" / "corpus"


def corpus_dir() -> Path:
    """The corpus folder; skips the calling test, saying where it looked, when it is absent."""
    if not CORPUS.is_dir():
        pytest.skip(
            f"real-log corpus not found at {CORPUS} (it sits beside the checkout in ../shared/corpus)"
        )
    return CORPUS
