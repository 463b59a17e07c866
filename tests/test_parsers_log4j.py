"""log4j family: Spring Boot 2/3, logback, ZooKeeper, Kafka, Spark, HDFS; stack traces joined."""

from __future__ import annotations

import pytest
from _golden import GoldenCase, check_golden, golden_cases

from timeliner.parsers import get_format
from timeliner.parsers.log4j import sniff
from timeliner.sources import SourceFile


def _case(fragment: str) -> GoldenCase:
    return next(c for c in golden_cases("log4j") if fragment in c.input.name)


@pytest.mark.parametrize("case", golden_cases("log4j"), ids=str)
def test_golden(case: GoldenCase) -> None:
    check_golden(case)


def test_spring_fields_and_trace_with_blank_lines() -> None:
    result = check_golden(_case("spring_boot2"))
    error = result.events.row(2, named=True)
    assert (error["pid"], error["thread"]) == ("11680", "nio-8080-exec-3")
    assert error["message"].splitlines()[-1] == "\t... 50 common frames omitted"
    assert result.continuations == 7  # blank, exception, 2 frames, "Caused by", "... omitted", blank


def test_thread_and_logger_of_each_layout() -> None:
    events = check_golden(_case("hadoop_family")).events
    assert events["thread"].to_list() == [
        "QuorumPeer[myid=1]/0:0:0:0:0:0:0:0:2181:FastLeaderElection@774",
        "RecvWorker:188978561024:QuorumCnxManager$RecvWorker@762",
        None,
        "KafkaServer id=0",
        None,
        "148",
        "http-nio-8080-exec-1",
    ]
    assert events["logger"].to_list()[4:] == [
        "executor.CoarseGrainedExecutorBackend",
        "dfs.DataNode$PacketResponder",
        "c.e.OrderService",
    ]


def test_sniff_scores_specific_layouts_above_bare_ones() -> None:
    assert sniff("2019-11-16 14:58:54.476  INFO 11680 --- [main] c.e.App : Started\n") == 0.95
    assert sniff("2015-10-18 18:01:47,978 INFO [main] org.apache.hadoop.MRAppMaster: Created\n") == 0.9
    assert sniff("2026-10-13 21:00:00.000 INFO x\n") == 0.6
    assert sniff('{"time": "2026-10-13 21:00:00.000 INFO x"}\n') == 0.0


def test_line_that_starts_like_a_date_but_is_not_a_header_is_rejected() -> None:
    text = "2024-05-02 10:00:00,000 INFO [main] a.B: ok\n2024-05-0 broken\n"
    result = get_format("log4j").parse(SourceFile(path="x.log", text=text, encoding="utf-8"))
    assert result.rejects.rows() == [
        (2, "starts like a timestamp but could not be parsed", "2024-05-0 broken")
    ]
