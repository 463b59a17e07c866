"""Properties of time handling: instants must not depend on the machine's zone, on the zone an
instant was written in, or on the order of the lines that carry them."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from timeliner import timeparse as tp
from timeliner.normalize import normalize_file
from timeliner.schema import PLACEHOLDER_YEAR, conform_partial
from timeliner.settings import Settings
from timeliner.timeparse._years import with_year

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

instants = st.datetimes(
    min_value=datetime(1971, 1, 1), max_value=datetime(2099, 12, 31), timezones=st.just(UTC)
)
offsets = st.integers(min_value=-12 * 4, max_value=14 * 4).map(lambda q: timedelta(minutes=15 * q))
extra_digits = st.text(alphabet="0123456789", min_size=0, max_size=3)
MACHINE_ZONES = ["UTC", "America/New_York", "Asia/Kolkata", "Pacific/Chatham", "Europe/Amsterdam"]
ZONES = ["Europe/Amsterdam", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "America/Sao_Paulo"]


@contextmanager
def machine_zone(zone: str) -> Iterator[None]:
    """Run with the process's TZ set to ``zone`` (what a user's laptop would have)."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = zone
    time.tzset()
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = before
        time.tzset()


def offset_text(offset: timedelta, style: int) -> str:
    if offset == timedelta(0) and style == 0:
        return "Z"
    minutes = int(offset.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    hours, mins = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{mins:02d}" if style < 2 else f"{sign}{hours:02d}{mins:02d}"


def written(instant: datetime, offset: timedelta, style: int, extra: str) -> str:
    """The instant as ISO text in ``offset``, with 6 + len(extra) fraction digits."""
    local = instant.astimezone(timezone(offset))
    sep = "T" if style % 2 else " "
    return f"{local:%Y-%m-%d}{sep}{local:%H:%M:%S}.{local.microsecond:06d}{extra}{offset_text(offset, style)}"


def parse_iso(texts: list[str]) -> list[datetime]:
    return pl.DataFrame({"t": texts}).select(tp.iso_to_utc(pl.col("t"))).to_series().to_list()


@SETTINGS
@given(instant=instants, offset=offsets, style=st.integers(0, 2), extra=extra_digits)
def test_an_instant_written_in_any_offset_reads_back_exactly(
    instant: datetime, offset: timedelta, style: int, extra: str
) -> None:
    assert parse_iso([written(instant, offset, style, extra)]) == [instant]


@SETTINGS
@given(instant=instants, offsets_pair=st.tuples(offsets, offsets))
def test_the_zone_an_instant_was_written_in_does_not_matter(
    instant: datetime, offsets_pair: tuple[timedelta, timedelta]
) -> None:
    first, second = (written(instant, off, 1, "") for off in offsets_pair)
    assert parse_iso([first]) == parse_iso([second])


@settings(max_examples=60, deadline=None)
@given(stamps=st.lists(st.tuples(instants, offsets), min_size=1, max_size=30), data=st.data())
def test_line_order_does_not_change_instants_of_offset_text(
    stamps: list[tuple[datetime, timedelta]], data: st.DataObject
) -> None:
    texts = [written(i, off, 2, "") for i, off in stamps]
    order = data.draw(st.permutations(range(len(texts))))
    partial = conform_partial(
        pl.DataFrame({"line": [k + 1 for k in order], "ts_raw": [texts[k] for k in order]}).with_columns(
            **tp.iso_columns(pl.col("ts_raw")), message=pl.lit("m")
        )
    )
    events, _ = normalize_file(partial, path="p.log", source="t", settings=Settings(tz="Europe/Amsterdam"))
    by_line = dict(zip(events["line"].to_list(), events["ts"].to_list(), strict=True))
    assert [by_line[k + 1] for k in range(len(texts))] == [i for i, _ in stamps]


@settings(max_examples=40, deadline=None)
@given(
    rows=st.lists(st.tuples(instants, offsets, st.integers(10**11, 4 * 10**12)), min_size=1, max_size=25),
    zone=st.sampled_from(ZONES),
)
def test_instants_do_not_depend_on_the_machine_zone(
    rows: list[tuple[datetime, timedelta, int]], zone: str
) -> None:
    frame = pl.DataFrame(
        {
            "line": range(1, len(rows) + 1),
            "iso": [written(i, off, 1, "") for i, off, _ in rows],
            "epoch": [ms for _, _, ms in rows],
            "ts_local": [i.replace(tzinfo=None) for i, _, _ in rows],
        }
    )
    exprs = [
        tp.iso_to_utc(pl.col("iso")),
        tp.epoch_to_utc(pl.col("epoch")),
        tp.local_to_utc(pl.col("ts_local"), zone).alias("local"),
        tp.iso_to_local(pl.col("iso")).alias("naive"),
    ]
    results = []
    for machine in MACHINE_ZONES:
        with machine_zone(machine):
            results.append((frame.select(exprs).rows(), tp.localize(frame, zone)[0].to_list()))
    assert all(r == results[0] for r in results)
    assert [r[0] for r in results[0][0]] == [i for i, _, _ in rows]


# Told apart by magnitude, each unit covers 1973-03-03T09:46:40Z .. 5138 (see EPOCH_UNIT_BOUNDS).
epoch_instants = st.datetimes(
    min_value=datetime(1973, 3, 4), max_value=datetime(2262, 1, 1), timezones=st.just(UTC)
)


@SETTINGS
@given(instant=epoch_instants, unit=st.sampled_from(["s", "ms", "us", "ns"]), as_text=st.booleans())
def test_epochs_in_every_unit_read_back_to_that_unit(instant: datetime, unit: str, as_text: bool) -> None:
    micros = (instant - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)
    value = {"s": micros // 10**6, "ms": micros // 10**3, "us": micros, "ns": micros * 1000 + 999}[unit]
    kept = {"s": 10**6, "ms": 10**3, "us": 1, "ns": 1}[unit]
    expected = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=micros // kept * kept)
    frame = pl.DataFrame({"v": [str(value) if as_text else value]})
    assert frame.select(tp.epoch_to_utc(pl.col("v"))).item() == expected


@SETTINGS
@given(instant=instants, zone=st.sampled_from(ZONES))
def test_localizing_keeps_the_wall_clock(instant: datetime, zone: str) -> None:
    wall = instant.astimezone(ZoneInfo(zone)).replace(tzinfo=None)
    got = pl.DataFrame({"t": [wall]}).select(tp.local_to_utc(pl.col("t"), zone)).item()
    assert got.astimezone(ZoneInfo(zone)).replace(tzinfo=None) == wall


@SETTINGS
@given(
    start=st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2090, 1, 1)),
    steps=st.lists(
        st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=150)), min_size=1, max_size=20
    ),
)
def test_yearless_lines_get_back_their_years_with_rollover(start: datetime, steps: list[timedelta]) -> None:
    truth = [start]
    for step in steps:
        truth.append(truth[-1] + step)
    # What a yearless file shows: month, day and time, in the placeholder year (Feb 29 only if it was one).
    shown = [t.replace(year=PLACEHOLDER_YEAR) for t in truth]
    partial = conform_partial(
        pl.DataFrame({"line": range(1, len(shown) + 1), "ts_local": shown, "message": "m"}).cast(
            {"line": pl.Int64}
        )
    )
    events, report = normalize_file(
        partial, path="s", source="t", settings=Settings(year=start.year), yearless=True
    )
    assert events.sort("line")["ts"].to_list() == [t.replace(tzinfo=UTC) for t in truth]
    assert report.years == sorted({t.year for t in truth})


@SETTINGS
@given(
    local=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2000, 12, 31, 23, 59)),
    year=st.integers(1971, 2099),
)
def test_with_year_keeps_month_day_and_time(local: datetime, year: int) -> None:
    got = pl.select(with_year(pl.lit(local), pl.lit(year))).item()
    if (local.month, local.day) == (2, 29) and got.year % 4:
        assert (got.month, got.day) == (3, 1)
    else:
        assert got == local.replace(year=year)
