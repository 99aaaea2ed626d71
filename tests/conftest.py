"""Shared fixtures: the repository's folders and runners for the CLI.

``run_cli`` calls ``ftdisclose.cli.main(argv)`` in this process with its output captured,
the environment and working folder set as asked: as fast as a function call.
``run_cli_process`` spawns ``python -m ftdisclose``, for the few tests where the process
itself (its entry point, exit status, signals) is what is tested.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "cases"
EXAMPLES = ROOT / "examples"


@dataclass
class Ran:
    """What a command did: its exit code and what it wrote."""

    returncode: int
    stdout: str
    stderr: str


class _Stdin(io.StringIO):
    """Standard input with a ``buffer`` of bytes, as the real one has."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.buffer = io.BytesIO(text.encode("utf-8"))


@contextlib.contextmanager
def _environment(env: dict[str, str], cwd: Path) -> Iterator[None]:
    saved_env, saved_cwd = dict(os.environ), Path.cwd()
    os.environ.update(env)
    for key, value in env.items():
        if value == "":
            os.environ.pop(key, None)
    if "TZ" in env:
        time.tzset()
    os.chdir(cwd)
    try:
        yield
    finally:
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
        if "TZ" in env:
            time.tzset()


def run_cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None, stdin: str | None = None) -> Ran:
    """Run the command line in this process, as ``ftdisclose ARGS`` would run."""
    from ftdisclose.cli import main

    out, err = io.StringIO(), io.StringIO()
    saved_stdin = sys.stdin
    with _environment({"NO_COLOR": "1", **(env or {})}, cwd or ROOT):
        sys.stdin = _Stdin(stdin or "")
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = main(list(args))
        finally:
            sys.stdin = saved_stdin
    return Ran(code, out.getvalue(), err.getvalue())


def run_cli_process(
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
