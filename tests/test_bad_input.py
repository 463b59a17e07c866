"""Bad input never costs the user a result: the matrix of broken, hostile and huge inputs.

Every case puts one bad input beside a good log and runs ``timeliner build`` on both. What must
hold each time: exit 0 with the good log's events written; exactly one line on stderr for the bad
input, naming the file (and line) and what to do; no traceback; every line accounted for in
summary.json; and ``--strict`` exits 1 when anything was rejected or not fully read.
"""

from __future__ import annotations

import gzip
import json
import os
import random
import zlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from typer.testing import CliRunner

from timeliner.cli import app

GOOD_LOG = (
    "2026-03-01 12:00:00,000 INFO [main] com.example.Shop - Starting Shop\n"
    "2026-03-01 12:00:05,000 INFO [main] com.example.Shop - Started Shop in 5.0 seconds\n"
)
GOOD_EVENTS = 2


def log_line(second: int, text: str) -> str:
    return f"2026-03-01 12:{second // 60:02d}:{second % 60:02d},000 INFO [main] com.example.Sync: {text}\n"


@dataclass
class Outcome:
    code: int
    stderr: list[str]
    summary: dict[str, Any]
    events: pl.DataFrame | None


def build(tmp_path: Path, *inputs: Path, strict: bool = False) -> Outcome:
    out = tmp_path / "out"
    args = ["build", *map(str, inputs), "--out", str(out), "--quiet"] + (["--strict"] if strict else [])
    result = CliRunner().invoke(app, args)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    summary_path, events_path = out / "summary.json", out / "events.parquet"
    summary = json.loads(summary_path.read_text()) if summary_path.exists() else {}
    events = pl.read_parquet(events_path) if events_path.exists() else None
    return Outcome(result.exit_code, result.stderr.splitlines(), summary, events)


def file_report(outcome: Outcome, path: Path) -> dict[str, Any]:
    return next(f for f in outcome.summary["files"] if f["path"] == str(path))


# --- the cases: each writes its bad input and says the one line the user must see ---------------


def empty_file(tmp_path: Path) -> tuple[Path, str]:
    path = tmp_path / "empty.log"
    path.write_bytes(b"")
    return path, f"warning: {path}: is empty"


def binary_file(tmp_path: Path) -> tuple[Path, str]:
    path = tmp_path / "core.dump"
    path.write_bytes(random.Random(8).randbytes(20_000))
    return path, f"warning: {path}: looks like a binary file, not a log; leave it out"


