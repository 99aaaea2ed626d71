"""Shared fixtures: the repository's folders and a runner for the real CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "cases"
EXAMPLES = ROOT / "examples"


def run_cli(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m ftdisclose`` as a user would, in a separate process."""
    full_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "ftdisclose", *args],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        env=full_env,
        input=stdin,
        timeout=120,
        check=False,
    )


@pytest.fixture
def cli() -> object:
    return run_cli


def venv_tool(name: str) -> str | None:
    """A console script of the running environment, found even when PATH lacks its folder."""
    import shutil

    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else shutil.which(name)
