"""CSV exports read row by row, with each row's physical line: for Insights and Sentry downloads.

Quoted fields may hold newlines (a multi-line log message), so a row's ``line`` is where it
starts in the file, which is what ``file:line`` evidence needs. Python's C ``csv`` reader
does the splitting (RFC 4180 quoting, CRLF or LF); results are handed to polars as columns.
"""

from __future__ import annotations

import csv
import io
import sys

import polars as pl


def read_csv_rows(text: str) -> tuple[list[str], list[tuple[int, list[str]]], list[tuple[int, str, str]]]:
    """(header, [(physical line, fields)], [(line, reason, text)]) of an RFC 4180 CSV text.

    A row whose field count differs from the header's is rejected, and so is a last row cut
    off inside a quoted field (the file ends with a quote still open); a CSV error rejects the
    rest of the file as one unit.
    """
    csv.field_size_limit(sys.maxsize)
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    header: list[str] = []
    rows: list[tuple[int, list[str]]] = []
    bad: list[tuple[int, str, str]] = []
    start = 1
    try:
        for fields in reader:
            if not fields:
                pass  # a blank line: not a row
            elif not header:
                header = [name.strip() for name in fields]
            elif len(fields) == len(header):
                rows.append((start, fields))
            else:
                reason = (
                    f"row has {len(fields)} fields but the header names {len(header)} ({','.join(header)})"
                )
                bad.append((start, reason, ",".join(fields)))
            start = reader.line_num + 1
    except csv.Error as exc:
        rest = "\n".join(text.splitlines()[start - 1 :])
        bad.append((start, f"CSV is broken from here on ({exc}); is the file cut off?", rest))
    if rows and text.count('"') % 2:
        line, fields = rows.pop()
        bad.append((line, "cut off: the file ends inside a quoted field of this row", ",".join(fields)))
    return header, rows, bad


def rows_frame(header: list[str], rows: list[tuple[int, list[str]]]) -> pl.DataFrame:
    """Rows as a frame: ``_line`` (Int64) and one String column per header name (repeats made unique)."""
    names: list[str] = []
    for name in header:
        names.append(name if name not in names else f"{name}_{len(names)}")
    data = {"_line": [r[0] for r in rows], **{name: [r[1][i] for r in rows] for i, name in enumerate(names)}}
    return pl.DataFrame(data, schema={"_line": pl.Int64, **dict.fromkeys(names, pl.String)})
