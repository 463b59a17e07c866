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

import re
from collections.abc import Collection, Mapping, Sequence
from typing import Any

import orjson
import polars as pl

from timeliner.fileindex import FILE_INDEX
from timeliner.parsers._lines import assemble

TRUNCATED = "not valid JSON (cut off or damaged)"
DECODE_BATCH = 65_536  # lines decoded at once; a batch that cannot be decoded is read path by path
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
    frame = frame.with_columns(**_decoded(frame["text"], raw))
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


def _decoded(text: pl.Series, raw: Mapping[str, Path]) -> dict[str, pl.Series]:
    """One column per path, as ``json_field`` reads it, with one JSON decode per line where possible.

    ``str.json_decode`` with a struct of the wanted paths reads a line once instead of once per
    path. It is used batch by batch; a batch where it cannot be used (a damaged line, an object
    where text was expected) and lines that repeat a wanted key (the decode keeps the first, every
    JSON reader the last) are read path by path as before.
    """
    tree = _struct_of(list(raw.values()))
    parts: list[pl.DataFrame] = []
    for start in range(0, len(text), DECODE_BATCH):
        batch = text.slice(start, DECODE_BATCH).to_frame("text")
        fast = None if tree is None else _decode_batch(batch, tree, raw)
        if fast is None:
            parts.append(batch.select(**{c: json_field([p]) for c, p in raw.items()}))
            continue
        redo = _may_repeat_a_key(batch.get_column("text"), fast, raw)
        if redo.any():
            exact = batch.select(**{c: pl.when(redo).then(json_field([p])) for c, p in raw.items()})
            fast = fast.select(pl.when(redo).then(exact[c]).otherwise(pl.col(c)).alias(c) for c in raw)
        parts.append(fast)
    frame = pl.concat(parts) if parts else pl.DataFrame(schema=dict.fromkeys(raw, pl.String))
    return {column: frame[column] for column in raw}


def _struct_of(paths: list[Path]) -> pl.Struct | None:
    """A struct dtype holding every path as a String leaf; None when one path is inside another."""
    tree: dict[str, Any] = {}
    for path in paths:
        node = tree
        for key in path[:-1]:
            node = node.setdefault(key, {})
            if not isinstance(node, dict):
                return None
        if path[-1] in node:
            return None
        node[path[-1]] = pl.String
    return _dtype(tree)


def _dtype(tree: dict[str, Any]) -> pl.Struct:
    return pl.Struct(
        {key: _dtype(value) if isinstance(value, dict) else value for key, value in tree.items()}
    )


def _may_repeat_a_key(text: pl.Series, decoded: pl.DataFrame, raw: Mapping[str, Path]) -> pl.Series:
    """Lines that may hold a wanted key twice: more ``"key":`` mentions than wanted keys decoded.

    Every key of a decoded value is mentioned at least once, so a repeated key always shows as a
    surplus. A surplus that is no repeat (a key nested in another object, a value ``"msg":``
    inside a string, a key whose value is null) only sends the line to the exact reader.
    """
    keys = sorted({key for path in raw.values() for key in path})
    if not keys:
        return pl.repeat(False, text.len(), eager=True)
    mentions = text.str.count_matches('"(?:' + "|".join(map(re.escape, keys)) + r')"\s*:')
    present = [
        pl.any_horizontal([pl.col(c).is_not_null() for c, path in raw.items() if key in path]).cast(pl.UInt32)
        for key in keys
    ]
    return mentions > decoded.select(pl.sum_horizontal(present)).to_series()


def _decode_batch(batch: pl.DataFrame, tree: pl.Struct, raw: Mapping[str, Path]) -> pl.DataFrame | None:
    record = pl.col("text").str.strip_chars_start().str.starts_with("{")
    try:
        decoded = batch.select(pl.when(record).then(pl.col("text")).str.json_decode(tree).alias("_d"))
    except pl.exceptions.PolarsError:
        return None
    if decoded.height != batch.height:
        return None  # a line holding two JSON values ("{...}, null") decodes to two rows: read per path
    columns = {}
    for column, path in raw.items():
        field = pl.col("_d")
        for key in path:
            field = field.struct.field(key)
        columns[column] = field
    return decoded.select(**columns)


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

    The lines of a batch of files (column ``FILE_INDEX``) are sampled file by file, as each file
    alone would be, and the files that use the same spellings are read together.
    """
    if FILE_INDEX not in frame.columns:
        return _read_chosen(frame, paths, _spellings(sample_records(frame["text"]), paths), required, texts)
    by_spellings: dict[tuple[tuple[Path, ...], ...], tuple[dict[str, list[Path]], list[int]]] = {}
    for index, sample in _samples_by_file(frame).items():
        chosen = _spellings(sample, paths)
        by_spellings.setdefault(tuple(map(tuple, chosen.values())), (chosen, []))[1].append(index)
    if len(by_spellings) == 1:
        chosen = next(iter(by_spellings.values()))[0]
        return _read_chosen(frame, paths, chosen, required, texts)
    parts = [
        _read_chosen(frame.filter(pl.col(FILE_INDEX).is_in(files)), paths, chosen, required, texts)
        for chosen, files in by_spellings.values()
    ]
    return pl.concat(parts).sort("line")


def _spellings(sample: list[dict[str, object]], paths: Mapping[str, Sequence[Path]]) -> dict[str, list[Path]]:
    """The paths of each field that at least one sampled record has."""
    keys = set().union(*(record.keys() for record in sample))

    def present(path: Path) -> bool:
        if path[0] not in keys:
            return False
        return len(path) == 1 or any(_has(record, path) for record in sample if path[0] in record)

    return {name: [p for p in options if present(p)] for name, options in paths.items()}


def _samples_by_file(frame: pl.DataFrame) -> dict[int, list[dict[str, object]]]:
    """:func:`sample_records` of each file of a batch (every file of the batch has an entry)."""
    candidates = frame.lazy().select(FILE_INDEX, "text").filter(looks_like_record())
    step = pl.max_horizontal(pl.lit(1), pl.len().over(FILE_INDEX) // SAMPLE_RECORDS)
    picked = candidates.filter(pl.int_range(pl.len()).over(FILE_INDEX) % step == 0).collect()
    samples: dict[int, list[dict[str, object]]] = {int(i): [] for i in frame[FILE_INDEX].unique()}
    for index, line in picked.iter_rows():
        try:
            value = orjson.loads(line)
        except orjson.JSONDecodeError:
            continue
        if isinstance(value, dict):
            samples[index].append(value)
    return samples


def _read_chosen(
    frame: pl.DataFrame,
    paths: Mapping[str, Sequence[Path]],
    chosen: dict[str, list[Path]],
    required: str,
    texts: Collection[str],
) -> pl.DataFrame:
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
