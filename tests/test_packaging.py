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
