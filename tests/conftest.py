"""Shared fixtures: where the real corpus and our sample incident live."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
SAMPLE_LOGS = REPO / "sample_logs"


@pytest.fixture
def corpus() -> Path:
    """The real public logs in ../shared/corpus; tests that need them skip when it is absent."""
    if not CORPUS.is_dir():
        pytest.skip(
            f"real-log corpus not found at {CORPUS} (it sits beside the checkout in ../shared/corpus)"
        )
    return CORPUS


@pytest.fixture
def sample_logs() -> Path:
    return SAMPLE_LOGS
