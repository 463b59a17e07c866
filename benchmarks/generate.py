"""Write the benchmark corpus: ~1 M mixed log lines with known ground truth, into benchmarks/data/.

Four files, one per big format, all covering the same twelve hours around New Year 2026 (UTC):

* ``orders-berlin.log`` — Spring Boot 2 layout, local Europe/Berlin time without offset, 5 % of the
  events with a Java stack trace (8–14 continuation lines); a restart storm (three boots 50 s
  apart) and a 40-minute silence are planted in it;
* ``api.jsonl`` — JSON lines, ISO times with three offset styles (``Z``, ``+02:00``, ``-05:00``)
  and epoch milliseconds, mixed line by line;
* ``syslog`` — RFC 3164 in America/New_York local time, crossing New Year (yearless; the file's
  mtime dates it), several hosts and programs with pids;
* ``cloudwatch.json`` — an ``aws logs filter-log-events`` document, one event record per line,
  epoch-ms times.

``.truth.json`` beside them records, per file, the lines, the events and the zone to pass, and the
planted storm and gap, so the runner can check that a fast answer is also the right one.

    python benchmarks/generate.py                 # ~1 M lines into benchmarks/data/x1/
    python benchmarks/generate.py --scale 4       # 4 M lines into benchmarks/data/x4/
    python benchmarks/generate.py --small-files 2000   # a CloudWatch S3 export: 2,000 .gz chunks

The small-files corpus is what ``aws logs create-export-task`` leaves in a bucket: one folder per
stream (``<prefix>/<task id>/ecs/sync/<task>/``), gzip chunks of 40 lines each, every line the
UTC export stamp then the application's own Spring Boot line (a second clock).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

START = datetime(2025, 12, 31, 18, 0, tzinfo=UTC)
SPAN = timedelta(hours=12)
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
DATA = Path(__file__).resolve().parent / "data"
TRUTH = ".truth.json"  # hidden: timeliner skips hidden files when it walks the folder

# Events per format at scale 1; log4j lines come out ~1.35× its events (stack traces).
EVENTS = {"log4j": 300_000, "jsonl": 280_000, "syslog": 200_000, "cloudwatch": 110_000}
STORM_AT = START + timedelta(hours=3)  # three boots, 50 s apart
GAP_AT = START + timedelta(hours=7)  # 40 minutes of silence in orders-berlin.log
GAP_LENGTH = timedelta(minutes=40)

LOGGERS = ["c.e.orders.OrderService", "c.e.orders.PaymentClient", "o.s.web.servlet.DispatcherServlet"]
MESSAGES = [
    "Order {n} placed for customer {c}",
    "Payment {n} authorised in {ms} ms",
    "GET /api/orders/{n} completed 200 in {ms} ms",
    "Cache refresh of catalogue took {ms} ms",
]
FRAMES = [
    "\tat com.example.orders.PaymentClient.charge(PaymentClient.java:{n})",
    "\tat com.example.orders.OrderService.place(OrderService.java:{n})",
    "\tat org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:{n})",
    "\tat java.base/java.lang.Thread.run(Thread.java:{n})",
]


def instants(
    rng: random.Random, count: int, *, hole: tuple[datetime, datetime] | None = None
) -> list[datetime]:
    """``count`` sorted instants spread over the span, none inside ``hole``."""
    span_us = int(SPAN.total_seconds() * 1_000_000)
    out = sorted(START + timedelta(microseconds=rng.randrange(span_us) // 1000 * 1000) for _ in range(count))
    if hole:
        out = [t for t in out if not hole[0] <= t < hole[1]]
    return out


def write_log4j(path: Path, count: int, rng: random.Random) -> dict[str, Any]:
    times = instants(rng, count, hole=(GAP_AT, GAP_AT + GAP_LENGTH))
    lines: list[str] = []
    boots = [STORM_AT + timedelta(seconds=50 * i) for i in range(3)]
    events = 0
    for t in sorted([*times, *boots]):
        local = t.astimezone(BERLIN).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]
        if t in boots:
            pid = 4200 + boots.index(t)
            text = f"Starting OrderApp v1.4.2 using Java 17.0.9 with PID {pid} (/app/app.jar started by app)"
            lines.append(
                f"{local}  INFO {pid} --- [           main] c.e.orders.OrderApp                      : {text}"
            )
            events += 1
            continue
        level = rng.choices(["INFO", "DEBUG", "WARN", "ERROR"], [80, 10, 6, 4])[0]
        message = rng.choice(MESSAGES).format(
            n=rng.randrange(10**6), c=rng.randrange(10**4), ms=rng.randrange(900)
        )
        logger = rng.choice(LOGGERS)
        lines.append(
            f"{local} {level:>5} 4242 --- [nio-8080-exec-{rng.randrange(1, 20)}] {logger:<40} : {message}"
        )
        events += 1
        if level == "ERROR" or rng.random() < 0.03:
            lines.append("java.lang.IllegalStateException: payment gateway answered 503")
            lines.extend(
                rng.choice(FRAMES).format(n=rng.randrange(40, 900)) for _ in range(rng.randrange(6, 12))
            )
            if rng.random() < 0.1:  # some of them are timeouts: interruptions for the detectors
                lines.append("Caused by: java.net.SocketTimeoutException: Read timed out")
    path.write_text("\n".join(lines) + "\n")
    return {"lines": len(lines), "events": events, "tz": "Europe/Berlin"}


def write_jsonl(path: Path, count: int, rng: random.Random) -> dict[str, Any]:
    lines = []
    for t in instants(rng, count):
        style = rng.randrange(4)
        if style == 0:
            stamp: Any = t.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
        elif style == 1:
            stamp = t.astimezone(ZoneInfo("Europe/Athens")).isoformat(timespec="milliseconds")
        elif style == 2:
            stamp = t.astimezone(NEW_YORK).isoformat(timespec="milliseconds")
        else:
            stamp = int(t.timestamp() * 1000)
        record = {
            "time": stamp,
            "level": rng.choices(["info", "warn", "error"], [90, 7, 3])[0],
            "service": "checkout-api",
            "pid": 13,
            "hostname": f"api-{rng.randrange(4)}",
            "req_id": f"{rng.getrandbits(48):012x}",
            "msg": rng.choice(MESSAGES).format(
                n=rng.randrange(10**6), c=rng.randrange(10**4), ms=rng.randrange(900)
            ),
        }
        lines.append(json.dumps(record, separators=(",", ":")))
    path.write_text("\n".join(lines) + "\n")
    return {"lines": len(lines), "events": len(lines), "tz": None}


def write_syslog(path: Path, count: int, rng: random.Random) -> dict[str, Any]:
    lines = []
    programs = [("cron", 812), ("sshd", 1017), ("kernel", None), ("nginx", 2201)]
    for t in instants(rng, count):
        local = t.astimezone(NEW_YORK)
        stamp = f"{local:%b} {local.day:>2} {local:%H:%M:%S}"
        program, pid = rng.choice(programs)
        tag = f"{program}[{pid}]" if pid else program
        host = f"web-{rng.randrange(3)}"
        lines.append(
            f"{stamp} {host} {tag}: session {rng.getrandbits(32):08x} handled in {rng.randrange(900)} ms"
        )
    path.write_text("\n".join(lines) + "\n")
    # The file was written just after the last event: its mtime dates the yearless stamps.
    last = START + SPAN
    os.utime(path, (last.timestamp(), last.timestamp()))
    return {"lines": len(lines), "events": len(lines), "tz": "America/New_York"}


def write_cloudwatch(path: Path, count: int, rng: random.Random) -> dict[str, Any]:
    records = []
    for t in instants(rng, count):
        ms = int(t.timestamp() * 1000)
        text = f"{t:%Y-%m-%dT%H:%M:%S}.{ms % 1000:03d}Z  INFO 1 --- [sched-1] c.e.sync.InboundSync : Polled /inbound: {rng.randrange(9)} new files\n"
        record = {
            "logStreamName": f"sync/runtime/{rng.choice(['9a1f', '77c0'])}0c2d6c8e4f0a9b1c2d3e4f5a6b7c8d",
            "timestamp": ms,
            "message": text,
            "ingestionTime": ms + rng.randrange(200, 900),
            "eventId": str(rng.getrandbits(120)),
        }
        records.append(json.dumps(record, separators=(",", ":")))
    path.write_text('{"events": [\n' + ",\n".join(records) + '\n], "searchedLogStreams": []}\n')
    return {"lines": len(records) + 2, "events": len(records), "tz": None}


WRITERS = {
    "log4j": ("orders-berlin.log", write_log4j),
    "jsonl": ("api.jsonl", write_jsonl),
    "syslog": ("syslog", write_syslog),
    "cloudwatch": ("cloudwatch.json", write_cloudwatch),
}


def generate(out: Path, scale: float = 1.0, seed: int = 7) -> dict[str, Any]:
    """Write the corpus into ``out`` and return its ground truth (also written to ``.truth.json``)."""
    out.mkdir(parents=True, exist_ok=True)
    files = {}
    for key, (name, writer) in WRITERS.items():
        rng = random.Random(f"{seed}-{key}")
        files[name] = writer(out / name, int(EVENTS[key] * scale), rng) | {"format_key": key}
        files[name]["bytes"] = (out / name).stat().st_size
    truth = {
        "scale": scale,
        "files": files,
        "lines": sum(f["lines"] for f in files.values()),
        "bytes": sum(f["bytes"] for f in files.values()),
        "storm": {"file": "orders-berlin.log", "start": STORM_AT.isoformat(), "boots": 3},
        "gap": {"file": "orders-berlin.log", "after": GAP_AT.isoformat(), "minutes": 40},
        "source_tz": {name: f["tz"] for name, f in files.items() if f["tz"]},
    }
    (out / TRUTH).write_text(json.dumps(truth, indent=2) + "\n")
    return truth


EXPORT_TASK = "3f2a9c1e-1b2c-4d5e-8f90-123456789abc"
LINES_PER_CHUNK = 40


def generate_small_files(out: Path, files: int, seed: int = 7) -> dict[str, Any]:
    """A CloudWatch S3 export of ``files`` small gzip chunks (20 streams); returns its ground truth."""
    rng = random.Random(f"{seed}-s3")
    streams = [f"ecs/sync/{rng.getrandbits(128):032x}" for _ in range(20)]
    lines = 0
    raw = 0
    for number in range(files):
        stream = streams[number % len(streams)]
        chunk = number // len(streams)
        folder = out / "exportedlogs" / EXPORT_TASK / stream
        folder.mkdir(parents=True, exist_ok=True)
        t = START + timedelta(minutes=5 * chunk, seconds=number % len(streams))
        text = []
        for _ in range(LINES_PER_CHUNK):
            t += timedelta(milliseconds=rng.randrange(500, 7000))
            stamp = f"{t:%Y-%m-%dT%H:%M:%S}.{t.microsecond // 1000:03d}Z"
            message = MESSAGES[rng.randrange(len(MESSAGES))].format(
                n=rng.randrange(10**6), c=rng.randrange(10**4), ms=rng.randrange(1, 900)
            )
            text.append(f"{stamp} {stamp}  INFO 1 --- [sched-1] c.e.sync.InboundSync : {message}\n")
        body = "".join(text).encode()
        (folder / f"{chunk:06d}.gz").write_bytes(gzip.compress(body, mtime=0))
        lines += len(text)
        raw += len(body)
    truth = {
        "scale": f"{files} files",
        "files": {"exportedlogs": {"lines": lines, "events": lines, "tz": None}},
        "lines": lines,
        "bytes": raw,
        "small_files": files,
        "source_tz": {},
    }
    (out / TRUTH).write_text(json.dumps(truth, indent=2) + "\n")
    return truth


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every file's events (default 1)")
    parser.add_argument("--out", type=Path, default=None, help="folder (default benchmarks/data/x<scale>)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--small-files", type=int, help="write a CloudWatch S3 export of this many chunks instead"
    )
    args = parser.parse_args()
    if args.small_files:
        out = args.out or DATA / f"s3-{args.small_files}"
        truth = generate_small_files(out, args.small_files, args.seed)
        print(f"wrote {args.small_files:,} files, {truth['lines']:,} lines into {out}")
        return
    out = args.out or DATA / f"x{args.scale:g}"
    truth = generate(out, args.scale, args.seed)
    print(f"wrote {truth['lines']:,} lines, {truth['bytes'] / 1e6:.0f} MB into {out}")


if __name__ == "__main__":
    main()
