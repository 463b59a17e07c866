"""Events on disk: one Parquet file per input file, for builds whose events do not fit in memory.

The streaming build (:mod:`timeliner.engines.streaming`) parses a file, writes its events here
and forgets them. Later steps read back only what they need (:meth:`Spool.scan` is a lazy frame
over every file, in input order, so polars reads only the columns and row groups a query needs),
rewrite them part by part (:meth:`Spool.rewrite_parts`) or, where a step needs a whole file,
file by file (:meth:`Spool.rewrite_file`), and finally write every event into one file
sorted by time without ever holding all of them (:meth:`Spool.write_sorted`).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from itertools import pairwise
from pathlib import Path

import polars as pl

# Rows per Parquet row group in the spool: each holds its min and max ts, so a query for one slice
# of time skips the groups outside it.
ROW_GROUP_ROWS = 65_536
# Events per part file: steps that work row by row (reconcile's renames and drops, classification)
# hold one part at a time per thread.
PART_ROWS = 262_144
# Events sorted in memory at once when writing events.parquet (a little more when one second holds more).
SORT_SLICE_BYTES = 64 * 1024 * 1024

_SORT_KEYS = ["ts", "file", "line"]


@dataclass
class _Part:
    path: Path
    rows: int
    bytes: int  # in memory, as polars estimated it when the part was written


@dataclass
class Spool:
    """The events of a build: per input file, parts of at most :data:`PART_ROWS` events, each time-ordered."""

    folder: Path
    files: dict[int, list[_Part]] = field(default_factory=dict)  # input position → its parts

    def write(self, order: int, events: pl.DataFrame) -> None:
        """Store (or replace) one input file's events; called from several threads, one file each."""
        for part in self.files.pop(order, []):
            part.path.unlink(missing_ok=True)
        # Each part sorted by time (stably: ties keep their order), so that a row group covers a short
        # stretch of time and a query for one slice of time skips the rest. Logs are nearly in time
        # order already, so sorting part by part does as well as sorting the file, without its copy.
        self.files[order] = [
            self._write_part(order, number, events.slice(offset, PART_ROWS).sort("ts", maintain_order=True))
            for number, offset in enumerate(range(0, events.height, PART_ROWS))
        ]

    def _write_part(self, order: int, number: int, events: pl.DataFrame) -> _Part:
        path = self.folder / f"{order:07d}-{number:05d}.parquet"
        events.write_parquet(path, compression="lz4", row_group_size=ROW_GROUP_ROWS, statistics=True)
        return _Part(path, events.height, int(events.estimated_size()))

    def scan(self) -> pl.LazyFrame:
        """Every stored event, input file after input file (nothing is read until collected)."""
        return pl.scan_parquet([str(part.path) for part in self._parts()])

    def _parts(self) -> list[_Part]:
        return [part for order in sorted(self.files) for part in self.files[order]]

    def rewrite_file(self, order: int, change: Callable[[pl.DataFrame], pl.DataFrame]) -> None:
        """Replace one file's events by ``change(all of them)``."""
        if order in self.files:
            events = pl.read_parquet([str(part.path) for part in self.files[order]])
            self.write(order, change(events))

    def rewrite_parts(self, change: Callable[[pl.DataFrame], pl.DataFrame], threads: int) -> None:
        """Replace every part by ``change(part)``, on ``threads`` threads (``change`` is row by row)."""

        def rewrite(order: int, number: int, part: _Part) -> _Part:
            changed = change(pl.read_parquet(part.path))
            part.path.unlink()
            return self._write_part(order, number, changed)

        jobs = [
            (order, number, part)
            for order in sorted(self.files)
            for number, part in enumerate(self.files[order])
        ]
        with ThreadPoolExecutor(max_workers=threads) as pool:
            done = list(pool.map(lambda job: rewrite(*job), jobs))
        for (order, number, _old), new in zip(jobs, done, strict=True):
            self.files[order][number] = new

    @property
    def rows(self) -> int:
        return sum(part.rows for part in self._parts())

    def write_sorted(self, target: Path, work: Path) -> None:
        """Every event into ``target``, ordered by (ts, file, line), ties in input order, nulls last.

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
        total_bytes = sum(part.bytes for part in self._parts())
        per_slice = max(1, int(self.rows * SORT_SLICE_BYTES / max(total_bytes, 1)))
        seconds = (
            self.scan()
            .filter(pl.col("ts").is_not_null())
            .group_by(pl.col("ts").dt.truncate("1s").alias("second"))
            .len()
            .sort("second")
            .collect()
        )
        bounds: list[datetime | None] = [None]
        held = 0
        for second, count in seconds.iter_rows():
            if held and held + count > per_slice:
                bounds.append(second)
                held = 0
            held += count
        return [*bounds, None]
