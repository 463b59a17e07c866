"""Rows of several files in one frame (a batch of small files): the column that tells them apart.

``FILE_INDEX`` holds each row's file as its position in the batch. What is known per file (its
path, zone, skew) is looked up by it with :func:`by_file`; what is counted per file comes back
with :func:`per_file_values`; a frame in file order is cut with :func:`file_runs`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import polars as pl

FILE_INDEX = "_file"

__all__ = ["FILE_INDEX", "by_file", "file_runs", "of_file", "per_file_values", "rows_per_file"]


def of_file(frame: pl.DataFrame, index: int) -> pl.DataFrame:
    """``frame`` (rows of one file) marked as file ``index`` of a batch."""
    return frame.with_columns(pl.lit(index, dtype=pl.UInt32).alias(FILE_INDEX))


def by_file(values: Sequence[Any], dtype: pl.DataType) -> pl.Expr:
    """``values[i]`` on every row of file ``i``."""
    return pl.col(FILE_INDEX).replace_strict(
        range(len(values)), list(values), default=None, return_dtype=dtype
    )


def per_file_values(frame: pl.DataFrame, value: pl.Expr) -> dict[int, Any]:
    """``value`` aggregated over each file's rows: {file index: value} (files without rows absent)."""
    rows = frame.group_by(FILE_INDEX).agg(value.alias("_value"))
    return dict(zip(rows.get_column(FILE_INDEX).to_list(), rows.get_column("_value").to_list(), strict=True))


def rows_per_file(frame: pl.DataFrame) -> dict[int, int]:
    """How many rows each file has (files without rows absent)."""
    return per_file_values(frame, pl.len())


def file_runs(frame: pl.DataFrame) -> list[tuple[int, int]]:
    """(file index, rows) of each file of a frame in file order, in that order."""
    runs = frame.get_column(FILE_INDEX).rle().struct.unnest()
    return list(zip(runs.get_column("value").to_list(), runs.get_column("len").to_list(), strict=True))
