"""The built wheel carries schema/, factors/ and py.typed, and works outside the checkout."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .conftest import EXAMPLES, ROOT

pytestmark = pytest.mark.slow  # builds a wheel and installs it into a new virtual environment


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    # hatchling is in the test extra, so the wheel builds offline without isolation
    subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(out)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=300,
    )
    (built,) = out.glob("ftdisclose-*.whl")
    return built


def test_wheel_holds_schema_factors_and_types(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "ftdisclose/_data/schema/ftdisclose-1.0.schema.json" in names
    assert "ftdisclose/_data/schema/ftdisclose-1.1.schema.json" in names
    assert "ftdisclose/py.typed" in names
    assert "ftdisclose/units/units.txt" in names
    assert "ftdisclose/units/units_cache.json" in names
    assert "ftdisclose/_data/schema/template.yaml" in names
    assert "ftdisclose/integrations/grid/providers.py" in names
    for version in (p.name for p in (ROOT / "factors").iterdir() if p.is_dir()):
        manifest = json.loads((ROOT / "factors" / version / "manifest.json").read_text())
        for table in manifest["tables"].values():
            assert f"ftdisclose/_data/factors/{version}/{table['file']}" in names
        assert f"ftdisclose/_data/factors/{version}/sources.csv" in names
    assert not any(n.startswith(("tests/", "tools/")) for n in names)


def test_installed_cli_runs_outside_the_source_tree(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--no-index",
            "--quiet",
            "--target",
            str(site),
            str(wheel),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    env = {**os.environ, "PYTHONPATH": str(site), "NO_COLOR": "1"}
    where = subprocess.run(
        [sys.executable, "-c", "import ftdisclose, sys; sys.stdout.write(ftdisclose.__file__)"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert where.stdout.startswith(str(site))
    proc = subprocess.run(
        [sys.executable, "-m", "ftdisclose", "validate", str(EXAMPLES)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    schema = subprocess.run(
        [sys.executable, "-m", "ftdisclose", "schema"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert schema.stdout == (ROOT / "schema" / "ftdisclose-1.1.schema.json").read_text()
    script = site / "bin" / "ftdisclose"
    assert script.exists()
    version = subprocess.run(
        [sys.executable, str(script), "--version"], cwd=tmp_path, env=env, capture_output=True, text=True, check=True
    )
    assert version.stdout.startswith("ftdisclose ")


@pytest.mark.slow
def test_the_sdist_runs_its_own_tests(tmp_path: Path) -> None:
    """An unpacked sdist holds what its tests read; they pass there, importing the sdist's own code."""
    import tarfile

    out = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", "sdist", "-d", str(out)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=300,
    )
    (built,) = out.glob("ftdisclose-*.tar.gz")
    with tarfile.open(built) as archive:
        if hasattr(tarfile, "data_filter"):
            archive.extractall(tmp_path, filter="data")
        else:  # Python 3.11 before 3.11.4 has no extraction filters: check the names of the sdist just built
            assert all(not m.name.startswith("/") and ".." not in Path(m.name).parts for m in archive.getmembers())
            archive.extractall(tmp_path)  # every member name was checked above
    (tree,) = (p for p in tmp_path.iterdir() if p.name.startswith("ftdisclose-"))
    for needed in ("tests/conftest.py", "docs/hooks/generate.py", "action.yml", ".pre-commit-hooks.yaml"):
        assert (tree / needed).exists(), needed
    env = {**os.environ, "PYTHONPATH": str(tree), "NO_COLOR": "1"}
    suites = ["cli", "validate_cases", "card", "api", "discover", "schema", "output_safety", "numbers", "docs"]
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-x", "-m", "not slow", "-p", "no:cacheprovider"]
        + [f"tests/test_{name}.py" for name in suites]
        # the pages' worked examples are re-run by the checkout's own suite; here: the site builds, the API runs
        + ["-k", "not test_console_blocks_run and not test_disclosures_validate"],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stdout[-3000:]
    where = subprocess.run(
        [sys.executable, "-c", "import ftdisclose; print(ftdisclose.__file__)"],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert where.stdout.startswith(str(tree))  # the sdist's own code was tested, not the checkout's
