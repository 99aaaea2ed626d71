"""Hostile file systems: what is read is a regular file of bounded size; what is written keeps
the file system as it was (links, owners, modes, the other file's kind) and leaves no debris.

Ownership and read-only folders are tested as an unprivileged user where the tests run as
root and can switch (setpriv); elsewhere those tests skip.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ftdisclose.factors import OverlayError, read_overlay
from ftdisclose.factors import load as load_factors
from ftdisclose.io.files import (
    ReadRefusedError,
    WriteError,
    check_kind,
    read_regular,
    remove_stale_temporaries,
    write_atomic,
)
from ftdisclose.io.loader import load

from .conftest import EXAMPLES, ROOT, run_cli
from .test_grid import Replay, only_localhost, replay  # noqa: F401 - fixtures used by name

MUNIN = EXAMPLES / "munin-7b-lora.yaml"
NOBODY = 65534
SETPRIV = shutil.which("setpriv")


def _as_nobody(code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run Python code as the unprivileged user nobody (needs root and setpriv)."""
    assert SETPRIV is not None
    return subprocess.run(
        [SETPRIV, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1"},
        timeout=60,
        check=False,
    )


def _nobody_can_run_python(tmp: Path) -> bool:
    if os.name != "posix" or os.geteuid() != 0 or SETPRIV is None:
        return False
    return _as_nobody("import ftdisclose.io.files", tmp).returncode == 0


@pytest.fixture
def shared() -> Iterator[Path]:
    """A folder every user can enter (pytest's own tmp_path is root's alone)."""
    folder = Path(tempfile.mkdtemp(prefix="ftd-fs-"))
    os.chmod(folder, 0o777)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


needs_root = pytest.mark.skipif(os.name != "posix" or os.geteuid() != 0, reason="needs root to make foreign files")


# --- reading ---------------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    start = time.monotonic()
    ran = run_cli("validate", str(fifo))
    assert time.monotonic() - start < 2
    assert ran.returncode == 2
    assert "FTD516" in ran.stdout and "named pipe" in ran.stdout
    for command in ("explain", "fill", "compute"):
        assert run_cli(command, str(fifo)).returncode == 2


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_a_link_to_dev_zero_is_refused_before_any_read(tmp_path: Path) -> None:
    link = tmp_path / "zero.yaml"
    link.symlink_to("/dev/zero")
    start = time.monotonic()
    ran = run_cli("validate", "--format", "json", str(link))
    assert time.monotonic() - start < 2
    assert ran.returncode == 2
    (finding,) = json.loads(ran.stdout)["files"][0]["findings"]
    assert finding["code"] == "FTD516" and "character device" in finding["message"]


def test_a_folder_given_as_a_file_is_a_usage_error(tmp_path: Path) -> None:
    folder = tmp_path / "disclosure.yaml"
    folder.mkdir()
    for command in ("explain", "fill"):
        ran = run_cli(command, str(folder))
        assert ran.returncode == 2 and "folder" in ran.stderr, ran


def test_the_size_limit_is_checked_from_stat_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    with big.open("wb") as fh:
        fh.truncate(5 << 30)  # a 5 GiB sparse file: reading it would take seconds and all memory
    start = time.monotonic()
    doc = load(big)
    assert time.monotonic() - start < 0.5
    assert [f.code for f in doc.findings] == ["FTD507"]
    with pytest.raises(ReadRefusedError) as refused:
        read_regular(big, 1024)
    assert refused.value.size == 5 << 30


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs /proc")
def test_a_file_larger_than_its_stat_says_is_cut_while_read() -> None:
    assert Path("/proc/self/maps").stat().st_size == 0  # a regular file whose size stat does not know
    with pytest.raises(ReadRefusedError, match="more than 10 bytes"):
        read_regular("/proc/self/maps", 10)


# --- writing ---------------------------------------------------------------------------


def test_a_write_through_a_symlink_updates_the_target_and_keeps_the_link(tmp_path: Path) -> None:
    real = tmp_path / "real" / "README.md"
    real.parent.mkdir()
    real.write_bytes(b"old\n")
    os.chmod(real, 0o640)
    link = tmp_path / "README.md"
    link.symlink_to(os.path.relpath(real, tmp_path))
    write_atomic(link, b"new\n")
    assert link.is_symlink() and real.read_bytes() == b"new\n"
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    assert sorted(p.name for p in real.parent.iterdir()) == ["README.md"]


def test_a_file_with_hard_links_is_rewritten_in_place(tmp_path: Path) -> None:
    first = tmp_path / "a.yaml"
    first.write_bytes(b"old\n")
    second = tmp_path / "b.yaml"
    os.link(first, second)
    inode = first.stat().st_ino
    write_atomic(first, b"new content\n")
    assert second.read_bytes() == b"new content\n"
    assert first.stat().st_ino == inode and first.stat().st_nlink == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yaml", "b.yaml"]


@needs_root
def test_owner_and_group_are_kept_when_root_writes(tmp_path: Path) -> None:
    target = tmp_path / "card.md"
    target.write_bytes(b"old\n")
    os.chown(target, NOBODY, NOBODY)
    os.chmod(target, 0o604)
    write_atomic(target, b"new\n")
    info = target.stat()
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (NOBODY, NOBODY, 0o604)


def test_owner_is_kept_when_a_non_owner_writes(shared: Path) -> None:
    if not _nobody_can_run_python(shared):
        pytest.skip("needs root, setpriv and a Python that the user nobody can run")
    target = shared / "card.md"
    target.write_bytes(b"old\n")
    os.chmod(target, 0o666)  # root's file, writable by everyone
    code = f"from ftdisclose.io.files import write_atomic; write_atomic({str(target)!r}, b'new\\n')"
    ran = _as_nobody(code, shared)
    assert ran.returncode == 0, ran.stderr
    info = target.stat()
    assert target.read_bytes() == b"new\n"
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (0, 0, 0o666)
    assert sorted(p.name for p in shared.iterdir()) == ["card.md"]


def test_a_read_only_folder_is_a_usage_error_for_a_non_root_user(shared: Path) -> None:
    if not _nobody_can_run_python(shared):
        pytest.skip("needs root, setpriv and a Python that the user nobody can run")
    folder = shared / "ro"
    folder.mkdir()
    os.chmod(folder, 0o555)
    code = (
        "import sys\nfrom ftdisclose.cli import main\n"
        f"sys.exit(main(['card', {str(MUNIN)!r}, '--card', {str(folder / 'README.md')!r}]))"
    )
    ran = _as_nobody(code, shared)
    assert ran.returncode == 2, ran.stderr
    assert "read-only" in ran.stderr and "internal error" not in ran.stderr
    assert list(folder.iterdir()) == []


def test_a_missing_output_folder_is_created_by_the_command_and_refused_by_write_atomic(tmp_path: Path) -> None:
    # the command line creates what the user named (issue 13); the library never creates folders on its own
    ran = run_cli("card", str(MUNIN), "--card", str(tmp_path / "new" / "README.md"))
    assert ran.returncode == 0 and (tmp_path / "new" / "README.md").is_file(), ran
    with pytest.raises(WriteError, match="does not exist"):
        write_atomic(tmp_path / "missing" / "x.yaml", b"x")


@pytest.mark.parametrize(("make", "message"), [(lambda p: p.write_bytes(b"a file"), "not a folder")])
def test_an_output_folder_of_the_wrong_kind_is_a_usage_error(tmp_path: Path, make: object, message: str) -> None:
    parent = tmp_path / "out"
    make(parent)  # type: ignore[operator]
    ran = run_cli("card", str(MUNIN), "--card", str(parent / "README.md"))
    assert ran.returncode == 2 and message in ran.stderr, ran
    assert "internal error" not in ran.stderr
    with pytest.raises(WriteError, match=message):
        write_atomic(parent / "x.yaml", b"x")


def test_an_output_path_that_is_a_folder_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "README.md").mkdir()
    ran = run_cli("card", str(MUNIN), "--card", str(tmp_path / "README.md"))
    assert ran.returncode == 2 and "a folder, not a file" in ran.stderr, ran


