"""`ftdisclose export --to boamps|dia|eu-form|hub`: documents, exit codes, findings, schemas."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from ftdisclose.integrations.schemas import Schema, check

from .conftest import CASES, EXAMPLES, run_cli

EPOCH = {"SOURCE_DATE_EPOCH": "0"}  # BoAmps' reportDatetime: 1970-01-01 00:00:00, so output is reproducible
FAMILY = ("--task-family", "text generation", "--data-type", "text")

# A LoRA fine-tune in two runs (an HPO trial and the final run) with tokens, so that the training compute
# is known: k x N x D = 4 (frozen base weights) x 7.24e9 parameters x 52,000,000 tokens = 1.50592e18 FLOP.
STAGED = """\
spec_version: "1.1"
model:
  name: demo-lora
  base_model: mistralai/Mistral-7B-v0.1
  parameters: 7.24e9
  method: lora
infrastructure:
  provider: aws
  location:
    country: "US"
    cloud_region: us-west-2
  cluster:
    instance_type: p4d.24xlarge
    cpu: {model: Intel Xeon Platinum 8275CL, count: 2}
    memory: 1152 GB
operational:
  start: 2024-07-06T17:01:00+02:00
  duration: 2 h
  tokens: 52000000
  gpu_utilization: 90%
  energy: {value: 5.3 kWh, source: codecarbon}
  carbon_intensity: 350 g/kWh
  runs:
    - {name: trial-1, stage: hpo, duration: 0.5 h}
    - {name: final, stage: train, duration: 1.5 h}
