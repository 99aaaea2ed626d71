"""Hostile input: every file gets its exit code and a located finding, in bounded time and memory.

Each case runs the real CLI in a process limited to 1 GiB of address space and 60 s; a
crash, a traceback, a hang or a blow-up fails the test.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ftdisclose.io.files import write_atomic
from ftdisclose.io.loader import loads
from ftdisclose.pipeline import Goal, run_document

from .conftest import EXAMPLES, ROOT

MEMORY_LIMIT = 1 << 30
HEADER = 'spec_version: "1.0"\nmodel:\n  name: hostile\n'


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run_limited(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ftdisclose", *args],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        env={**os.environ, "NO_COLOR": "1"},
        preexec_fn=_limit,
        timeout=60,
        check=False,
    )


def _bomb(levels: int) -> bytes:
    lines = ['spec_version: "1.0"', "model: {name: bomb}", 'x-a: &a ["lol","lol","lol","lol","lol","lol"]']
    prev = "a"
    for i in range(levels):
        name = f"l{i}"
        lines.append(f"x-{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
        prev = name
    return ("\n".join(lines) + "\n").encode()


CASES: dict[str, tuple[bytes, int, str]] = {
    # name: (bytes, exit code, the code that must be reported)
    "alias-bomb.yaml": (_bomb(12), 1, "FTD505"),
    "deep-nesting.yaml": (b"a: " + b"[" * 100_000 + b"]" * 100_000, 1, "FTD506"),
    "deep-nesting.json": (b'{"a": ' + b"[" * 200_000 + b"]" * 200_000 + b"}", 1, "FTD506"),
    "deep-mapping.yaml": (("".join("  " * i + f"k{i}:\n" for i in range(300))).encode(), 1, "FTD506"),
    "huge-scalar.yaml": ((HEADER + "x-big: " + "a" * 1_900_000 + "\n").encode(), 0, ""),
    "huge-file.yaml": ((HEADER + "x-pad: " + "b" * 3_000_000 + "\n").encode(), 1, "FTD507"),
    "huge-number.yaml": ((HEADER + "  parameters: " + "9" * 50_000 + "\n").encode(), 1, "FTD206"),
    "invalid-utf8.yaml": (HEADER.encode() + b"  base_model: \xff\xfe\n", 1, "FTD502"),
    "utf16.json": ('{"spec_version": "1.0"}'.encode("utf-16"), 1, "FTD502"),
    "bom-crlf.yaml": (b"\xef\xbb\xbf" + HEADER.replace("\n", "\r\n").encode(), 0, "FTD503"),
    "tabs.yaml": (HEADER.encode() + b"operational:\n\tduration: 1 h\n", 1, "FTD513"),
    "control.yaml": (HEADER.encode() + b"  base_model: a\x1bb\n", 1, "FTD514"),
    "nan.yaml": ((HEADER + "operational:\n  gpu_utilization: .nan\n").encode(), 1, "FTD206"),
    "inf-quantity.yaml": ((HEADER + "operational:\n  duration: {value: .inf, unit: h}\n").encode(), 1, "FTD206"),
    "1e400.yaml": ((HEADER + "reported:\n  energy: 1e400 kWh\n").encode(), 1, "FTD206"),
    "1e400.json": (b'{"spec_version": "1.0", "model": {"name": "x", "parameters": 1e400}}', 1, "FTD206"),
    "negative.yaml": ((HEADER + "operational:\n  duration: -4 h\n").encode(), 1, "FTD105"),
    "zero-count.yaml": ((HEADER + "infrastructure:\n  cluster:\n    gpu: {count: 0}\n").encode(), 1, "FTD105"),
    "duplicate.yaml": ((HEADER + "  name: again\n").encode(), 1, "FTD504"),
    "python-tag.yaml": ((HEADER + "x-a: !!python/object/apply:os.system ['touch PWNED']\n").encode(), 1, "FTD508"),
    "python-name.yaml": ((HEADER + "x-a: !!python/name:os.system\n").encode(), 1, "FTD508"),
    "merge.yaml": (b'spec_version: "1.0"\nx-m: &m {name: a}\nmodel:\n  <<: *m\n', 1, "FTD515"),
    "non-string-key.yaml": ((HEADER + "? [a, b]\n: c\n").encode(), 1, "FTD509"),
    "scalar.json": (b'"just a string"', 1, "FTD112"),
    "null.json": (b"null", 1, "FTD112"),
    "empty.json": (b"", 1, "FTD511"),
    "lone-surrogate.json": (b'{"spec_version": "1.0", "model": {"name": "\\ud800"}}', 1, "FTD103"),
    "deep-block.yaml": (("".join(" " * i + "- \n" for i in range(0, 2400, 2))).encode(), 1, "FTD506"),
    "trailing-comma.json": (b'{"spec_version": "1.0",}', 1, "FTD511"),
    "two-documents.yaml": (HEADER.encode() + b"---\nb: 2\n", 1, "FTD501"),
    "binary.yaml": (bytes(range(256)) * 10, 1, "FTD502"),
    "card-unclosed.md": (b"---\ncarbon_disclosure:\n  spec_version: '1.0'\n", 1, "FTD512"),
    "card-list.md": (b"---\n- a\n- b\n---\n", 1, "FTD103"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_file(name: str, tmp_path: Path) -> None:
    data, code, finding = CASES[name]
    path = tmp_path / name
    path.write_bytes(data)
    start = time.monotonic()
    proc = run_limited("validate", "--format", "json", str(path), cwd=tmp_path)
    assert time.monotonic() - start < 60
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == code, proc.stdout + proc.stderr
    report = json.loads(proc.stdout)
    codes = [f["code"] for f in report["files"][0]["findings"]]
    if finding:
        assert finding in codes
        located = [f for f in report["files"][0]["findings"] if f["code"] == finding]
        if finding not in ("FTD507",):  # a file over the size limit is not read, so has no line
            assert located[0]["line"] is not None
    assert not (tmp_path / "PWNED").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]  # validate writes nothing


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
