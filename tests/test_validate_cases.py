"""Every invalid case gives its expected codes at its expected lines; valid files stay valid."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ftdisclose.findings import Severity
from ftdisclose.pipeline import Goal, run_file

from .conftest import CASES, EXAMPLES

EXPECTED: dict[str, list[str]] = yaml.safe_load((CASES / "invalid" / "expected.yaml").read_text())
INVALID = sorted(p for p in (CASES / "invalid").iterdir() if p.name != "expected.yaml")


def test_every_case_file_has_an_expectation() -> None:
    assert sorted(EXPECTED) == [p.name for p in INVALID]


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_invalid_case(path: Path) -> None:
    result = run_file(path, goal=Goal.VALIDATE)
    got = sorted(f"{f.code}@{f.line if f.line is not None else '-'}" for f in result.findings)
    assert got == sorted(EXPECTED[path.name])
    from ftdisclose.findings import CATALOGUE

    expects_error = any(CATALOGUE[e.split("@")[0]].severity == "error" for e in EXPECTED[path.name])
    assert result.valid is not expects_error


def test_every_catalogued_structure_unit_and_format_code_has_a_case() -> None:
    from ftdisclose.findings import CATALOGUE

    covered = {e.split("@")[0] for codes in EXPECTED.values() for e in codes}
    # FTD3xx (factor tables) and FTD407-409 need the factor tables and the compute stage;
    # their cases live with the compute tests.
    # FTD518-533 (Hub blocks, CodeCarbon import) have their cases in tests/cases/cards and
    # tests/cases/codecarbon; FTD306-308 and FTD311 arise in compute, tested in test_cli_compute
    # and test_factors.
    wanted = {c for c in CATALOGUE if c[3] in "124" or "FTD501" <= c <= "FTD517"}
    wanted |= {"FTD301", "FTD302", "FTD303", "FTD304", "FTD305", "FTD309", "FTD310"}
    wanted -= {"FTD516"}  # an unreadable file cannot be shipped as a case; see test_cli
    assert wanted <= covered, sorted(wanted - covered)


VALID = sorted((CASES / "valid").iterdir()) + sorted(p for p in EXAMPLES.glob("*.yaml"))


# Valid files that say too little to compute everything: the warning says what is not computed.
NOT_ALL_COMPUTABLE = {
    "minimal.yaml": ["FTD308@1"],  # a name only: no run time
    "norway-yes-on.yaml": ["FTD308@1"],  # a place and a date, no run time
    "model-card-crlf.md": ["FTD308@11"],  # measured energy, no run time: embodied is not computed
    # (2026.1 mapped us-west-2 to Oregon's 2020 state row, FTD306; 2026.2 maps it to eGRID NWPP 2023)
}


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_valid_files_have_no_errors_and_only_the_warnings_they_should(path: Path) -> None:
    result = run_file(path, goal=Goal.VALIDATE)
    assert result.valid, [f"{f.code}@{f.line}: {f.message}" for f in result.findings]
    warned = [f"{f.code}@{f.line}" for f in result.findings if f.severity is not Severity.INFO]
    assert warned == NOT_ALL_COMPUTABLE.get(path.name, []), [f.message for f in result.findings]


def test_every_field_case_reads_units_as_written() -> None:
    result = run_file(CASES / "valid" / "every-field.yaml", goal=Goal.VALIDATE)
    d = result.disclosure
    assert d is not None
    op = d.operational
    assert op.duration.to("h") == pytest.approx(12.0)  # 720 min
    assert op.reserved_time.to("h") == pytest.approx(12.0)  # 0.5 d
    assert op.energy.value.to("kWh") == pytest.approx(2.5e6 / 3.6e6)  # 2.5 MJ; 1 kWh = 3.6 MJ
    assert op.carbon_intensity.to("gCO2e/kWh") == pytest.approx(82.5)
    assert op.tokens == 48123
    assert op.cpu_utilization == pytest.approx(0.12)
    cluster = d.infrastructure.cluster  # type: ignore[attr-defined]
    assert cluster.memory.to("GB") == pytest.approx(2**40 / 1e9)  # 1 TiB
    assert cluster.server_embodied.to("kgCO2e") == pytest.approx(2500)
    assert cluster.hardware_life.to("y") == pytest.approx(4)  # 48 months
    assert d.infrastructure.datacenter.pue == pytest.approx(1.1)  # type: ignore[attr-defined]
    assert d.reported.emissions.to("gCO2e") == pytest.approx(63)  # type: ignore[attr-defined]
    assert d.usage.inferences_per_day == 1000  # type: ignore[attr-defined]
