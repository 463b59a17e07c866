"""The parser registry: every format module is imported, detection is by content, ties are reported."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import timeliner.parsers as parsers
from timeliner.errors import UnknownFormatError, UsageError
from timeliner.parsers._registry import _FORMATS, Format, ParseResult, detect_format, no_rejects
from timeliner.sources import SourceFile

PARSERS_DIR = Path(parsers.__file__).parent


def test_every_parser_module_is_in_the_import_list() -> None:
    modules = sorted(p.stem for p in PARSERS_DIR.glob("*.py") if not p.stem.startswith("_"))
    missing = [m for m in modules if f"timeliner.parsers.{m}" not in sys.modules]
    assert not missing, f"add these to the import list in timeliner/parsers/__init__.py: {missing}"


def test_every_format_describes_itself() -> None:
    for fmt in parsers.all_formats():
        assert fmt.description and fmt.example, fmt.name
        assert fmt.name == fmt.name.lower() and " " not in fmt.name


def _source(text: str, path: str = "x.log") -> SourceFile:
    return SourceFile(path=path, text=text, encoding="utf-8")


def test_unknown_content_names_the_file_and_what_to_pass() -> None:
    with pytest.raises(UnknownFormatError) as info:
        detect_format(_source("hello there\nno timestamps here\n", "notes/app.txt"))
    assert str(info.value) == (
        "notes/app.txt: could not detect the format (the first 4 KiB match no parser); "
        "pass --format 'notes/app.txt=NAME' (see: timeliner formats)"
    )


def test_binary_and_empty_files_are_named() -> None:
    with pytest.raises(UnknownFormatError, match="binary"):
        detect_format(_source("\x00\x01\x02ELF"))
    with pytest.raises(UnknownFormatError, match="is empty"):
        detect_format(_source("  \n"))


def test_forced_format_wins_by_glob_and_unknown_name_is_usage_error() -> None:
    src = _source("hello\n", "logs/app.txt")
    assert detect_format(src, [("*.txt", "log4j")]).format.name == "log4j"
    with pytest.raises(UsageError, match="unknown format 'nope'; known formats: "):
        detect_format(src, [("*", "nope")])


def test_ties_between_formats_are_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    def parse(source: SourceFile) -> ParseResult:
        raise AssertionError("not called")

    for name in ("zz-a", "zz-b"):
        monkeypatch.setitem(_FORMATS, name, Format(name, "d", "e", lambda head: 0.99, parse))
    detection = detect_format(_source("anything\n"))
    assert detection.score == 0.99
    assert {detection.format.name, *detection.runners_up} == {"zz-a", "zz-b"}


def test_a_sniffer_that_raises_does_not_stop_detection(monkeypatch: pytest.MonkeyPatch) -> None:
    def bad(head: str) -> float:
        raise ValueError("boom")

    monkeypatch.setitem(
        _FORMATS, "zz-bad", Format("zz-bad", "d", "e", bad, lambda s: ParseResult(None, no_rejects(), 0))
    )  # type: ignore[arg-type]
    assert detect_format(_source("2026-10-13 21:00:00.000 INFO x\n")).format.name == "log4j"
