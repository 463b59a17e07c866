"""A progress bar for long reads: input bytes parsed, on stderr, only on a terminal, only after 2 s.

Short runs print nothing extra, and neither does a notebook or a pipe (stderr is not a terminal
there). Files report when they are done; big files read in pieces (:mod:`timeliner.engines.chunked`)
report every piece, so one huge file still moves the bar.

>>> with bar(["no-such-file"]) as track:
...     track(len)("abc")
3
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

SHOW_AFTER_SECONDS = 2.0
T = TypeVar("T")

_current: _Bar | None = None

__all__ = ["bar", "file_done", "piece_done"]


class _Bar:
    """Bytes parsed per path; the rich display is started by a timer, so fast runs never show it."""

    def __init__(self, sizes: dict[str, int]) -> None:
        from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

        self.sizes, self.seen = sizes, dict.fromkeys(sizes, 0)
        self.lock = threading.Lock()
        self.display = Progress(
            TextColumn("reading"), BarColumn(), DownloadColumn(), TimeRemainingColumn(), transient=True
        )
        self.task = self.display.add_task("read", total=sum(sizes.values()) or 1)
        self.timer = threading.Timer(SHOW_AFTER_SECONDS, self.display.start)
        self.timer.daemon = True

    def advance(self, path: str, done: int) -> None:
        """``path`` has ``done`` of its bytes parsed (pieces add up; a finished file counts whole)."""
        with self.lock:
            step = max(0, min(done, self.sizes.get(path, 0)) - self.seen.get(path, 0))
            self.seen[path] = self.seen.get(path, 0) + step
        self.display.advance(self.task, step)

    def close(self) -> None:
        self.timer.cancel()
        self.display.stop()


@contextmanager
def bar(paths: Sequence[str]) -> Iterator[Callable[[Callable[[str], T]], Callable[[str], T]]]:
    """Within the block, wrap the per-file function with the yielded ``track`` to count its file as read."""
    global _current
    if not sys.stderr.isatty() or _current is not None:
        yield lambda work: work
        return
    _current = _Bar({path: _size(path) for path in paths})
    _current.timer.start()
    shown = _current

    def track(work: Callable[[str], T]) -> Callable[[str], T]:
        def run(path: str) -> T:
            result = work(path)
            shown.advance(path, shown.sizes.get(path, 0))
            return result

        return run

    try:
        yield track
    finally:
        shown.close()
        _current = None


def piece_done(path: str, done: int) -> None:
    """A big file read in pieces has ``done`` bytes parsed (no-op without a bar)."""
    current: Any = _current
    if current is not None:
        current.advance(path, done)


def file_done(path: str) -> None:
    """A file is read whole (no-op without a bar)."""
    current: Any = _current
    if current is not None:
        current.advance(path, current.sizes.get(path, 0))


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0
