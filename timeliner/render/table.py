"""Tables on disk: ``timeline.csv``, ``rejects.csv`` and ``events.parquet``.

CSV files are opened by people in spreadsheets, and a spreadsheet runs a cell that starts with
``=``, ``+``, ``-`` or ``@`` (or a tab / carriage return followed by one) as a formula. Log text is
attacker-controlled, so by default such cells get a leading apostrophe ``'`` -- the spreadsheet
convention for "this is text" (OWASP, CSV injection). ``raw_formulas=True`` writes them unchanged,
for tools that read the CSV as data. Only text columns are touched; numbers and times never start
with those characters in our output.

Every file is written to a temporary file and renamed into place (see :mod:`._files`).
"""

from __future__ import annotations

import os

import polars as pl

from timeliner.render._files import write_atomically
from timeliner.schema import REJECT_SCHEMA, TIMELINE_SCHEMA, conform_timeline

# ISO 8601, UTC, millisecond precision, "Z": what the contract promises for start/end.
CSV_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S%.3fZ"

# The characters a spreadsheet treats as the start of a formula (tab and CR are OWASP's additions:
# some spreadsheets strip them and then see the formula behind them).
FORMULA_START = r"^[=+\-@\t\r]"

TIMELINE_CSV_COLUMNS = list(TIMELINE_SCHEMA)


def neutralize_formulas(column: str) -> pl.Expr:
    """Prefix ``'`` to the cells of a text column that a spreadsheet would run as a formula.

    Examples
    --------
    >>> pl.DataFrame({"t": ["=1+2", "ok", "-x"]}).select(neutralize_formulas("t"))["t"].to_list()
    ["'=1+2", 'ok', "'-x"]
    """
    cell = pl.col(column)
    return pl.when(cell.str.contains(FORMULA_START)).then(pl.lit("'") + cell).otherwise(cell).alias(column)


def _text_cells(frame: pl.DataFrame, *, raw_formulas: bool) -> pl.DataFrame:
    if raw_formulas:
        return frame
    text_columns = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    return frame.with_columns(neutralize_formulas(name) for name in text_columns)


def timeline_csv_frame(timeline: pl.DataFrame, *, raw_formulas: bool = False) -> pl.DataFrame:
    """The exact cells of ``timeline.csv``: contract columns, times as text, sorted by start."""
    rows = conform_timeline(timeline).with_columns(pl.col("end").fill_null(pl.col("start")))
    rows = _text_cells(rows, raw_formulas=raw_formulas)
    return rows.with_columns(
        pl.col("start").dt.strftime(CSV_TIME_FORMAT),
        pl.col("end").dt.strftime(CSV_TIME_FORMAT),
    ).select(TIMELINE_CSV_COLUMNS)


def write_timeline_csv(
    timeline: pl.DataFrame, path: str | os.PathLike[str], *, raw_formulas: bool = False
) -> None:
    """Write the timeline as ``timeline.csv``: one row per timeline row, sorted by ``start``.

    Columns: ``start, end, kind, service, count, summary, evidence, severity, incident``; times
    are UTC with millisecond precision and ``Z`` (``2022-03-01T12:14:50.123Z``); ``end`` equals
    ``start`` for a point; a missing value is an empty cell. Text cells that a spreadsheet would
    run as a formula get a leading ``'`` unless ``raw_formulas`` is true.

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> t = datetime(2022, 3, 1, 12, 14, 50, 123000, tzinfo=timezone.utc)
    >>> rows = pl.DataFrame({"start": [t], "end": [t], "kind": ["restart"], "summary": ["=cmd"],
    ...                      "evidence": ["app.log:3"]})
    >>> timeline_csv_frame(rows).select("start", "summary").row(0)
    ('2022-03-01T12:14:50.123Z', "'=cmd")
    """
    cells = timeline_csv_frame(timeline, raw_formulas=raw_formulas)
    write_atomically(path, cells.write_csv)


def write_rejects_csv(
    rejects: pl.DataFrame, path: str | os.PathLike[str], *, raw_formulas: bool = False
) -> None:
    """Write rejected input lines as ``rejects.csv`` (``file,line,reason,text``), in input order.

    The rejected text is the most hostile cell we write, so it gets the same formula
    neutralization as ``timeline.csv`` unless ``raw_formulas`` is true.
    """
    missing = [name for name in REJECT_SCHEMA if name not in rejects.columns]
    if missing:
        raise ValueError(f"rejects frame lacks column(s) {missing}; has {rejects.columns}")
    cells = rejects.select(pl.col(name).cast(dtype) for name, dtype in REJECT_SCHEMA.items())
    write_atomically(path, _text_cells(cells, raw_formulas=raw_formulas).write_csv)


def write_events_parquet(events: pl.DataFrame, path: str | os.PathLike[str]) -> None:
    """Write every event to ``events.parquet``, sorted by ``ts`` (ties keep their input order).

    All columns of ``events`` are kept as they are: the Parquet file is data, not a display, so
    nothing is neutralized or truncated.
    """
    in_order = events.get_column("ts").is_sorted(nulls_last=True)
    # A build's events arrive sorted; sorting again would copy every column of every event.
    ordered = events if in_order else events.sort("ts", maintain_order=True, nulls_last=True)
    write_atomically(path, ordered.write_parquet)