"""
FLOPS = 4 * 7.24e9 * 52_000_000  # 1.50592e18


@pytest.fixture
def staged(tmp_path: Path) -> Path:
    path = tmp_path / "staged.yaml"
    path.write_text(STAGED, encoding="utf-8")
    return path


def _json(*args: str) -> tuple[dict[str, object], str]:
    ran = run_cli("export", *args, env=EPOCH)
    assert ran.returncode == 0, ran.stderr
    return json.loads(ran.stdout), ran.stderr


def test_boamps_report_holds_what_boamps_can(staged: Path) -> None:
    report, stderr = _json(str(staged), "--to", "boamps", "--task-family", "text generation")
    assert check(report, Schema.BOAMPS) == [] and check(report, Schema.BOAMPS_RELEASE) == []
    assert report["header"]["formatVersion"] == "1.1.0"  # type: ignore[index]
    assert report["header"]["reportDatetime"] == "1970-01-01 00:00:00"  # type: ignore[index]
    task = report["task"]
    assert task["taskStage"] == "finetuning" and task["taskFamily"] == "text generation"  # type: ignore[index]
    algorithm = task["algorithms"][0]  # type: ignore[index]
    # 7.24e9 parameters in BoAmps' billions: 7.24; LoRA is an optimizer to BoAmps
    assert algorithm == {
        "optimizer": "lora",
        "algorithmName": "demo-lora",
        "foundationModelName": "mistralai/Mistral-7B-v0.1",
        "parametersNumber": 7.24,
    }
    # tokens are a dataset of type token: no --data-type needed
    assert task["dataset"] == [{"dataUsage": "input", "dataType": "token", "dataQuantity": 52_000_000}]  # type: ignore[index]
    # 2 h = 7200 s; 90% = 0.9; the start keeps its UTC offset
    assert report["measures"] == [
        {
            "measurementMethod": "codecarbon",
            "powerConsumption": 5.3,
            "measurementDuration": 7200,
            "measurementDateTime": "2024-07-06 17:01:00+02:00",
            "averageUtilizationGpu": 0.9,
        }
    ]
    components = report["infrastructure"]["components"]  # type: ignore[index]
    # p4d.24xlarge: 8 x A100 SXM4 40GB (derived from the instance); the CPUs are sockets, and say so
    assert components[0] == {"componentType": "gpu", "nbComponent": 8, "componentName": "A100 SXM4 40GB"}
    assert components[1]["nbComponent"] == 2 and components[1]["x-ftdisclose-counts"] == "sockets"
    assert components[2] == {"componentType": "ram", "nbComponent": 1, "memorySize": 1152}
    assert report["environment"] == {
        "country": "United States",
        "location": "us-west-2",
        "powerSourceCarbonIntensity": 350,
    }
    # what BoAmps cannot hold is named, and the results ride along under x-ftdisclose
    assert "FTD542" in stderr and "results.emissions.total" in stderr and "operational.runs" in stderr
    results = report["x-ftdisclose"]["results"]  # type: ignore[index]
    assert results["compute.training_flops"]["value"] == pytest.approx(FLOPS)
    assert set(report["x-ftdisclose"]["stages"]) == {"hpo", "train"}  # type: ignore[index]


def test_modelled_energy_is_marked_and_rated(tmp_path: Path) -> None:
    report, _ = _json(str(EXAMPLES / "scope3-4xa100-cluster.yaml"), "--to", "boamps", *FAMILY)
    measure = report["measures"][0]  # type: ignore[index]
    assert measure["measurementMethod"] == "ftdisclose-estimate"
    it = report["x-ftdisclose"]["results"]["energy.it"]  # type: ignore[index]
    assert measure["powerConsumption"] == pytest.approx(it["value"], rel=1e-9)
    # quality from the range's half-width: high within 10%, medium within 25%, low beyond
    spread = (it["high"] - it["low"]) / 2 / it["value"]
    expected = "high" if spread <= 0.10 else "medium" if spread <= 0.25 else "low"
    assert report["quality"] == expected


def test_boamps_needs_task_family_and_data_type(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    ran = run_cli("export", str(EXAMPLES / "munin-7b-lora.yaml"), "--to", "boamps", "-o", str(out))
    assert ran.returncode == 2 and not out.exists()
    assert "FTD543" in ran.stderr and "--task-family" in ran.stderr and "--data-type" in ran.stderr


def test_boamps_takes_task_family_from_the_cards_pipeline_tag(tmp_path: Path) -> None:
    disclosure = (EXAMPLES / "munin-7b-lora.yaml").read_text(encoding="utf-8")
    indented = "".join(f"  {line}\n" for line in disclosure.splitlines() if not line.startswith("#"))
    card = tmp_path / "README.md"
    card.write_text(f"---\npipeline_tag: text-generation\ncarbon_disclosure:\n{indented}---\n# Munin\n", "utf-8")
    report, _ = _json(str(card), "--to", "boamps")
    assert report["task"]["taskFamily"] == "text generation"  # type: ignore[index]
    assert report["task"]["dataset"][0]["dataType"] == "text"  # type: ignore[index]
    assert report["task"]["dataset"][0]["dataQuantity"] == 21300  # type: ignore[index]


def test_dia_block_is_valid_and_in_dias_units(staged: Path) -> None:
    document, stderr = _json(str(staged), "--to", "dia")
    assert document["dia_version"] == "0.1"
    block = document["dia_report"]
    assert check(block, Schema.DIA) == []
    assert block["scope"] == "incremental"  # type: ignore[index]
    assert block["lineage"] == [{"model": "mistralai/Mistral-7B-v0.1", "relation": "lora"}]  # type: ignore[index]
    # GPU-hours: no GPU model or count is disclosed (they come from the instance), so none is written;
    # the measured 5.3 kWh as measured
    assert block["footprint"]["energy_kwh"] == {"value": 5.3, "quality": "measured"}  # type: ignore[index]
    # 350 g/kWh is 0.35 kgCO2/kWh in DIA's unit
    assert block["context"]["carbon_intensity"] == 0.35  # type: ignore[index]
    assert block["context"]["region"] == "us-west-2"  # type: ignore[index]
    carbon = block["footprint"]["carbon_kgco2eq"]  # type: ignore[index]
    # operational only (DIA's footprint has no embodied share): 5.3 kWh x PUE x 0.35 kg/kWh
    operational = document["x-ftdisclose"]["results"]["emissions.operational"]  # type: ignore[index]
    assert carbon["quality"] == "measured" and operational["low"] >= 5.3 * 0.35 * 0.999
    assert "results.emissions.embodied" in stderr and "results.compute.training_flops" in stderr


def test_dia_yaml_is_front_matter(staged: Path) -> None:
    ran = run_cli("export", str(staged), "--to", "dia", "--format", "yaml")
    assert ran.returncode == 0, ran.stderr
    data = yaml.safe_load(ran.stdout)
    assert data["dia_version"] == "0.1" and data["dia_report"]["scope"] == "incremental"
    assert ran.stdout.endswith("\n") and "x-ftdisclose" not in ran.stdout


def test_eu_form_items_and_units(staged: Path) -> None:
    document, stderr = _json(str(staged), "--to", "eu-form", "--format", "json")
    items = document["items"]
    # 1.50592e18 FLOP: two significant figures for the AI Office, the order of magnitude for NCAs
    assert items["training_compute_aio"]["value"] == "1.5 x 10^18 FLOP"  # type: ignore[index]
    assert items["training_compute_nca"]["value"] == "10^18 FLOP"  # type: ignore[index]
    assert items["training_compute_aio"]["flop"] == pytest.approx(FLOPS)  # type: ignore[index]
    # a third of 1e23 FLOP is 3.33e22: 1.50592e18 / 3.33e22 = 4.5e-5
    assert items["training_compute_aio"]["provider_threshold_ratio"] == pytest.approx(4.51776e-5)  # type: ignore[index]
    # wall-clock 2 h = 0.083 d; hardware: 8 GPUs x 2 h = 16 GPU-hours = 0.67 GPU-days
    assert items["training_time_aio"]["value"] == "8.3 x 10^-2 wall-clock days; 6.7 x 10^-1 GPU-days"  # type: ignore[index]
    assert items["training_time_nca"]["value"] == "under 1 month"  # type: ignore[index]
    energy = items["training_energy"]  # type: ignore[index]
    assert energy["measured"] is True and energy["value"].endswith("MWh (measured)")
    assert items["parameters"]["bucket"] == "5-15B"  # type: ignore[index]
    assert items["inference_compute"]["value"] is None  # type: ignore[index]
    assert "not filled" in items["inference_compute"]["status"]  # type: ignore[index]
    assert "FTD542" in stderr and "inference" in stderr


def test_eu_form_markdown(staged: Path) -> None:
    ran = run_cli("export", str(staged), "--to", "eu-form")
    assert ran.returncode == 0, ran.stderr
    assert "| Amount of computation used for training (AIO) | AIO | 1.5 x 10^18 FLOP |" in ran.stdout
    assert "secondary sources" in ran.stdout and "*not filled by ftdisclose:" in ran.stdout


def test_hub_block_yaml_and_json(staged: Path) -> None:
    ran = run_cli("export", str(staged), "--to", "hub")
    assert ran.returncode == 0, ran.stderr
    data = yaml.safe_load(ran.stdout)
    block = data["co2_eq_emissions"]
    assert block["training_type"] == "fine-tuning" and isinstance(block["emissions"], int | float)
    assert "compute.training_flops: 1.51e+18 FLOP" in ran.stdout  # a comment: the Hub reads only the block
    document, _ = _json(str(staged), "--to", "hub", "--format", "json")
    assert document["co2_eq_emissions"] == block


def test_output_file_is_written_whole(staged: Path, tmp_path: Path) -> None:
    out = tmp_path / "dia.json"
    ran = run_cli("export", str(staged), "--to", "dia", "-o", str(out))
    assert ran.returncode == 0 and ran.stdout == ""
    assert json.loads(out.read_text(encoding="utf-8")) == _json(str(staged), "--to", "dia")[0]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary file left


def test_exit_codes(tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.yaml"
    # 40 t reported for 5.3 kWh is 7,500 kg per kWh: an error finding (FTD406), but the export is written: exit 1
    wrong.write_text(STAGED + "reported:\n  emissions: 40 tCO2e\n", encoding="utf-8")
    ran = run_cli("export", str(wrong), "--to", "hub")
    assert ran.returncode == 1 and "FTD406" in ran.stderr and "co2_eq_emissions" in ran.stdout
    invalid = tmp_path / "invalid.yaml"
    invalid.write_text('spec_version: "1.1"\nmodel: {name: x, parameters: lots}\n', encoding="utf-8")
    ran = run_cli("export", str(invalid), "--to", "dia")
    assert ran.returncode == 2 and ran.stdout == "" and "nothing written" in ran.stderr
    ran = run_cli("export", str(wrong), "--to", "boamps", "--format", "markdown")
    assert ran.returncode == 2 and "json" in ran.stderr
    ran = run_cli("export", str(wrong), "--to", "hub", "-o", str(tmp_path / "no-such-folder" / "hub.yaml"))
    assert ran.returncode == 2 and "nothing written" in ran.stderr and "internal error" not in ran.stderr


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
@pytest.mark.parametrize("target", ["boamps", "dia", "hub"])
def test_every_example_exports_valid_documents(example: Path, target: str) -> None:
    fmt = ("--format", "json") if target == "hub" else ()
    document, stderr = _json(str(example), "--to", target, *fmt, *(FAMILY if target == "boamps" else ()))
    if target == "boamps":
        assert check(document, Schema.BOAMPS) == [] and check(document, Schema.BOAMPS_RELEASE) == []
    elif target == "dia":
        assert check(document["dia_report"], Schema.DIA) == []
    else:  # the Hub has no schema: its block passes the checks validate applies to a card's (FTD518-525)
        assert document["co2_eq_emissions"]["emissions"] > 0 and "FTD544" not in stderr  # type: ignore[index]


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_example_exports_an_eu_form_extract(example: Path) -> None:
    ran = run_cli("export", str(example), "--to", "eu-form")
    assert ran.returncode == 0, ran.stderr
    assert "Amount of energy used for training" in ran.stdout


def test_stages_become_boamps_task_stages(tmp_path: Path) -> None:
    path = tmp_path / "eval.yaml"
    path.write_text(STAGED.replace("stage: hpo", "stage: eval"), encoding="utf-8")
    report, _ = _json(str(path), "--to", "boamps", "--task-family", "x")
    # runs in order: eval -> inference, train -> finetuning, joined by + as BoAmps asks
    assert report["task"]["taskStage"] == "inference+finetuning"  # type: ignore[index]


def test_dia_names_a_method_it_has_no_relation_for(tmp_path: Path) -> None:
    path = tmp_path / "prompt.yaml"
    path.write_text(STAGED.replace("method: lora", "method: prompt-tuning"), encoding="utf-8")
    document, stderr = _json(str(path), "--to", "dia")
    assert document["dia_report"]["lineage"] == [{"model": "mistralai/Mistral-7B-v0.1"}]  # type: ignore[index]
    assert "DIA has no relation for model.method prompt-tuning" in stderr


def test_an_export_its_schema_rejects_is_not_written(staged: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ftdisclose.integrations import boamps

    monkeypatch.setattr(boamps, "_stage", lambda src: 42)  # a bug that makes taskStage a number
    ran = run_cli("export", str(staged), "--to", "boamps", "--task-family", "x")
    assert ran.returncode == 2 and ran.stdout == ""
    assert "FTD544" in ran.stderr and "task.taskStage: 42 is not of type 'string'" in ran.stderr


def test_schemas_resolve_their_refs_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a schema check reached for the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    report = json.loads((CASES / "interop" / "boamps" / "energy-report-llm-inference.json").read_text("utf-8"))
    assert check(report, Schema.BOAMPS) == []
    # a broken part schema's rule still bites: the $ref reached the vendored measure schema
    del report["measures"][0]["powerConsumption"]
    assert [e.path for e in check(report, Schema.BOAMPS)] == [("measures", 0)]
