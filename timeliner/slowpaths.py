"""Counters of the slow paths: rows that went through a Python loop instead of a polars expression.

The hot paths of timeliner are polars expressions over whole columns. A few inputs cannot be
read that way (a JSON export whose values change type from record to record), and the code that
handles them row by row in Python counts those rows here, so that tests can hold the big formats
to zero and benchmarks can say when a slow path was taken.

>>> reset()
>>> count("example", 3)
>>> counts()
{'example': 3}
"""

from __future__ import annotations

import threading
from collections import Counter

_lock = threading.Lock()
_rows: Counter[str] = Counter()

__all__ = ["count", "counts", "reset"]


def count(where: str, rows: int) -> None:
    """Record that ``rows`` rows took the Python path named ``where`` (files are parsed on threads)."""
    if rows:
        with _lock:
            _rows[where] += rows


def counts() -> dict[str, int]:
    """Rows per slow path since the last :func:`reset`."""
    with _lock:
        return dict(_rows)


def reset() -> None:
    with _lock:
        _rows.clear()
