"""Inputs: paths and directories → readable text files. Knows nothing of log formats.

A :class:`SourceFile` is one input file, decompressed (gzip is recognised by its magic bytes,
not its name) and decoded (UTF-8 with or without BOM; Latin-1 as a counted fallback), with
its path exactly as the user gave it (joined with the relative path for files found in a
directory), because that path is what evidence (``file:line``) and ``--source-tz`` globs use.
"""

from __future__ import annotations

import gzip
import os
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from timeliner.errors import InputFileError, NoInputError

GZIP_MAGIC = b"\x1f\x8b"
UTF8_BOM = b"\xef\xbb\xbf"
# Case configuration files live beside the exports; they are settings, not logs.
CONFIG_FILE_NAMES = frozenset({"timeliner.toml"})
# Files that are never logs: our own docs in a case folder, VCS and OS clutter.
SKIPPED_NAMES = frozenset({"README.md", ".DS_Store", "Thumbs.db"})
SNIFF_BYTES = 4096


@dataclass
class SourceFile:
    """One decoded input file."""

    path: str  # as given by the user (plus the relative part inside a given directory)
    text: str
    encoding: str  # "utf-8", "utf-8-sig" (had a BOM) or "latin-1" (fallback)
    compressed: bool = False
    mtime: float | None = None
    notes: list[str] = field(default_factory=list)  # e.g. "gzip stream truncated after 812 KiB"

    @property
    def head(self) -> str:
        """The first few KiB of text, what parsers sniff to recognise a format."""
        return self.text[:SNIFF_BYTES]

    @property
    def name(self) -> str:
        return os.path.basename(self.path)

    def lines(self) -> list[str]:
        """Physical lines, numbered as ``sed -n Np`` would (a final newline ends, not starts, a line)."""
        if not self.text:
            return []
        parts = self.text.split("\n")
        if parts[-1] == "":
            parts.pop()
        # CRLF files: the \r belongs to the line ending, not to the message.
        return [p[:-1] if p.endswith("\r") else p for p in parts]


def expand_inputs(inputs: Iterable[str | os.PathLike[str]]) -> tuple[list[str], list[str]]:
    """Turn the user's INPUT arguments into (log file paths, config file paths).

    Directories are walked recursively in sorted order; hidden files and folders are skipped.
    A path that does not exist raises :class:`NoInputError` naming it.
    """
    files: list[str] = []
    configs: list[str] = []
    for raw in inputs:
        given = os.fspath(raw)
        if os.path.isdir(given):
            for path in _walk(given):
                (configs if os.path.basename(path) in CONFIG_FILE_NAMES else files).append(path)
        elif os.path.exists(given):
            (configs if os.path.basename(given) in CONFIG_FILE_NAMES else files).append(given)
        else:
            raise NoInputError(
                f"{given}: no such file or directory; check the path (INPUT is a file or a folder)"
            )
    return files, configs


def _walk(root: str) -> Iterator[str]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith(".") or name in SKIPPED_NAMES:
                continue
            # dirpath starts with the user's spelling of root, so globs and evidence match what they typed.
            yield os.path.join(dirpath, name)


def read_source(path: str) -> SourceFile:
    """Read, decompress and decode one file. Raises :class:`InputFileError` if it cannot be read."""
    try:
        raw = Path(path).read_bytes()
        mtime = os.stat(path).st_mtime
    except PermissionError:
        raise InputFileError(
            path, "permission denied", "make it readable (chmod +r) or leave it out"
        ) from None
    except OSError as exc:
        raise InputFileError(path, f"cannot be read ({exc.strerror or exc})") from None
    return source_from_bytes(path, raw, mtime)


def source_from_bytes(path: str, raw: bytes, mtime: float | None = None) -> SourceFile:
    """Decompress and decode the bytes of a file already read (by Spark's binaryFile reader, from S3)."""
    notes: list[str] = []
    compressed = raw.startswith(GZIP_MAGIC)
    if compressed:
        raw = _gunzip(raw, notes)
    text, encoding = decode_bytes(raw)
    if encoding == "latin-1":
        notes.append("not valid UTF-8; decoded as Latin-1")
    return SourceFile(
        path=path, text=text, encoding=encoding, compressed=compressed, mtime=mtime, notes=notes
    )


def _gunzip(raw: bytes, notes: list[str]) -> bytes:
    """Decompress all gzip members; a truncated or corrupt stream keeps what decoded before the damage."""
    try:
        return gzip.decompress(raw)
    except (OSError, EOFError, zlib.error):
        pass
    decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = []
    try:
        out.append(decoder.decompress(raw))
    except zlib.error as exc:
        notes.append(f"gzip data corrupt ({exc}); kept what decoded before it")
    else:
        notes.append(f"gzip stream truncated; kept the first {sum(map(len, out))} decompressed bytes")
    return b"".join(out)


def decode_bytes(raw: bytes) -> tuple[str, str]:
    """Decode UTF-8 (dropping a BOM), falling back to Latin-1, which never fails."""
    if raw.startswith(UTF8_BOM):
        try:
            return raw[len(UTF8_BOM) :].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            pass
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return raw.decode("latin-1"), "latin-1"


def looks_binary(head: str) -> bool:
    """True when the start of a file is not text (NULs or many control characters)."""
    if not head:
        return False
    if "\x00" in head:
        return True
    control = sum(1 for ch in head if ord(ch) < 32 and ch not in "\t\n\r\f\v\x1b")
    return control > len(head) * 0.05
