"""Fuzzing every registered parser: arbitrary bytes, mutated real lines and made-up JSON documents.

What must hold for any input, through the registry, for every format (even input of another
format, as ``--format`` can force): ``sniff`` returns a score in [0, 1]; ``parse`` returns a
result whose line accounting holds (``units == events + continuations + rejects``) or raises one
of our own errors (an :class:`~timeliner.errors.TimelinerError`, which the pipeline reports as one
line) -- never anything else; and normalizing the result to UTC raises nothing but our errors.

Bounded for CI: a few dozen examples per format and strategy, no deadline; the whole module runs
in well under a minute (``TIMELINER_FUZZ_SCALE`` multiplies the examples for a longer campaign).
Seeds are each format's example and the first lines of every fixture.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from timeliner.errors import TimelinerError
from timeliner.normalize import normalize_file
from timeliner.parsers import Format, all_formats
from timeliner.settings import Settings
from timeliner.sources import SourceFile, source_from_bytes

FORMATS = all_formats()
FIXTURES = Path(__file__).parent / "fixtures"
SEED_LINES = 40  # of each fixture file: enough to carry its structure, small enough to parse fast


def _fixture_seeds() -> list[str]:
    seeds = []
    for path in sorted(FIXTURES.rglob("*")):
        if path.is_file() and not path.name.endswith((".expected.csv", ".rejects.csv")):
            text = path.read_text(encoding="utf-8", errors="replace")
            seeds.append("".join(text.splitlines(keepends=True)[:SEED_LINES]))
    return seeds


SEEDS = [fmt.example + "\n" for fmt in FORMATS] + _fixture_seeds()
# Fragments that break parsers: structure characters, impossible dates, huge and odd numbers, zones.
NASTY = [
    "\x00", "\n", "\r\n", "\r", "\t", "\x1b[31m", "\u2028", "\ufeff", "é", "\U0001f600", "\ud7ff",
    "{", "}", "[", "]", '"', "\\", ":", ",", "=", "-", "+", "|", "/", "%", "$", "@", "<", ">",
    "0", "-1", "99", "9999", "1e308", "-1e308", "NaN", "Infinity", "null", "true", "[]", "{}",
    "99999999999999999999999", "1712568068991", "1700000000000000000000", "-62135596800",
    "2024-02-30", "2023-02-29", "0000-00-00", "9999-12-31T23:59:59.999999999Z", "24:00:00", "23:59:60",
    "+25:00", "-99:99", "Z", "T", " UTC", " CEST", " XYZ", "Jun 31", "Feb 29", "13/45/99",
]  # fmt: skip
JSON_KEYS = [
    "timestamp", "message", "events", "logStreamName", "logGroupName", "ingestionTime", "eventId",
    "dateCreated", "dateReceived", "title", "id", "eventID", "tags", "key", "value", "level", "time",
    "msg", "log", "stream", "@timestamp", "@message", "@logStream", "results", "field", "logEvents",
    "logGroup", "logStream", "messageType", "__REALTIME_TIMESTAMP", "MESSAGE", "_HOSTNAME", "items",
    "kind", "firstTimestamp", "lastTimestamp", "eventTime", "reason", "ts", "event_id", "platform",
    "exception", "values", "stacktrace", "entries", "data", "project", "nextForwardToken", "pid",
]  # fmt: skip
# TIMELINER_FUZZ_SCALE=50 pytest tests/test_fuzz_*.py: a longer campaign on a developer's machine.
SCALE = int(os.environ.get("TIMELINER_FUZZ_SCALE", "1"))
FUZZ_SETTINGS = settings(
    max_examples=10 * SCALE,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)


@st.composite
def mutated_seeds(draw: st.DrawFn) -> str:
    """A real input with a few edits: cut, insert, delete, repeat, swap and digit changes."""
    text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(1, 4))):
        where = draw(st.integers(0, len(text)))
        edit = draw(st.sampled_from(["insert", "delete", "cut", "repeat", "digit", "swap"]))
        if edit == "insert":
            text = text[:where] + draw(st.sampled_from(NASTY) | st.text(max_size=8)) + text[where:]
        elif edit == "delete":
            text = text[:where] + text[where + draw(st.integers(1, 20)) :]
        elif edit == "cut":
            text = text[:where]
        elif edit == "repeat":
            text = text[:where] + text[where : where + 200] * draw(st.integers(2, 30)) + text[where:]
        elif edit == "digit":
            digits = [i for i, ch in enumerate(text) if ch.isdigit()]
            if digits:
                at = draw(st.sampled_from(digits))
                text = text[:at] + draw(st.sampled_from("0123456789")) + text[at + 1 :]
        else:
            lines = text.splitlines(keepends=True)
            if len(lines) > 1:
                i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
                lines[i], lines[j] = lines[j], lines[i]
                text = "".join(lines)
    return text


SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
    | st.sampled_from(NASTY)
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(JSON_KEYS) | st.text(max_size=6), children, max_size=6)
    ),
    max_leaves=25,
)


@st.composite
def json_documents(draw: st.DrawFn) -> str:
    """Made-up JSON with the keys real exports use: one document, several, or JSON lines."""
    docs: list[Any] = draw(st.lists(JSON_VALUES, min_size=1, max_size=4))
    joiner = draw(st.sampled_from(["\n", "", "\n\n", ",\n"]))
    return joiner.join(json.dumps(doc, indent=draw(st.sampled_from([None, 2]))) for doc in docs)


def check_parser(fmt: Format, source: SourceFile) -> None:
    """The properties every parser keeps, whatever it is given."""
    score = fmt.sniff(source.head)
    assert 0.0 <= float(score) <= 1.0, (fmt.name, score)
    try:
        result = fmt.parse(source)
    except TimelinerError:
        return  # our own error: the pipeline turns it into one line naming the file
    units = result.events.height + result.continuations + result.rejects.height
    assert result.units == units, (fmt.name, result.units, units)
    try:
        normalize_file(
            result.events, path=source.path, source=fmt.name, settings=Settings(), yearless=result.yearless
        )
    except TimelinerError:
        return


def text_source(text: str) -> SourceFile:
    return SourceFile(path="fuzz/input.log", text=text, encoding="utf-8")


@pytest.mark.parametrize("fmt", FORMATS, ids=[f.name for f in FORMATS])
@FUZZ_SETTINGS
@given(text=st.text(max_size=400))
def test_arbitrary_text(fmt: Format, text: str) -> None:
    check_parser(fmt, text_source(text))


@pytest.mark.parametrize("fmt", FORMATS, ids=[f.name for f in FORMATS])
@FUZZ_SETTINGS
@given(
    raw=st.binary(max_size=400)
    | st.sampled_from([b"\x1f\x8b\x08\x00", b"\xff\xfe{\x00", b"\xef\xbb\xbf\x00"])
)
def test_arbitrary_bytes_as_read_from_disk(fmt: Format, raw: bytes) -> None:
    check_parser(fmt, source_from_bytes("fuzz/input.bin", raw))


@pytest.mark.parametrize("fmt", FORMATS, ids=[f.name for f in FORMATS])
@settings(FUZZ_SETTINGS, max_examples=25 * SCALE)
@given(text=mutated_seeds())
def test_mutated_real_input(fmt: Format, text: str) -> None:
    check_parser(fmt, text_source(text))


@pytest.mark.parametrize("fmt", FORMATS, ids=[f.name for f in FORMATS])
@settings(FUZZ_SETTINGS, max_examples=15 * SCALE)
@given(text=json_documents())
def test_made_up_json_documents(fmt: Format, text: str) -> None:
    check_parser(fmt, text_source(text))


def test_the_seed_corpus_is_real() -> None:
    # Guard the fuzzing itself: without fixtures the mutations would start from examples only.
    assert len(SEEDS) > len(FORMATS) + 20
    assert pl.Series(SEEDS).str.len_chars().sum() > 20_000
