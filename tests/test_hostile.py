"""Hostile input: every file gets its exit code and a located finding, in bounded time and memory.

The corpus (tests/hostile_corpus.py) runs twice: in process, where the CPU time of the work
is measured (under 2 s each), and, in the slow suite, in a child process limited to 1 GiB of
address space whose peak resident memory is measured with wait4 (under 300 MB each). A crash,
a traceback, a hang, a flood of output or non-strict JSON fails the test.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ftdisclose.io.files import write_atomic
from ftdisclose.io.loader import loads
from ftdisclose.pipeline import Goal, run_document

from .conftest import EXAMPLES, ROOT, run_cli
from .hostile_corpus import ANY_LINE, CORPUS, Case

MEMORY_LIMIT = 1 << 30  # address space of a child: a safety net; the measured bound is RSS below
MAX_RSS = 300 * 1024 * 1024  # the bound for any file under the size limit
MAX_CPU = 2.0  # seconds of work for one file, measured in process
FINDING = re.compile(r"(?m)^(?P<file>[^\n]*?)(?::(?P<line>\d+))?(?::\d+)?: (?P<code>FTD\d{3}) ")


# The child limits its own address space, runs the command line as ``python -m ftdisclose`` would,
# and at exit writes its peak RSS since exec (VmHWM; ru_maxrss would include the forked parent's)
_LIMITED = (
    "import atexit, os, resource, runpy\n"
    f"resource.setrlimit(resource.RLIMIT_AS, ({MEMORY_LIMIT}, {MEMORY_LIMIT}))\n"
    "def peak():\n"
    "    status = open('/proc/self/status').read() if os.path.exists('/proc/self/status') else ''\n"
    "    kb = [line.split()[1] for line in status.splitlines() if line.startswith('VmHWM:')]\n"
    "    with open(os.environ['FTD_TEST_PEAK'], 'w') as out:\n"
    "        out.write(kb[0] if kb else str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))\n"
    "atexit.register(peak)\n"
    "runpy.run_module('ftdisclose', run_name='__main__', alter_sys=True)\n"
)


@dataclass
class Measured:
    returncode: int
    stdout: str
    stderr: str
    cpu: float  # user + system seconds of the child, interpreter start included
    max_rss: int  # bytes


def run_measured(*args: str, cwd: Path, timeout: float = 120) -> Measured:
    """``python -m ftdisclose ARGS`` in a child limited to 1 GiB, with its own CPU time and peak RSS (wait4)."""
    with tempfile.TemporaryDirectory() as scratch, tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        peak = Path(scratch) / "peak"
        proc = subprocess.Popen(
            [sys.executable, "-c", _LIMITED, *args],
            stdout=out,
            stderr=err,
            cwd=cwd,
            env={**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(ROOT), "FTD_TEST_PEAK": str(peak)},
        )
        ends = time.monotonic() + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > ends:
                proc.kill()
                os.wait4(proc.pid, 0)
                proc.returncode = -9
                raise AssertionError(f"ftdisclose {' '.join(args)} did not finish in {timeout} s")
            time.sleep(0.01)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Measured(
            proc.returncode,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
            usage.ru_utime + usage.ru_stime,
            int(peak.read_text()) * 1024,
        )


def _strict(name: str) -> float:
    raise AssertionError(f"{name} in JSON output")


def findings_of(case: Case, stdout: str, stderr: str) -> list[tuple[str, int | None, str]]:
    """(code, line, message) of every finding the command reported, whatever the format."""
    if "--format" in case.args and stdout.strip():
        document = json.loads(stdout, parse_constant=_strict)  # strict JSON, or the test fails
        if "runs" in document and "$schema" in document:  # SARIF
            return [
                (
                    r["ruleId"],
                    r["locations"][0]["physicalLocation"].get("region", {}).get("startLine"),
                    r["message"]["text"],
                )
                for run in document["runs"]
                for r in run["results"]
            ]
        files = document.get("files", [document])
        return [(f["code"], f["line"], f["message"]) for entry in files for f in entry.get("findings") or []]
    return [(m["code"], int(m["line"]) if m["line"] else None, "") for m in FINDING.finditer(stderr + "\n" + stdout)]


def check_outcome(case: Case, returncode: int, stdout: str, stderr: str) -> None:
    """The case's exit code, and its finding at its line; never an internal error, never a flood."""
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr[-2000:]
    assert len(stdout) + len(stderr) < 1 << 20, "the output is out of proportion"
    found = findings_of(case, stdout, stderr)
    assert "FTD538" not in [code for code, _, _ in found]
    assert returncode == case.exit, (returncode, found[:5], stderr[-500:])
    assert all(len(message) <= 1000 for _, _, message in found), "a finding echoes too much"
    if case.code:
        lines = [line for code, line, _ in found if code == case.code]
        assert lines, (case.code, found[:5])
        if case.line == ANY_LINE:
            assert any(line is not None for line in lines), lines
        elif case.line is not None:
            assert case.line in lines, (case.line, lines)
    elif case.owner:
        assert any(line is not None for _, line, _ in found), found[:5]


