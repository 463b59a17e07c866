"""Record-oriented JSON exports read robustly: damaged documents salvaged, records → string columns.

Used by the CloudWatch and Sentry parsers on top of :mod:`timeliner.parsers._json`. An export
that is valid JSON is read whole. One that is not (a download cut off in the middle of the last
record, a stray byte inside one record) is *salvaged*: every record that still decodes on its
own is kept, and each damaged stretch between them becomes one reject whose reason names the
file line where it starts. Records are numbered 1-based in file order, damaged stretches
included, which is what ``line`` means for JSON records.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import orjson
import polars as pl

from timeliner import slowpaths
from timeliner.errors import InputFileError
from timeliner.parsers._json import load_documents, records_under
from timeliner.parsers._registry import ParseResult
from timeliner.schema import REJECT_TEXT_LIMIT
from timeliner.sources import SourceFile

REJECT_COLUMNS = pl.Schema({"line": pl.Int64(), "reason": pl.String(), "text": pl.String()})


@dataclass
class RecordSet:
    """The records of one file, numbered, with the parts that could not be read."""

    records: list[dict[str, Any]]  # each with "_line": its 1-based position among the file's units
    rejects: pl.DataFrame  # line, reason, text
    units: int
    notes: list[str] = field(default_factory=list)

    def result(
        self, events: pl.DataFrame, bad: pl.DataFrame, *, more_notes: Iterable[str] = ()
    ) -> ParseResult:
        """The file's :class:`ParseResult`: ``events``, with ``bad`` (records that did not convert) as rejects."""
        rejects = pl.concat([self.rejects, bad.cast(REJECT_COLUMNS)]).sort("line")
        notes = [*self.notes, *more_notes]
        return ParseResult(events=events, rejects=rejects, units=self.units, unit="record", notes=notes)


def read_records(
    source: SourceFile,
    *,
    keys: tuple[str, ...],
    is_record: Callable[[Any], bool],
    record_hint: str,
    what: str = "record",
    opener: str = r"\{",
    convert: Callable[[Any], dict[str, Any] | None] | None = None,
) -> RecordSet:
    """All records of a JSON export: the lists under ``keys`` of every document, else the documents.

    ``is_record`` tells a record from a wrapper or a nested object when the file has to be
    salvaged; ``record_hint`` is a regex that only a record's text contains (e.g. its
    timestamp key), so that a damaged stretch is told from wrapper text such as ``"nextToken"``;
    ``opener`` is a regex for the character a record starts with. ``convert`` turns an item
    into a record dict (None: not a record, rejected); by default items must be JSON objects.
    """
    to_dict = convert or _object_only
    try:
        items = records_under(load_documents(source.text, source.path), keys)
    except InputFileError as damage:
        return _salvaged(source, damage, is_record, re.compile(record_hint), what, opener, to_dict)
    return _numbered(list(enumerate(items, start=1)), [], what, to_dict, units=len(items))


def _object_only(item: Any) -> dict[str, Any] | None:
    return item if isinstance(item, dict) else None


def _numbered(
    items: list[tuple[int, Any]],
    bad: list[tuple[int, str, str]],
    what: str,
    to_dict: Callable[[Any], dict[str, Any] | None],
    *,
    units: int,
) -> RecordSet:
    records: list[dict[str, Any]] = []
    for line, item in items:
        record = to_dict(item)
        if record is not None:
            # Numbered in place when the record is the decoded object itself (it is ours; a copy
            # of every record costs more than the decode): a converted record is a new dict anyway.
            record["_line"] = line
            records.append(record)
        else:
            bad.append((line, f"{what} {line} is not a {what} (it is {_json_kind(item)})", dumps(item)))
    bad.sort()
    rejects = pl.DataFrame(
        {"line": [b[0] for b in bad], "reason": [b[1] for b in bad], "text": [b[2] for b in bad]},
        schema=REJECT_COLUMNS,
    )
    return RecordSet(records=records, rejects=rejects, units=units)


def _json_kind(value: Any) -> str:
    if isinstance(value, dict):
        return "an object of another shape"
    kinds = ((bool, "true/false"), (str, "a string"), (int | float, "a number"), (list, "an array"))
    return next((name for kind, name in kinds if isinstance(value, kind)), "null")


