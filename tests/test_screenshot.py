"""`timeliner screenshot`: a PNG of gantt.html via headless Chromium (skips where there is none)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from timeliner.cli import app
from timeliner.render.screenshot import find_browser

runner = CliRunner()


@pytest.mark.browser
def test_screenshot_of_a_build(tmp_path: Path) -> None:
    if find_browser() is None:
        pytest.skip("no chromium/chrome on this machine (.ci/run installs Debian's chromium)")
    sample = Path(__file__).resolve().parents[1] / "sample_logs"
    assert runner.invoke(app, ["build", str(sample), "--out", str(tmp_path), "-q"]).exit_code == 0
    png = tmp_path / "chart.png"
    result = runner.invoke(
        app,
        ["screenshot", str(tmp_path / "gantt.html"), "--png", str(png), "--width", "800", "--height", "400"],
    )
    assert result.exit_code == 0, result.stderr
    data = png.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (800, 400)


def test_screenshot_of_a_missing_file_is_one_error_line(tmp_path: Path) -> None:
    if find_browser() is None:
        pytest.skip("no chromium/chrome: the missing-browser message is shown first")
    result = runner.invoke(app, ["screenshot", str(tmp_path / "none.html"), "--png", str(tmp_path / "x.png")])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {tmp_path / 'none.html'}: no such file; run timeliner build first\n"
