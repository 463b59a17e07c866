"""Clock skew between sources: set by hand (``--skew GLOB=+2.5s``) or estimated from shared anchors.

Sign convention, the same everywhere: a skew is what is **added** to a source's times. A host
whose clock runs 2.5 s behind needs ``+2.5s``; every estimate below is a suggested ``--skew``.

Estimates come from anchors the sources share:

* the same request / trace id seen in two files: the difference of the first sightings;
* a server's receipt clock in the same record (CloudWatch ``ingestionTime``, Sentry
  ``dateReceived``; the ``received_ts`` column): an event cannot arrive before it happened, so
  receipts *before* event times prove the source's clock runs ahead, by at least that much.

Each estimate carries its evidence (anchor count, spread, example lines). ``--skew auto``
applies the ones that are consistent (:data:`AUTO_MIN_ANCHORS` or more anchors agreeing within
:data:`AUTO_MAX_SPREAD`, and large enough to matter) to files without a hand-set skew.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import polars as pl

from timeliner.durations import ACCEPTED_FORMS, format_duration, parse_duration
from timeliner.errors import UsageError

AUTO = "auto"
AUTO_MIN_ANCHORS = 3
AUTO_MAX_SPREAD = timedelta(seconds=2)  # interquartile range of the per-anchor differences
AUTO_MIN_CORRECTION = timedelta(milliseconds=500)  # below this, transport latency explains it
_EVIDENCE_SHOWN = 3


def parse_skew_options(values: list[str] | None) -> tuple[tuple[str, str], ...]:
    """``["*nginx*=+2.5s", "auto"]`` → ``(("*nginx*", "+2.5s"), ("*", "auto"))``; bad text is a usage error."""
    rules = []
    for value in values or []:
        if value.strip().lower() == AUTO:
            rules.append(("*", AUTO))
            continue
        glob, sep, amount = value.rpartition("=")
        if not sep or not glob or not amount:
            raise UsageError(f"--skew {value!r}: expected GLOB=DURATION (e.g. '*nginx*=+2.5s') or 'auto'")
        if amount.strip().lower() != AUTO:
            try:
                parse_duration(amount)
            except ValueError:
                raise UsageError(
                    f"--skew {value!r}: {amount!r} is not a duration; {ACCEPTED_FORMS}"
                ) from None
        rules.append((glob, amount.strip().lower() if amount.strip().lower() == AUTO else amount.strip()))
    return tuple(rules)


def manual_skew(path: str, rules: tuple[tuple[str, str], ...]) -> tuple[timedelta, str] | None:
    """(skew, why) from the first ``GLOB=DURATION`` rule matching ``path``; None if none matches."""
    for glob, amount in rules:
        if amount != AUTO and fnmatch.fnmatchcase(path, glob):
            return parse_duration(amount), f"--skew {glob}={amount}"
    return None


def wants_auto(path: str, rules: tuple[tuple[str, str], ...]) -> bool:
    """True when an ``auto`` rule matches ``path`` and no hand-set skew does."""
    return manual_skew(path, rules) is None and any(
        amount == AUTO and fnmatch.fnmatchcase(path, glob) for glob, amount in rules
    )


def signed(delta: timedelta) -> str:
    """``+2.5 s`` / ``-1 min 30 s``: a skew as a report prints it."""
    return ("+" if delta >= timedelta(0) else "") + format_duration(delta)


@dataclass
class SkewEstimate:
    """One estimate of what to add to ``path``'s times, with its evidence."""

    path: str
    method: str  # "shared request ids" or "<format> receipt time"
    reference: str  # the file or clock it is compared with
    correction: timedelta
    anchors: int
    low: timedelta  # smallest and largest per-anchor difference
    high: timedelta
    spread: timedelta  # interquartile range of the differences
    consistent: bool
    evidence: list[str] = field(default_factory=list)
    note: str | None = None
    applied: bool = False

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "method": self.method,
            "reference": self.reference,
            "suggested_skew": signed(self.correction),
            "suggested_skew_s": round(self.correction.total_seconds(), 6),
            "anchors": self.anchors,
            "range_s": [round(self.low.total_seconds(), 6), round(self.high.total_seconds(), 6)],
            "spread_s": round(self.spread.total_seconds(), 6),
            "consistent": self.consistent,
            "applied": self.applied,
            "evidence": self.evidence,
        }
        if self.note:
            out["note"] = self.note
        return out


# The only rows and columns the estimates read: events with a request id or a receipt time.
ANCHOR_COLUMNS = ("file", "source", "line", "ts", "request_id", "received_ts")


def anchor_rows() -> pl.Expr:
    """The rows an estimate can use (the rest of the events only count towards file sizes)."""
    return pl.col("request_id").is_not_null() | pl.col("received_ts").is_not_null()


def estimate_skews(events: pl.DataFrame, sizes: pl.DataFrame | None = None) -> list[SkewEstimate]:
    """Every estimate the events' anchors support (shared request ids, receipt clocks).

    ``sizes`` (``file``, ``len``: events per file) is needed when ``events`` holds only the
    anchor rows; by default the files' sizes are counted in ``events``.
    """
    if sizes is None and "request_id" in events.columns:
        sizes = events.group_by("file").len()
    return [*_from_shared_ids(events, sizes), *_from_receipts(events)]