@pytest.mark.parametrize("swapped", [False, True])
def test_card_refuses_to_write_a_card_into_a_disclosure(tmp_path: Path, swapped: bool) -> None:
    disclosure = tmp_path / "self.yaml"
    shutil.copy(MUNIN, disclosure)
    card = tmp_path / "README.md"
    card.write_bytes(b"---\nlicense: mit\n---\n# Model\n")
    before = disclosure.read_bytes(), card.read_bytes()
    args = (
        ("card", str(card), "--card", str(disclosure))
        if swapped
        else ("card", str(disclosure), "--card", str(disclosure))
    )
    ran = run_cli(*args)
    assert ran.returncode == 2 and "disclosure file" in ran.stderr, ran
    assert (disclosure.read_bytes(), card.read_bytes()) == before


def test_card_refuses_a_link_that_leads_to_a_disclosure(tmp_path: Path) -> None:
    disclosure = tmp_path / "self.yaml"
    shutil.copy(MUNIN, disclosure)
    (tmp_path / "README.md").symlink_to("self.yaml")
    ran = run_cli("card", str(disclosure), "--card", str(tmp_path / "README.md"))
    assert ran.returncode == 2 and "disclosure file" in ran.stderr
    assert disclosure.read_bytes() == MUNIN.read_bytes()


