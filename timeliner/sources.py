"""Inputs: paths and directories → readable text files. Knows nothing of log formats.

A :class:`SourceFile` is one input file, decompressed (gzip is recognised by its magic bytes,
not its name) and decoded (UTF-8 with or without BOM; Latin-1 as a counted fallback), with
its path exactly as the user gave it (joined with the relative path for files found in a
directory), because that path is what evidence (``file:line``) and ``--source-tz`` globs use.
"""

from __future__ import annotations

import codecs
import os
import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from timeliner.errors import InputFileError, NoInputError
from timeliner.limits import GZIP_MAGIC, gunzip_bounded

UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = {b"\xff\xfe": "utf-16-le", b"\xfe\xff": "utf-16-be"}  # Windows tools write these
# A file with more bytes than this that are not UTF-8 is Latin-1 throughout, not UTF-8 with a few slips.
MAX_MIXED_ENCODING_ERRORS = 1000
# Zero padding (a log rotated with copytruncate, a crash, a preallocated file) is runs of NULs; a
# binary file has NULs scattered among other control bytes. Runs this long are padding, not content.
NUL_PADDING = re.compile("\x00{16,}")
# Case configuration files live beside the exports; they are settings, not logs.
CONFIG_FILE_NAMES = frozenset({"timeliner.toml"})
# Files that are never logs: our own docs in a case folder, VCS and OS clutter.
SKIPPED_NAMES = frozenset(
    {
        "README.md",
        "README",
        "README.txt",
        "LICENSE",
        "LICENSE.txt",
        "LICENSE.md",
        "COPYING",
        "NOTICE",
        ".DS_Store",
        "Thumbs.db",
    }
)
SNIFF_BYTES = 4096
# Control characters that text does not hold: below 32, except tab, newline, CR, form feed, vertical
# tab and escape (terminal colours). Counted by the regex engine: the Python loop over the head it
# replaces was a sixth of detecting a small file's format (1.06 ms → 0.89 ms).
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f]")


@dataclass
class SourceFile:
    """One decoded input file."""

    path: str  # as given by the user (plus the relative part inside a given directory)
    text: str
    encoding: str  # "utf-8", "utf-8-sig" (had a BOM) or "latin-1" (fallback)
    compressed: bool = False
    mtime: float | None = None
    notes: list[str] = field(default_factory=list)  # e.g. "removed 4,096 NUL bytes"
    # What could not be read (a cut-off archive, a size cap hit): shown to the user, not only noted.
    problems: list[str] = field(default_factory=list)

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


@dataclass(frozen=True)
class BatchedFile:
    """One file of a :class:`SourceBatch`: its lines are ``first_line`` .. ``first_line + lines - 1`` of the batch."""

    source: SourceFile
    first_line: int
    lines: int


class SourceBatch(SourceFile):
    """Several small files of one format as one text, so that one parse reads them all.

    Every file's text ends in a newline in the batch, so each of its lines is one line of the
    batch: ``files[i]`` says where. A parser that supports batches (``Format.batches``) keeps
    events from running on into the next file and takes path-derived values per file
    (:func:`timeliner.parsers._identity.per_file`); :mod:`timeliner.batching` splits the result.
    """

    files: tuple[BatchedFile, ...]

    def __init__(self, sources: list[SourceFile]) -> None:
        texts, files, first = [], [], 1
        for source in sources:
            text = source.text if not source.text or source.text.endswith("\n") else source.text + "\n"
            lines = text.count("\n")
            files.append(BatchedFile(source, first, lines))
            texts.append(text)
            first += lines
        super().__init__(path=f"<{len(sources)} files>", text="".join(texts), encoding="utf-8")
        self.files = tuple(files)


def expand_inputs(inputs: Iterable[str | os.PathLike[str]]) -> tuple[list[str], list[str]]:
    """Turn the user's INPUT arguments into (log file paths, config file paths).

    Directories are walked recursively in sorted order; hidden files and folders are skipped.
    A path that does not exist stays in the list, so that reading it reports it as a problem of
    its own while the other inputs are processed; if no given path exists at all,
    :class:`NoInputError` names the first one.
    """
    files: list[str] = []
    configs: list[str] = []
    missing: list[str] = []
    for raw in inputs:
        given = os.fspath(raw)
        if os.path.isdir(given):
            for path in _walk(given):
                (configs if os.path.basename(path) in CONFIG_FILE_NAMES else files).append(path)
        elif os.path.exists(given):
            (configs if os.path.basename(given) in CONFIG_FILE_NAMES else files).append(given)
        else:
            missing.append(given)
            files.append(given)
    if missing and len(missing) == len(files) + len(configs):
        raise NoInputError(
            f"{missing[0]}: no such file or directory; check the path (INPUT is a file or a folder)"
        )
    return files, configs


# A compressed log inflates about this much once read: what its weight counts, for the order files
# are parsed in and for the choice of streaming mode.
COMPRESSED_GROWTH = 10


