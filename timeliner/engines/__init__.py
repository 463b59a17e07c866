"""Engines: where a build runs. The parsing and detection code is the same in every engine.

* ``polars`` (default) — one machine: files parsed on a thread pool, polars using every core.
  Inputs bigger than :data:`~timeliner.engines.streaming.STREAM_ABOVE_BYTES` are built in
  streaming mode (events spooled to disk, :mod:`timeliner.engines.streaming`); ``--streaming``
  and ``--in-memory`` choose the mode by hand.
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

__all__ = ["ENGINES", "build", "check_engine", "streaming_weight", "wants_streaming"]


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
    streaming: bool | None = None,
) -> BuildResult:
    """Run the whole build on ``engine``; both engines write the same six files into ``out``.

    ``streaming`` (polars engine only): True spools events to disk, False keeps them in memory,
    None decides by the size of the inputs (see :func:`wants_streaming`).
    """
    check_engine(engine)
    if engine == "spark":
        from timeliner.engines.spark import build_on_spark

        return build_on_spark(inputs, out, settings, remote=spark_remote)
    if wants_streaming(inputs, settings, streaming):
        from timeliner.engines.streaming import build_streaming

        return build_streaming(inputs, out, settings)
    from timeliner import pipeline

    return pipeline.build(inputs, out, settings)


def wants_streaming(inputs: Sequence[str | Path], settings: Settings, streaming: bool | None) -> bool:
    """The mode asked for; without one, the size rule of :func:`streaming_weight`."""
    if streaming is not None:
        if streaming and settings.redact:
            raise UsageError("--redact is not available with --streaming yet; build with --in-memory")
        return streaming
    return streaming_weight(inputs, settings) is not None


def streaming_weight(inputs: Sequence[str | Path], settings: Settings) -> int | None:
    """The inputs' weight in bytes when it calls for streaming (over STREAM_ABOVE_BYTES), else None.

    ``--redact`` keeps a build in memory whatever its size.
    """
    from timeliner.engines.streaming import STREAM_ABOVE_BYTES, input_bytes
    from timeliner.sources import expand_inputs

    if settings.redact:
        return None
    weight = input_bytes(expand_inputs(inputs)[0])
    return weight if weight > STREAM_ABOVE_BYTES else None
