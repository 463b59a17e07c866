"""One benchmark approach, run in a process of its own so that its wall time and peak RSS are its own.

    python benchmarks/approaches.py NAME CORPUS_DIR [OUT_DIR]

prints one JSON line: ``{"units": <lines or events it produced>}``. NAME is one of APPROACHES.
"""

from __future__ import annotations

import gzip
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path

# What a notebook user writes: every line, a regex for something date-like, dateutil for the rest.
_STAMP = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?"
    r"|[A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2}"
    r"|(?<=\"time\":)\d{13}"
    r"|(?<=\"timestamp\":)\d{13}"
)


def _files(corpus: Path) -> list[Path]:
    """Every file under ``corpus`` (sub-folders too: an S3 export), hidden ones left out."""
    return sorted(
        p
        for p in corpus.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(corpus).parts)
    )


def _settings(corpus: Path) -> object:
    from timeliner.settings import Settings

    truth = json.loads((corpus / ".truth.json").read_text())
    zones = tuple((f"*{name}", zone) for name, zone in truth["source_tz"].items())
    return Settings(source_tz=zones)


def dateutil_loop(corpus: Path, _out: Path | None) -> int:
    """The yardstick: a Python loop over lines with a regex and ``dateutil.parser.parse``."""
    from datetime import UTC, datetime

    from dateutil import parser, tz

    local = {"orders-berlin.log": tz.gettz("Europe/Berlin"), "syslog": tz.gettz("America/New_York")}
    stamped = 0
    for path in _files(corpus):
        zone = local.get(path.name, tz.UTC)
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as handle:
            for line in handle:
                found = _STAMP.search(line)
                if not found:
                    continue
                text = found.group(0)
                when = datetime.fromtimestamp(int(text) / 1000, UTC) if text.isdigit() else parser.parse(text)
                if when.tzinfo is None:
                    when = when.replace(tzinfo=zone)
                stamped += when.year > 0
    return stamped


def polars_read_lines(corpus: Path, _out: Path | None) -> int:
    """The floor: polars reading each file into one string column, nothing parsed."""
    import polars as pl

    lines = 0
    for path in _files(corpus):
        # Read into a column, not counted: ``select(pl.len())`` lets polars count newlines without
        # building a single string, which is no floor for a tool that must look at every line.
        frame = pl.read_csv(
            path, separator="\x00", quote_char=None, has_header=False, schema={"line": pl.String}
        )
        lines += frame.height
    return lines


def timeliner_load(corpus: Path, _out: Path | None) -> int:
    """``timeliner.pipeline.load``: every file parsed, normalized to UTC, reconciled, classified."""
    from timeliner import pipeline

    return pipeline.load([str(corpus)], _settings(corpus)).events.height  # type: ignore[arg-type]


def timeliner_load_one_by_one(corpus: Path, _out: Path | None) -> int:
    """``load`` with every file parsed on its own (no batches of small files): what batching saves."""
    from timeliner import batching, pipeline

    batching.SMALL_FILE_BYTES = 0
    return pipeline.load([str(corpus)], _settings(corpus)).events.height  # type: ignore[arg-type]


def timeliner_build(corpus: Path, out: Path | None) -> int:
    """``timeliner build``: load, detect, and write the six output files."""
    from timeliner import pipeline

    assert out is not None
    result = pipeline.build([str(corpus)], out, _settings(corpus))  # type: ignore[arg-type]
    return result.loaded.events.height


def timeliner_build_streaming(corpus: Path, out: Path | None) -> int:
    """``timeliner build --streaming``: the same build with events spooled to disk between steps."""
    from timeliner import engines

    assert out is not None
    result = engines.build("polars", [str(corpus)], out, _settings(corpus), streaming=True)  # type: ignore[arg-type]
    return int(sum(result.summary["events_by_service"].values()))


def timeliner_build_in_memory(corpus: Path, out: Path | None) -> int:
    """``timeliner build --in-memory``: every event held in memory, whatever the input's size."""
    from timeliner import engines

    assert out is not None
    result = engines.build("polars", [str(corpus)], out, _settings(corpus), streaming=False)  # type: ignore[arg-type]
    return result.loaded.events.height


def timeliner_spark(corpus: Path, out: Path | None) -> int:
    """``timeliner build --engine spark`` on a local[2] session (start-up of the JVM included)."""
    import os

    from timeliner import engines

    assert out is not None
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    conf = {"spark.ui.enabled": "false", "spark.driver.memory": "4g", "spark.sql.shuffle.partitions": "4"}
    builder = SparkSession.builder.master("local[2]")
    for key, value in conf.items():
        builder = builder.config(key, value)
    builder.getOrCreate()
    result = engines.build("spark", [str(corpus)], out, _settings(corpus))  # type: ignore[arg-type]
    return int(sum(result.summary["events_by_service"].values()))


APPROACHES: dict[str, Callable[[Path, Path | None], int]] = {
    "dateutil-loop": dateutil_loop,
    "polars-read-lines": polars_read_lines,
    "timeliner-load": timeliner_load,
    "timeliner-load-one-by-one": timeliner_load_one_by_one,
    "timeliner-build": timeliner_build,
    "timeliner-build-streaming": timeliner_build_streaming,
    "timeliner-build-in-memory": timeliner_build_in_memory,
    "timeliner-spark": timeliner_spark,
}


if __name__ == "__main__":
    name, corpus = sys.argv[1], Path(sys.argv[2])
    out = Path(sys.argv[3]) if len(sys.argv) > 3 else None
    print(json.dumps({"units": APPROACHES[name](corpus, out)}))
