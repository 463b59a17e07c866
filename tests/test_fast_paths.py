"""The parsers' fast paths must give exactly what the plain polars calls give.

``parsers._regex.extract_groups`` captures only the head of a pattern ending in ``(?<name>.*)$``
and slices the rest of the line off, and captures repeated header spans once per distinct span;
these tests run it and polars' ``str.extract_groups`` on the real grammars of the parsers over
real-looking lines, mutations of them, multi-line text, non-ASCII text and nulls, small inputs
and big repetitive ones. ``parsers._lines.physical_lines`` splits lines with polars' CSV reader;
it must split exactly as Python does.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from timeliner.parsers import _lines as lines_module
from timeliner.parsers import (
    cloudwatch_json,
    cloudwatch_s3,
    containers,
    generic,
    log4j,
    python_logging,
    syslog,
    webserver,
)
from timeliner.parsers._json_records import read_records, string_frame
from timeliner.parsers._lines import _split_by_python, physical_lines
from timeliner.parsers._regex import (
    SMALL_ROWS,
    _spans_repeat,
    _top_level_alternation,
    extract_groups,
    group_names,
)
from timeliner.sources import source_from_bytes

PATTERNS = {
    "log4j header": log4j.HEADER,
    **{f"log4j {name}": p for name, p in log4j.LAYOUTS.items()},
    "python header": python_logging.HEADER,
    **{f"python {name}": p for name, p in python_logging.LAYOUTS.items()},
    "syslog bsd": syslog.BSD,
    "syslog iso": syslog.ISO,
    "syslog 5424": syslog.RFC5424,
    "syslog tag pid": syslog.TAG_WITH_PID,
    "syslog tag": syslog.TAG_WITHOUT_PID,
    "cri": containers.CRI,
    "cloudwatch s3": cloudwatch_s3._LINE,
    "generic": generic.HEADER,
    "apache error": webserver.APACHE_ERROR,
}
LINES = [
    "2019-11-16 14:58:54.476  INFO 11680 --- [restartedMain] l.i.m.ManagementSystemApplication        : Started",
    "2023-10-18T20:09:06.941-04:00  INFO 498248 --- [JavaFX-Launcher] o.s.boot.SpringApplication : Starting ü",
    "2015-10-18 18:01:47,978 INFO [main] org.apache.hadoop.mapreduce.v2.app.MRAppMaster: Created MRAppMaster",
    "2024-05-02 10:00:00.123 [http-nio-8080-exec-1] ERROR c.e.OrderService - payment failed",
    "INFO 11680 --- [main] c.e.App : Started App",
    "INFO 11680 --- [main] c.e.App : two\nlines",
    "2018-04-29 19:05:28 ERROR (Thread-6) [homeassistant.components.notify.ios] The notify.ios platform",
    "Jun 14 15:16:01 combo sshd(pam_unix)[19939]: authentication failure; logname= uid=0",
    "<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8",
    "sshd(pam_unix)[19939]: authentication failure",
    "su: 'su root' failed",
    "<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It's time",
    "2024-05-02T10:00:00.123456789Z stdout F hello 日本語",
    "2024-05-02T10:00:00.123456789Z stdout P part\r",
    "[Wed Oct 11 14:32:52.123456 2000] [core:error] [pid 35708:tid 4328636416] [client 72.15.99.187] File does not exist",
    "",
    "   ",
    "\tat com.example.Foo.bar(Foo.java:12)",
]


def _both(pattern: str, lines: list[str | None], repeat: int = 1) -> tuple[list[dict], list[dict]]:
    """Ours and polars' groups; ``repeat`` copies of the lines make the spans repeat (the distinct path)."""
    frame = pl.DataFrame({"text": lines * repeat}, schema={"text": pl.String})
    ours = frame.select(extract_groups(pl.col("text"), pattern).alias("g"))["g"].to_list()
    theirs = frame.select(pl.col("text").str.extract_groups(pattern).alias("g"))["g"].to_list()
    return ours, theirs


@pytest.mark.parametrize("repeat", [1, 200], ids=["each-once", "repeated"])
@pytest.mark.parametrize("name", PATTERNS)
def test_same_groups_as_polars_on_real_lines(name: str, repeat: int) -> None:
    pattern = PATTERNS[name]
    lines: list[str | None] = [*LINES, None]
    lines += [line + "\nmore" for line in LINES] + [line[:25] for line in LINES]
    ours, theirs = _both(pattern, lines, repeat)
    assert ours == theirs


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from(sorted(PATTERNS)),
    line=st.sampled_from(LINES),
    cut=st.integers(0, 120),
    insert=st.text(alphabet=" :[]-\n\r\tÄ0aZ|", max_size=4),
)
def test_same_groups_as_polars_on_mutated_lines(name: str, line: str, cut: int, insert: str) -> None:
    mutated = line[:cut] + insert + line[cut:]
    ours, theirs = _both(PATTERNS[name], [mutated])
    assert ours == theirs
    # Among many copies of real lines, where matched spans are captured once per distinct span.
    assert (len(LINES) + 1) * 300 > SMALL_ROWS  # big enough for the steps small inputs skip
    ours, theirs = _both(PATTERNS[name], [mutated, *LINES], repeat=300)
    assert ours == theirs


