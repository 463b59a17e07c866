"""Inputs: directories, gzip by magic bytes, encodings, line numbering."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from timeliner.errors import InputFileError, NoInputError
from timeliner.sources import NUL_PADDING, decode_bytes, expand_inputs, looks_binary, read_source


def test_directories_are_walked_sorted_skipping_hidden_and_collecting_case_files(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".git").mkdir()
    (tmp_path / "b" / "z.log").write_text("x\n")
    (tmp_path / "a.log").write_text("x\n")
    (tmp_path / ".hidden.log").write_text("x\n")
    (tmp_path / ".git" / "HEAD").write_text("x\n")
    (tmp_path / "timeliner.toml").write_text("tz='UTC'\n")
    files, configs = expand_inputs([str(tmp_path)])
    assert files == [str(tmp_path / "a.log"), str(tmp_path / "b" / "z.log")]
    assert configs == [str(tmp_path / "timeliner.toml")]


def test_missing_path_names_it(tmp_path: Path) -> None:
    with pytest.raises(NoInputError, match=r"nope\.log: no such file or directory"):
        expand_inputs([str(tmp_path / "nope.log")])


def test_gzip_is_recognised_by_content_not_name(tmp_path: Path) -> None:
    path = tmp_path / "export-000000"  # S3 export chunks often lose their .gz in downloads
    path.write_bytes(gzip.compress(b"2026-01-01 00:00:00 INFO a\n"))
    src = read_source(str(path))
    assert src.compressed and src.lines() == ["2026-01-01 00:00:00 INFO a"]


def test_truncated_gzip_keeps_what_decoded_and_says_so(tmp_path: Path) -> None:
    data = gzip.compress(("line\n" * 20000).encode())
    path = tmp_path / "cut.gz"
    path.write_bytes(data[: len(data) // 2])
    src = read_source(str(path))
    assert src.text.startswith("line\nline\n")
    assert any("ends too early" in p for p in src.problems)


def test_crlf_bom_and_line_numbers_match_sed(tmp_path: Path) -> None:
    path = tmp_path / "w.log"
    path.write_bytes(b"\xef\xbb\xbffirst\r\nsecond\r\n\r\nfourth")  # no final newline
    src = read_source(str(path))
    assert src.encoding == "utf-8-sig"
    assert src.lines() == ["first", "second", "", "fourth"]


def test_latin1_fallback_is_noted() -> None:
    text, encoding = decode_bytes("café".encode("latin-1"))
    assert (text, encoding) == ("café", "latin-1")


def test_binary_detection() -> None:
    assert looks_binary("\x7fELF\x02\x01\x01\x00\x00")
    assert not looks_binary("2026-01-01 INFO ok\n\tat x\n")


def test_unreadable_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="cannot be read"):
        read_source(str(tmp_path))  # a directory cannot be read as a file


def test_licence_and_readme_files_in_a_folder_are_not_logs(tmp_path: Path) -> None:
    for name in ("LICENSE", "README.md", "NOTICE", "app.log"):
        (tmp_path / name).write_text("x\n")
    files, _configs = expand_inputs([str(tmp_path)])
    assert files == [str(tmp_path / "app.log")]


@given(st.text(alphabet=st.characters(max_codepoint=0x7F), max_size=300))
def test_looks_binary_counts_the_control_characters_text_does_not_hold(head: str) -> None:
    kept = NUL_PADDING.sub("", head)
    control = sum(1 for ch in kept if ord(ch) < 32 and ch not in "\t\n\r\f\v\x1b")
    assert looks_binary(head) == (bool(kept) and control > len(kept) * 0.05)


def test_terminal_colours_and_form_feeds_are_text() -> None:
    # ESC starts every colour code: a tenth of these characters, yet the file is text.
    assert not looks_binary("\x1b[31mERROR\x1b[0m boom\n" * 50)
    assert not looks_binary("page 1\f\vpage 2\r\n" * 50)
    assert looks_binary("\x1c\x1d\x1e\x1f text" * 50)
