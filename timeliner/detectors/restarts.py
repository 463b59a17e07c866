"""``restart``: one row per boot of a service.

Boot markers of a service, in time order, are:

* **start** — an event of kind ``start`` (a banner such as ``Starting App ... with PID 81``), or the
  first event of a *new process*: a ``pid`` of the service first seen after every earlier pid of
  that service was last seen (lifetimes that do not overlap: the old process is gone), when the pid
  that logged last before it was a settled daemon — at least ``pid_min_events`` (20) lines over at
  least ``pid_min_life`` (1 min). Worker pools whose pids interleave, per-connection forks (``sshd``,
  ``ftpd``, ``su`` in syslog) and the first pid of a service are therefore not restarts;
* **ready** — an event of kind ``ready`` (``Started App in 8.4 seconds``);
* **end** — an event of kind ``stop`` or ``crash``; it belongs to no boot but closes the current one.

A start marker opens a new boot, except when the previous marker of the service is a start marker
no more than ``start_merge`` (10 s) earlier with a compatible pid (equal, or either unknown): then it
is another line of the same boot (``Kernel command line`` right after ``Linux version``). A ready
marker belongs to the boot of the latest start marker when that start is at most ``boot_window``
(5 min) earlier, no stop or crash came in between, and the pids are compatible; otherwise the ready
is a boot of its own (a lone ready: the start was not logged). So "Starting X" and "Started X in 8 s"
are one boot, and a crash loop (start, crash, start) is two.

Row: ``start`` = the boot's first marker, ``end`` = its last ready (or ``start`` without one),
``count`` = 1, ``evidence`` = the boot's marker lines.
"""

from __future__ import annotations

import polars as pl

from timeliner.detectors.config import DetectConfig
from timeliner.detectors.evidence import as_rows, durations_text, evidence_text, reference

_NO_PID = "\x00"  # stands for "unknown pid" in forward-filled columns, where null means "no marker yet"


def new_process_rows(events: pl.DataFrame, cfg: DetectConfig) -> pl.Series:
    """``_row`` of the first event of every new process (see the module docstring)."""
    procs = (
        events.select("service", "pid", "ts", "_row")  # not a filtered copy of every column
        .filter(pl.col("pid").is_not_null())
        .group_by("service", "pid")
        .agg(
            first=pl.col("ts").min(), last=pl.col("ts").max(), first_row=pl.col("_row").min(), lines=pl.len()
        )
        .sort("service", "first", "first_row")
    )
    # The process that logged last before this one, and whether it was a long-lived daemon.
    settled = (pl.col("lines") >= cfg.pid_min_events) & (pl.col("last") - pl.col("first") >= cfg.pid_min_life)
    procs = procs.with_columns(
        before=pl.col("last").cum_max().shift(1).over("service"),
        previous_settled=pl.when(pl.col("last") == pl.col("last").cum_max())
        .then(settled)
        .forward_fill()
        .shift(1)
        .over("service"),
    )
    fresh = pl.col("before").is_not_null() & (pl.col("first") > pl.col("before")) & pl.col("previous_settled")
    return procs.filter(fresh.fill_null(False))["first_row"]


def find_boots(events: pl.DataFrame, cfg: DetectConfig) -> pl.DataFrame:
    """Boots of every service: service, start, end, ready (null if none), pid, first_row, refs, new_process."""
    marked = _markers(events, cfg).with_columns(opens=_opens_a_boot(cfg))
    marked = marked.with_columns(boot=pl.col("opens").cast(pl.Int64).cum_sum().over("service"))
    in_boots = marked.filter((pl.col("is_open") | pl.col("is_ready")) & (pl.col("boot") > 0))
    return (
        in_boots.group_by("service", "boot")
        .agg(
            start=pl.col("ts").min(),
            ready=pl.col("ts").filter("is_ready").max(),
            pid=pl.col("pid").drop_nulls().first(),
            first_row=pl.col("_row").min(),
            refs=pl.col("_ref"),
            banner=(pl.col("kind") == "start").any(),
            new_process=pl.col("new_process").any(),
        )
        .with_columns(end=pl.coalesce("ready", "start"))
        .sort("start", "service", "first_row")
    )


def _opens_a_boot(cfg: DetectConfig) -> pl.Expr:
    """Whether a marker opens a new boot, from the markers before it in its service (module docstring)."""

    def last(flag: str, value: pl.Expr) -> pl.Expr:  # value at the latest earlier marker with `flag`
        return pl.when(flag).then(value).shift(1).forward_fill().over("service")

    last_open, open_ts = last("is_open", pl.col("_row")), last("is_open", pl.col("ts"))
    open_pid = last("is_open", pl.col("pid").fill_null(_NO_PID))
    last_ready, last_end = (
        last("is_ready", pl.col("_row")).fill_null(-1),
        last("is_end", pl.col("_row")).fill_null(-1),
    )
    pid_ok = (open_pid == _NO_PID) | pl.col("pid").is_null() | (open_pid == pl.col("pid"))
    since = pl.col("ts") - open_ts
    joins_open = (last_open > last_ready) & (last_open > last_end) & (since <= cfg.start_merge) & pid_ok
    joins_ready = (last_open > last_end) & (since <= cfg.boot_window) & pid_ok
    return (
        pl.when(pl.col("is_open"))
        .then(~joins_open.fill_null(False))
        .when(pl.col("is_ready"))
        .then(~joins_ready.fill_null(False))
        .otherwise(False)
    )


def _markers(events: pl.DataFrame, cfg: DetectConfig) -> pl.DataFrame:
    fresh = new_process_rows(events, cfg)
    kind = pl.col("kind")
    columns = ["_row", "ts", "service", "pid", "kind", "new_process", "is_open", "is_ready", "is_end"]
    frame = events.select("_row", "ts", "service", "pid", "kind", "file", "line")
    frame = frame.with_columns(new_process=pl.col("_row").is_in(fresh.implode()))
    frame = frame.with_columns(
        is_open=(kind == "start").fill_null(False) | pl.col("new_process"),
        is_ready=(kind == "ready").fill_null(False),
        is_end=kind.is_in(["stop", "crash"]).fill_null(False),
    )
    wanted = frame.filter(pl.col("is_open") | pl.col("is_ready") | pl.col("is_end"))
    return wanted.select(*columns, reference().alias("_ref"))


def detect_restarts(events: pl.DataFrame, cfg: DetectConfig) -> pl.DataFrame:
    """One ``restart`` row per boot (see the module docstring for the exact definition)."""
    boots = find_boots(events, cfg)
    took = durations_text(boots["start"], boots["end"])
    service = pl.col("service")
    summary = (
        pl.when(pl.col("ready").is_not_null() & (pl.col("ready") > pl.col("start")) & pl.col("opened"))
        .then(pl.format("{} started and was ready after {}.", service, pl.col("took")))
        .when(pl.col("ready").is_not_null() & ~pl.col("opened"))
        .then(pl.format("{} became ready (its start was not logged).", service))
        .when(~pl.col("banner") & pl.col("new_process") & pl.col("pid").is_not_null())
        .then(pl.format("{} started a new process (pid {}).", service, pl.col("pid")))
        .otherwise(pl.format("{} started.", service))
    )
    rows = boots.with_columns(
        took=took,
        opened=pl.col("banner") | pl.col("new_process"),
    ).with_columns(
        kind=pl.lit("restart"),
        count=pl.lit(1),
        summary=summary,
        evidence=evidence_text(pl.col("refs")),
    )
    return as_rows(rows)
