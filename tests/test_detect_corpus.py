"""Detection on the real logs of ../shared/corpus: what MANIFEST.md names is found, sampling is no gap.

Most cases run the whole loading pipeline (parsers by others) and then the detectors; the Apache
access-log case builds its events straight from the file's timestamps, so that it tests the gap
detector against the real sampling pattern whatever the state of the access-log parser.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import polars as pl
import pytest
from _events import ev, events_frame

import timeliner as tl
from timeliner.detectors import DetectConfig, detect

pytestmark = pytest.mark.corpus


def timeline_of(corpus: Path, name: str) -> pl.DataFrame:
    timeline = detect(tl.load([str(corpus / name)]), DetectConfig())
    # Evidence cites the path as given; keep "file:line" of the file's own name for the assertions.
    return timeline.with_columns(pl.col("evidence").str.replace_all(r"[^;]*/", ""))


def first_lines(timeline: pl.DataFrame, kind: str) -> list[str]:
    return [evidence.split(";")[0] for evidence in timeline.filter(pl.col("kind") == kind)["evidence"]]


def test_linux_reboot_is_one_restart_and_log_rotation_is_none(corpus: Path) -> None:
    timeline = timeline_of(corpus, "loghub/Linux_2k.log")
    # L1911 "kernel: Linux version ..." (the reboot); "Kernel command line" of the same boot joins it.
    assert first_lines(timeline, "restart") == ["Linux_2k.log:1911"]
    assert first_lines(timeline, "restart_storm") == []
    assert (
        "Linux_2k.log:1828;Linux_2k.log:1830" in timeline.filter(pl.col("kind") == "interruption")["evidence"]
    )
    # Daily quiet nights of a sparse syslog are not gaps.
    assert timeline.filter(pl.col("kind") == "gap").height == 0


def test_openssh_connection_reset_and_no_restarts_from_per_connection_pids(corpus: Path) -> None:
    timeline = timeline_of(corpus, "loghub/OpenSSH_2k.log")
    assert first_lines(timeline, "interruption") == ["OpenSSH_2k.log:1869"]
    assert timeline.filter(pl.col("kind").is_in(["restart", "restart_storm"])).height == 0


def test_hadoop_resource_manager_loss_is_one_interruption_from_line_848(corpus: Path) -> None:
    timeline = timeline_of(corpus, "loghub/Hadoop_2k.log")
    assert first_lines(timeline, "restart") == ["Hadoop_2k.log:1"]  # Created MRAppMaster
    rows = timeline.filter(pl.col("kind") == "interruption")
    assert first_lines(rows, "interruption") == ["Hadoop_2k.log:848"]
    # Address changes, "ERROR IN CONTACTING RM." (L923) and ~147 retries, about a second apart: one row.
    assert rows["count"].to_list()[0] > 300


def test_spark_executor_start(corpus: Path) -> None:
    assert first_lines(timeline_of(corpus, "loghub/Spark_2k.log"), "restart") == ["Spark_2k.log:1"]


def test_home_assistant_connection_losses(corpus: Path) -> None:
    timeline = timeline_of(corpus, "python_logging/home-assistant_geekly.log")
    expected = [
        "home-assistant_geekly.log:51",
        "home-assistant_geekly.log:53",
        "home-assistant_geekly.log:55",
    ]
    assert first_lines(timeline, "interruption") == expected


def test_apache_access_log_sampled_one_minute_per_hour_has_no_gap(corpus: Path) -> None:
    path = corpus / "apache_access/apache_logs_first5000.log"
    stamp = re.compile(r"\[(\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4})\]")
    events = []
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        when = datetime.strptime(stamp.search(text).group(1), "%d/%b/%Y:%H:%M:%S %z")  # type: ignore[union-attr]
        events.append(
            ev(when, text, service="apache_logs", source="apache-access", file=path.name, line=number)
        )
    frame = events_frame(events, number_lines=False)
    assert frame.height == 5000
    assert detect(frame, DetectConfig(detectors=("gap",))).height == 0
    # The sampling pauses are ~59 min; a silence of 2 h 59 min (two sampled hours missing) would be one.
    hours = frame["ts"].dt.truncate("1h")
    missing = frame.filter(~hours.is_in(hours.unique().sort()[20:22].implode()))
    assert detect(missing, DetectConfig(detectors=("gap",))).height == 1


def test_hpc_sampled_nodes_have_no_gaps_and_the_failures_are_found(corpus: Path) -> None:
    timeline = timeline_of(corpus, "loghub/HPC_2k.log")
    # MANIFEST: sampled (not outages); L212/L213 "detected a failed network connection", L214 domain panic.
    assert first_lines(timeline, "gap") == []
    assert sorted(first_lines(timeline, "interruption")) == ["HPC_2k.log:212", "HPC_2k.log:213"]
    assert first_lines(timeline, "crash") == ["HPC_2k.log:214"]


def test_windows_cbs_trusted_installer_session_and_no_false_crashes(corpus: Path) -> None:
    timeline = timeline_of(corpus, "loghub/Windows_2k.log")
    # L954 "Starting TrustedInstaller initialization" after the 19.3 h silence; L1103→L1104 a 2 h gap.
    assert first_lines(timeline, "restart") == ["Windows_2k.log:954"]
    assert first_lines(timeline, "gap") == ["Windows_2k.log:1103"]
    # "SQM: Failed to start upload ..." (L11, L12, L965) is not a service failing to start.
    assert first_lines(timeline, "crash") == []


def test_thunderbird_node_boot_and_refused_connections(corpus: Path) -> None:
    timeline = timeline_of(corpus, "loghub/Thunderbird_2k.log")
    # MANIFEST: the boot of tbird-admin1 flushed at once, "Kernel command line:" at L1274.
    assert first_lines(timeline, "restart") == ["Thunderbird_2k.log:1274"]
    refused = {
        "Thunderbird_2k.log:99",
        "Thunderbird_2k.log:110",
        "Thunderbird_2k.log:115",
        "Thunderbird_2k.log:118",
    }
    assert refused <= set(first_lines(timeline, "interruption"))


def test_kubectl_oomkilled_is_a_crash_at_its_finish_time(corpus: Path) -> None:
    timeline = timeline_of(corpus, "k8s/describe_pod_oomkilled_kubernetes_issue98157.txt")
    (crash,) = timeline.filter(pl.col("kind") == "crash").iter_rows(named=True)
    # L23-27: Last State Terminated, OOMKilled, Finished Mon, 18 Jan 2021 18:31:55 +0800.
    assert crash["start"] == datetime.fromisoformat("2021-01-18T10:31:55+00:00")


def test_lambda_cold_start_and_the_silence_between_execution_environments(corpus: Path) -> None:
    insights = timeline_of(corpus, "cloudwatch/lambda_insights_results.json")
    # MANIFEST: idx 9 (0-based) INIT_START is the cold start.
    assert first_lines(insights, "restart") == ["lambda_insights_results.json:10"]
    payload = timeline_of(corpus, "cloudwatch/lambda_filter_log_events_payload.json")
    # 17.25 h between idx 155 (2019-06-18 12:45:35.657Z) and idx 154.
    (gap,) = payload.filter(pl.col("kind") == "gap").iter_rows(named=True)
    assert gap["start"] == datetime.fromisoformat("2019-06-18T12:45:35.657+00:00")
    assert gap["end"] == datetime.fromisoformat("2019-06-19T06:00:52.377+00:00")
