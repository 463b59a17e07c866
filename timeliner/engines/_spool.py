"""Events on disk, in Parquet parts, for builds whose events do not fit in memory.

The streaming build (:mod:`timeliner.engines.streaming`) parses a file, adds its events here
(:meth:`Spool.add`) and forgets them. A big file is cut into parts of :data:`PART_ROWS` events;
small files share parts, so that a folder of thousands of small files makes a few parts, not
thousands. Later steps read back only what they need (:meth:`Spool.scan` is a lazy frame over
every part, so polars reads only the columns and row groups a query needs), rewrite the events
part by part (:meth:`Spool.rewrite_parts`) or, where a step needs a whole file, file by file
(:meth:`Spool.rewrite_file`), and finally write every event into one file sorted by time without
ever holding all of them (:meth:`Spool.write_sorted`).

Rows of one file keep their order across its parts; rows of different files may be interleaved
in any order, which no step depends on (each sorts or groups by file where it matters).
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from itertools import count, pairwise
from pathlib import Path

import polars as pl

# Rows per Parquet row group in the spool: each holds its min and max ts, so a query for one slice
# of time skips the groups outside it.
ROW_GROUP_ROWS = 65_536
# Events per part file: steps that work row by row (reconcile's renames and drops, classification)
# hold one part at a time per thread. Files with fewer events share parts.
PART_ROWS = 262_144
# Events sorted in memory at once when writing events.parquet (a little more when one second holds more).
SORT_SLICE_BYTES = 64 * 1024 * 1024

_SORT_KEYS = ["ts", "file", "line"]


@dataclass
class _Part:
    path: Path
    rows: int
    bytes: int  # in memory, as polars estimated it when the part was written
    files: frozenset[str]  # the input files whose events it holds


@dataclass
class Spool:
    """The events of a build, in parts of at most about :data:`PART_ROWS` events, each time-ordered."""

    folder: Path
    parts: list[_Part] = field(default_factory=list)  # in the order they were written
    _pending: list[pl.DataFrame] = field(default_factory=list)  # small files waiting to share a part
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _numbers: count[int] = field(default_factory=count)

    def add(self, events: pl.DataFrame) -> None:
        """Store one input file's events (from several threads at once); :meth:`flush` at the end."""
        if events.height >= PART_ROWS:
            self._write_parts(events)
            return
        with self._lock:
            self._pending.append(events)
            if sum(frame.height for frame in self._pending) < PART_ROWS:
                return
            shared, self._pending = pl.concat(self._pending, how="vertical"), []
        self._write_parts(shared)

    def add_piece(self, events: pl.DataFrame) -> None:
        """Store the next piece of one big file's events: parts of its own, after its earlier pieces."""
        self._write_parts(events)

    def flush(self) -> None:
        """Write the small files still waiting for a part."""
        with self._lock:
            shared, self._pending = self._pending, []
        if shared:
            self._write_parts(pl.concat(shared, how="vertical"))

    def _write_parts(self, events: pl.DataFrame) -> None:
        for offset in range(0, events.height, PART_ROWS):
            self._write_part(events.slice(offset, PART_ROWS))

    def _write_part(self, events: pl.DataFrame) -> _Part:
        # Each part sorted by time (stably: a file's ties keep their order), so that a row group covers
        # a short stretch of time and a query for one slice of time skips the rest. Logs are nearly in
        # time order already, so sorting part by part does as well as sorting a file, without its copy.
        ordered = events.sort("ts", maintain_order=True)
        files = frozenset(ordered["file"].unique().to_list())
        with self._lock:
            path = self.folder / f"{next(self._numbers):07d}.parquet"
        ordered.write_parquet(path, compression="lz4", row_group_size=ROW_GROUP_ROWS, statistics=True)
        part = _Part(path, ordered.height, int(ordered.estimated_size()), files)
        with self._lock:
            self.parts.append(part)
        return part

    def scan(self) -> pl.LazyFrame:
        """Every stored event (nothing is read until collected)."""
        return pl.scan_parquet([str(part.path) for part in self._in_order()])

    def _in_order(self) -> list[_Part]:
        return sorted(self.parts, key=lambda part: part.path.name)

    def rewrite_file(self, file: str, change: Callable[[pl.DataFrame], pl.DataFrame]) -> None:
        """Replace the events of input ``file`` by ``change(all of them)``; other files' events stay."""
        touched = [part for part in self._in_order() if file in part.files]
        if not touched:
            return
        events = pl.read_parquet([str(part.path) for part in touched])
        for part in touched:
            self.parts.remove(part)
            part.path.unlink()
        mine = pl.col("file") == file
        others = events.filter(~mine)
        if others.height:
            self._write_parts(others)
        self._write_parts(change(events.filter(mine)))

    def rewrite_parts(self, change: Callable[[pl.DataFrame], pl.DataFrame], threads: int) -> None:
        """Replace every part by ``change(part)``, on ``threads`` threads (``change`` is row by row)."""

        def rewrite(part: _Part) -> None:
            changed = change(pl.read_parquet(part.path))
            changed.write_parquet(
                part.path, compression="lz4", row_group_size=ROW_GROUP_ROWS, statistics=True
            )
            part.rows, part.bytes = changed.height, int(changed.estimated_size())

        with ThreadPoolExecutor(max_workers=threads) as pool:
            list(pool.map(rewrite, list(self.parts)))

    @property
    def rows(self) -> int:
        return sum(part.rows for part in self.parts)

    def write_sorted(self, target: Path, work: Path) -> None:
        """Every event into ``target``, ordered by (ts, file, line), ties in their file's order, nulls last.

        Slices of time small enough to sort in memory (:data:`SORT_SLICE_BYTES`) are read from every
        part, sorted and written one after another; polars then streams the slices into one file.
        """
        slices = work / "sorted"
        slices.mkdir(exist_ok=True)
        events = self.scan()
        bounds = self._slice_bounds()
        for number, (low, high) in enumerate(pairwise(bounds)):
            rows = pl.col("ts").is_not_null()
            if low is not None:
                rows &= pl.col("ts") >= low
            if high is not None:
                rows &= pl.col("ts") < high
            piece = events.filter(rows).collect()
            piece.sort(_SORT_KEYS, maintain_order=True).write_parquet(slices / f"{number:07d}.parquet")
        undated = events.filter(pl.col("ts").is_null()).collect()
        undated.sort(_SORT_KEYS, maintain_order=True).write_parquet(slices / "undated.parquet")
        pieces = sorted(str(p) for p in slices.glob("*.parquet"))  # "undated" sorts after the digits
        pl.scan_parquet(pieces).sink_parquet(target, maintain_order=True)
        shutil.rmtree(slices, ignore_errors=True)

    def _slice_bounds(self) -> list[datetime | None]:
        """Cut points in time between slices of about SORT_SLICE_BYTES each (None: open end)."""
        total_bytes = sum(part.bytes for part in self.parts)
        per_slice = max(1, int(self.rows * SORT_SLICE_BYTES / max(total_bytes, 1)))
        seconds = (
            self.scan()
            .filter(pl.col("ts").is_not_null())
            .group_by(pl.col("ts").dt.truncate("1s").alias("second"))
            .len()
            .sort("second")
            # Each second goes to the slice its first event falls in: a slice holds per_slice events
            # plus at most one second's.
            .with_columns(slice=(pl.col("len").cum_sum() - pl.col("len")) // per_slice)
        )
        firsts = seconds.group_by("slice").agg(pl.col("second").first()).sort("slice").collect()
        return [None, *firsts["second"].to_list()[1:], None]
