"""A user's mistake with files and folders is a usage error (exit 2) with a message, never an internal error.

Every command is tried against a missing folder, a read-only folder, a folder where a file
should be and a file where a folder should be. Output folders that are only missing are
created.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from .conftest import CASES, EXAMPLES, run_cli

CSV = CASES / "codecarbon" / "v2.3-pue-aws-a100.csv"


@pytest.fixture
def place(tmp_path: Path) -> Path:
    shutil.copy(EXAMPLES / "munin-7b-lora.yaml", tmp_path / "d.yaml")
    shutil.copy(CSV, tmp_path / "e.csv")
    (tmp_path / "folder").mkdir()
    return tmp_path


def _read_only_folder(tmp_path: Path) -> Path:
    """A folder this process cannot write in: a chmod'ed one, or for root (who ignores modes) sysfs."""
    if os.geteuid() != 0:
        folder = tmp_path / "locked"
        folder.mkdir(exist_ok=True)
        folder.chmod(0o555)
        return folder
    if Path("/sys/kernel").is_dir():
        return Path("/sys")
    pytest.skip("no read-only folder for root here")


READERS = [
    ["validate", "{x}"],
    ["compute", "{x}"],
    ["explain", "{x}"],
    ["fill", "{x}"],
    ["pin", "--offline", "{x}"],
    ["card", "{x}", "--card", "README.md"],
    ["import", "codecarbon", "{x}"],
]


@pytest.mark.parametrize("argv", READERS, ids=[a[0] if a[0] != "import" else "import" for a in READERS])
@pytest.mark.parametrize(
    ("target", "why"),
    [("nothere/d.yaml", "missing folder"), ("d.yaml/x.yaml", "file where a folder should be")],
)
def test_a_missing_input_is_exit_2(place: Path, argv: list[str], target: str, why: str) -> None:
    proc = run_cli(*(a.replace("{x}", target) for a in argv), cwd=place)
    assert proc.returncode == 2, (why, proc.stdout, proc.stderr)
    assert "internal error" not in proc.stderr and "Traceback" not in proc.stderr
    assert target in proc.stdout + proc.stderr


@pytest.mark.parametrize("command", ["explain", "fill", "pin", "card"])
def test_a_folder_where_one_file_should_be_is_exit_2(place: Path, command: str) -> None:
    argv = [command, "folder"] + (["--card", "README.md"] if command == "card" else [])
    proc = run_cli(*argv, cwd=place)
    assert proc.returncode == 2 and "is a folder" in proc.stderr, proc.stderr


WRITERS = [
    ["card", "d.yaml", "--card", "{out}"],
    ["card", "d.yaml", "--svg", "--card", "{out}"],
    ["import", "codecarbon", "e.csv", "--timezone", "UTC", "-o", "{out}"],
]


@pytest.mark.parametrize("argv", WRITERS, ids=["card", "card-svg", "import"])
def test_outputs(place: Path, argv: list[str]) -> None:
    name = "out.yaml" if argv[0] == "import" else "out.md"  # import never writes a disclosure into a card (.md)

    def run(out: str) -> tuple[int, str]:
        out = out.replace("out.md", name)
        proc = run_cli(*(a.replace("{out}", out) for a in argv), cwd=place)
        assert "internal error" not in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
        return proc.returncode, proc.stderr

    # a missing folder is created
    code, _ = run("new/deeper/out.md")
    assert code == 0 and (place / "new" / "deeper" / name).is_file()
    # a folder where the file should be
    code, err = run("folder")
    assert code == 2 and "is a folder" in err
    # a file where a folder should be
    code, err = run("d.yaml/out.md")
    assert code == 2 and "d.yaml is a file, not a folder" in err
    # a read-only folder
    locked = _read_only_folder(place)
    code, err = run(str(locked / "out.md"))
    assert code == 2 and str(locked) in err, err


def test_card_check_creates_nothing(place: Path) -> None:
    proc = run_cli("card", "--check", "d.yaml", "--card", "nothere/README.md", cwd=place)
    assert proc.returncode == 1 and not (place / "nothere").exists()
