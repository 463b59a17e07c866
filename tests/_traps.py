"""Inputs holding the traps of a build that does not see every event at once (Spark, streaming).

A restart storm whose two boots sit in two files, a silence that only shows when two files of one
stream are put end to end, a local-time file across the autumn DST switch (the repeated hour), and
a CloudWatch stream exported twice (filter-log-events and get-log-events: one copy of each event,
one service name).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def write_traps(root: Path) -> Path:
    """The trap files, written into ``root``."""
    ticks = [T0 + timedelta(seconds=20 * i) for i in range(60)]  # 09:00:00 .. 09:19:40
    # The storm: boot 1 (pid 4711) in part-a, boot 2 (pid 4712) 70 s later in part-b.
    jsonl(root / "orders-part-a.jsonl", "orders", ticks[:30], {T0 + timedelta(minutes=5): banner(4711)})
    later = {T0 + timedelta(minutes=6, seconds=10): banner(4712)}
    jsonl(root / "orders-part-b.jsonl", "orders", ticks[30:], later)
    # The gap: payments logs every 20 s from 09:00 to 09:19:40 in one file, from 10:30 in the next.
    after = [T0 + timedelta(minutes=90, seconds=20 * i) for i in range(60)]
    jsonl(root / "payments-1.jsonl", "payments", ticks, {})
    jsonl(root / "payments-2.jsonl", "payments", after, {})
    berlin_autumn(root / "clock-berlin.log")
    # One stream exported twice: by filter-log-events (named) and get-log-events (file name only).
    polls = [T0 + timedelta(minutes=m) for m in range(0, 30, 3)]
    stream = "sync/runtime/932bb5863180881f7506e90a9c3ebbb0"
    cloudwatch(root / "sync.filter-log-events.json", stream, polls)
    cloudwatch(root / "sync-runtime.932bb5863180881f7506e90a9c3ebbb0.get-log-events.json", None, polls[:4])
    return root


def stamp(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def jsonl(path: Path, service: str, times: list[datetime], banners: dict[datetime, str]) -> None:
    records = [
        {"time": stamp(t), "level": "info", "service": service, "msg": banners.get(t, f"tick {i}")}
        for i, t in enumerate(sorted({*times, *banners}))
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in records))


def banner(pid: int) -> str:
    return f"Starting OrderApp v1.4.2 using Java 17.0.9 with PID {pid} (/app/app.jar started by app)"


def cloudwatch(path: Path, stream: str | None, times: list[datetime], received_after_ms: int = 400) -> None:
    events = [
        {
            **({"logStreamName": stream} if stream else {}),
            "timestamp": int(t.timestamp() * 1000),
            "message": f"poll {i}: 0 new files",
            "ingestionTime": int(t.timestamp() * 1000) + received_after_ms,
            "eventId": str(1000 + i),
        }
        for i, t in enumerate(times)
    ]
    path.write_text(json.dumps({"events": events}))


def berlin_autumn(path: Path) -> None:
    # 2025-10-26: Berlin clocks go back from 03:00 CEST to 02:00 CET; 02:00-02:59 is written twice.
    first = datetime(2025, 10, 26, 0, 0, tzinfo=UTC)  # 02:00 CEST
    lines = []
    for minute in range(0, 150, 5):
        t = first + timedelta(minutes=minute)
        local = t.astimezone(ZoneInfo("Europe/Berlin"))
        lines.append(f"{local:%Y-%m-%d %H:%M:%S},000 INFO [main] c.e.Clock: minute {minute}")
    path.write_text("\n".join(lines) + "\n")
