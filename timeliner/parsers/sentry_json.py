"""Sentry web-API event JSON: event lists, single event details, Discover query results.

Reads ``GET /api/0/projects/{org}/{project}/events/`` and ``/issues/{id}/events/`` (a JSON
array, newest first; several pages may be saved one after another) and the event detail
shape (``.../events/latest/``, one object)::

    [{"eventID": "9fac2ceed9344f2bbfdd1fdacb0ed9b1", "title": "InterruptedException: ...",
      "dateCreated": "2020-09-11T17:46:36Z", "dateReceived": "2020-09-11T17:46:37.120Z",
      "tags": [{"key": "level", "value": "error"}, {"key": "server_name", "value": "web1"}]}]

Discover's JSON (``/organizations/{org}/events/?field=title&field=timestamp...``) gives rows
under ``data`` with ``timestamp`` instead of ``dateCreated`` and the project as
``project.name``/``project``; they are read the same way.

``dateCreated`` is when the event happened (the SDK's timestamp) and is the event time;
``dateReceived`` (server receipt, sometimes hours later for replayed events) is kept as
``received_ts``. A date without a zone is UTC, as Sentry defines. The message is the title,
then the logged message of a message event and the rest of an exception chain. Identity
(project slug / release app / file name; host = ``server_name``) as in
:mod:`timeliner.parsers._sentry`. A record is one unit; a damaged event in an otherwise good
list is rejected and the others are kept.
"""

from __future__ import annotations

import re
from typing import Any

from timeliner.parsers._identity import service_from_path
from timeliner.parsers._json_records import read_records
from timeliner.parsers._registry import Format, ParseResult, register
from timeliner.parsers._sentry import event_row, rows_to_events
from timeliner.sources import SourceFile

_SNIFF = re.compile(
    r'"eventID"\s*:.*"dateCreated"\s*:|"dateCreated"\s*:.*"(?:eventID|groupID)"\s*:', re.DOTALL
)
_CAMEL_ID = re.compile(r'"(?:eventID|groupID|projectID)"\s*:')
# Discover / organization events JSON: {"data": [{"id", "title", "timestamp", "project.name"}], "meta": {...}}
_DISCOVER = re.compile(
    r'^\s*\{\s*"(?:data|meta)"\s*:.*"(?:project\.name|project|title|event\.type)"\s*:', re.DOTALL
)


def sniff(head: str) -> float:
    if _SNIFF.search(head):
        return 0.97
    if _DISCOVER.search(head) and '"timestamp"' in head and '"meta"' in head:
        return 0.85
    # A large first event can push dateCreated past the sniffed head; the camelCase ids are
    # the API's own spelling (SDK payloads and stored JSON write event_id).
    return 0.6 if _CAMEL_ID.search(head) and '"dateCreated"' not in head else 0.0


def _is_event(obj: Any) -> bool:
    # eventID, not id: a release object nested in an event has id and dateCreated too.
    if not isinstance(obj, dict):
        return False
    return ("dateCreated" in obj and "eventID" in obj) or ("timestamp" in obj and "title" in obj)


def parse(source: SourceFile) -> ParseResult:
    """Parse one file of Sentry web-API events."""
    found = read_records(
        source,
        keys=("data", "events", "results"),
        is_record=_is_event,
        record_hint=r'"eventID"\s*:|"dateCreated"\s*:|"timestamp"\s*:\s*"\d',
        what="event",
    )
    fallback = service_from_path(source.path)
    rows = [
        event_row(
            r,
            time=r.get("dateCreated", r.get("timestamp")),
            received=r.get("dateReceived"),
            fallback=fallback,
        )
        for r in found.records
    ]
    events, bad = rows_to_events(rows, "dateCreated/timestamp")
    return found.result(events, bad)


FORMAT = register(
    Format(
        name="sentry-json",
        description="Sentry web-API events (list or single event); dateCreated = event time, dateReceived kept",
        example='[{"eventID":"9fac2c...","title":"ZeroDivisionError: division by zero","dateCreated":"2020-09-11T17:46:36Z","tags":[{"key":"level","value":"error"}]}]',
        sniff=sniff,
        parse=parse,
    )
)
