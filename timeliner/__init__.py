"""timeliner: log exports → the UTC timeline of an incident.

The notebook API mirrors the command line::

    import timeliner as tl
    events = tl.load(["sample_logs/"], source_tz={"*order-portal*": "Europe/Amsterdam"})
    timeline = tl.detect(events, restart_window="2m", restart_min=2)
    fig = tl.gantt(timeline, events)
    print(tl.to_markdown(timeline, tz="Europe/Amsterdam"))
"""

from __future__ import annotations

__version__ = "0.1.0"

from timeliner.api import (
    annotate,
    detect,
    events_per_minute,
    gantt,
    load,
    load_report,
    to_markdown,
    window,
)

__all__ = [
    "__version__",
    "annotate",
    "detect",
    "events_per_minute",
    "gantt",
    "load",
    "load_report",
    "to_markdown",
    "window",
]