def read_weight(path: str) -> int:
    """What a file weighs once read: its size, a ``.gz`` counted COMPRESSED_GROWTH times (0 if unreadable)."""
    try:
        size = os.path.getsize(path)
    except OSError:
        return 0  # a missing file is reported when it is read
    return size * (COMPRESSED_GROWTH if path.endswith((".gz", ".gzip")) else 1)


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
    except FileNotFoundError:
        raise InputFileError(path, "no such file or directory", "check the path") from None
    except OSError as exc:
        raise InputFileError(path, f"cannot be read ({exc.strerror or exc})") from None
    return source_from_bytes(path, raw, mtime)


def source_from_bytes(path: str, raw: bytes, mtime: float | None = None) -> SourceFile:
    """Decompress and decode the bytes of a file already read (by Spark's binaryFile reader, from S3)."""
    notes: list[str] = []
    problems: list[str] = []
    compressed = raw.startswith(GZIP_MAGIC)
    if compressed:
        inflated = gunzip_bounded(raw)  # bounded: a gzip bomb or a cut-off archive keeps what decoded
        raw, problems = inflated.data, inflated.problems
    text, encoding = decode_bytes(raw)
    if encoding == "latin-1":
        notes.append(_latin1_note(raw))
    text = _without_nul_bytes(text, notes)
    return SourceFile(
        path=path,
        text=text,
        encoding=encoding,
        compressed=compressed,
        mtime=mtime,
        notes=notes,
        problems=problems,
    )


def read_chunks(path: str, chunk_bytes: int) -> Iterator[bytes]:
    """An uncompressed file's bytes in pieces of about ``chunk_bytes``, each ending at a newline.

    A piece is longer only when one line is: a line is never split. For UTF-8 and Latin-1 text a
    newline byte is always a line end, so every piece decodes on its own.
    """
    with open(path, "rb") as handle:
        rest = b""
        while block := handle.read(chunk_bytes):
            block = rest + block
            cut = block.rfind(b"\n") + 1
            rest = block[cut:]
            if cut:
                yield block[:cut]
        if rest:
            yield rest


def _without_nul_bytes(text: str, notes: list[str]) -> str:
    """Drop NUL bytes from a text file (they carry no log content); a binary file keeps them."""
    if "\x00" not in text or looks_binary(text[:SNIFF_BYTES]):
        return text  # a binary file keeps its NULs, so that detection still calls it binary
    count = text.count("\x00")
    notes.append(
        f"removed {count:,} NUL byte(s) (zero padding left by copytruncate, a crash or a preallocated file)"
    )
    return text.replace("\x00", "")


def decode_bytes(raw: bytes) -> tuple[str, str]:
    """Decode UTF-8 (dropping a BOM) or BOM-marked UTF-16; bytes that are not UTF-8 are read as Latin-1.

    A file that mixes encodings (an app that logged both, files concatenated) keeps its UTF-8 lines
    intact and reads only the stray bytes as Latin-1, which never fails; a file with many stray
    bytes is Latin-1 (or Windows-1252) throughout and is read as Latin-1 entirely.
    """
    for bom, codec in UTF16_BOMS.items():
        if raw.startswith(bom):
            return raw[len(bom) :].decode(codec, "replace"), codec
    if raw.startswith(UTF8_BOM):
        try:
            return raw[len(UTF8_BOM) :].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            pass
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    _stray.count = 0
    try:
        return raw.decode("utf-8", _STRAY_BYTES_AS_LATIN1), "latin-1"
    except _TooManyStrayBytes:
        return raw.decode("latin-1"), "latin-1"


class _TooManyStrayBytes(Exception):
    pass


def _stray_bytes_as_latin1(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    _stray.count += 1
    if _stray.count > MAX_MIXED_ENCODING_ERRORS:
        raise _TooManyStrayBytes
    return exc.object[exc.start : exc.end].decode("latin-1"), exc.end


_stray = threading.local()  # files are decoded on several threads at once; each counts its own
_STRAY_BYTES_AS_LATIN1 = "timeliner-stray-bytes-as-latin-1"
codecs.register_error(_STRAY_BYTES_AS_LATIN1, _stray_bytes_as_latin1)


def _latin1_note(raw: bytes) -> str:
    """Where the first byte that is not UTF-8 sits, so the user can look at it."""
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        return f"not all valid UTF-8 (first stray byte on line {line:,}); read such bytes as Latin-1"
    return "read as Latin-1"


def looks_binary(head: str) -> bool:
    """True when the start of a file is not text: many NULs or control characters among the text.

    Long runs of NULs are zero padding in a text file, not a sign of binary, and are not counted.
    """
    head = NUL_PADDING.sub("", head)
    if not head:
        return False
    return len(_CONTROL_CHARS.findall(head)) > len(head) * 0.05
