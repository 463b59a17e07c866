"""Service identity from what a file's path says, for formats whose records do not name the emitter."""

from __future__ import annotations

import os
import re

# Rotation and compression suffixes that are not part of a service's name: app.log.1.gz → app.
_SUFFIXES = re.compile(
    r"(\.(gz|log|txt|json|jsonl|ndjson|csv|out|err|\d+|\d{4}-\d{2}-\d{2}))+$", re.IGNORECASE
)


def service_from_path(path: str) -> str:
    """The file stem without log/rotation/compression suffixes: ``logs/order-portal.log.1.gz`` → ``order-portal``.

    Only the first dot-separated part of what remains is kept (``cnt01.events.json`` → ``cnt01``),
    because exports are commonly named ``<service>.<what>.<ext>``.
    """
    name = os.path.basename(path)
    stem = _SUFFIXES.sub("", name) or name
    return stem.split(".")[0] or stem