def test_repeated_spans_take_the_distinct_path_and_unique_ones_do_not() -> None:
    spring = pl.Series([f"INFO 1 --- [main] c.e.App : message {i}" for i in range(500)])
    assert _spans_repeat(spring, log4j.SPRING_LAYOUT.removesuffix("(?<msg>.*)$"))
    stamped = pl.Series([f"2024-05-02 10:00:{i % 60:02d}.{i:03d} INFO x" for i in range(500)])
    assert not _spans_repeat(stamped, log4j.HEADER.removesuffix("(?<rest>.*)$"))


def test_matched_flag_marks_rows_that_matched() -> None:
    frame = pl.DataFrame({"text": ["INFO 1 --- [main] c.e.App : hi", "no", None]})
    out = frame.select(extract_groups(pl.col("text"), log4j.SPRING_LAYOUT, matched="hit").alias("g")).unnest(
        "g"
    )
    assert out["hit"].to_list() == [True, False, None]  # a null text stays null, as in polars
    assert out["msg"].to_list() == ["hi", None, None]


def test_pattern_helpers() -> None:
    assert group_names(r"^(?<a>\d)(?:x)(?<b>.*)$") == ["a", "b"]
    assert _top_level_alternation(r"^a|b")
    assert not _top_level_alternation(r"^(?:a|b)[|]\|")


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(["a", "é", " ", "\n", "\r", '"', ",", "\t", "#", "\x00"]),
        max_size=40,
    )
)
def test_lines_split_by_polars_are_the_lines_python_splits(text: str) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(lines_module, "SMALL_TEXT", 0)  # the reader even for these few characters
        assert physical_lines(text).to_list() == _split_by_python(text).to_list()


CLOUDWATCH_DOCS = {
    "plain": '{"events": [{"logStreamName": "web/api/4f1c", "timestamp": 1712568068991, "message": "Started\\n",'
    ' "ingestionTime": 1712568070017, "eventId": "1"}, {"logStreamName": "web/api/4f1c", "timestamp": '
    '"1712568068992", "message": "caf\\u00e9 \\"quoted\\" {\\"timestamp\\": 1}", "ingestionTime": 1712568070018}],'
    ' "searchedLogStreams": [{"logStreamName": "web/api/4f1c", "searchedCompletely": true}], "nextToken": "x"}',
    "empty": '{"events": [], "searchedLogStreams": []}',
    "missing keys": '{"events": [{"timestamp": 1712568068991}, {"message": "no time"}]}',
    "float time": '{"events": [{"timestamp": 1712568068991.5, "message": "m"}]}',
    "object message": '{"events": [{"timestamp": 1712568068991, "message": {"k": [1, 2]}}]}',
    "null item": '{"events": [null, {"timestamp": 1712568068991, "message": "m"}]}',
    "two pages": '{"events": [{"timestamp": 1, "message": "a"}]}\n{"events": [{"timestamp": 2, "message": "b"}]}',
    "bare list": '[{"timestamp": 1712568068991, "message": "m", "logStreamName": "s"}]',
    "cut off": '{"events": [{"timestamp": 1712568068991, "message": "m"}, {"timestamp": 17125',
}


@pytest.mark.parametrize("name", CLOUDWATCH_DOCS)
def test_cloudwatch_pages_decoded_by_polars_read_as_the_exact_reader_reads_them(name: str) -> None:
    source = source_from_bytes("export.json", CLOUDWATCH_DOCS[name].encode(), None)
    fast = cloudwatch_json._read_by_polars(source)
    if fast is None:  # left to the exact reader: only for what polars could not read the same
        assert name not in ("plain", "empty", "missing keys")
        return
    records = read_records(source, keys=("events", "payload"), is_record=lambda r: True, record_hint="x")
    exact = string_frame(records.records, cloudwatch_json._COLUMNS)
    assert fast.select(exact.columns).equals(exact)
    assert (cloudwatch_json.parse(source).units, fast.height) == (records.units, records.units)


def test_sample_cloudwatch_export_takes_the_polars_path() -> None:
    path = Path(__file__).parents[1] / "sample_logs/cloudwatch/cnt01-runtime.filter-log-events.json"
    source = source_from_bytes(str(path), path.read_bytes(), None)
    assert cloudwatch_json._read_by_polars(source) is not None


