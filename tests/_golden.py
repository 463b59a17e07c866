"""Golden parser fixtures: an input log beside the events we expect from it, written and checked by hand.

A case is ``tests/fixtures/<family>/<name>.<ext>`` (the input, any extension) with
``<name>.expected.csv`` beside it::

    # format: syslog
    line,ts,service,level,message,lines
    1,2000-06-14T15:16:01,combo/sshd,,authentication failure; logname= uid=0,1

* the ``# format:`` comment names the format detection must choose (and the parser used);
* ``ts`` is ISO 8601: with ``Z`` when the text fixed the instant (``ts_utc``), without when it is
  wall-clock time (``ts_local``; year 2000 = the placeholder of yearless formats); fractions are
  written with 3 digits (ms) or 6 (µs), none when zero;
* ``level`` is the level as written (``level_raw``), ``message`` the first line of the event's
  message, ``lines`` how many lines the message has (continuations joined);
* optional ``<name>.rejects.csv`` (``line,reason``) lists the lines we expect rejected; without
  it, none are. Every case also checks the line-accounting identity.

Like jc's ``tests/fixtures``: adding a case is adding two files.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from timeliner.parsers import detect_format, get_format
from timeliner.parsers._registry import ParseResult
from timeliner.sources import SourceFile, read_source

FIXTURES = Path(__file__).parent / "fixtures"
COLUMNS = ["line", "ts", "service", "level", "message", "lines"]


@dataclass(frozen=True)
class GoldenCase:
    input: Path
    expected: Path

    def __str__(self) -> str:
        return str(self.input.relative_to(FIXTURES))


def golden_cases(family: str) -> list[GoldenCase]:
    """Every ``<name>.expected.csv`` under ``tests/fixtures/<family>/`` with its input file.

    The input is ``<name>.<ext>`` beside it, or the path a ``# input: <relative path>`` line
    names (for cases where the folder and file name are the point, like ``nginx/error.log``).
    """
    folder = FIXTURES / family
    cases = []
    for expected in sorted(folder.glob("*.expected.csv")):
        named = _read_csv(expected)[0].get("input")
        if named:
            cases.append(GoldenCase(folder / named, expected))
            continue
        stem = expected.name.removesuffix(".expected.csv")
        inputs = [
            p for p in folder.glob(stem + ".*") if not p.name.endswith((".expected.csv", ".rejects.csv"))
        ]
        assert len(inputs) == 1, f"{expected}: expected one input file named {stem}.<ext>, found {inputs}"
        cases.append(GoldenCase(inputs[0], expected))
    assert cases, f"no golden cases in {folder}"
    return cases


def _iso(value: datetime | None, utc: bool) -> str:
    if value is None:
        return ""
    text = value.strftime("%Y-%m-%dT%H:%M:%S")
    if value.microsecond % 1000 == 0 and value.microsecond:
        text += f".{value.microsecond // 1000:03d}"
    elif value.microsecond:
        text += f".{value.microsecond:06d}"
    return text + ("Z" if utc else "")


def parse_file(path: Path | str) -> ParseResult:
    """Detect the format of the file at ``path`` and parse it."""
    source = read_source(str(path))
    return detect_format(source).format.parse(source)


def event_column(result: ParseResult, name: str) -> list[object]:
    """One column of the parsed events, in line order."""
    return result.events.sort("line")[name].to_list()


def check_empty_file_parses_to_nothing(name: str, path: str) -> None:
    """Format ``name`` reads an empty file at ``path`` as no units, events, continuations or rejects."""
    result = get_format(name).parse(SourceFile(path=path, text="", encoding="utf-8"))
    counts = (result.units, result.events.height, result.continuations, result.rejects.height)
    assert counts == (0, 0, 0, 0), f"{name}: units, events, continuations, rejects = {counts}"


def check_detected_from_own_example(name: str) -> None:
    """Format ``name`` has a description and an example line, and detection picks it for that example."""
    fmt = get_format(name)
    assert fmt.description and fmt.example, name
    detected = detect_format(SourceFile(path="example", text=fmt.example, encoding="utf-8")).format.name
    assert detected == name, f"{name}: its example is detected as {detected}"


def rows_of(result: ParseResult) -> list[dict[str, str]]:
    """The parser's events in the golden CSV's shape, as strings."""
    rows = []
    for event in result.events.sort("line").iter_rows(named=True):
        message = event["message"] or ""
        rows.append(
            {
                "line": str(event["line"]),
                "ts": _iso(event["ts_utc"], True) if event["ts_utc"] else _iso(event["ts_local"], False),
                "service": event["service"] or "",
                "level": event["level_raw"] or "",
                "message": message.split("\n", 1)[0],
                "lines": str(message.count("\n") + 1),
            }
        )
    return rows


def _read_csv(path: Path) -> tuple[dict[str, str], list[dict[str, str]]]:
    text = path.read_text(encoding="utf-8")
    meta: dict[str, str] = {}
    body: list[str] = []
    for raw in text.splitlines(keepends=True):
        if raw.startswith("# ") and ":" in raw and not body:
            key, _, value = raw[2:].partition(":")
            meta[key.strip()] = value.strip()
        else:
            body.append(raw)
    return meta, list(csv.DictReader(io.StringIO("".join(body))))


def _assert_same_rows(got: list[dict[str, str]], want: list[dict[str, str]], case: GoldenCase) -> None:
    # _golden is not a test module, so pytest does not rewrite its asserts: say what differs ourselves.
    diffs = [
        f"row {i}: got {g}\n      want {w}" for i, (g, w) in enumerate(zip(got, want, strict=False)) if g != w
    ]
    if len(got) != len(want):
        diffs.append(f"{len(got)} events, want {len(want)}")
    assert not diffs, f"{case}:\n" + "\n".join(diffs)


def check_golden(case: GoldenCase) -> ParseResult:
    """Detect and parse ``case.input``; assert format, events, rejects and line accounting."""
    meta, expected = _read_csv(case.expected)
    source = read_source(str(case.input))
    detection = detect_format(source)
    assert detection.format.name == meta["format"], f"{case}: detected {detection.format.name}"
    assert not detection.runners_up, f"{case}: tie with {detection.runners_up}"
    result = detection.format.parse(source)
    assert result.units == result.events.height + result.continuations + result.rejects.height, case
    _assert_same_rows(rows_of(result), [{k: row[k] or "" for k in COLUMNS} for row in expected], case)
    rejects_file = case.expected.with_name(case.expected.name.replace(".expected.csv", ".rejects.csv"))
    want_rejects = _read_csv(rejects_file)[1] if rejects_file.exists() else []
    got_rejects = [
        {"line": str(r["line"]), "reason": r["reason"]} for r in result.rejects.iter_rows(named=True)
    ]
    assert got_rejects == [{"line": r["line"], "reason": r["reason"]} for r in want_rejects]
    return result
