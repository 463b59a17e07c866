"""Write an output file so that it is either complete or absent, never half-written.

Every renderer writes into a temporary file next to the target and renames it into place with
:func:`os.replace`, which is atomic on one file system. An interrupted run (Ctrl-C, a kill, a full
disk) therefore leaves the previous output or none, never a truncated ``timeline.csv`` that looks
complete. Leftover temporaries are hidden (``.name.<random>.tmp``) and removed on any error.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def replaced_atomically(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; on success move it onto ``path``, else delete it."""
    target = Path(path)
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
    # O_EXCL: never clobber a file we did not create; mode 0o666 lets the umask decide, as open() would.
    os.close(os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
    try:
        yield temporary
        _flush_to_disk(temporary)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_atomically(path: str | os.PathLike[str], write: Callable[[Path], object]) -> None:
    """Call ``write(temporary_path)`` and move the result onto ``path`` only if it succeeded."""
    with replaced_atomically(path) as temporary:
        write(temporary)


def write_text_atomically(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` as UTF-8 (``\\n`` line endings on every platform) to ``path`` atomically."""
    write_atomically(path, lambda temporary: temporary.write_text(text, encoding="utf-8", newline="\n"))


def _flush_to_disk(path: Path) -> None:
    # The rename must not reach the disk before the data does, or a power cut could leave an empty file.
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())