def test_import_refuses_to_write_a_disclosure_into_a_card(tmp_path: Path) -> None:
    card = tmp_path / "README.md"
    card.write_bytes(b"# card\n")
    csv = ROOT / "tests" / "cases" / "codecarbon"
    source = sorted(csv.glob("*.csv"))[0]
    ran = run_cli("import", "codecarbon", str(source), "-o", str(card))
    assert ran.returncode == 2 and "model card" in ran.stderr
    assert card.read_bytes() == b"# card\n"
    with pytest.raises(WriteError):
        check_kind(card, "disclosure")


def test_card_through_a_symlink_writes_the_target(tmp_path: Path) -> None:
    real = tmp_path / "docs" / "README.md"
    real.parent.mkdir()
    real.write_bytes(b"---\nlicense: mit\n---\n# Model\n")
    link = tmp_path / "README.md"
    link.symlink_to("docs/README.md")
    ran = run_cli("card", str(MUNIN), "--card", str(link))
    assert ran.returncode == 0, ran
    assert link.is_symlink()
    assert b"co2_eq_emissions" in real.read_bytes()


def test_a_stale_temporary_file_from_a_killed_write_is_removed_next_time(tmp_path: Path) -> None:
    target = tmp_path / "card.md"
    target.write_bytes(b"old\n")
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, check=True)
    stale = tmp_path / f".card.md.ftd-{int(dead.stdout)}-deadbeef.tmp"
    stale.write_bytes(b"half")
    alive = tmp_path / f".card.md.ftd-{os.getppid()}-cafef00d.tmp"  # a writer still running: left alone
    alive.write_bytes(b"in progress")
    other = tmp_path / ".other.md.ftd-1-aaaa.tmp"
    other.write_bytes(b"not ours")
    write_atomic(target, b"new\n")
    assert target.read_bytes() == b"new\n"
    assert not stale.exists() and alive.exists() and other.exists()
    assert remove_stale_temporaries(target) == []


@pytest.mark.skipif(not hasattr(signal, "SIGTERM") or os.name != "posix", reason="POSIX signals")
def test_sigterm_during_a_write_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "card.md"
    target.write_bytes(b"old\n")
    script = (
        "import sys\nfrom ftdisclose.io import files\n"
        "def slow(*a):\n    print('writing', flush=True)\n    import time; time.sleep(30)\n"
        "files._copy_metadata = slow  # called once the temporary file is written\n"
        f"files.write_atomic({str(target)!r}, b'new')\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, cwd=ROOT)
    assert proc.stdout is not None
    assert proc.stdout.readline() == b"writing\n"
    assert len(list(tmp_path.iterdir())) == 2  # the temporary file is there
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=10) == -signal.SIGTERM
    proc.stdout.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["card.md"]
    assert target.read_bytes() == b"old\n"