# Messages that look like the structure the page is cut at: record gaps, the list's end, its tail's keys.
TRICKY_MESSAGES = [
    'a},{"timestamp": 1, "message": "x"}',
    '], "nextToken": "y", "searchedLogStreams": [{"logStreamName": "z"}]',
    '{"a": [{"b": 1}]}',
    "}]}",
    'caf\u00e9 \\ "quoted" \n line two\ttab',
    "",
]


def _page(messages: list[str], *, pretty: bool, tail: str = "filter") -> str:
    records = [
        {
            "logStreamName": f"web/api/{i % 3}",
            "timestamp": 1712568068991 + i,
            "message": message,
            "ingestionTime": 1712568069991 + i,
            "eventId": str(i),
        }
        for i, message in enumerate(messages)
    ]
    tails = {
        "filter": {
            "searchedLogStreams": [
                {"logStreamName": f"web/api/{i}", "searchedCompletely": True} for i in range(3)
            ],
            "nextToken": "n/1",
        },
        "get": {"nextForwardToken": "f/1", "nextBackwardToken": "b/0"},
        "none": {},
    }
    return json.dumps({"events": records, **tails[tail]}, indent=4 if pretty else None, ensure_ascii=False)


def _read_in_pieces(text: str, piece_chars: int) -> tuple[pl.DataFrame | None, int]:
    """The polars reading of a page cut into stretches of ``piece_chars``, and how many stretches."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cloudwatch_json, "PIECE_CHARS", piece_chars)
        pieces = len(list(cloudwatch_json._pages_of(text)))
        return cloudwatch_json._read_by_polars(source_from_bytes("page.json", text.encode(), None)), pieces


@pytest.mark.parametrize("tail", ["filter", "get"])
@pytest.mark.parametrize("pretty", [False, True], ids=["compact", "indented as the CLI writes it"])
def test_a_big_cloudwatch_page_decoded_in_stretches_reads_as_the_whole_page(pretty: bool, tail: str) -> None:
    text = _page(TRICKY_MESSAGES * 5, pretty=pretty, tail=tail)
    whole, one = _read_in_pieces(text, 10**9)
    cut, pieces = _read_in_pieces(text, 100)
    assert (one, pieces > 10) == (1, True), pieces
    assert whole is not None and cut is not None
    assert cut.equals(whole)
    assert cut["message"].to_list() == TRICKY_MESSAGES * 5


def test_a_page_without_the_cli_tail_is_decoded_whole() -> None:
    text = _page(TRICKY_MESSAGES, pretty=False, tail="none")
    assert _read_in_pieces(text, 100)[1] == 1


@pytest.mark.parametrize(
    ("damage", "polars_reads_it"),
    [
        (('"timestamp": 1712568068993', '"timestamp": 1712568068993.5'), False),  # not a whole number
        (('"eventId": "4"}', '"eventId": "4"}, null'), False),  # an item that is not an object
        (('"eventId": "4"}', '"eventId": "4"'), False),  # a record left open
        # An unknown key holding objects: polars ignores it; cut inside it, the page goes to the exact reader.
        (('"eventId": "4"}', '"eventId": "4", "extra": {"nested": [{"a": 1}, {"b": 2}]}}'), True),
    ],
)
def test_a_big_page_out_of_the_ordinary_parses_as_the_whole_page(
    damage: tuple[str, str], polars_reads_it: bool
) -> None:
    text = _page(TRICKY_MESSAGES * 3, pretty=False).replace(*damage, 1)
    assert damage[1] in text
    whole, cut = _read_in_pieces(text, 10**9)[0], _read_in_pieces(text, 100)[0]
    assert (whole is not None) == polars_reads_it
    assert cut is None or (whole is not None and cut.equals(whole))
    parsed = []
    for piece_chars in (10**9, 100):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(cloudwatch_json, "PIECE_CHARS", piece_chars)
            result = cloudwatch_json.parse(source_from_bytes("page.json", text.encode(), None))
        parsed.append((result.events.to_dicts(), result.rejects.to_dicts(), result.units))
    assert parsed[0] == parsed[1]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    messages=st.lists(st.text(alphabet=st.sampled_from(list('{}[],:" \\\nab"')), max_size=30), max_size=12),
    pretty=st.booleans(),
    piece_chars=st.integers(min_value=1, max_value=400),
)
def test_stretches_of_any_size_read_as_the_whole_page(
    messages: list[str], pretty: bool, piece_chars: int
) -> None:
    text = _page(messages, pretty=pretty)
    whole, _one = _read_in_pieces(text, 10**9)
    cut, _pieces = _read_in_pieces(text, piece_chars)
    assert whole is not None and cut is not None
    assert cut.equals(whole)
