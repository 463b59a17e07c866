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

The work is split in two so that events need not all be in memory at once (the streaming build):
:func:`plan_reconcile` reads a lazy frame of every event (aggregates and the few rows that can be
copies) and decides; :func:`apply_reconcile` applies the decisions to any slice of the events
(all of them, or one file's). :func:`reconcile` is the two in a row.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from timeliner.parsers._identity import service_from_path

# The keys that make two events one record exported twice (see _duplicate_rows).
_COPY_KEYS = ["ts", "message", "received_ts", "service"]
ROW = "_row"  # an event's position in its file's events, as load_file returned them


@dataclass
class ReconcileReport:
    aliased: int = 0  # events renamed by --alias
    renamed_by_instance: dict[str, int] = field(
        default_factory=dict
    )  # "old → new" per instance-driven rename
    duplicates_by_file: dict[str, int] = field(default_factory=dict)


@dataclass
class ReconcilePlan:
    """What :func:`apply_reconcile` does to events: rename services, drop the copies."""

    aliases: dict[str, str] = field(default_factory=dict)
    file_services: dict[str, str] = field(default_factory=dict)  # file → the service its name gives
    proper: dict[str, str] = field(default_factory=dict)  # instance → its properly named service
    drop: pl.DataFrame = field(
        default_factory=lambda: pl.DataFrame(schema={"file": pl.String, ROW: pl.Int64})
    )

    def service(self) -> pl.Expr:
        """The reconciled ``service`` column: aliases first, then the name by instance."""
        service = pl.col("service")
        if self.aliases:
            service = service.replace(self.aliases)
        if not self.proper:
            return service
        from_file = service == pl.col("file").replace_strict(self.file_services, default=None)
        proper = pl.col("instance").replace_strict(self.proper, default=None, return_dtype=pl.String)
        return pl.when(from_file & proper.is_not_null()).then(proper).otherwise(service)


def reconcile(
    events: pl.DataFrame, aliases: tuple[tuple[str, str], ...] = ()
) -> tuple[pl.DataFrame, ReconcileReport]:
    """Apply aliases, name services by instance, and drop cross-file duplicates (see module doc)."""
    if events.is_empty():
        return events, ReconcileReport()
    numbered = events.with_columns(pl.int_range(pl.len()).over("file").alias(ROW))
    plan, report = plan_reconcile(numbered.lazy(), aliases)
    return apply_reconcile(numbered, plan).drop(ROW), report


def plan_reconcile(
    events: pl.LazyFrame, aliases: tuple[tuple[str, str], ...] = ()
) -> tuple[ReconcilePlan, ReconcileReport]:
    """Decide the renames and the copies to drop, reading ``events`` (with a ``_row`` column) lazily."""
    report = ReconcileReport()
    plan = ReconcilePlan(aliases=dict(aliases))
    if aliases:
        report.aliased = events.select(pl.col("service").is_in(list(plan.aliases)).sum()).collect().item()
    sizes = events.group_by("file").agg(pl.len().alias("_size")).collect()  # events per file
    plan.file_services = {f: service_from_path(f) for f in sizes["file"].to_list()}
    # Instances are named from the aliased services; copies are compared under the final names.
    _name_services_by_instance(events.with_columns(service=plan.service()), plan, report)
    plan.drop = _duplicate_rows(events.with_columns(service=plan.service()), sizes, report)
    return plan, report


def apply_reconcile(events: pl.DataFrame, plan: ReconcilePlan) -> pl.DataFrame:
    """``events`` (any slice, with a ``_row`` column) with services renamed and copies dropped."""
    renamed = events.with_columns(service=plan.service())
    if plan.drop.is_empty():
        return renamed
    return renamed.join(plan.drop, on=["file", ROW], how="anti", maintain_order="left")


def _name_services_by_instance(events: pl.LazyFrame, plan: ReconcilePlan, report: ReconcileReport) -> None:
    """Fill ``plan.proper`` (instance → the name proper sources give it) and count the renames."""
    from_file = pl.col("service") == pl.col("file").replace_strict(plan.file_services, return_dtype=pl.String)
    # Per (instance, service): how many events, and how many of them named after their file only.
    counts = (
        events.filter(pl.col("instance").is_not_null())
        .group_by("instance", "service")
        .agg(pl.len().alias("n"), from_file.sum().alias("from_file"))
        .collect()
    )
    # Per instance: the service named most often by sources that did not fall back to a file name.
    proper = (
        counts.with_columns(proper_n=pl.col("n") - pl.col("from_file"))
        .filter(pl.col("proper_n") > 0)
        .filter(pl.col("proper_n") == pl.col("proper_n").max().over("instance"))
        .group_by("instance")
        .agg(pl.col("service").min().alias("proper"))
    )
    plan.proper = dict(proper.iter_rows())
    new = pl.col("instance").replace_strict(plan.proper, default=None)
    renamed = (
        counts.filter((pl.col("from_file") > 0) & new.is_not_null() & (pl.col("service") != new))
        .group_by(pl.format("{} → {}", "service", new).alias("rename"))
        .agg(pl.col("from_file").sum())
        .sort("rename")  # the same summary.json, run after run
    )
    report.renamed_by_instance.update(dict(renamed.iter_rows()))


def _duplicate_rows(events: pl.LazyFrame, sizes: pl.DataFrame, report: ReconcileReport) -> pl.DataFrame:
    """(file, _row) of every copy to drop; the copy kept is the one in the broadest export."""
    # Only records with a second clock are compared: two different log lines can share an
    # instant and a text, but not also the moment the log service ingested them.
    candidates = events.filter(pl.col("received_ts").is_not_null())
    # Messages are compared by hash first, so that only suspects' texts are ever held in memory;
    # the suspects are then compared exactly.
    others = [k for k in _COPY_KEYS if k != "message"]
    suspects = (
        candidates.select("file", ROW, *others, pl.col("message").hash().alias("_hash"))
        .filter(pl.struct(*others, "_hash").is_duplicated())
        .select("file", ROW)
        .collect()
    )
    if suspects.is_empty():
        return suspects
    dupes = (
        candidates.join(suspects.lazy(), on=["file", ROW], how="semi")
        .select("file", "line", ROW, *_COPY_KEYS)
        .collect()
    )
    dupes = dupes.filter(pl.struct(_COPY_KEYS).is_duplicated())
    # The broadest export (most events: the whole group, not one stream) keeps its copy.
    dupes = dupes.join(sizes, on="file").sort(
        ["_size", "file", "line", ROW], descending=[True, False, False, False]
    )
    drop = dupes.filter(~pl.struct(_COPY_KEYS).is_first_distinct())
    report.duplicates_by_file = {
        str(f): int(n) for f, n in drop.group_by("file", maintain_order=True).len().iter_rows()
    }
    return drop.select("file", ROW)
