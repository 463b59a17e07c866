"""Service identity from what a file's path says, for formats whose records do not name the emitter."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence

import polars as pl

from timeliner.fileindex import by_file
from timeliner.sources import SourceBatch, SourceFile

# Rotation and compression suffixes that are not part of a service's name: app.log.1.gz → app.
_SUFFIXES = re.compile(
    r"(\.(gz|log|txt|json|jsonl|ndjson|csv|out|err|\d+|\d{4}-\d{2}-\d{2}))+$", re.IGNORECASE
)


def service_from_path(path: str) -> str:
    """The file stem without log/rotation/compression suffixes: ``logs/order-portal.log.1.gz`` → ``order-portal``.

    Only the first dot-separated part of what remains is kept (``cnt01.events.json`` → ``cnt01``),
    because exports are commonly named ``<service>.<what>.<ext>``.
    """
    name = os.path.basename(path)
    stem = _SUFFIXES.sub("", name) or name
    return stem.split(".")[0] or stem


def per_file(source: SourceFile, value: Callable[[str], str | None]) -> pl.Expr:
    """``value(path)`` of the file each row was read from, as a String expression.

    One file: a literal. A :class:`~timeliner.sources.SourceBatch`: looked up per row from the
    batch's file index column, so each file keeps the identity its own path gives it.
    """
    if isinstance(source, SourceBatch):
        return per_path([batched.source.path for batched in source.files], value)
    return pl.lit(value(source.path), dtype=pl.String)


def per_path(paths: Sequence[str], value: Callable[[str], str | None]) -> pl.Expr:
    """``value(path)`` of each row's file, for rows whose FILE_INDEX points into ``paths``."""
    return by_file([value(path) for path in paths], pl.String())


def path_service(source: SourceFile) -> pl.Expr:
    """:func:`service_from_path` of each row's file (:func:`per_file`)."""
    return per_file(source, service_from_path)