def cut_gzip(tmp_path: Path, *, at_line_end: bool) -> tuple[Path, int]:
    """A gzip file cut off halfway, returned with the number of lines a plain zlib reader gets from it.

    ``at_line_end``: two gzip members (as ``cat a.gz b.gz`` makes), the second cut off right after
    its header, so the text decoded ends with a whole line; else one member cut in the middle.
    """
    lines = [log_line(i % 3600, f"record {i} " + "x" * (i % 97)) for i in range(20_000)]
    first, second = gzip.compress("".join(lines[:10_000]).encode()), gzip.compress("".join(lines).encode())
    data = first + second[:10] if at_line_end else second[: len(second) // 2]
    path = tmp_path / "app.log.gz"
    path.write_bytes(data)
    survived = b""
    for member in (first, second[: len(second) // 2]) if not at_line_end else (first,):
        survived = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(member)
    return path, survived.count(b"\n") + (0 if survived.endswith(b"\n") else 1)


def truncated_gzip(tmp_path: Path) -> tuple[Path, str]:
    path, lines = cut_gzip(tmp_path, at_line_end=True)
    return path, (
        f"warning: {path}: the gzip data ends too early (a cut-off download?); kept the first {lines:,} "
        "line(s); get a complete copy for the rest"
    )


def corrupt_json_lines(tmp_path: Path) -> tuple[Path, str]:
    path = tmp_path / "api.jsonl"
    path.write_text(
        '{"timestamp": "2026-03-01T12:00:01Z", "level": "info", "message": "request served"}\n'
        '{"timestamp": "2026-03-01T12:00:02Z", "level": "err\n'
        '{"timestamp": "2026-03-01T12:00:03Z", "level": "info", "message": "request served"}\n'
    )
    return path, f"warning: {path}:2: rejected: not valid JSON (cut off or damaged)"


def corrupt_json_array_export(tmp_path: Path) -> tuple[Path, str]:
    records = [
        {
            "eventID": f"{i:032x}", "id": f"{i:032x}", "groupID": "1", "title": f"TimeoutError: upstream {i}",
            "message": f"upstream {i} timed out", "platform": "python", "event.type": "error",
            "dateCreated": f"2026-03-01T12:00:0{i}.000Z", "dateReceived": f"2026-03-01T12:00:0{i}.500Z",
            "user": None, "tags": [{"key": "level", "value": "error"}], "projectID": "42",
        }
        for i in range(3)
    ]  # fmt: skip
    text = json.dumps(records, indent=2).replace('"upstream 1 timed out"', '"upstream 1 timed out', 1)
    path = tmp_path / "sentry.events.json"
    path.write_text(text)
    return path, f"warning: {path}:2: rejected: damaged JSON"  # + where, in the parser's words


def json_that_is_not_an_export(tmp_path: Path) -> tuple[Path, str]:
    path = tmp_path / "package.json"
    path.write_text(json.dumps({"name": "shop", "version": "1.0.0", "dependencies": {"left-pad": "^1.3.0"}}))
    return path, (
        f"warning: {path}: could not detect the format (the first 4 KiB match no parser); "
        f"pass --format '{path}=NAME' (see: timeliner formats)"
    )


def unreadable_file(tmp_path: Path) -> tuple[Path, str]:
    path = tmp_path / "secret.log"
    path.write_text(GOOD_LOG)
    path.chmod(0)  # unreadable for everyone but root; the fixture below simulates it for root too
    return path, f"warning: {path}: permission denied; make it readable (chmod +r) or leave it out"


def missing_path(tmp_path: Path) -> tuple[Path, str]:
    path = tmp_path / "app.log.1"
    return path, f"warning: {path}: no such file or directory; check the path"


BAD_INPUTS: dict[str, Callable[[Path], tuple[Path, str]]] = {
    "empty file": empty_file,
    "binary file": binary_file,
    "truncated gzip": truncated_gzip,
    "corrupt JSON lines": corrupt_json_lines,
    "corrupt JSON array export": corrupt_json_array_export,
    "JSON that is not an export": json_that_is_not_an_export,
    "unreadable file": unreadable_file,
    "path that does not exist": missing_path,
}


@pytest.fixture(autouse=True)
def permissions_enforced_even_as_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """CI runs as root, for whom mode 000 is still readable: refuse such files as a user's kernel would."""
    real = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.exists() and self.stat().st_mode & 0o777 == 0:
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)


@pytest.mark.parametrize("case", BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
def test_one_bad_input_is_one_line_and_the_rest_is_processed(
    tmp_path: Path, case: Callable[[Path], tuple[Path, str]]
) -> None:
    good = tmp_path / "good.log"
    good.write_text(GOOD_LOG)
    bad, line = case(tmp_path)
    outcome = build(tmp_path, good, bad)
    assert outcome.code == 0
    assert len(outcome.stderr) == 1, outcome.stderr
    assert outcome.stderr[0].startswith(line), outcome.stderr
    assert file_report(outcome, good)["events"] == GOOD_EVENTS
    assert outcome.summary["totals"]["accounted"] is True
    assert all(f["accounted"] for f in outcome.summary["files"])


@pytest.mark.parametrize("case", BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
def test_strict_fails_on_every_bad_input_after_writing_the_outputs(
    tmp_path: Path, case: Callable[[Path], tuple[Path, str]]
) -> None:
    good = tmp_path / "good.log"
    good.write_text(GOOD_LOG)
    bad, line = case(tmp_path)
    outcome = build(tmp_path, good, bad, strict=True)
    assert outcome.code == 1
    assert outcome.stderr[0].startswith(line)
    assert outcome.stderr[-1].startswith("Error: ") and "(--strict)" in outcome.stderr[-1]
    assert outcome.events is not None and outcome.events.height >= GOOD_EVENTS  # written all the same


def test_a_gzip_cut_mid_line_keeps_the_part_line_and_says_so(tmp_path: Path) -> None:
    bad, lines = cut_gzip(tmp_path, at_line_end=False)
    outcome = build(tmp_path, bad)
    assert outcome.stderr[0] == (
        f"warning: {bad}: the gzip data ends too early (a cut-off download?); kept the first {lines:,} line(s), "
        "the last one cut short; get a complete copy for the rest"
    )
    report = file_report(outcome, bad)
    assert report["lines"] == lines
    assert report["events"] + report["rejected"] == lines  # no continuations in this file
    assert outcome.events is not None
    assert outcome.events["message"][0] == "record 0"


def test_json_damage_costs_only_the_damaged_record(tmp_path: Path) -> None:
    for case in (corrupt_json_lines, corrupt_json_array_export):
        bad, _line = case(tmp_path)
        outcome = build(tmp_path, bad)
        report = file_report(outcome, bad)
        assert (report["events"], report["rejected"]) == (2, 1), case.__name__


# --- inputs that are odd but whole: nothing is lost, so nothing is a warning ---------------------


def test_mixed_encodings_keep_every_line_readable(tmp_path: Path) -> None:
    path = tmp_path / "mixed.log"
    path.write_bytes(
        log_line(1, "café in UTF-8").encode("utf-8")
        + log_line(2, "café in Latin-1").encode("latin-1")
        + log_line(3, "naïve again in UTF-8").encode("utf-8")
    )
    outcome = build(tmp_path, path, strict=True)
    assert (outcome.code, outcome.stderr) == (0, [])
    assert outcome.events is not None
    assert outcome.events["message"].to_list() == ["café in UTF-8", "café in Latin-1", "naïve again in UTF-8"]
    assert file_report(outcome, path)["notes"] == [
        "not all valid UTF-8 (first stray byte on line 2); read such bytes as Latin-1"
    ]


def test_nul_bytes_are_padding_not_content(tmp_path: Path) -> None:
    # copytruncate leaves a run of NULs where the file used to be; a crash can leave a stray one.
    path = tmp_path / "rotated.log"
    path.write_bytes(b"\x00" * 8192 + log_line(1, "after rotation").encode() + log_line(2, "a\x00b").encode())
    outcome = build(tmp_path, path, strict=True)
    assert (outcome.code, outcome.stderr) == (0, [])
    assert outcome.events is not None
    assert outcome.events["message"].to_list() == ["after rotation", "ab"]
    assert file_report(outcome, path)["notes"] == [
        "removed 8,193 NUL byte(s) (zero padding left by copytruncate, a crash or a preallocated file)"
    ]


# --- size ------------------------------------------------------------------------------------------


def test_a_100_mb_line_is_cut_counted_and_reported(tmp_path: Path) -> None:
    path = tmp_path / "huge.log"
    head = "2026-03-01 12:00:01,000 ERROR [main] com.example.Dump: state: "
    with path.open("w") as handle:  # written in pieces: the test itself never holds 100 MB twice
        handle.write(log_line(0, "before"))
        handle.write(head)
        for _ in range(100):
            handle.write("y" * 1_000_000)
        handle.write("\n" + log_line(2, "after"))
    outcome = build(tmp_path, path)
    assert outcome.code == 0
    assert outcome.stderr == [
        f"warning: {path}: 1 event(s) too long were cut (lines over 1,048,576 characters, events over "
        "2,097,152 characters or 5,000 lines); their messages end with '[… cut by timeliner: ...]'"
    ]
    assert outcome.events is not None
    assert outcome.events["message"].to_list()[0::2] == ["before", "after"]
    cut = outcome.events["message"][1]
    line_length = len(head) + 100_000_000
    assert cut.endswith(
        f" [… cut by timeliner: a line of {line_length} characters, kept the first 1,048,576]"
    )
    assert cut == "state: " + "y" * (1_048_576 - len(head)) + cut[cut.index(" [… cut") :]


@pytest.mark.slow
def test_a_folder_of_10000_small_files(tmp_path: Path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(10_000):
        (folder / f"host-{i:05d}.log").write_text(log_line(i % 3600, f"file {i}"))
    outcome = build(tmp_path, folder)
    assert (outcome.code, outcome.stderr) == (0, [])
    assert outcome.summary["totals"]["files"] == 10_000
    assert outcome.summary["totals"]["events"] == 10_000
    assert outcome.summary["totals"]["accounted"] is True


def test_the_terminal_shows_the_first_assumptions_and_points_to_the_rest(tmp_path: Path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(25):  # each file's zone is assumed: one assumption per file
        (folder / f"host-{i:03d}.log").write_text(log_line(i, f"file {i}"))
    result = CliRunner().invoke(app, ["build", str(folder), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    shown = [line for line in result.output.splitlines() if line.startswith("  assumption: ")]
    assert len(shown) == 10 and "host-000.log" in shown[0]
    assert "  ... and 15 more assumption(s), every one listed in summary.json (assumptions)" in result.output
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert len(summary["assumptions"]) == 25


def test_a_folder_of_300_small_files(tmp_path: Path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(300):
        (folder / f"host-{i:03d}.log").write_text(log_line(i, f"file {i}"))
    outcome = build(tmp_path, folder)
    assert (outcome.code, outcome.stderr) == (0, [])
    assert (outcome.summary["totals"]["files"], outcome.summary["totals"]["events"]) == (300, 300)


# --- paths and outputs -----------------------------------------------------------------------------


def test_only_missing_paths_is_nothing_usable(tmp_path: Path) -> None:
    outcome = build(tmp_path, tmp_path / "nope.log")
    assert outcome.code == 1
    assert outcome.stderr == [
        f"Error: {tmp_path / 'nope.log'}: no such file or directory; check the path (INPUT is a file or a folder)"
    ]


def test_only_bad_inputs_names_each_then_says_nothing_was_usable(tmp_path: Path) -> None:
    bad = [case(tmp_path) for case in (empty_file, binary_file, json_that_is_not_an_export)]
    outcome = build(tmp_path, *(path for path, _line in bad))
    assert outcome.code == 1
    assert outcome.stderr == [line for _path, line in bad] + [
        "Error: no event could be parsed from the input; see the lines above for each file, "
        "or pass --format GLOB=NAME (see: timeliner formats)"
    ]


def test_output_directory_that_cannot_be_created(tmp_path: Path) -> None:
    good = tmp_path / "good.log"
    good.write_text(GOOD_LOG)
    blocker = tmp_path / "taken"
    blocker.write_text("a file where the output folder should go")
    result = CliRunner().invoke(app, ["build", str(good), "--out", str(blocker / "out")])
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: cannot write to output directory {blocker / 'out'} (Not a directory); choose another --out\n"
    )


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into a read-only folder; see the test above")
def test_output_directory_without_write_permission(tmp_path: Path) -> None:
    good = tmp_path / "good.log"
    good.write_text(GOOD_LOG)
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    result = CliRunner().invoke(app, ["build", str(good), "--out", str(locked)])
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: cannot write to output directory {locked} (Permission denied); choose another --out\n"
    )


def test_a_parser_bug_costs_its_file_not_the_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from timeliner.parsers import _registry

    def broken(source: object) -> object:
        raise KeyError("level")  # what a real parser bug looks like from outside

    json_lines = _registry.get_format("json-lines")
    monkeypatch.setitem(_registry._FORMATS, "json-lines", replace(json_lines, parse=broken))
    good = tmp_path / "good.log"
    good.write_text(GOOD_LOG)
    bad, _line = corrupt_json_lines(tmp_path)
    outcome = build(tmp_path, good, bad)
    assert outcome.code == 0
    assert outcome.stderr == [
        f"warning: {bad}: internal error in parser json-lines on this file (KeyError: 'level'); please report "
        "it (set TIMELINER_DEBUG=1 for the traceback); the file was skipped"
    ]
    assert file_report(outcome, good)["events"] == GOOD_EVENTS
    assert (file_report(outcome, bad)["rejected"], outcome.summary["totals"]["accounted"]) == (1, True)


# --- hostile text in the CSV outputs -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("option", "cell"),
    [((), '\'=HYPERLINK("http://evil")'), (("--raw-formulas",), '=HYPERLINK("http://evil")')],
)
def test_spreadsheet_formulas_are_neutralized_unless_asked_raw(
    tmp_path: Path, option: tuple[str, ...], cell: str
) -> None:
    orphan = tmp_path / "orphan.log"
    orphan.write_text('=HYPERLINK("http://evil")\n' + GOOD_LOG)  # no event above it: a rejected line
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["build", str(orphan), "--out", str(out), "--quiet", *option])
    assert result.exit_code == 0, result.stderr
    rejects = pl.read_csv(out / "rejects.csv")
    assert rejects["text"].to_list() == [cell]
