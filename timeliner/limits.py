"""Resource bounds: no input, however hostile or broken, may exhaust memory or time.

Three things grow without bound in the wild, and each has a cap here:

* **gzip data** -- a small archive can expand a thousandfold (a "gzip bomb"), and a cut-off
  download ends mid-stream. :func:`gunzip_bounded` inflates member by member in bounded steps,
  stops at :data:`GZIP_MAX_BYTES` or when the output outgrows :data:`GZIP_MAX_RATIO` times the
  compressed bytes read, and keeps what decoded before damage or a cap, saying where it stopped;
* **one line** -- a minified JSON blob or a binary dump can be a 2 GB line; text lines are cut at
  :data:`MAX_LINE_CHARS` (:func:`cut_long_lines`) before any pattern runs over them;
* **one event** -- a stack trace with no end; messages are cut at :data:`MAX_EVENT_CHARS`
  (:func:`cap_event_messages`), and at :data:`MAX_EVENT_LINES` lines by the line assembler.

Whatever is cut ends in a visible marker (``[… cut by timeliner: ...]``), is counted, and the count
is reported per file, so a cut is never silent. Caps are module constants so that a test (or a
user with a big machine, in a notebook) can change them.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field

import polars as pl

GZIP_MAGIC = b"\x1f\x8b"
# An archive never inflates past this (per file, all members together); 4 GiB of text is already
# more than a laptop holds comfortably as a frame.
GZIP_MAX_BYTES = 4 << 30
# Logs compress 5-30x, very repetitive ones 100x; deflate's ceiling is about 1030x, which only a
# crafted or zero-filled stream reaches. The ratio is checked once the output passes the floor,
# so that small, very repetitive files are never stopped.
GZIP_MAX_RATIO = 200
GZIP_RATIO_FLOOR = 64 << 20
# Inflate in steps: at most this much output per step, so a bomb is caught one step past a cap, not
# after it filled memory; and this much input per step, so damage loses at most one step's output.
GZIP_STEP = 8 << 20
GZIP_INPUT_STEP = 64 << 10

MAX_LINE_CHARS = 1 << 20  # 1 MiB of characters per physical line
MAX_EVENT_CHARS = 2 << 20  # 2 MiB per event message (room for a cut line plus its trace)
MAX_EVENT_LINES = 5000  # lines joined into one event; the rest still count, as continuations

# Every cut leaves this in the text, so that readers see it and the pipeline can count it.
CUT_TAG = "[… cut by timeliner:"


def cut_marker(what: str) -> str:
    """The text appended where something was cut: ``[… cut by timeliner: <what>]``."""
    return f" {CUT_TAG} {what}]"


@dataclass
class Gunzipped:
    """Inflated bytes, plus one sentence per reason the inflation stopped early (none when whole)."""

    data: bytes
    problems: list[str] = field(default_factory=list)


def gunzip_bounded(raw: bytes) -> Gunzipped:
    """Inflate every gzip member of ``raw`` within the caps; damage or a cap keeps what came before.

    >>> import gzip
    >>> gunzip_bounded(gzip.compress(b"a\\n") + gzip.compress(b"b\\n")).data
    b'a\\nb\\n'
    >>> gunzip_bounded(gzip.compress(b"line\\n" * 1000)[:-30]).problems[0][:28]
    'the gzip data ends too early'
    """
    out = _Output()
    view = memoryview(raw)
    start = 0
    while True:
        end, problem = _inflate_member(view, start, out)
        if problem:
            return Gunzipped(out.joined(), [problem])
        rest = raw[end:]
        if rest.startswith(GZIP_MAGIC):
            start = end
            continue
        if rest.strip(b"\x00"):  # zero padding after the last member is normal (tape, block devices)
            extra = f"{len(rest):,} byte(s) after the end of the gzip data are not gzip and were ignored"
            return Gunzipped(out.joined(), [extra])
        return Gunzipped(out.joined())


class _Output:
    """Inflated pieces and their total size (joined once at the end: no quadratic regrowth)."""

    def __init__(self) -> None:
        self.pieces: list[bytes] = []
        self.size = 0

    def add(self, piece: bytes) -> None:
        self.pieces.append(piece)
        self.size += len(piece)

    def joined(self) -> bytes:
        return b"".join(self.pieces)

    def kept(self) -> str:
        lines = sum(piece.count(b"\n") for piece in self.pieces)
        last = next((piece for piece in reversed(self.pieces) if piece), b"\n")
        if last.endswith(b"\n"):
            return f"kept the first {lines:,} line(s); get a complete copy for the rest"
        # The line the damage cut in two is kept too (it may still be an event), and said to be short.
        return (
            f"kept the first {lines + 1:,} line(s), the last one cut short; get a complete copy for the rest"
        )


def _inflate_member(view: memoryview, start: int, out: _Output) -> tuple[int, str | None]:
    """Inflate one member starting at ``start`` into ``out``; (offset after it, problem or None)."""
    decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
    pos = start
    while not decoder.eof:
        tail = decoder.unconsumed_tail
        chunk = tail if tail else view[pos : pos + GZIP_INPUT_STEP]
        pos += 0 if tail else len(chunk)
        if not chunk:
            out.add(_flush(decoder))
            return pos, f"the gzip data ends too early (a cut-off download?); {out.kept()}"
        try:
            out.add(decoder.decompress(chunk, GZIP_STEP))
        except zlib.error as exc:
            return pos, f"the gzip data is damaged ({exc}); {out.kept()}"
        over = _over_cap(out.size, pos - len(decoder.unconsumed_tail))
        if over:
            return pos, over
    return pos - len(decoder.unused_data), None


def _flush(decoder: zlib._Decompress) -> bytes:
    try:
        return decoder.flush()
    except zlib.error:
        return b""


def _over_cap(produced: int, consumed: int) -> str | None:
    """Why inflation must stop now, or None."""
    if produced > GZIP_MAX_BYTES:
        return (
            f"inflates to more than {_size(GZIP_MAX_BYTES)}; read the first {_size(produced)} and stopped; "
            "split the file, or gunzip it and pass the plain file"
        )
    if produced > GZIP_RATIO_FLOOR and produced > GZIP_MAX_RATIO * max(consumed, 1):
        return (
            f"inflates to more than {GZIP_MAX_RATIO}x its compressed size (a gzip bomb?); read the first "
            f"{_size(produced)} and stopped; if the file is genuine, gunzip it and pass the plain file"
        )
    return None


def _size(n: int) -> str:
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} bytes"


def cut_long_lines(lines: pl.Series) -> tuple[pl.Series, int]:
    """Cut lines longer than :data:`MAX_LINE_CHARS` characters, each ending in a marker; (lines, how many)."""
    if lines.is_empty() or (lines.str.len_bytes().max() or 0) <= MAX_LINE_CHARS:  # type: ignore[operator]
        return lines, 0  # a line has at least as many bytes as characters: nothing to cut
    frame = lines.to_frame("text").with_columns(_chars=pl.col("text").str.len_chars())
    too_long = pl.col("_chars") > MAX_LINE_CHARS
    cut = frame.select(
        pl.when(too_long)
        .then(_with_marker(pl.col("text"), MAX_LINE_CHARS, "a line"))
        .otherwise(pl.col("text"))
        .alias(lines.name)
    )
    return cut.to_series(), int(frame.select(too_long.sum()).item())


def cap_event_messages(events: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    """Cut messages over :data:`MAX_EVENT_CHARS`; (events, number of events with a cut of any kind).

    The count includes events whose lines were cut earlier (by :func:`cut_long_lines` or the line
    assembler's line cap), recognised by :data:`CUT_TAG`.
    """
    if events.is_empty() or "message" not in events.columns:
        return events, 0
    message = pl.col("message")
    longest, already_cut = events.select(
        message.str.len_bytes().max().alias("longest"),
        message.str.contains(CUT_TAG, literal=True).sum().alias("cut"),
    ).row(0)
    if (longest or 0) <= MAX_EVENT_CHARS:  # bytes >= characters: nothing to cut (the common case)
        return events, int(already_cut or 0)
    too_long = message.str.len_chars() > MAX_EVENT_CHARS
    events = events.with_columns(
        pl.when(too_long).then(_with_marker(message, MAX_EVENT_CHARS, "an event")).otherwise(message)
    )
    cut = events.select(message.str.contains(CUT_TAG, literal=True).sum()).item()
    return events, int(cut or 0)


def _with_marker(text: pl.Expr, keep: int, noun: str) -> pl.Expr:
    """``text`` cut to ``keep`` characters, followed by a marker that says how long it was."""
    marker = cut_marker(f"{noun} of {{}} characters, kept the first {keep:,}")
    return pl.format("{}" + marker, text.str.slice(0, keep), text.str.len_chars())


def cut_note(count: int) -> str:
    """The per-file sentence for events that were cut to stay within the caps."""
    return (
        f"{count:,} event(s) too long were cut (lines over {MAX_LINE_CHARS:,} characters, events over "
        f"{MAX_EVENT_CHARS:,} characters or {MAX_EVENT_LINES:,} lines); their messages end with '{CUT_TAG} ...]'"
    )