CASE_PARAMS = [
    pytest.param(c, id=c.name, marks=[pytest.mark.xfail(reason=c.owner, strict=False)] if c.owner else [])
    for c in CORPUS
]


@pytest.mark.parametrize("case", CASE_PARAMS)
def test_hostile_case_in_bounded_time(case: Case, tmp_path: Path) -> None:
    path = tmp_path / case.name
    path.write_bytes(case.data)
    began = time.process_time()
    ran = run_cli(*case.args, str(path), cwd=tmp_path)
    cpu = time.process_time() - began
    check_outcome(case, ran.returncode, ran.stdout, ran.stderr)
    assert cpu < MAX_CPU, f"{cpu:.2f} s of CPU"
    assert not (tmp_path / "PWNED").exists()


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="POSIX resource limits")
@pytest.mark.parametrize("case", CASE_PARAMS)
def test_hostile_case_in_bounded_memory(case: Case, tmp_path: Path) -> None:
    path = tmp_path / case.name
    path.write_bytes(case.data)
    ran = run_measured(*case.args, str(path), cwd=tmp_path)
    check_outcome(case, ran.returncode, ran.stdout, ran.stderr)
    assert ran.max_rss < MAX_RSS, f"{ran.max_rss / 2**20:.0f} MB"
    assert ran.cpu < MAX_CPU + 1.0, f"{ran.cpu:.2f} s of CPU, interpreter start included"
    assert sorted(p.name for p in tmp_path.iterdir()) == [case.name]  # nothing written beside it


MUTATIONS = st.lists(
    st.tuples(st.sampled_from(["flip", "insert", "delete", "dup"]), st.integers(0, 10_000), st.integers(0, 255)),
    min_size=1,
    max_size=8,
)
SEEDS = [p.read_bytes() for p in sorted(EXAMPLES.glob("*.yaml"))] + [
    p.read_bytes() for p in sorted((ROOT / "tests" / "cases" / "valid").iterdir())
]


def _mutate(data: bytes, ops: list[tuple[str, int, int]]) -> bytes:
    buf = bytearray(data)
    for op, where, byte in ops:
        i = where % (len(buf) + 1)
        if op == "flip" and buf:
            buf[i % len(buf)] ^= 1 << (byte % 8)
        elif op == "insert":
            buf[i:i] = bytes([byte])
        elif op == "delete" and buf:
            del buf[i % len(buf)]
        elif op == "dup":
            buf[i:i] = buf[i : i + byte]
    return bytes(buf)


@settings(max_examples=int(os.environ.get("FTDISCLOSE_FUZZ_EXAMPLES", "300")), deadline=None)
@given(seed=st.sampled_from(range(len(SEEDS))), ops=MUTATIONS, kind=st.sampled_from(["yaml", "json", "card"]))
def test_fuzz_mutated_real_disclosures(seed: int, ops: list[tuple[str, int, int]], kind: str) -> None:
    data = _mutate(SEEDS[seed], ops)
    result = run_document(loads(data, f"fuzz.{kind}", kind), goal=Goal.VALIDATE)
    for f in result.findings:
        assert f.code.startswith("FTD") and f.message
        assert f.line is None or f.line >= 1


def test_atomic_write_survives_a_kill_mid_write(tmp_path: Path) -> None:
    target = tmp_path / "card.md"
    old = b"old content\n" * 1000
    target.write_bytes(old)
    os.chmod(target, 0o640)
    new = b"n" * (64 << 20)  # 64 MiB: writing takes long enough to be interrupted
    script = (
        f"from ftdisclose.io.files import write_atomic\nimport pathlib\n"
        f"while True: write_atomic({str(target)!r}, b'n' * {len(new)})\n"
    )
    for delay in (0.05, 0.1, 0.2, 0.3, 0.5):
        proc = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        content = target.read_bytes()
        assert content in (old, new), f"truncated file after a kill ({len(content)} bytes)"
        assert oct(target.stat().st_mode & 0o777) == oct(0o640)  # permissions kept
    leftovers = [p.name for p in tmp_path.iterdir() if p.name != "card.md"]
    # a killed writer can leave its temporary file behind, but never a broken target
    assert all(name.startswith(".card.md.") and name.endswith(".tmp") for name in leftovers)


def test_write_atomic_creates_new_files_with_default_permissions(tmp_path: Path) -> None:
    target = tmp_path / "new.yaml"
    write_atomic(target, b"a: 1\n")
    assert target.read_bytes() == b"a: 1\n"
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


def test_validate_never_touches_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    from ftdisclose.cli import main

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("validate opened a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    assert main(["validate", "-q", str(EXAMPLES), str(ROOT / "tests" / "cases" / "valid")]) == 0