def _salvaged(
    source: SourceFile,
    damage: InputFileError,
    is_record: Callable[[Any], bool],
    hint: re.Pattern[str],
    what: str,
    opener: str,
    to_dict: Callable[[Any], dict[str, Any] | None],
) -> RecordSet:
    pieces = list(_scan(source.text, is_record, hint, opener))
    if not any(kind == "record" for _, kind, _ in pieces):
        raise damage
    items: list[tuple[int, Any]] = []
    bad: list[tuple[int, str, str]] = []
    for number, (offset, kind, value) in enumerate(pieces, start=1):
        if kind == "record":
            items.append((number, value))
        else:
            file_line = source.text.count("\n", 0, offset) + 1
            bad.append(
                (
                    number,
                    f"damaged JSON from file line {file_line} ({value[1]}); the {what}s around it were kept",
                    value[0],
                )
            )
    result = _numbered(items, bad, what, to_dict, units=len(pieces))
    result.notes.append(
        f"not valid JSON as a whole ({damage.reason.removeprefix('is not valid JSON ')}); "
        f"kept {len(items)} {what}s that decode on their own, rejected {len(bad)} damaged part(s)"
    )
    return result


def _scan(
    text: str, is_record: Callable[[Any], bool], hint: re.Pattern[str], opener: str
) -> Iterable[tuple[int, str, Any]]:
    """Yield (offset, "record", obj) for each decodable record and (offset, "damaged", (text, why)) between."""
    decoder = json.JSONDecoder()
    done = 0  # end of the last record kept: openers before it are inside that record
    for match in re.finditer(opener, text):
        start = match.start()
        if start < done:
            continue
        try:
            obj, end = decoder.raw_decode(text, start)
        except json.JSONDecodeError:
            continue
        if not is_record(obj):
            continue  # a wrapper that decoded whole, or an object nested in a damaged record
        yield from _damage(text, done, start, hint, opener, decoder)
        yield start, "record", obj
        done = end
    yield from _damage(text, done, len(text), hint, opener, decoder)


def _damage(
    text: str, begin: int, end: int, hint: re.Pattern[str], opener: str, decoder: json.JSONDecoder
) -> Iterable[tuple[int, str, Any]]:
    found = hint.search(text, begin, end)
    if not found:
        return  # only wrapper text between two records: brackets, commas, "nextToken": ...
    # The damaged record starts at the last opener before its key that does not decode: a wrapper
    # around it fails too but comes earlier; intact objects nested in it decode and are passed over.
    offset, why = begin, "not a complete record"
    for match in re.finditer(opener, text[begin : found.start()]):
        at = begin + match.start()
        try:
            decoder.raw_decode(text, at)
        except json.JSONDecodeError as exc:
            cut = exc.pos >= len(text.rstrip())
            offset, why = (
                at,
                "cut off at the end of the file"
                if cut
                else f"{exc.msg.removesuffix(' at')} at file line {exc.lineno}",
            )
    snippet = text[offset:end].strip()
    yield offset, "damaged", (snippet[:REJECT_TEXT_LIMIT], why)


def dumps(value: Any) -> str:
    """Compact JSON text of a value, for reject texts and for nested values kept as strings."""
    try:
        return orjson.dumps(value, default=str).decode("utf-8", "replace")
    except TypeError:  # an integer beyond 64 bits: the json module reads those, orjson cannot write them
        return json.dumps(value, default=str, ensure_ascii=False)


def as_text(value: Any) -> str | None:
    """A JSON value as a string column entry: strings as they are, numbers as written, objects as JSON."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return dumps(value)


def string_frame(records: list[dict[str, Any]], columns: dict[str, str]) -> pl.DataFrame:
    """A String column per ``columns`` item (output name → record key), plus ``_line`` (Int64).

    Every value is kept as text so that one record with an odd type (a string timestamp, an
    object where a message was expected) cannot stop the whole file; callers cast afterwards.
    """
    data: dict[str, pl.Series] = {"_line": pl.Series([r["_line"] for r in records], dtype=pl.Int64)}
    for name, key in columns.items():
        data[name] = _text_column([r.get(key) for r in records])
    return pl.DataFrame(data, schema={"_line": pl.Int64, **dict.fromkeys(columns, pl.String)})


def _text_column(values: list[Any]) -> pl.Series:
    """Values as text, as :func:`as_text` writes them: polars converts a column of one plain type at once."""
    kinds = set(map(type, values)) - {type(None)}
    # Strings, whole numbers and true/false, one kind per column, convert exactly as as_text writes
    # them (bool is an int to Python, so the kinds are told apart first); floats, objects and
    # columns of mixed types are written value by value.
    if len(kinds) <= 1 and kinds <= {str, int, bool}:
        dtype = {str: pl.String, int: pl.Int64, bool: pl.Boolean}.get(next(iter(kinds), str), pl.String)
        try:
            return pl.Series(values, dtype=dtype, strict=True).cast(pl.String)
        except (TypeError, OverflowError, pl.exceptions.PolarsError):
            pass  # a whole number beyond 64 bits
    slowpaths.count("json record values written one by one", len(values))
    return pl.Series([as_text(v) for v in values], dtype=pl.String)
