r"""CloudWatch Logs export to S3 (``CreateExportTask``): ``<prefix>/<task id>/<stream>/000000.gz``.

Each object is gzip text, one line per log event: the event's CloudWatch timestamp in UTC
with milliseconds and ``Z``, a space, then the message as the application wrote it::

    2019-08-09T18:00:00.000Z 2019-08-09 18:00:00 UTC:10.50.72.222(33436):lmn@lmn_db:[26802]:LOG:  duration: 13.817 ms
    2019-08-08T00:49:34.000Z 2019-08-08 00:49:34 UTC:10.40.77.242(56266):xyz@xyz_db:[20474]:LOG:  statement: SELECT col1
    \tFROM sample1 JOIN sample2 ON sample1.id = sample2.id

Multi-line messages are written raw, so a line without the timestamp prefix continues the
event above it. The prefix is the event time (a timestamp inside the message is the
application's own clock). AWS does not guarantee time order between chunks of a file; events
keep their file line and are sorted by time later. The export names no stream inside the
file: the stream comes from the path (the folder between the export task id and the chunk
name; a stream containing ``/`` may span several folders), then the usual identity rules of
:mod:`timeliner.parsers._cloudwatch` apply; a renamed file falls back to its file name. The
bucket probe object ``aws-logs-write-test`` (``Permission Check Successful``) is recognised
and its one line rejected as "not a log".
"""

from __future__ import annotations

import os
import re

import polars as pl

from timeliner import timeparse
from timeliner.parsers._cloudwatch import describe_message, message_columns, stream_identity
from timeliner.parsers._identity import path_service, per_file
from timeliner.parsers._lines import assemble, line_frame, text_result
from timeliner.parsers._regex import extract_groups
from timeliner.parsers._registry import Format, ParseResult, register
from timeliner.sources import SourceFile

_LINE = r"^(?<ts>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z)(?: (?<msg>.*))?$"
_SNIFF_LINE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z (?!\s|std(?:out|err) [FP] )")
_TWO_CLOCKS = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z \[?\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_PROBE_TEXT = "Permission Check Successful"
_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_EXPORT_PATH = re.compile(rf"(?:^|/)(?P<task>{_UUID})/(?P<stream>.+)/\d{{6}}(?:\.gz)?$")
_CHUNK_PATH = re.compile(r"(?:^|/)(?P<stream>[^/]+)/\d{6}(?:\.gz)?$")


def sniff(head: str) -> float:
    if head.strip() == _PROBE_TEXT:
        return 0.9
    lines = [line for line in head.splitlines()[:20] if line.strip()]
    first = next((line for line in lines if _SNIFF_LINE.match(line)), None)
    if first is None:
        return 0.0
    # Two clocks on one line (the export's, then the application's own) is the usual sight;
    # continuation lines before the first event (a chunk cut mid-message) make it less sure.
    score = 0.93 if _TWO_CLOCKS.match(first) else 0.75
    return score if first == lines[0] else score - 0.1


def stream_from_path(path: str) -> str | None:
    """The log stream an export object belongs to, from its S3 key (None for a renamed file).

    The path as given is tried first, then the absolute path, so that ``000000.gz`` given
    from inside the stream's folder still names its stream.
    """
    for key in (path, os.path.abspath(path)):
        key = key.replace("\\", "/")
        found = _EXPORT_PATH.search(key) or _CHUNK_PATH.search(key)
        if found:
            return found.group("stream")
    return None


def parse(source: SourceFile) -> ParseResult:
    """Parse one downloaded export object (decompressed by the caller)."""
    frame = line_frame(source)
    if source.text.strip() == _PROBE_TEXT:
        return _probe_result(frame)
    frame = frame.with_columns(extract_groups(pl.col("text"), _LINE).alias("_h")).unnest("_h")
    frame = frame.with_columns(message=pl.col("msg").fill_null(""))
    heads, rejects, continuations = assemble(
        frame,
        is_start=pl.col("ts").is_not_null(),
        orphan_reason="no export timestamp prefix, and no event above it to belong to",
    )
    return text_result(source, frame, _describe(heads, source), rejects, continuations)


def _describe(heads: pl.DataFrame, source: SourceFile) -> pl.DataFrame:
    """Time, identity (from the path of each event's file) and Lambda fields of the assembled events."""
    who = stream_identity(
        per_file(source, stream_from_path),
        pl.lit(None, dtype=pl.String),
        fallback=path_service(source),
        fallback_instance=None,
    )
    return (
        heads.with_columns(describe_message(pl.col("message")))
        .with_columns(
            ts_raw="ts",
            ts_utc=timeparse.iso_to_utc(pl.col("ts")),
            ts_basis=pl.lit("offset"),
            **who,
            **message_columns(),
        )
        .drop("_described")
    )


def _not_a_probe(source: SourceFile) -> bool:
    """A probe object is read alone: the whole file's text is what tells it apart."""
    return source.text.strip() != _PROBE_TEXT


def _probe_result(frame: pl.DataFrame) -> ParseResult:
    probe = frame.filter(pl.col("text").str.strip_chars() != "")
    reason = "S3 export permission probe (aws-logs-write-test), not a log"
    return ParseResult(
        events=frame.clear().select("line", message="text"),
        rejects=probe.select("line", reason=pl.lit(reason), text="text"),
        units=frame.height,
        continuations=frame.height - probe.height,
        notes=["CloudWatch export permission probe object: nothing to read"],
    )


FORMAT = register(
    Format(
        name="cloudwatch-s3",
        description="CloudWatch Logs export to S3 (<prefix>/<task id>/<stream>/000000.gz): UTC prefix = event time, stream from the path",
        example="2019-08-09T18:00:00.000Z 2019-08-09 18:00:00 UTC:10.50.72.222(33436):lmn@lmn_db:[26802]:LOG:  duration: 13.817 ms",
        sniff=sniff,
        parse=parse,
        batches=_not_a_probe,
    )
)
