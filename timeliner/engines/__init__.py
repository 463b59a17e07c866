"""Engines: where a build runs. The parsing and detection code is the same in every engine.

* ``polars`` (default) — one machine: files parsed on a thread pool, polars using every core.
* ``spark`` — a Spark cluster (optional extra ``timeliner[spark]``, pyspark ≥ 4): the same parsers,
  normalizer, classifier and detectors run on the executors through Arrow, see
  :mod:`timeliner.engines.spark`.

>>> check_engine("polars")
>>> check_engine("dask")
Traceback (most recent call last):
...
timeliner.errors.UsageError: --engine dask: unknown engine; choose polars or spark
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from timeliner.errors import UsageError

if TYPE_CHECKING:
    from timeliner.pipeline import BuildResult
    from timeliner.settings import Settings

ENGINES = ("polars", "spark")

__all__ = ["ENGINES", "build", "check_engine"]


def check_engine(name: str) -> None:
    """Refuse an unknown engine, or ``spark`` when pyspark is not installed, with what to do."""
    if name not in ENGINES:
        raise UsageError(f"--engine {name}: unknown engine; choose {' or '.join(ENGINES)}")
    if name == "spark" and importlib.util.find_spec("pyspark") is None:
        raise UsageError(
            "--engine spark needs pyspark 4 or later; install it with: pip install 'timeliner[spark]'"
        )


def build(
    engine: str,
    inputs: Sequence[str | Path],
    out: str | Path,
    settings: Settings,
    *,
    spark_remote: str | None = None,
) -> BuildResult:
    """Run the whole build on ``engine``; both engines write the same six files into ``out``."""
    check_engine(engine)
    if engine == "spark":
        from timeliner.engines.spark import build_on_spark

        return build_on_spark(inputs, out, settings, remote=spark_remote)
    from timeliner import pipeline

    return pipeline.build(inputs, out, settings)
