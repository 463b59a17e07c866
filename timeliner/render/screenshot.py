"""A PNG of ``gantt.html``, taken by headless Chromium: for reports, slides and the README.

Chromium is not a Python dependency; this uses the browser already on the machine
(``chromium``, ``chromium-browser`` or ``google-chrome``), with network and background
services off so that the picture shows exactly what the offline file shows.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from timeliner.errors import TimelinerError

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = (
    "--headless",
    "--no-sandbox",  # we run as root in containers; the page is our own file
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)


class ScreenshotError(TimelinerError):
    """No browser to take the picture with, or it failed."""


def find_browser() -> str | None:
    return next((path for name in BROWSERS if (path := shutil.which(name))), None)


def screenshot(html: str | Path, png: str | Path, *, width: int = 1400, height: int = 800) -> Path:
    """Render ``html`` (a local file) to ``png`` at ``width``×``height`` pixels."""
    browser = find_browser()
    if browser is None:
        raise ScreenshotError(
            "no Chromium or Chrome found to take the picture; install chromium (apt-get install chromium)"
        )
    source, target = Path(html).resolve(), Path(png).resolve()
    if not source.is_file():
        raise ScreenshotError(f"{html}: no such file; run timeliner build first")
    with tempfile.TemporaryDirectory(prefix="timeliner-chromium-") as profile:
        cmd = [
            browser,
            *FLAGS,
            f"--user-data-dir={profile}",
            f"--window-size={width},{height}",
            "--virtual-time-budget=8000",  # let plotly lay the chart out before the shot
            f"--screenshot={target}",
            source.as_uri(),
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    if proc.returncode != 0 or not target.is_file():
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        raise ScreenshotError(f"{browser} could not take the picture (exit {proc.returncode}: {last})")
    return target
