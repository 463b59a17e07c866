"""The real public logs in ../shared/corpus read to the instants their MANIFEST states.

The time functions run on the timestamp text cut out of the very lines the MANIFEST names (a
regex or a slice here stands in for each format's parser), so these checks hold whichever
parser reads the file. Expected values are the MANIFEST's, or worked out by hand from it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from timeliner import skew
from timeliner import timeparse as tp
from timeliner.normalize import normalize_file
from timeliner.schema import conform_events, conform_partial
from timeliner.settings import Settings

pytestmark = pytest.mark.corpus


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


def wall(*parts: int) -> datetime:
    return datetime(*parts)  # type: ignore[misc]


def lines(corpus: Path, name: str) -> list[str]:
    """Physical lines as ``sed -n Np`` numbers them (loghub files are CRLF)."""
    return (
        (corpus / name)
        .read_text(encoding="utf-8", errors="replace")
        .replace("\r\n", "\n")
        .rstrip("\n")
        .split("\n")
    )


def stamps(corpus: Path, name: str, cut: pl.Expr, reader) -> pl.Series:  # type: ignore[no-untyped-def]
    """Every line of ``name`` → its timestamp (``cut`` takes the text out of column ``t``)."""
    frame = pl.DataFrame({"t": lines(corpus, name)})
    return frame.select(reader(cut).alias("ts"))["ts"]


def backward_steps(series: pl.Series) -> int:
    return int((series.diff() < timedelta(0)).sum())


# ---- loghub ---------------------------------------------------------------------------------


def test_thunderbird_epoch_and_local_stamp_are_eight_hours_apart(corpus: Path) -> None:
    text = lines(corpus, "loghub/Thunderbird_2k.log")
    frame = pl.DataFrame({"line": range(1, len(text) + 1), "t": text, "message": "m"}).with_columns(
        ts_utc=tp.epoch_to_utc(pl.col("t").str.split(" ").list.get(1)),
        ts_local=tp.syslog_to_local(pl.col("t").str.extract(r"^\S+ \d+ \S+ \S+ (\w{3} +\d+ [\d:]{8})")),
    )
    assert frame["ts_utc"][0] == utc(2005, 11, 9, 20, 1, 1)  # MANIFEST: 1131566461 = 20:01:01Z
    assert frame["ts_local"][0] == wall(2000, 11, 9, 12, 1, 1)  # "Nov 9 12:01:01", yearless
    events, report = normalize_file(
        conform_partial(frame), path="tb", source="t", settings=Settings(), yearless=True
    )
    assert (events["ts"].min(), events["ts"].max()) == (
        utc(2005, 11, 9, 20, 1, 1),
        utc(2005, 11, 9, 20, 15, 32),
    )
    assert report.year == 2005  # dated by the epoch in the same line
    assert report.second_clock["local_minus_utc"] == "-08:00"
    assert report.second_clock["range_s"] == [-28800.0, -28800.0]  # UTC−8 throughout


def test_hpc_epochs_span_2003_to_2006_and_are_unsorted(corpus: Path) -> None:
    got = stamps(corpus, "loghub/HPC_2k.log", pl.col("t").str.split(" ").list.get(4), tp.epoch_to_utc)
    assert got.null_count() == 0
    assert (got.min().date(), got.max().date()) == (utc(2003, 8, 6).date(), utc(2006, 4, 27).date())  # type: ignore[union-attr]
    assert backward_steps(got) == 1113


def test_hdfs_two_digit_years(corpus: Path) -> None:
    got = stamps(corpus, "loghub/HDFS_2k.log", pl.col("t").str.slice(0, 13), tp.twodigit_year_to_local)
    assert got.null_count() == 0
    assert got[0] == wall(2008, 11, 9, 20, 36, 15)  # "081109 203615"
    assert (got.min(), got.max().replace(second=0)) == (
        wall(2008, 11, 9, 20, 36, 15),
        wall(2008, 11, 11, 10, 20),
    )  # type: ignore[union-attr]


def test_spark_two_digit_years_span_31_seconds(corpus: Path) -> None:
    got = stamps(
        corpus,
        "loghub/Spark_2k.log",
        pl.col("t").str.slice(0, 17),
        lambda e: tp.twodigit_year_to_local(e, "%y/%m/%d %H:%M:%S"),
    )
    assert got[0] == wall(2017, 6, 9, 20, 10, 40)
    assert got.max() - got.min() == timedelta(seconds=31)  # type: ignore[operator]


def test_hadoop_log4j_comma_milliseconds(corpus: Path) -> None:
    got = stamps(corpus, "loghub/Hadoop_2k.log", pl.col("t").str.slice(0, 23), tp.iso_to_local)
    assert got[0] == wall(2015, 10, 18, 18, 1, 47, 978000)  # "2015-10-18 18:01:47,978"
    assert got[847].replace(microsecond=0) == wall(2015, 10, 18, 18, 5, 27)  # L848 address change
    assert got[922].replace(microsecond=0) == wall(2015, 10, 18, 18, 6, 1)  # L923 ERROR IN CONTACTING RM
    assert got.max().replace(microsecond=0) == wall(2015, 10, 18, 18, 10, 55)  # type: ignore[union-attr]


def test_apache_error_log_ctime(corpus: Path) -> None:
    got = stamps(corpus, "loghub/Apache_2k.log", pl.col("t").str.extract(r"^(\[[^\]]+\])"), tp.ctime_to_local)
    assert got.null_count() == 0
    assert got[0] == wall(2005, 12, 4, 4, 47, 44)
    assert (got[1050], got[1051]) == (wall(2005, 12, 4, 20, 47, 17), wall(2005, 12, 5, 1, 4, 31))  # 4.3 h gap
    assert backward_steps(got) == 33


def test_healthapp_non_padded_fields_and_milliseconds(corpus: Path) -> None:
    cut = tp.pad_milliseconds(pl.col("t").str.split("|").list.get(0))
    got = stamps(
        corpus, "loghub/HealthApp_2k.log", cut, lambda e: tp.parse_with_format(e, "%Y%m%d-%H:%M:%S:%3f")
    )
    assert got.null_count() == 0
    assert got[0] == wall(2017, 12, 23, 22, 15, 29, 606000)
    assert got[67] == wall(
        2017, 12, 23, 22, 15, 35, 11000
    )  # "…:35:11" is 11 ms: the next lines go 12, 20 … 96, 104
    assert got[1781] == wall(2017, 12, 24, 0, 0, 0, 218000)  # L1782 reStartStepCounter at midnight
    assert backward_steps(got) == 0


def test_proxifier_yearless_two_captures(corpus: Path) -> None:
    cut = pl.col("t").str.extract(r"^(\[[^\]]+\])")
    got = stamps(
        corpus, "loghub/Proxifier_2k.log", cut, lambda e: tp.yearless_to_local(e, "[%m.%d %H:%M:%S]")
    )
    assert (got[972].month, got[972].day) == (10, 30)  # L973, end of the Oct 30 capture
    assert got[973] == wall(2000, 7, 26, 13, 30, 34)  # L974 jumps back: a second capture
    assert got[1744] - got[1743] == timedelta(hours=4, minutes=54, seconds=15)  # L1744 → L1745, 4.9 h


@pytest.mark.parametrize(
    ("name", "first", "checks"),
    [
        (
            "loghub/Linux_2k.log",
            wall(2000, 6, 14, 15, 16, 1),
            {140: wall(2000, 6, 18, 4, 12, 43), 1907: wall(2000, 7, 27, 14, 41, 57)},
        ),
        (
            "loghub/Mac_2k.log",
            wall(2000, 7, 1, 9, 0, 55),
            {222: wall(2000, 7, 2, 2, 32, 17), 223: wall(2000, 7, 2, 10, 11, 17)},
        ),
        ("loghub/OpenSSH_2k.log", wall(2000, 12, 10, 6, 55, 46), {1999: wall(2000, 12, 10, 11, 4, 45)}),
    ],
)
def test_yearless_syslog_files(corpus: Path, name: str, first: datetime, checks: dict[int, datetime]) -> None:
    got = stamps(corpus, name, pl.col("t").str.slice(0, 15), tp.syslog_to_local)
    assert got.null_count() == 0
    assert got[0] == first
    for index, expected in checks.items():
        assert got[index] == expected


def test_linux_with_year_2005_rolls_nothing_and_keeps_the_gaps(corpus: Path) -> None:
    text = lines(corpus, "loghub/Linux_2k.log")
    partial = pl.DataFrame({"line": range(1, len(text) + 1), "t": text, "message": text})
    partial = conform_partial(partial.with_columns(ts_local=tp.syslog_to_local(pl.col("t").str.slice(0, 15))))
    events, report = normalize_file(
        partial, path="linux", source="t", settings=Settings(year=2005), yearless=True
    )
    ts = events.sort("line")["ts"]
    assert report.years == [2005]
    assert (ts[141] - ts[140]).total_seconds() == 86172  # MANIFEST: L141 → L142
    assert backward_steps(ts) == 3  # L1983, 1987, 1991: boot-time lines 5 s out of order
    # L136's message names the full date of its own moment: "… at Sat Jun 18 02:23:10 2005".
    embedded = pl.select(tp.ctime_to_local(pl.lit(text[135].rsplit(" at ", 1)[1]))).item()
    assert embedded == wall(2005, 6, 18, 2, 23, 10)
    assert ts[135].date() == embedded.date()


def test_mac_backward_step(corpus: Path) -> None:
    got = stamps(corpus, "loghub/Mac_2k.log", pl.col("t").str.slice(0, 15), tp.syslog_to_local)
    assert (got[790] - got[789]).total_seconds() == -771  # L791


def test_windows_cbs_line_stamp_is_utc_plus_8_of_the_csi_stamp(corpus: Path) -> None:
    frame = pl.DataFrame({"t": lines(corpus, "loghub/Windows_2k.log")}).with_row_index("line", offset=1)
    frame = frame.with_columns(
        ts_local=tp.iso_to_local(pl.col("t").str.slice(0, 19)),
        inner=tp.parse_with_format(
            pl.col("t").str.extract(r"@(\d{4}/\d+/\d+:[\d:.]+)"), "%Y/%m/%d:%H:%M:%S%.f"
        ),
    )
    assert frame["ts_local"][952] == wall(2016, 9, 28, 4, 40, 55)  # L953
    assert frame["ts_local"][953] == wall(2016, 9, 29, 0, 0, 44)  # L954, 19.3 h later
    csi = frame.filter(pl.col("inner").is_not_null())
    assert csi["inner"][0] == wall(2016, 9, 27, 20, 30, 31, 455000)  # L2 "00000001@2016/9/27:20:30:31.455"
    line_utc, _ = tp.localize(csi, "Asia/Shanghai")
    apart = (line_utc.dt.replace_time_zone(None) - csi["inner"]).abs()
    assert apart.max() <= timedelta(seconds=1)  # type: ignore[operator]


def test_openstack_second_stamp(corpus: Path) -> None:
    got = stamps(
        corpus, "loghub/OpenStack_2k.log", pl.col("t").str.extract(r"^\S+ (\S+ \S+)"), tp.iso_to_local
    )
    assert got[0] == wall(2017, 5, 16, 0, 0, 0, 8000)
    assert got.max().replace(microsecond=0) == wall(2017, 5, 16, 0, 14, 47)  # type: ignore[union-attr]


# ---- other families -------------------------------------------------------------------------


def test_apache_access_offsets(corpus: Path) -> None:
    got = stamps(
        corpus,
        "apache_access/apache_logs_first5000.log",
        pl.col("t").str.extract(r"(\[[^\]]+\])"),
        tp.apache_to_utc,
    )
    assert got.null_count() == 0
    assert got[0] == utc(2015, 5, 17, 10, 5, 3)
    assert got.dt.minute().unique().to_list() == [5]  # sampled one minute per hour
    assert backward_steps(got) == 2451


def test_cloudwatch_payload_epochs_and_ingestion_lag(corpus: Path) -> None:
    records = json.loads((corpus / "cloudwatch/lambda_filter_log_events_payload.json").read_text())["payload"]
    frame = pl.DataFrame(records).with_row_index("line", offset=1)
    frame = frame.with_columns(
        ts=tp.epoch_to_utc(pl.col("timestamp")), received_ts=tp.epoch_to_utc(pl.col("ingestionTime"))
    )
    assert frame["ts"][155] == utc(2019, 6, 18, 12, 45, 35, 657000)  # idx 155
    assert frame["ts"][154] == utc(2019, 6, 19, 6, 0, 52, 377000)  # idx 154, 17.25 h later
    events = conform_events(
        frame.with_columns(
            file=pl.lit("cw.json"), source=pl.lit("cloudwatch-json"), ts_raw=pl.lit(""), service=pl.lit("s")
        )
    )
    [estimate] = skew.estimate_skews(events)
    assert (estimate.low, estimate.high) == (timedelta(milliseconds=4), timedelta(milliseconds=15176))
    assert not estimate.consistent and estimate.correction == timedelta(0)  # delays, not skew
    # Two clocks: an app line's own ISO stamp is tens of ms before the envelope's (formats.md: ~20 ms).
    app = frame.filter(pl.col("message").str.contains(r"^\d{4}-\d\d-\d\dT[\d:.]+Z\t"))
    own = app.select(tp.iso_to_utc(pl.col("message").str.split("\t").list.get(0)))["message"]
    assert (app["ts"] - own).abs().max() <= timedelta(milliseconds=100)  # type: ignore[operator]


def test_insights_utc_without_marker_and_malformed_values(corpus: Path) -> None:
    csv = pl.read_csv(corpus / "cloudwatch/insights_csv_eks_repost_denied.csv")
    assert pl.select(tp.iso_to_local(pl.lit(csv["@timestamp"][0]))).item() == wall(
        2021, 8, 8, 20, 4, 46, 282000
    )
    malformed = pl.DataFrame({"t": ["2021-08-04 0718:44.561", "2021-08-11-10:09:49.020"]})
    assert malformed.select(tp.iso_to_local(tp.repair_iso(pl.col("t"))))["t"].to_list() == [
        None,
        wall(2021, 8, 11, 10, 9, 49, 20000),
    ]


def test_s3_export_prefix_and_inner_utc_abbreviation(corpus: Path) -> None:
    first = lines(corpus, "cloudwatch/s3_export/pgbadger_issues_s3_export_lines.txt")[0]
    prefix, inner_date, inner_time = first.split(" ")[:3]
    assert pl.select(tp.iso_to_utc(pl.lit(prefix))).item() == utc(2019, 8, 9, 18, 0, 0)
    assert first.split(" ")[3].startswith("UTC:")  # "… 2019-08-09 18:00:00 UTC:10.50.72.222(33436):…"
    assert pl.select(tp.iso_to_local(pl.lit(f"{inner_date} {inner_time[:8]}"))).item() == wall(
        2019, 8, 9, 18, 0, 0
    )


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("dotnet_divide_zero.json", utc(2020, 5, 12, 22, 30, 36, 2183)),  # 7 digits, truncated
        ("go_file_not_found.json", utc(2020, 4, 25, 19, 36, 56, 584908)),  # 9 digits
        ("python_zero_division.json", utc(2020, 5, 2, 16, 54, 20, 487733)),
        (
            "js_event_with_unix_timestamp.json",
            utc(2020, 7, 23, 2, 54, 40, 109000),
        ),  # float epoch 1595472880.109
        ("sentry_cli_send_event_no_level.json", utc(2020, 8, 7, 17, 11, 17, 125992)),  # 1596820277.125992
        ("elixir_error.json", None),  # "2021-09-28T18:57:46": no zone, not an instant by itself
    ],
)
def test_sentry_sdk_payload_timestamps(corpus: Path, name: str, expected: datetime | None) -> None:
    value = json.loads((corpus / "sentry/glitchtip_incoming_events" / name).read_text())["timestamp"]
    reader = tp.epoch_to_utc if isinstance(value, float) else tp.iso_to_utc
    assert pl.DataFrame({"v": [value]}).select(reader(pl.col("v"))).item() == expected


def test_elixir_zone_less_sentry_stamp_is_utc_by_definition(corpus: Path) -> None:
    value = json.loads((corpus / "sentry/glitchtip_incoming_events/elixir_error.json").read_text())[
        "timestamp"
    ]
    created = json.loads((corpus / "sentry/glitchtip_oss_sentry_events/elixir_error.json").read_text())[
        "dateCreated"
    ]
    as_utc = pl.select(tp.local_to_utc(tp.iso_to_local(pl.lit(value)), "UTC")).item()
    assert as_utc == pl.select(tp.iso_to_utc(pl.lit(created))).item() == utc(2021, 9, 28, 18, 57, 46)


def test_sentry_stored_json_float_matches_its_iso_datetime(corpus: Path) -> None:
    for path in sorted((corpus / "sentry/glitchtip_oss_sentry_json").glob("*.json")):
        doc = json.loads(path.read_text())
        both = pl.DataFrame({"f": [float(doc["timestamp"])], "s": [doc["datetime"]]})
        got = both.select(tp.epoch_to_utc(pl.col("f")), tp.iso_to_utc(pl.col("s")))
        assert got["f"][0] == got["s"][0], path.name


def test_sentry_received_hours_after_created_is_no_skew_evidence(corpus: Path) -> None:
    doc = json.loads((corpus / "sentry/glitchtip_oss_sentry_events/python_zero_division.json").read_text())
    got = pl.DataFrame({"c": [doc["dateCreated"]], "r": [doc["dateReceived"]]}).select(
        tp.iso_to_utc(pl.col("c")), tp.iso_to_utc(pl.col("r"))
    )
    assert (got["c"][0], got["r"][0]) == (
        utc(2020, 5, 2, 16, 54, 20, 488000),
        utc(2020, 5, 2, 18, 37, 56, 656000),
    )


def test_docker_envelope_nanoseconds_and_redis_yearless_stamp(corpus: Path) -> None:
    record = json.loads((corpus / "docker_json/socks_session-db-fdd649d68-cq5sp_session-db.log").read_text())
    envelope = pl.select(tp.iso_to_utc(pl.lit(record["time"]))).item()
    assert envelope == utc(2018, 9, 19, 18, 58, 22, 134877)  # 8 digits, truncated
    own = pl.select(tp.yearless_to_local(pl.lit(record["log"][4:23]), "%d %b %H:%M:%S%.f")).item()
    assert own == wall(2000, 9, 19, 18, 58, 22, 134000)
    fluent = json.loads((corpus / "docker_json/core_base_fluent-bit.log").read_text())["time"]
    assert pl.select(tp.iso_to_utc(pl.lit(fluent))).item() == utc(2019, 4, 1, 17, 58, 33, 598656)


def test_journald_microsecond_strings(corpus: Path) -> None:
    entry = json.loads((corpus / "journald/faasd_journalctl_json_line.json").read_text())
    got = pl.DataFrame({"v": [entry["__REALTIME_TIMESTAMP"]]}).select(tp.epoch_to_utc(pl.col("v"))).item()
    assert got == utc(2020, 3, 4, 20, 31, 39, 94400)
    assert entry["MESSAGE"].startswith("2020/03/04 20:31:39")  # the app's local stamp: this host ran on UTC


def test_pino_epoch_ms_and_the_two_minute_gap(corpus: Path) -> None:
    records = [
        json.loads(line) for line in lines(corpus, "jsonlines/pino_ibm_satellite_connector_agent.ndjson")
    ]
    got = pl.DataFrame({"v": [r["time"] for r in records]}).select(tp.epoch_to_utc(pl.col("v")))["v"]
    assert got[0] == utc(2023, 6, 5, 14, 55, 39, 200000)  # 1685976939200
    assert (got[3] - got[2]).total_seconds() == pytest.approx(119.706)  # L3 …939.593 → L4 …059.299


def test_logfmt_gap_and_pasted_backtick(corpus: Path) -> None:
    cut = pl.col("t").str.extract(r"ts=(\S+)")
    got = stamps(corpus, "logfmt/prometheus_issue14672_sigterm_shutdown.logfmt", cut, tp.iso_to_utc)
    assert (got[1], got[2]) == (utc(2024, 8, 14, 9, 0, 1, 64000), utc(2024, 8, 14, 10, 30, 54, 415000))
    pasted = stamps(corpus, "logfmt/prometheus_issue12976_sigterm_pasted.logfmt", cut, tp.iso_to_utc)
    assert pasted[1] == utc(2023, 10, 13, 1, 36, 37, 231000)  # "ts=2023-10-13T01:36:37.231Z`"
    assert pasted[2] == utc(2023, 10, 13, 1, 46, 18, 416000)


def test_kubectl_rfc1123_offsets(corpus: Path) -> None:
    text = lines(corpus, "k8s/describe_pod_oomkilled_kubernetes_issue98157.txt")
    started = next(line for line in text if "Started:" in line).split("Started:")[1]
    assert pl.select(tp.rfc2822_to_utc(pl.lit(started))).item() == utc(
        2021, 1, 18, 10, 31, 57
    )  # 18:31:57 +0800
    old = (corpus / "k8s/describe_pod_events_kubernetes_issue10861_2015.txt").read_text()
    assert "Tue, 07 Jul 2015 12:53:51 -0700" in old
    assert pl.select(tp.rfc2822_to_utc(pl.lit("Tue, 07 Jul 2015 12:53:51 -0700"))).item() == utc(
        2015, 7, 7, 19, 53, 51
    )


def test_rfc5424_and_rfc3164_examples(corpus: Path) -> None:
    text = lines(corpus, "syslog/rfc5424_rfc3164_spec_examples.txt")
    iso = [line.split(" ")[1] for line in text[:4]]
    got = pl.DataFrame({"t": iso}).select(tp.iso_to_utc(pl.col("t")))["t"].to_list()
    assert got[:2] == [utc(2003, 10, 11, 22, 14, 15, 3000), utc(2003, 8, 24, 12, 14, 15, 3)]
    assert pl.select(tp.syslog_to_local(pl.lit(text[4][4:19]))).item() == wall(2000, 10, 11, 22, 14, 15)


def test_home_assistant_seconds_only_local(corpus: Path) -> None:
    first = lines(corpus, "python_logging/home-assistant_geekly.log")[0]
    assert pl.select(tp.iso_to_local(pl.lit(first[:19]))).item() == wall(2018, 4, 29, 19, 5, 28)
