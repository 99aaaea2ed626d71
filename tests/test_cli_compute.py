"""compute, explain, fill and init through the real entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ftdisclose.io.loader import loads
from ftdisclose.pipeline import Goal, run_document

from .conftest import EXAMPLES, run_cli

MUNIN = str(EXAMPLES / "munin-7b-lora.yaml")
BLOOM = str(EXAMPLES / "scope3-bloom-cluster.yaml")


def test_compute_text_report() -> None:
    proc = run_cli("compute", MUNIN)
    assert proc.returncode == 0, proc.stderr
    for text in (
        "Emissions, total",
        "range (low - high)",
        "by part",
        "Defaulted inputs",
        "For scale",
        "of an average Dane's emissions",  # in the unit where it reads naturally (minutes here)
    ):
        assert text in proc.stdout


def test_compute_json_contract() -> None:
    proc = run_cli("compute", "--format", "json", BLOOM)
    doc = json.loads(proc.stdout)
    assert list(doc) == ["tool_version", "spec_version", "factors_version", "file", "results", "inputs", "findings"]
    units = {
        "energy": {"it": "kWh", "facility": "kWh"},
        "emissions": {"operational": "kgCO2e", "embodied": "kgCO2e", "total": "kgCO2e"},
        "water": {"onsite": "L", "offsite": "L", "embodied": "L", "total": "L"},
    }
    for group, keys in units.items():
        for key, unit in keys.items():
            q = doc["results"][group][key]
            assert set(q) == {"value", "unit", "low", "high"} and q["unit"] == unit
            assert q["low"] <= q["value"] <= q["high"]
    pue = doc["inputs"]["infrastructure.datacenter.pue"]
    assert pue == {"value": 1.1, "origin": "disclosed", "detail": "disclosed"}
    for item in doc["inputs"].values():
        assert item["origin"] in ("disclosed", "derived", "measured", "default", "fetched")


def test_per_inference_in_json() -> None:
    doc = json.loads(run_cli("compute", "--format", "json", str(EXAMPLES / "scope3-daily-refresh.yaml")).stdout)
    assert doc["results"]["per_inference"]["emissions"]["unit"] == "gCO2e"
    assert doc["results"]["per_inference"]["water"]["unit"] == "mL"


def test_json_is_byte_identical_across_runs_time_zones_and_locales() -> None:
    first = run_cli("compute", "--format", "json", MUNIN, BLOOM).stdout
    again = run_cli(
        "compute",
        "--format",
        "json",
        MUNIN,
        BLOOM,
        env={"TZ": "Pacific/Kiritimati", "LANG": "de_DE.UTF-8", "LC_ALL": "C.UTF-8"},
    ).stdout
    assert first == again
    assert isinstance(json.loads(first), list)


def test_markdown_report() -> None:
    proc = run_cli("compute", "--format", "markdown", BLOOM)
    assert proc.stdout.startswith("### Fine-tuning footprint")
    assert "| Emissions, total |" in proc.stdout


def test_compute_of_an_invalid_file_exits_1_with_findings() -> None:
    proc = run_cli("compute", str(EXAMPLES.parent / "tests" / "cases" / "invalid" / "ftd203-unit-dimension.yaml"))
    assert proc.returncode == 1
    assert "FTD203 unit-dimension [error]" in proc.stdout and "hint:" in proc.stdout


def test_without_a_run_time_nothing_is_zero(tmp_path: Path) -> None:
    path = tmp_path / "d.yaml"
    path.write_text('spec_version: "1.0"\nmodel: {name: m}\n')
    proc = run_cli("compute", "--format", "json", str(path))
    assert proc.returncode == 0  # a warning: the file is valid, it only says too little
    doc = json.loads(proc.stdout)
    assert any(f["code"] == "FTD308" for f in doc["findings"])
    for group in doc["results"].values():
        for result in group.values():
            assert result["value"] is None and result["low"] is None and result["reason"]
    assert run_cli("compute", "--strict", str(path)).returncode == 1


def test_unknown_factor_version(tmp_path: Path) -> None:
    proc = run_cli("compute", "--factors", "1999.1", MUNIN)  # a flag naming no shipped version: usage error
    assert proc.returncode == 2
    assert "no such factor version" in proc.stderr
    assert run_cli("validate", "--factors", "1999.1", MUNIN).returncode == 2
    pinned = tmp_path / "pinned.yaml"  # a file pinning an unknown version: a finding on its line
    pinned.write_text(
        'spec_version: "1.0"\nfactors_version: "1999.1"\nmodel: {name: m}\noperational: {duration: 1 h}\n'
    )
    proc = run_cli("compute", str(pinned))
    assert proc.returncode == 1 and "FTD309" in proc.stdout
    assert run_cli("validate", "--factors", "2026.1", str(pinned)).returncode == 0


def test_explain_shows_formulas_numbers_and_sources() -> None:
    proc = run_cli("explain", BLOOM)
    assert proc.returncode == 0
    out = proc.stdout
    assert "emissions.embodied" in out and "(n_gpu x EC_gpu + n_srv x EC_srv) x t_reserved / (L x U)" in out
    # the units do the hours-per-year conversion: 6,936 h / (4 y x 0.95) is 0.2083 of a reserved life
    assert "(384 x 318 kgCO2e + 48 x 2500 kgCO2e) x 6936 h / (4 y x 0.95)" in out
    assert "1,137,610 kWh x 1.1" in out  # E_facility = E_it x PUE, with the numbers in (never 1.13761e+06)
    assert "operational.electricity_water_intensity" in out
    proc = run_cli("explain", MUNIN)
    assert "origin: default" in proc.stdout and "(CC-BY-4.0)" in proc.stdout
    doc = json.loads(run_cli("explain", "--format", "json", MUNIN).stdout)
    assert doc["steps"] and doc["sources"]


def test_fill_output_validates_and_marks_origins() -> None:
    proc = run_cli("fill", str(EXAMPLES / "scope3-bedrock-tokens-only.yaml"))
    assert proc.returncode == 0, proc.stderr
    assert "# default:" in proc.stdout and "# derived:" in proc.stdout
    result = run_document(loads(proc.stdout, "filled.yaml"), goal=Goal.VALIDATE)
    assert result.valid, [f.message for f in result.findings]
    disclosure = result.disclosure
    assert disclosure is not None
    assert disclosure.infrastructure.cluster.gpu.count == 8  # type: ignore[attr-defined]


def test_init_template_validates() -> None:
    proc = run_cli("init")
    assert proc.returncode == 0
    result = run_document(loads(proc.stdout, "template.yaml"), goal=Goal.VALIDATE)
    assert result.valid and result.warnings == 0, [f.message for f in result.findings]


def test_both_units_engines_give_the_same_json() -> None:
    fast = json.loads(run_cli("compute", "--format", "json", BLOOM, MUNIN).stdout)
    pint = json.loads(run_cli("compute", "--format", "json", "--units-engine", "pint", BLOOM, MUNIN).stdout)
    for a, b in zip(fast, pint, strict=True):
        for group, values in a["results"].items():
            for key, q in values.items():
                for bound in ("value", "low", "high"):
                    assert q[bound] == pytest.approx(b["results"][group][key][bound], rel=1e-9)


def test_a_table_year_far_from_the_run_year_is_said(tmp_path: Path) -> None:
    # no date, so the run year is the factor version's (2026); the newest grid-intensity year
    # of the US state zone US-OR is 2020 (2026.1 also mapped cloud region us-west-2 there;
    # 2026.2 maps it to eGRID NWPP 2023, so the state zone is disclosed here)
    path = tmp_path / "d.yaml"
    path.write_text(
        'spec_version: "1.0"\nmodel: {name: m}\ninfrastructure:\n  location: {grid_zone: US-OR}\n'
        "operational: {duration: 10 h, gpu_utilization: 0.5}\n"
    )
    doc = json.loads(run_cli("compute", "--format", "json", str(path)).stdout)
    (gap,) = [f for f in doc["findings"] if f["code"] == "FTD306"]
    assert "2020" in gap["message"] and "2026" in gap["message"]
    assert "2020" in doc["inputs"]["operational.carbon_intensity"]["detail"]


def test_explain_writes_out_the_component_power_model(tmp_path: Path) -> None:
    path = tmp_path / "d.yaml"
    path.write_text(
        'spec_version: "1.0"\nmodel: {name: m}\ninfrastructure:\n  datacenter: {pue: 1.0}\n'
        "  cluster:\n    gpu: {model: NVIDIA A100-SXM4-80GB, count: 2, tdp: 400 W, idle_power: 50 W}\n"
        "    memory: 100 GB\noperational: {duration: 10 h, gpu_utilization: 0.5}\n"
    )
    out = run_cli("explain", str(path)).stdout
    assert "= 50 W + 0.5 x (400 W - 50 W)\n    = 225 W" in out  # 50 + 0.5 x 350
    assert "= 100 GB x 0.3725 W/GB\n    = 37.25 W" in out  # Green Algorithms' 0.3725 W/GB
    assert "= 2 x 225 W + 37.25 W\n    = 487.25 W" in out
    assert "= 487.25 W x 10 h\n    = 4.8725 kWh" in out
