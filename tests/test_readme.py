"""The README's promises: its two commands, the CI command, and the documented options."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")


def _commands() -> list[str]:
    return re.findall(r"```bash\n(.+?)\n```", README)


def test_readme_starts_with_the_two_commands() -> None:
    first, second = _commands()[:2]
    assert "timeliner build" in first and "pip install" in first
    assert "pytest" in second and "pip install" in second


def test_ci_runs_exactly_the_readme_test_command() -> None:
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    test_command = _commands()[1]
    assert test_command in ci.splitlines()


def test_every_build_option_is_documented() -> None:
    from typer.main import get_command

    from timeliner.cli import app

    build = get_command(app).commands["build"]  # type: ignore[attr-defined]
    options = {opt for param in build.params for opt in param.opts if opt.startswith("--")}
    undocumented = sorted(o for o in options if f"`{o}" not in README)
    assert not undocumented, f"document these options in README.md: {undocumented}"


def test_every_detection_setting_is_documented() -> None:
    from dataclasses import fields

    from timeliner.detectors import DetectConfig

    missing = [f.name for f in fields(DetectConfig) if f"| `{f.name}` |" not in README]
    assert not missing, f"add these --detect settings to the README's table: {missing}"
