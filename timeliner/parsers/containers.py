"""Container runtime logs: docker ``json-file`` and Kubernetes CRI (containerd, CRI-O).

docker json-file, one JSON object per line (``/var/lib/docker/containers/<id>/<id>-json.log``,
or ``/var/log/containers/<pod>_<namespace>_<container>-<id>.log`` on dockershim nodes)::

    {"log":"Fluent Bit is logging\\n","stream":"stdout","time":"2019-04-01T17:58:33.598656444Z"}

CRI, one record per line (``/var/log/pods/<namespace>_<pod>_<uid>/<container>/<restarts>.log``)::

    2016-10-06T00:17:09.669794202Z stdout F message

Lines longer than the runtime's buffer (16 KiB) are split: docker writes records whose ``log``
lacks the final newline, CRI marks all but the last piece ``P``. The pieces are joined (per
stream) into one event at the first piece's time; the others count as continuations. Times are
RFC 3339 with ns, UTC (``Z``) or an offset (CRI-O). The service is the container named by the
path; the pod goes to ``group``, the container id or the CRI restart count (``0.log``,
``1.log``: a new number is a restarted container) to ``instance``. A level word at the start of
the application's own text (``ERROR``, ``level=warn``) is kept as the level.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

from timeliner import timeparse
from timeliner.fileindex import FILE_INDEX
from timeliner.parsers._identity import per_file, service_from_path
from timeliner.parsers._lines import line_frame
from timeliner.parsers._ndjson import TRUNCATED, read_fields
from timeliner.parsers._regex import extract_groups
from timeliner.parsers._registry import Format, ParseResult, any_file, no_rejects, register
from timeliner.parsers._sniff import python_regex, share
from timeliner.sources import SourceFile

CRI = r"^(?<ts>\d{4}-\d{2}-\d{2}T\S+) (?<stream>stdout|stderr) (?<tag>[PF])(?::\S*)?(?: (?<msg>.*))?$"
# A level word near the start of the application's text: "ERROR ...", "[warn]", "level=error", "E0502".
APP_LEVEL = (
    r"(?i)^.{0,48}?\b(?:level=)?\"?(TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|FATAL|CRITICAL|PANIC)\b"
)
_SNIFF_CRI = python_regex(CRI)
_SNIFF_DOCKER = re.compile(r'^\{.*"log"\s*:\s*".*"(?:stream|time)"\s*:\s*"')
_POD_LOG = re.compile(
    r"(?:^|/)(?P<ns>[^/_]+)_(?P<pod>[^/_]+)_[0-9a-f-]{8,}/(?P<container>[^/]+)/(?P<restarts>\d+)\.log(?:\.[\w.-]+)?$"
)
_CONTAINER_LOG = re.compile(
    r"(?:^|/)(?P<pod>[^/_]+)_(?P<ns>[^/_]+)_(?P<container>[^/]+)-(?P<id>[0-9a-f]{64})\.log$"
)
_DOCKER_LOG = re.compile(r"(?:^|/)(?P<id>[0-9a-f]{64})-json\.log(?:\.\d+)?$")
_THREE_PART = re.compile(r"(?:^|/)(?P<a>[^/_]+)_(?P<b>[^/_]+)_(?P<container>[^/_]+)\.log$")


@dataclass(frozen=True)
class ContainerIdentity:
    service: str
    group: str | None = None
    instance: str | None = None


def identity_from_path(path: str) -> ContainerIdentity:
    """Container, pod and instance from where the kubelet or docker keeps the file."""
    if found := _POD_LOG.search(path):
        return ContainerIdentity(found["container"], f"{found['ns']}/{found['pod']}", found["restarts"])
    if found := _CONTAINER_LOG.search(path):
        return ContainerIdentity(found["container"], f"{found['ns']}/{found['pod']}", found["id"][:12])
    if found := _DOCKER_LOG.search(path):
        return ContainerIdentity(found["id"][:12], None, found["id"][:12])
    if found := _THREE_PART.search(path):
        # <a>_<b>_<container>.log: namespace and pod in an order we cannot tell; kept as written.
        return ContainerIdentity(found["container"], f"{found['a']}/{found['b']}")
    return ContainerIdentity(service_from_path(path))


def sniff_docker(head: str) -> float:
    return 0.97 if share(head, _SNIFF_DOCKER) > 0.5 else 0.0


def sniff_cri(head: str) -> float:
    return 0.97 if share(head, _SNIFF_CRI) > 0.5 else 0.0


def _join_pieces(records: pl.DataFrame) -> pl.DataFrame:
    """Join split records (``_partial`` true on all pieces but the last) per stream, in file order.

    In a batch of files (column ``FILE_INDEX``) per stream of each file: a record never goes on
    into the next file.
    """
    streams = ["stream", FILE_INDEX] if FILE_INDEX in records.columns else ["stream"]
    grouped = records.with_columns(
        _piece=pl.col("_partial").shift(1).over(streams).fill_null(False),
    ).with_columns(_event=(~pl.col("_piece")).cast(pl.Int64).cum_sum().over(streams))
    return (
        grouped.group_by(*streams, "_event", maintain_order=True)
        .agg(pl.col("line").first(), pl.col("_ts").first(), pl.col("_msg").str.join(""))
        .drop("_event")
        .sort("line")
    )


def _result(
    source: SourceFile, frame: pl.DataFrame, records: pl.DataFrame, rejects: pl.DataFrame
) -> ParseResult:
    events = _join_pieces(records)
    message = pl.col("_msg").str.strip_chars_end("\r\n")
    events = events.select(
        "line",
        ts_raw=pl.col("_ts"),
        **timeparse.iso_columns(pl.col("_ts")),
        message=message,
        level_raw=message.str.extract(APP_LEVEL, 1),
        service=per_file(source, lambda path: identity_from_path(path).service),
        group=per_file(source, lambda path: identity_from_path(path).group),
        instance=per_file(source, lambda path: identity_from_path(path).instance),
    )
    return ParseResult(
        events=events,
        rejects=rejects if rejects.height else no_rejects(),
        units=frame.height,
        continuations=frame.height - events.height - rejects.height,
    )


def parse_docker(source: SourceFile) -> ParseResult:
    frame = read_fields(
        line_frame(source),
        {"_msg": [("log",)], "stream": [("stream",)], "_ts": [("time",)]},
        required="_ts",
        texts=("_msg",),
    )
    usable = pl.col("_ts").is_not_null() & pl.col("_msg").is_not_null()
    records = frame.filter(usable).with_columns(_partial=~pl.col("_msg").str.ends_with("\n"))
    broken = frame.filter(~usable & (pl.col("text").str.strip_chars() != ""))
    valid_json = broken["text"].str.json_path_match("$").is_not_null()
    rejects = broken.select(
        "line",
        reason=pl.when(valid_json)
        .then(pl.lit('docker record has no "log" and "time"'))
        .otherwise(pl.lit(TRUNCATED)),
        text="text",
    )
    return _result(source, frame, records, rejects)


def parse_cri(source: SourceFile) -> ParseResult:
    frame = line_frame(source).with_columns(_h=extract_groups(pl.col("text"), CRI)).unnest("_h")
    in_batch = [FILE_INDEX] if FILE_INDEX in frame.columns else []
    records = frame.filter(pl.col("ts").is_not_null()).select(
        "line",
        "stream",
        *in_batch,
        _ts=pl.col("ts"),
        _msg=pl.col("msg").fill_null(""),
        _partial=pl.col("tag") == "P",
    )
    # Pieces are joined without a separator; a full line ends its event (docker keeps the "\n").
    records = records.with_columns(
        _msg=pl.when(pl.col("_partial")).then("_msg").otherwise(pl.col("_msg") + "\n")
    )
    rejects = frame.filter(pl.col("ts").is_null() & (pl.col("text").str.strip_chars() != "")).select(
        "line",
        reason=pl.lit("not a CRI log line (<RFC 3339 time> <stdout|stderr> <P|F> <message>)"),
        text="text",
    )
    return _result(source, frame, records, rejects)


DOCKER = register(
    Format(
        name="docker-json",
        description="docker json-file container logs (one JSON object per line; split long lines joined)",
        example='{"log":"Fluent Bit is logging\\n","stream":"stdout","time":"2019-04-01T17:58:33.598656444Z"}',
        sniff=sniff_docker,
        parse=parse_docker,
        batches=any_file,
    )
)
CRI_FORMAT = register(
    Format(
        name="cri",
        description="Kubernetes CRI container logs (containerd, CRI-O); partial P lines joined, restart count from 0.log, 1.log",
        example="2016-10-06T00:17:09.669794202Z stdout F Fluent Bit is logging",
        sniff=sniff_cri,
        parse=parse_cri,
        batches=any_file,
    )
)