def _stats(deltas: pl.Expr) -> list[pl.Expr]:
    return [
        deltas.len().alias("n"),
        deltas.median().alias("median"),
        deltas.min().alias("low"),
        deltas.max().alias("high"),
        (deltas.quantile(0.75, "nearest") - deltas.quantile(0.25, "nearest")).alias("iqr"),
    ]


def _id_pairs(events: pl.DataFrame, sizes: pl.DataFrame) -> pl.DataFrame:
    """First sighting of each request id per file, paired with the same id's in a larger file."""
    firsts = (
        events.lazy()  # the query engine reads the four columns used, not a filtered copy of all
        .filter(pl.col("request_id").is_not_null())
        .group_by("file", "request_id")
        .agg(pl.col("ts").min(), pl.col("line").sort_by("ts").first())
        .collect()
    )
    pairs = firsts.join(firsts, on="request_id", suffix="_ref").filter(pl.col("file") != pl.col("file_ref"))
    # Correct the smaller file towards the larger one (the better-attested clock); ties by name.
    pairs = pairs.join(sizes, on="file").join(sizes, left_on="file_ref", right_on="file", suffix="_ref")
    smaller = (pl.col("len") < pl.col("len_ref")) | (
        (pl.col("len") == pl.col("len_ref")) & (pl.col("file") > pl.col("file_ref"))
    )
    return pairs.filter(smaller).with_columns(delta=pl.col("ts_ref") - pl.col("ts")).sort("request_id")


def _from_shared_ids(events: pl.DataFrame, sizes: pl.DataFrame | None) -> list[SkewEstimate]:
    if "request_id" not in events.columns or sizes is None:
        return []
    evidence = pl.format(
        "request id {}: {}:{} vs {}:{}", "request_id", "file", "line", "file_ref", "line_ref"
    )
    grouped = (
        _id_pairs(events, sizes)
        .group_by("file", "file_ref")
        .agg(*_stats(pl.col("delta")), evidence.head(_EVIDENCE_SHOWN).alias("evidence"))
    )
    return [
        _estimate(
            row,
            path=row["file"],
            method="shared request ids",
            reference=row["file_ref"],
            correction=row["median"],
        )
        for row in grouped.sort("file", "file_ref").iter_rows(named=True)
    ]


def _from_receipts(events: pl.DataFrame) -> list[SkewEstimate]:
    if "received_ts" not in events.columns:
        return []
    lags = events.select("file", "source", "line", "ts", "received_ts").filter(
        pl.col("received_ts").is_not_null()
    )
    lags = lags.with_columns(lag=pl.col("received_ts") - pl.col("ts"))
    seconds = pl.col("lag").dt.total_microseconds() / 1e6
    evidence = pl.format("{}:{} received {} s after its time", "file", "line", seconds).sort_by("lag")
    grouped = lags.group_by("file", "source").agg(
        *_stats(pl.col("lag")),
        (pl.col("lag") < timedelta(0)).mean().alias("ahead_share"),
        evidence.head(_EVIDENCE_SHOWN).alias("evidence"),
    )
    return [_receipt_estimate(row) for row in grouped.sort("file").iter_rows(named=True)]


def _receipt_estimate(row: dict[str, Any]) -> SkewEstimate:
    # A receipt before the event's time proves the source's clock runs ahead by at least that much.
    ahead = row["low"] < timedelta(0) and row["ahead_share"] >= 0.9
    estimate = _estimate(
        row,
        path=row["file"],
        method=f"{row['source']} receipt time",
        reference="receipt clock (received_ts)",
        correction=row["low"] if ahead else timedelta(0),
    )
    estimate.consistent = estimate.consistent and ahead
    estimate.note = _receipt_note(row, ahead)
    return estimate


def _receipt_note(row: dict[str, Any], ahead: bool) -> str:
    if ahead:
        return "events were received before they happened: this source's clock runs ahead"
    median = row["median"].total_seconds()
    half_hours = round(median / 1800)
    if half_hours and abs(median - half_hours * 1800) < 60 and row["iqr"] < timedelta(minutes=2):
        return f"receipt lags cluster at {signed(timedelta(seconds=half_hours * 1800))}: the source's zone or clock may be off by that"
    return "no receipt precedes its event: no evidence that this clock runs ahead (lags are transport delay)"


def _estimate(
    row: dict[str, Any], *, path: str, method: str, reference: str, correction: timedelta
) -> SkewEstimate:
    consistent = (
        row["n"] >= AUTO_MIN_ANCHORS
        and row["iqr"] <= AUTO_MAX_SPREAD
        and abs(correction) >= AUTO_MIN_CORRECTION
    )
    return SkewEstimate(
        path=path,
        method=method,
        reference=reference,
        correction=correction,
        anchors=int(row["n"]),
        low=row["low"],
        high=row["high"],
        spread=row["iqr"],
        consistent=consistent,
        evidence=list(row["evidence"]),
    )


def choose_auto(estimates: list[SkewEstimate]) -> dict[str, timedelta]:
    """Per file, the correction ``auto`` applies: the consistent estimates, if they agree within a second."""
    chosen: dict[str, timedelta] = {}
    for path in sorted({e.path for e in estimates if e.consistent}):
        corrections = sorted(e.correction for e in estimates if e.path == path and e.consistent)
        if corrections[-1] - corrections[0] <= timedelta(seconds=1):
            chosen[path] = corrections[len(corrections) // 2]
    return chosen