# --- overlays and factors diff read only inside their folders -----------------------------


def test_an_overlay_link_out_of_its_folder_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside.csv"
    outside.write_text("id,name,source\n")
    overlay = tmp_path / "overlay"
    overlay.mkdir()
    (overlay / "accelerators.csv").symlink_to(outside)
    tables = load_factors()
    with pytest.raises(OverlayError, match="outside the folder"):
        read_overlay(overlay, tables.version, tables.manifest)


def test_an_overlay_csv_linked_to_dev_zero_is_refused(tmp_path: Path) -> None:
    overlay = tmp_path / "overlay"
    overlay.mkdir()
    (overlay / "accelerators.csv").symlink_to("/dev/zero")
    ran = run_cli("compute", "--factors-overlay", str(overlay / "accelerators.csv"), str(MUNIN))
    assert ran.returncode == 1 and "FTD311" in ran.stdout + ran.stderr, ran


def test_factors_diff_reads_only_inside_the_folders_it_was_given(tmp_path: Path) -> None:
    shipped = ROOT / "factors" / load_factors().version
    copy = tmp_path / "tables"
    shutil.copytree(shipped, copy)
    manifest = json.loads((copy / "manifest.json").read_text())
    secret = tmp_path / "secret.csv"
    secret.write_text("id,name\nroot,x:0:0:root\n")
    first = next(iter(manifest["tables"]))
    manifest["tables"][first]["file"] = "../secret.csv"
    (copy / "manifest.json").write_text(json.dumps(manifest))
    ran = run_cli("factors", "diff", str(shipped), str(copy))
    assert ran.returncode == 2 and "outside the folder" in ran.stderr
    assert "x:0:0" not in ran.stdout + ran.stderr


# --- pin writes through links, keeps owners, and never into the other kind of file ------------------

DK2_RUN = (
    'spec_version: "1.0"\nmodel: {name: dk}\ninfrastructure:\n  location: {country: "DK", grid_zone: DK2}\n'
    "operational:\n  start: 2024-07-06T17:00:00Z\n  duration: 2 h\n"
)


def test_pin_through_a_symlink_writes_the_target_and_keeps_its_owner(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    server: Replay = request.getfixturevalue("replay")
    server.eds_value = lambda t, area: 82.5
    real = tmp_path / "data" / "run.yaml"
    real.parent.mkdir()
    real.write_text(DK2_RUN)
    os.chmod(real, 0o640)
    if os.geteuid() == 0:
        os.chown(real, NOBODY, NOBODY)
    link = tmp_path / "run.yaml"
    link.symlink_to("data/run.yaml")
    ran = run_cli("pin", str(link))
    assert ran.returncode == 0, ran.stderr
    assert link.is_symlink() and "carbon_intensity: 82.5 gCO2e/kWh" in real.read_text()
    info = real.stat()
    assert stat.S_IMODE(info.st_mode) == 0o640
    if os.geteuid() == 0:
        assert (info.st_uid, info.st_gid) == (NOBODY, NOBODY)


def test_pin_refuses_a_link_whose_target_is_the_other_kind(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    server: Replay = request.getfixturevalue("replay")
    card = tmp_path / "README.md"
    card.write_text("---\nlicense: mit\n---\n# card\n")
    (tmp_path / "run.yaml").symlink_to("README.md")
    ran = run_cli("pin", str(tmp_path / "run.yaml"))
    assert ran.returncode == 2 and "model card" in ran.stderr
    assert server.seen == []  # refused before anything was fetched
    assert card.read_text() == "---\nlicense: mit\n---\n# card\n"
