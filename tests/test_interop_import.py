"""`ftdisclose import boamps|dia`: files written by other tools, with a located finding for every loss.

The third-party files are in tests/cases/interop (README there: origin and licence). Line and
column numbers below were read off the files by hand.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ftdisclose.io.loader import load
from ftdisclose.pipeline import Goal, run_document

from .conftest import CASES, run_cli

BOAMPS = CASES / "interop" / "boamps"
DIA = CASES / "interop" / "dia"


def _import(
    fmt: str, path: Path, tmp_path: Path, *extra: str, code: int = 0, errors: tuple[str, ...] = ()
) -> tuple[dict[str, object], str]:
    out = tmp_path / "disclosure.yaml"
    ran = run_cli("import", fmt, str(path), "-o", str(out), *extra)
    assert ran.returncode == code, ran.stderr
    # what import writes is a valid disclosure (whose figures validate checks, as for any disclosure)
    result = run_document(load(out), goal=Goal.VALIDATE)
    assert [str(f.code) for f in result.findings if f.severity == "error"] == list(errors)
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert data["spec_version"] == "1.1"
    return data, ran.stderr


def _located(stderr: str, code: str, line: int, column: int | None = None) -> bool:
    place = f":{line}:{column}: " if column is not None else f":{line}:"
    return any(code in row and place in row for row in stderr.splitlines())


def test_boaviztas_official_example(tmp_path: Path) -> None:
    data, stderr = _import("boamps", BOAMPS / "energy-report-llm-inference.json", tmp_path)
    assert data["model"] == {
        "name": "energy-report-llm-inference",  # BoAmps has no model name here: the file's (FTD533)
        "base_model": "meta-llama/Llama-2-13b-hf",  # the Hub id of foundationModelUri, not "llama2-13b"
        "parameters": 13_000_000_000,  # 13 billions
    }
    op = data["operational"]
    assert op["energy"] == {"value": "0.00267074 kWh", "source": "codecarbon"}  # type: ignore[index]
    assert op["duration"] == "19.09390426 s"  # type: ignore[index]
    assert op["tokens"] == 11  # type: ignore[index]  # the input tokens; the 828 output tokens are kept aside
    cluster = data["infrastructure"]["cluster"]  # type: ignore[index]
    # "2 x Tesla V100S-PCIE-32GB": the count is not part of the model's name
    assert cluster["gpu"] == {"count": 2, "model": "Tesla V100S-PCIE-32GB"}
    assert cluster["memory"] == "86 GB" and "count" not in cluster["cpu"]
    assert data["infrastructure"]["location"] == {"country": "FR"}  # type: ignore[index]
    assert _located(stderr, "FTD547", 87, 20)  # "france" -> FR
    assert _located(stderr, "FTD548", 66, 31)  # nbComponent 30 for one Xeon: vCPUs, not sockets
    assert _located(stderr, "FTD546", 49, 36)  # measurementDateTime without a zone
    assert "FTD549" in stderr and "'inference', not a fine-tune" in stderr
    kept = data["x-ftdisclose-import"]
    assert kept["header"]["formatVersion"] == "0.1"  # type: ignore[index]
    assert kept["task.algorithms.0.foundationModelName"] == "llama2-13b"  # type: ignore[index]


def test_boaviztas_bash_tool_report(tmp_path: Path) -> None:
    data, stderr = _import("boamps", BOAMPS / "bash-tool-output-boamps_report.json", tmp_path, "--model-name", "m")
    # memorySize 86.3035888671875 x nbComponent 1, as written (BoAmps main accepts a number here)
    assert data["infrastructure"]["cluster"]["memory"] == "86.3035888671875 GB"  # type: ignore[index]
    assert data["model"]["name"] == "m" and "FTD533" not in stderr  # type: ignore[index]
    assert "FTD545" not in stderr


def test_codecarbons_default_boamps_export(tmp_path: Path) -> None:
    data, stderr = _import("boamps", BOAMPS / "codecarbon_example.json", tmp_path, "--timezone", "UTC")
    assert _located(stderr, "FTD545", 1, 1) and "'task' is a required property" in stderr
    assert _located(stderr, "FTD548", 33, 24)  # 48 = 96 vCPUs // 2, CodeCarbon's guessed cores
    assert _located(stderr, "FTD547", 48, 16)  # "United States" -> US
    op = data["operational"]
    # CodeCarbon writes the stop time: 16:41:07 - 7265.31 s (2 h 1 min 5.31 s) = 14:40:01.69
    assert op["start"] == "2026-05-12T14:40:01.690000Z"  # type: ignore[index]
    assert "the end of the run" in stderr
    assert op["energy"]["value"] == "5.318610548333332 kWh"  # type: ignore[index]
    assert "includes_pue" not in op["energy"] and "CodeCarbon's exporter multiplies" in stderr  # type: ignore[operator]
    assert op["gpu_utilization"] == 0.9134  # type: ignore[index]
    assert data["infrastructure"]["provider"] == "aws"  # type: ignore[index]


def test_codecarbon_with_context_keeps_what_has_no_field(tmp_path: Path) -> None:
    data, _ = _import("boamps", BOAMPS / "codecarbon_example_with_context.json", tmp_path)
    assert "start" not in data["operational"]  # no --timezone: the naive time is kept aside  # type: ignore[operator]
    assert data["model"]["method"] == "lora" and data["model"]["base_model"] == "meta-llama/Llama-3.1-8B"  # type: ignore[index]
    assert data["operational"]["epochs"] == 3 and data["operational"]["tokens"] == 52_000_000  # type: ignore[index]
    infra = data["infrastructure"]
    # environment.location us-east-1 is an AWS region the tables know
    assert infra["provider"] == "aws" and infra["location"]["cloud_region"] == "us-east-1"  # type: ignore[index]
    assert infra["cluster"]["instance_type"] == "p4d.24xlarge"  # type: ignore[index]
    assert data["x-ftdisclose-import"]["task.taskFamily"] == "text generation"  # type: ignore[index]


def test_import_usage_errors(tmp_path: Path) -> None:
    assert (
        run_cli("import", "boamps", str(BOAMPS / "codecarbon_example.json"), "--timezone", "Mars/Base").returncode == 2
    )
    assert run_cli("import", "boamps", str(tmp_path / "missing.json")).returncode == 2
    broken = tmp_path / "broken.json"
    broken.write_text('{"measures": [}', encoding="utf-8")
    ran = run_cli("import", "boamps", str(broken))
    assert ran.returncode == 2 and "FTD511" in ran.stderr and ran.stdout == ""
    no_energy = tmp_path / "no-energy.json"
    no_energy.write_text('{"measures": [{"measurementMethod": "codecarbon"}]}', encoding="utf-8")
    ran = run_cli("import", "boamps", str(no_energy))
    assert ran.returncode == 2 and "no energy" in ran.stderr


def test_dias_producer_card(tmp_path: Path) -> None:
    card = DIA / "constructed_track_codecarbon_card.md"
    data, stderr = _import("dia", card, tmp_path, "--model-name", "llama-3.1-8b-lora-sft")
    assert data["model"] == {
        "name": "llama-3.1-8b-lora-sft",
        "base_model": "meta-llama/Llama-3.1-8B",
        "method": "lora",
        "base_model_relation": "adapter",  # DIA's lora is the Hub's adapter
    }
    op = data["operational"]
    assert op["energy"] == {"value": "5.3186 kWh", "source": "codecarbon", "boundary": ["gpu", "cpu", "ram"]}  # type: ignore[index]
    assert op["gpu_hours"] == "16.1451 h"  # type: ignore[index]
    assert data["reported"] == {"emissions": "1.9689 kgCO2e"}
    assert "carbon_intensity" not in op  # type: ignore[operator]  # 0.4: DIA's default, a regional estimate
    assert _located(stderr, "FTD546", 34)  # ... kept aside, where it stands
    assert _located(stderr, "FTD546", 28)  # water from DIA's default WUE: not a figure of the run
    assert _located(stderr, "FTD546", 16, 5)  # every visible GPU, wall-clock x count (the compute mapping)
    assert data["infrastructure"]["location"] == {"cloud_region": "us-east-1"}  # type: ignore[index]


def test_dias_own_valid_card(tmp_path: Path) -> None:
    data, stderr = _import("dia", DIA / "test_cli_VALID_CARD.md", tmp_path)
    assert data["operational"]["energy"]["value"] == "1 kWh"  # type: ignore[index]
    assert data["reported"] == {"emissions": "0.4 kgCO2e"}
    assert "FTD533" in stderr and "FTD545" not in stderr


def test_dia_intensity_in_grams_is_caught_and_read_as_grams(tmp_path: Path) -> None:
    # the imported disclosure keeps the 1000 "kg", which validate then finds implausible (FTD406)
    data, stderr = _import("dia", DIA / "malformed-carbon-in-grams.md", tmp_path, code=1, errors=("FTD406",))
    # 56 cannot be kg/kWh (no grid emits 2 kg/kWh or more): it was written in g/kWh, and is read so
    assert data["operational"]["carbon_intensity"] == "56 g/kWh"  # type: ignore[index]
    assert _located(stderr, "FTD551", 20, 23)
    # 1000 "kg" for 2.5 kWh is 400 kg per kWh: grams written where DIA reads kilograms
    assert _located(stderr, "FTD552", 16, 14)
    assert data["model"]["method"] == "qlora"  # type: ignore[index]
    assert data["infrastructure"]["location"] == {"country": "FR"}  # type: ignore[index]


def test_dia_block_in_a_json_file(tmp_path: Path) -> None:
    block = tmp_path / "block.json"
    block.write_text(
        '{"scope": "incremental", "footprint": {"energy_kwh": {"value": [2, 4], "quality": "estimated-from-hardware"}},'
        ' "context": {"region": "DK2", "carbon_intensity": 0.0825}}',
        encoding="utf-8",
    )
    data, stderr = _import("dia", block, tmp_path, "--model-name", "x")
    # an estimate is a stated figure, not a measurement; the interval [2, 4] is read as its middle, 3
    assert data["reported"] == {"energy": "3 kWh"} and "read as its middle" in stderr
    # 0.0825 kg/kWh = 82.5 g/kWh; DK2 is a grid zone
    assert data["operational"]["carbon_intensity"] == "82.5 g/kWh"  # type: ignore[index]
    assert data["infrastructure"]["location"] == {"grid_zone": "DK2"}  # type: ignore[index]


def test_a_card_without_dia_report(tmp_path: Path) -> None:
    card = tmp_path / "README.md"
    card.write_text("---\nlicense: mit\n---\n# x\n", encoding="utf-8")
    ran = run_cli("import", "dia", str(card))
    assert ran.returncode == 2 and "no dia_report" in ran.stderr


@pytest.mark.parametrize("path", sorted(BOAMPS.glob("*.json")) + sorted(DIA.glob("*.md")), ids=lambda p: p.name)
def test_third_party_files_import_without_crashing(path: Path) -> None:
    fmt = "boamps" if path.suffix == ".json" else "dia"
    ran = run_cli("import", fmt, str(path))
    assert ran.returncode in (0, 1), ran.stderr
    assert "internal error" not in ran.stderr and ran.stdout.startswith('spec_version: "1.1"')
    # every finding is located: a file, a line and a column
    findings = [row for row in ran.stderr.splitlines() if " FTD" in row]
    assert findings and all(row.split(" FTD")[0].count(":") >= 3 for row in findings)
