"""The Spark engine gives the polars engine's answers: same events, same timeline, same counts.

The inputs hold the traps of a distributed build (``tests/_traps.py``). Spark runs in ``local[2]``
with one session for the module, under a UTC and a non-UTC session zone.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from _traps import write_traps

from timeliner import engines, pipeline
from timeliner.engines import spark as spark_engine
from timeliner.settings import Settings

pytestmark = [pytest.mark.spark, pytest.mark.slow]

SETTINGS = Settings(source_tz=(("*berlin*", "Europe/Berlin"),))


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    pytest.importorskip("pyspark", reason="pyspark is not installed (pip install 'timeliner[spark]')")
    pytest.importorskip("pandas", reason="pandas is not installed (pip install 'timeliner[spark]')")
    if not shutil.which("java") and not os.environ.get("JAVA_HOME"):
        pytest.skip("no Java runtime (apt-get install openjdk-17-jre-headless)")
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    session = (
        SparkSession.builder.master("local[2]")
        .appName("timeliner-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.driver.memory", "512m")
        .config("spark.driver.extraJavaOptions", "-XX:+UseSerialGC -XX:TieredStopAtLevel=1")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_traps(tmp_path_factory.mktemp("traps"))


@pytest.fixture(scope="module")
def polars_out(case: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("polars-out")
    pipeline.build([str(case)], out, SETTINGS)
    return out


@pytest.fixture(scope="module", params=["UTC", "America/New_York"])
def spark_out(
    request: pytest.FixtureRequest, spark: Any, case: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    spark.conf.set("spark.sql.session.timeZone", request.param)
    out = tmp_path_factory.mktemp("spark-out")
    # Under the second zone, files share tasks (as thousands of S3 chunks do), and the small files
    # of a task are parsed in batches.
    grouped = request.param != "UTC"
    saved = spark_engine.ONE_TASK_PER_FILE_UP_TO, spark_engine.FILES_PER_TASK
    if grouped:
        spark_engine.ONE_TASK_PER_FILE_UP_TO, spark_engine.FILES_PER_TASK = 1, 4
    try:
        engines.build("spark", [str(case)], out, SETTINGS)
    finally:
        spark_engine.ONE_TASK_PER_FILE_UP_TO, spark_engine.FILES_PER_TASK = saved
    assert spark.conf.get("spark.sql.session.timeZone") == request.param, "the session zone was not restored"
    return out


def _timeline(out: Path) -> pl.DataFrame:
    return pl.read_csv(out / "timeline.csv", infer_schema=False)


def test_same_timeline_as_polars(spark_out: Path, polars_out: Path) -> None:
    assert _timeline(spark_out).to_dicts() == _timeline(polars_out).to_dicts()


def test_same_events_as_polars(spark_out: Path, polars_out: Path) -> None:
    mine, theirs = (
        pl.read_parquet(spark_out / "events.parquet"),
        pl.read_parquet(polars_out / "events.parquet"),
    )
    assert mine.schema == theirs.schema
    assert mine.schema["ts"] == pl.Datetime("us", "UTC")
    order = ["ts", "file", "line"]
    assert mine.sort(order).to_dicts() == theirs.sort(order).to_dicts()


def test_same_summary_as_polars(spark_out: Path, polars_out: Path) -> None:
    mine = json.loads((spark_out / "summary.json").read_text())
    theirs = json.loads((polars_out / "summary.json").read_text())
    for key in (
        "totals",
        "by_format",
        "span_utc",
        "events_by_service",
        "events_by_level",
        "files",
        "reconciled",
    ):
        assert mine.get(key) == theirs.get(key), key


def test_storm_across_two_files_is_found(spark_out: Path) -> None:
    storms = _timeline(spark_out).filter(pl.col("kind") == "restart_storm")
    assert storms.select("start", "end", "service", "count").to_dicts() == [
        {
            "start": "2026-03-02T09:05:00.000Z",
            "end": "2026-03-02T09:06:10.000Z",
            "service": "orders",
            "count": "2",
        }
    ]
    assert "orders-part-a.jsonl" in storms["evidence"][0] and "orders-part-b.jsonl" in storms["evidence"][0]


def test_gap_across_two_files_is_found(spark_out: Path) -> None:
    gaps = _timeline(spark_out).filter(pl.col("kind") == "gap")
    # Last line of payments-1 at 09:19:40, first of payments-2 at 10:30:00.
    assert gaps.select("start", "end", "service").to_dicts() == [
        {"start": "2026-03-02T09:19:40.000Z", "end": "2026-03-02T10:30:00.000Z", "service": "payments"}
    ]


def test_repeated_dst_hour_keeps_time_order(spark_out: Path) -> None:
    clock = pl.read_parquet(spark_out / "events.parquet").filter(
        pl.col("file").str.ends_with("clock-berlin.log")
    )
    # Written every 5 minutes from 02:00 CEST (00:00Z): 30 lines, 00:00Z to 02:25Z, in line order.
    assert clock.sort("line")["ts"].to_list() == [
        datetime(2025, 10, 26, 0, 0, tzinfo=UTC) + timedelta(minutes=5 * i) for i in range(30)
    ]


def test_stream_exported_twice_is_counted_once(spark_out: Path) -> None:
    events = pl.read_parquet(spark_out / "events.parquet").filter(pl.col("message").str.starts_with("poll "))
    assert events.height == 10
    assert events["service"].unique().to_list() == ["sync/runtime"]


def test_cli_builds_on_spark_in_the_active_session(
    spark: Any, case: Path, polars_out: Path, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from timeliner.cli import app

    options = ["--engine", "spark", "--source-tz", "*berlin*=Europe/Berlin", "--out", str(tmp_path), "-q"]
    result = CliRunner().invoke(app, ["build", str(case), *options])
    assert result.exit_code == 0, result.output
    assert _timeline(tmp_path).to_dicts() == _timeline(polars_out).to_dicts()


def test_cli_spark_remote_needs_the_spark_engine(case: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from timeliner.cli import app

    result = CliRunner().invoke(
        app, ["build", str(case), "--spark-remote", "sc://localhost:15002", "--out", str(tmp_path)]
    )
    assert result.exit_code == 2
    assert "Error: --spark-remote needs --engine spark" in result.output


def test_files_share_tasks_beyond_a_few_hundred() -> None:
    assert [spark_engine.load_tasks(n) for n in (1, 7, 256)] == [1, 7, 256]
    assert spark_engine.load_tasks(257) == 256
    assert spark_engine.load_tasks(20_000) == 313  # 64 files a task
