"""The Python API: callable any number of times, on a path, a text or a mapping; typed; its documented code runs."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from .conftest import EXAMPLES, ROOT

MUNIN = EXAMPLES / "munin-7b-lora.yaml"


def test_each_entry_point_works_twice_in_a_fresh_interpreter() -> None:
    # a fresh process: the bug this guards against showed on the second call after `import ftdisclose`
    code = textwrap.dedent(
        f"""
        import ftdisclose as f
        p = {str(MUNIN)!r}
        for _ in range(2):
            assert f.validate(p).valid
            r = f.compute(p)
            assert r.computation is not None
            assert f.load(p).ok
        from ftdisclose import validate, compute
        assert validate(p).valid and compute(p).computation is not None
        print("ok")
        """
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=120)
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr


def test_a_path_a_text_and_a_mapping_give_the_same_answer() -> None:
    import yaml

    import ftdisclose

    text = MUNIN.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    results = [ftdisclose.compute(s) for s in (MUNIN, str(MUNIN), text, data)]
    totals = [r.computation.results[ftdisclose.Result.EMISSIONS_TOTAL] for r in results if r.computation]
    assert len(totals) == 4 and len({t.mid for t in totals}) == 1
    assert all(r.disclosure is not None and r.disclosure.model.name == "munin-7b-alpha-instruct" for r in results)
    assert [r.file for r in results[2:]] == ["<string>", "<data>"]


def test_bad_input_is_findings_never_an_exception(tmp_path: Path) -> None:
    import ftdisclose

    assert ftdisclose.validate("").findings  # empty text: a finding
    missing = ftdisclose.validate(tmp_path / "nope.yaml")
    assert [str(f.code) for f in missing.findings] == ["FTD516"]
    card = ftdisclose.validate("---\ncarbon_disclosure:\n  spec_version: '1.0'\n  model: {name: x}\n---\n# card\n")
    assert card.valid and card.document.kind == "card"
    broken = ftdisclose.compute("{not json", kind="json")
    assert broken.computation is None and not broken.valid


def test_the_api_page_examples_run() -> None:
    sys.path.insert(0, str(ROOT / "docs" / "hooks"))
    try:
        import generate
    finally:
        sys.path.pop(0)
    import ftdisclose.api

    blocks = re.findall(r"```python\n(.*?)```", generate.api_page(), re.DOTALL)
    blocks += re.findall(r"```python\n(.*?)```", ftdisclose.api.__doc__ or "", re.DOTALL)
    assert len(blocks) >= 2
    for block in blocks:
        exec(compile(block, "api-example", "exec"), {})  # the documentation's own code


SNIPPET = """
from pathlib import Path

import ftdisclose
from ftdisclose import FileResult, Measure, Result


def total_grams(path: Path) -> float | None:
    result: FileResult = ftdisclose.compute(path)
    if result.computation is None:
        return None
    total: Measure = result.computation.results[Result.EMISSIONS_TOTAL]
    return total.to("gCO2e").mid


def names(data: dict[str, object]) -> str:
    checked = ftdisclose.validate(data)
    codes: list[str] = [str(f.code) for f in checked.findings]
    disclosure = checked.disclosure
    return (disclosure.model.name if disclosure is not None else "") + ",".join(codes)


grams: float | None = total_grams(Path("d.yaml"))
wrong: int = ftdisclose.validate("d.yaml").valid + 0
"""


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("mypy") is None and not (Path(sys.executable).parent / "mypy").exists(), reason="mypy")
def test_a_user_snippet_type_checks_with_mypy_strict(tmp_path: Path) -> None:
    (tmp_path / "snippet.py").write_text(SNIPPET)
    mypy = Path(sys.executable).parent / "mypy"
    proc = subprocess.run(
        [str(mypy) if mypy.exists() else "mypy", "--strict", "--no-incremental", "snippet.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout
    # and mypy sees the types: a wrong annotation is an error
    (tmp_path / "wrong.py").write_text("import ftdisclose\nx: str = ftdisclose.validate('d.yaml')\n")
    proc = subprocess.run(
        [str(mypy) if mypy.exists() else "mypy", "--strict", "--no-incremental", "wrong.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert proc.returncode == 1 and 'expression has type "FileResult"' in proc.stdout
