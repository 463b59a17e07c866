"""Reconcile sources after normalizing: one name per service, one copy of each event.

Investigators export the same logs twice more often than not — a ``filter-log-events`` dump
of the whole group and a ``get-log-events`` dump of the stream that mattered. Counting those
events twice would double every restart, and naming the same process two ways would split
one service over two lanes. Three steps, all vectorized:

1. ``--alias FROM=TO`` (or ``[service_alias]`` in ``timeliner.toml``) renames services the
   user knows are the same (``cnt01/runtime`` in CloudWatch is ``cnt01-runtime`` in Sentry).
2. An instance id (ECS task, Lambda sandbox, boot id) names one running copy of one service.
   Where an export only knew a file name to call the service by, the instance's name from a
   source that saw it properly (its log stream) is used instead.
3. Events that are the same record exported twice — same instant, same message, same second
   clock (CloudWatch ``ingestionTime``), same service — are kept once; the drop is counted per
   file and reported, never silent.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import polars as pl

from timeliner.parsers._identity import service_from_path


@dataclass
class ReconcileReport:
    aliased: int = 0  # events renamed by --alias
    renamed_by_instance: dict[str, int] = field(
        default_factory=dict
    )  # "old → new" per instance-driven rename
    duplicates_by_file: dict[str, int] = field(default_factory=dict)


def reconcile(
    events: pl.DataFrame, aliases: tuple[tuple[str, str], ...] = ()
) -> tuple[pl.DataFrame, ReconcileReport]:
    """Apply aliases, name services by instance, and drop cross-file duplicates (see module doc)."""
    report = ReconcileReport()
    if events.is_empty():
        return events, report
    if aliases:
        mapping = dict(aliases)
        report.aliased = int(events["service"].is_in(list(mapping)).sum())
        events = events.with_columns(pl.col("service").replace(mapping))
    events = _name_services_by_instance(events, report)
    return _drop_duplicates(events, report), report


def _name_services_by_instance(events: pl.DataFrame, report: ReconcileReport) -> pl.DataFrame:
    files = events["file"].unique().to_list()
    file_service = {f: service_from_path(f) for f in files}
    named = events.with_columns(
        _from_file=pl.col("service") == pl.col("file").replace_strict(file_service, return_dtype=pl.String)
    )
    # Per instance: the service named by a source that did not fall back to its file name.
    proper = (
        named.filter(pl.col("instance").is_not_null() & ~pl.col("_from_file"))
        .group_by("instance")
        .agg(pl.col("service").mode().sort().first().alias("_proper"))
    )
    if proper.is_empty():
        return events
    named = named.join(proper, on="instance", how="left")
    renamed = named.filter(
        pl.col("_from_file") & pl.col("_proper").is_not_null() & (pl.col("service") != pl.col("_proper"))
    )
    for (old, new), n in Counter(zip(renamed["service"], renamed["_proper"], strict=True)).items():
        report.renamed_by_instance[f"{old} → {new}"] = n
    fixed = (
        pl.when(pl.col("_from_file") & pl.col("_proper").is_not_null())
        .then(pl.col("_proper"))
        .otherwise(pl.col("service"))
    )
    return named.with_columns(service=fixed).drop("_from_file", "_proper")


def _drop_duplicates(events: pl.DataFrame, report: ReconcileReport) -> pl.DataFrame:
    # Only records with a second clock are compared: two different log lines can share an
    # instant and a text, but not also the moment the log service ingested them.
    keys = ["ts", "message", "received_ts", "service"]
    # The broadest export (most events: the whole group, not one stream) keeps its copy.
    candidates = (
        events.with_row_index("_row")
        .with_columns(_size=pl.len().over("file"))
        .filter(pl.col("received_ts").is_not_null())
    )
    dupes = candidates.filter(pl.struct(keys).is_duplicated())
    if dupes.is_empty():
        return events
    dupes = dupes.sort(["_size", "file", "line"], descending=[True, False, False])
    drop = dupes.filter(~pl.struct(keys).is_first_distinct())
    report.duplicates_by_file = {str(f): int(n) for f, n in drop.group_by("file").len().iter_rows()}
    return events.with_row_index("_row").filter(~pl.col("_row").is_in(drop["_row"].implode())).drop("_row")
