"""Zone abbreviations: the built-in table, numeric offsets, and meanings the user configures."""

from __future__ import annotations

from datetime import timedelta

import polars as pl
import pytest

from timeliner import zones
from timeliner.errors import TimezoneError, UsageError


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("UTC", 0),
        ("Z", 0),
        ("GMT", 0),
        ("EST", -5 * 3600),
        ("EDT", -4 * 3600),
        ("CET", 3600),
        ("CEST", 2 * 3600),
        ("PST", -8 * 3600),
        ("PDT", -7 * 3600),
        ("NST", -(3 * 3600 + 1800)),
        ("IST", 5 * 3600 + 1800),  # ambiguous: India by default
        (" cest ", 2 * 3600),
        ("+0800", 8 * 3600),
        ("-05:00", -5 * 3600),
        ("+05:45", 5 * 3600 + 45 * 60),
        ("UTC+8", 8 * 3600),
        ("GMT-3", -3 * 3600),
        ("XYZ", None),
        (None, None),
    ],
)
def test_offset_seconds(text: str | None, seconds: int | None) -> None:
    got = pl.DataFrame({"a": [text]}, schema={"a": pl.String}).select(
        zones.offset_seconds(pl.col("a"), zones.BUILTIN)
    )
    assert got.item() == seconds


def test_ambiguous_abbreviations_name_their_other_meanings() -> None:
    for name in ("IST", "CST", "BST"):
        assert zones.BUILTIN[name].ambiguous
        assert zones.BUILTIN[name].others
    assert not zones.BUILTIN["CEST"].ambiguous


@pytest.mark.parametrize(
    ("name", "value", "offset"),
    [
        ("CST", "Asia/Shanghai", timedelta(hours=8)),
        ("cst", "America/Chicago", timedelta(hours=-6)),
        ("BST", "Europe/London", timedelta(hours=1)),
        ("IST", "Europe/Dublin", timedelta(hours=1)),
        ("IST", "Asia/Jerusalem", timedelta(hours=2)),
        ("IST", "+05:30", timedelta(hours=5, minutes=30)),
    ],
)
def test_configured_meaning(name: str, value: str, offset: timedelta) -> None:
    meaning = zones.configured_abbreviation(name, value)
    assert meaning.offset == offset
    assert meaning.name == name.upper()
    assert not meaning.ambiguous


def test_a_zone_that_never_uses_the_abbreviation_is_refused_with_what_it_uses() -> None:
    with pytest.raises(
        TimezoneError, match=r"Europe/Paris does not call its time IST \(it uses CET \(\+01:00\)"
    ):
        zones.configured_abbreviation("IST", "Europe/Paris")


def test_configured_meanings_override_the_table() -> None:
    table = zones.abbreviation_table((("CST", "+08:00"),))
    assert table["CST"].offset == timedelta(hours=8)
    assert table["EST"] == zones.BUILTIN["EST"]


def test_parse_abbrev_options() -> None:
    assert zones.parse_abbrev_options(["ist=Asia/Kolkata", "CST=+08:00"]) == (
        ("IST", "Asia/Kolkata"),
        ("CST", "+08:00"),
    )
    with pytest.raises(UsageError, match="expected ABBREVIATION=ZONE"):
        zones.parse_abbrev_options(["IST"])
    with pytest.raises(TimezoneError, match="unknown time zone 'Mars/Base'"):
        zones.parse_abbrev_options(["IST=Mars/Base"])


@pytest.mark.parametrize(
    ("text", "offset"),
    [
        ("+05:30", timedelta(hours=5.5)),
        ("-0330", timedelta(hours=-3.5)),
        ("UTC+8", timedelta(hours=8)),
        ("CEST", None),
    ],
)
def test_parse_and_format_offset(text: str, offset: timedelta | None) -> None:
    assert zones.parse_offset(text) == offset
    if offset is not None:
        assert zones.parse_offset(zones.format_offset(offset)) == offset


def test_format_offset() -> None:
    assert zones.format_offset(timedelta(hours=-3.5)) == "-03:30"
    assert zones.format_offset(timedelta(0)) == "+00:00"


def test_cli_abbrev_of_a_zone_that_never_uses_it_is_one_line_exit_2(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from timeliner.cli import app

    log = tmp_path / "app.log"
    log.write_text("2026-10-13 21:04:12.345  INFO 4242 --- [main] c.e.App : Started App in 8.4 seconds\n")
    result = CliRunner().invoke(
        app, ["build", str(log), "--out", str(tmp_path / "o"), "--abbrev", "IST=Europe/Paris"]
    )
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: --abbrev IST=Europe/Paris: Europe/Paris does not call its time IST (it uses CET (+01:00), "
        "CEST (+02:00)); give the offset instead, e.g. --abbrev IST=+05:30\n"
    )
