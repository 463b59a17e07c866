"""Shared machinery for JSON document exports (CloudWatch, Sentry): load, find records, account.

Exports are one JSON document, or several concatenated (``aws logs ... --no-paginate`` pages
saved one after another). Records are numbered 1-based across the whole file, which is what
``line`` means for JSON documents (contract).
"""

from __future__ import annotations

import json
from typing import Any

import orjson
import polars as pl

from timeliner.errors import InputFileError


def load_documents(text: str, path: str) -> list[Any]:
    """All JSON documents in ``text`` (one, or several written one after another)."""
    try:
        return [orjson.loads(text)]
    except orjson.JSONDecodeError:
        pass
    decoder = json.JSONDecoder()
    docs: list[Any] = []
    pos, end = 0, len(text)
    while pos < end:
        while pos < end and text[pos].isspace():
            pos += 1
        if pos >= end:
            break
        try:
            doc, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            raise InputFileError(
                path,
                f"is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})",
                "re-export it, or check whether the download was cut off",
            ) from None
        docs.append(doc)
    return docs


def records_under(docs: list[Any], keys: tuple[str, ...]) -> list[Any]:
    """Concatenate the record lists of every document: a top-level list, or the list under one of ``keys``."""
    records: list[Any] = []
    for doc in docs:
        if isinstance(doc, list):
            records.extend(doc)
        elif isinstance(doc, dict):
            for key in keys:
                if isinstance(doc.get(key), list):
                    records.extend(doc[key])
                    break
            else:
                records.append(doc)  # a single record document (e.g. one Sentry event)
    return records


def split_records(records: list[Any], required: tuple[str, ...]) -> tuple[list[dict[str, Any]], pl.DataFrame]:
    """Keep records that are objects with the ``required`` keys; the rest become rejects.

    Each kept record gets ``_line`` (its 1-based index in the file).
    """
    kept: list[dict[str, Any]] = []
    bad_lines: list[int] = []
    bad_reasons: list[str] = []
    bad_texts: list[str] = []
    for index, record in enumerate(records, start=1):
        missing = [k for k in required if not isinstance(record, dict) or record.get(k) is None]
        if missing:
            bad_lines.append(index)
            bad_reasons.append(f"record has no {' / '.join(missing)}")
            # json, not orjson: it also writes integers beyond 64 bits, which json.loads accepted.
            bad_texts.append(json.dumps(record, default=str, ensure_ascii=False)[:500])
        else:
            kept.append({**record, "_line": index})
    rejects = pl.DataFrame(
        {"line": bad_lines, "reason": bad_reasons, "text": bad_texts},
        schema={"line": pl.Int64, "reason": pl.String, "text": pl.String},
    )
    return kept, rejects
