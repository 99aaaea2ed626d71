"""`ftdisclose import codecarbon` through the real entry point."""

from __future__ import annotations

from pathlib import Path

from ftdisclose.io.loader import load
from ftdisclose.pipeline import Goal, run_document

from .conftest import CASES, run_cli

CC = CASES / "codecarbon"


def test_import_writes_a_valid_disclosure(tmp_path: Path) -> None:
    out = tmp_path / "disclosure.yaml"
    proc = run_cli(
        "import",
        "codecarbon",
        str(CC / "v2.3-pue-aws-a100.csv"),
        "--timezone",
        "UTC",
        "--model-name",
        "demo",
        "-o",
        str(out),
    )
    assert proc.returncode == 0, proc.stderr
    result = run_document(load(out), goal=Goal.VALIDATE)
    assert result.valid, [f.message for f in result.findings]
    energy = result.disclosure.operational.energy  # type: ignore[union-attr]
    # the fixture's energy_consumed is 1.32 kWh at CodeCarbon's pue 1.1: 1.32 / 1.1 = 1.2 kWh of IT energy
    assert energy.value.to("kWh") == 1.2
    assert energy.includes_pue is False


def test_import_to_stdout_and_usage_errors() -> None:
    proc = run_cli("import", "codecarbon", str(CC / "v2.3-pue-aws-a100.csv"), "--model-name", "m")
    assert proc.returncode == 0 and proc.stdout.startswith('spec_version: "1.0"')
    assert "FTD530" in proc.stderr  # no --timezone: start and end are left out, and it says why
    assert run_cli("import", "codecarbon", "x.csv", "--timezone", "Mars/Olympus").returncode == 2
    assert run_cli("import", "codecarbon", str(CC / "not-codecarbon.csv")).returncode == 1
