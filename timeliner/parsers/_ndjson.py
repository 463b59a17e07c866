"""Shared machinery for one-JSON-object-per-line formats (JSON lines, docker json-file, journalctl -o json).

Fields are read with ``str.json_path_match``, one vectorized pass per candidate path, rather
than ``str.json_decode`` with a schema: a decode with a schema aborts the whole file when one
record has an object where a string was expected (``"host": {"name": ...}``) or one line is cut
off, and it keeps the *first* of duplicate keys where every JSON reader keeps the last (pino
writes ``"msg"`` twice). A path that does not match, or a line that is not valid JSON, is null.

Each path costs one pass over the file, and a format may know dozens of spellings
(``msg``/``message``/``event``...). :func:`read_fields` therefore first looks, in a sample of
the file's records, for the spellings this file actually uses and reads only those; records the
sample did not foresee (no time found) are read again with every spelling.

Lines that are not records are accounted for like text lines: a line that starts with ``{`` but
is no usable record is a reject (with the reason), any other non-blank line (a raw stack trace
a crashing program printed between its JSON lines) continues the record above it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

import orjson
import polars as pl

from timeliner.parsers._lines import assemble

TRUNCATED = "not valid JSON (cut off or damaged)"
SAMPLE_RECORDS = 1000

# A field's location: keys from the top of the record, ("err", "stack") for err.stack. A key may
# itself hold dots (ECS flattened "log.level" is one key).
Path = tuple[str, ...]


def jsonpath(path: Path) -> str:
    return "$" + "".join(f"['{key}']" for key in path)


def json_field(paths: Sequence[Path]) -> pl.Expr:
    """The first of ``paths`` present in each line (as text), null when none is or the line is not JSON."""
    values = [pl.col("text").str.json_path_match(jsonpath(p)) for p in paths]
    return pl.coalesce(values) if values else pl.lit(None, dtype=pl.String)


def _scalar(column: str) -> pl.Expr:
    # An object or array where a name or time was expected (``"host": {...}``) is not one.
    value = pl.col(column)
    return pl.when(~value.str.starts_with("{") & ~value.str.starts_with("[")).then(value)


def _read(frame: pl.DataFrame, paths: Mapping[str, Sequence[Path]], texts: Collection[str]) -> pl.DataFrame:
    # Each path is matched once into its own column, then filtered and coalesced (an expression
    # that used the match three times would parse every line three times).
    raw = {f"__{name}_{i}": p for name, options in paths.items() for i, p in enumerate(options)}
    frame = frame.with_columns(**{column: json_field([p]) for column, p in raw.items()})
    columns = {
        name: pl.coalesce(
            [
                pl.col(f"__{name}_{i}") if name in texts else _scalar(f"__{name}_{i}")
                for i in range(len(options))
            ]
        )
        if options
        else pl.lit(None, dtype=pl.String)
        for name, options in paths.items()
    }
    return frame.with_columns(**columns).drop(*raw)


def sample_records(text: pl.Series, limit: int = SAMPLE_RECORDS) -> list[dict[str, object]]:
    """Up to ``limit`` records spread evenly over the file (decoded one by one: a sample, not the bulk)."""
    candidates = text.filter(text.str.strip_chars_start().str.starts_with("{"))
    step = max(1, len(candidates) // limit)
    records = []
    for line in candidates.gather_every(step).to_list():
        try:
            value = orjson.loads(line)
        except orjson.JSONDecodeError:
            continue
        if isinstance(value, dict):
            records.append(value)
    return records


def _has(record: object, path: Path) -> bool:
    for key in path:
        if not isinstance(record, dict) or key not in record:
            return False
        record = record[key]
    return True


def read_fields(
    frame: pl.DataFrame, paths: Mapping[str, Sequence[Path]], *, required: str, texts: Collection[str] = ()
) -> pl.DataFrame:
    """Add one text column per entry of ``paths``, reading only the spellings a sample of the file uses.

    Objects and arrays are skipped: a ``host`` that is an object is no host name (list its
    ``("host", "name")`` path instead). Columns named in ``texts`` are exempt: the match cannot
    tell a string that starts with ``{`` (JSON logged inside JSON) from an object, and for a
    message either is fine.

    Rows where the ``required`` column came out null although the line is an object are read
    again with every spelling, so a record unlike the sample is not lost.
    """
    sample = sample_records(frame["text"])
    chosen = {
        name: [p for p in options if any(_has(r, p) for r in sample)] for name, options in paths.items()
    }
    out = _read(frame, chosen, texts)
    missed = out[required].is_null() & out.select(looks_like_record()).to_series()
    if chosen == paths or not missed.any():
        return out
    again = _read(out.filter(missed), paths, texts)
    return pl.concat([out.filter(~missed), again]).sort("line")


def looks_like_record() -> pl.Expr:
    return pl.col("text").str.strip_chars_start().str.starts_with("{")


def assemble_records(
    frame: pl.DataFrame, *, is_record: pl.Expr, missing_reason: str
) -> tuple[pl.DataFrame, pl.DataFrame, int]:
    """Group JSON-lines rows into events; reject object lines that are damaged or lack what a record needs."""
    heads, rejects, continuations = assemble(
        frame,
        is_start=is_record,
        is_broken=looks_like_record() & ~is_record.fill_null(False),
        broken_reason=missing_reason,
    )
    broken = rejects.filter(pl.col("reason") == missing_reason)
    if broken.height:
        # Only the few broken lines are parsed again, to tell damage from a record without the field.
        damaged = broken.select("line", _valid=pl.col("text").str.json_path_match("$").is_not_null())
        rejects = (
            rejects.join(damaged, on="line", how="left")
            .with_columns(reason=pl.when(~pl.col("_valid")).then(pl.lit(TRUNCATED)).otherwise("reason"))
            .drop("_valid")
        )
    return heads, rejects, continuations
