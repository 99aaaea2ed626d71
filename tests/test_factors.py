"""The shipped factor tables: shape, units, sources, licences, coverage, overlays, diff."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ftdisclose import factors, units
from ftdisclose.factors import normalise_name

from .conftest import ROOT, run_cli

VERSIONS = factors.available_versions()
SHARED_DATA = Path(os.environ.get("FTDISCLOSE_REFERENCE_DATA") or ROOT.parent / "shared" / "reference" / "data")

# A released version is never edited. The sha256 of its manifest (which holds the sha256 of every
# file) is pinned here, so that a changed file, or a changed manifest, fails until this line changes.
RELEASED_MANIFESTS = {
    "2026.1": "69013a6cd792bddaa0c17ef8569aeaecd6cc4d771c65235b240eccb00e207fc4",
    "2026.2": "78eeea07c55522c71e5978140ab0ee298427852450f298287966d15bd615ba6c",
}
FORBIDDEN_LICENCES = ("AGPL", "ODbL", "-NC", "NonCommercial", "All-rights-reserved", "AllRightsReserved")


def test_a_version_is_shipped() -> None:
    assert "2026.1" in VERSIONS and "2026.2" in VERSIONS
    assert factors.latest_version() == VERSIONS[-1] == "2026.2"


@pytest.mark.parametrize("version", sorted(RELEASED_MANIFESTS))
def test_released_versions_are_never_edited(version: str) -> None:
    folder = ROOT / "factors" / version
    manifest_bytes = (folder / "manifest.json").read_bytes()
    assert hashlib.sha256(manifest_bytes).hexdigest() == RELEASED_MANIFESTS[version], f"{version} was edited"
    manifest = json.loads(manifest_bytes)
    listed = {info["file"]: info["sha256"] for info in manifest["tables"].values()}
    listed[manifest["sources"]["file"]] = manifest["sources"]["sha256"]
    on_disk = {p.name for p in folder.iterdir()} - {"manifest.json"}
    assert on_disk == set(listed), f"{version}: files not in its manifest: {sorted(on_disk ^ set(listed))}"
    for name, digest in listed.items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, f"{version}/{name} was edited"


def test_every_shipped_version_is_pinned_as_released() -> None:
    assert set(VERSIONS) == set(RELEASED_MANIFESTS)


def test_the_build_never_rewrites_an_older_released_version(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "factors" / "build.py"), "--version", "2026.1", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode != 0 and "frozen" in proc.stderr
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize("version", VERSIONS)
def test_tables_match_their_manifest(version: str) -> None:
    folder = ROOT / "factors" / version
    manifest = json.loads((folder / "manifest.json").read_text())
    sources = {r["id"]: r for r in csv.DictReader(io.StringIO((folder / "sources.csv").read_text(encoding="utf-8")))}
    assert hashlib.sha256((folder / "sources.csv").read_bytes()).hexdigest() == manifest["sources"]["sha256"]
    for name, info in manifest["tables"].items():
        path = folder / info["file"]
        assert hashlib.sha256(path.read_bytes()).hexdigest() == info["sha256"], name
        with path.open(encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            assert reader.fieldnames == list(info["columns"]), name
            rows = list(reader)
        assert len(rows) == info["rows"], name
        keys = [tuple(r[k] for k in info["key"]) for r in rows]
        assert len(keys) == len(set(keys)), f"{name}: duplicate keys"
        for column, meta in info["columns"].items():
            unit = meta["unit"]
            if unit and unit != "1":
                units.unit_info(unit)  # every declared unit is one the registry knows
            if unit:
                for row in rows:
                    if row[column]:
                        float(row[column])  # numbers in unit columns
        for row in rows:
            assert row["source"], f"{name}: a row without a source"
            for sid in row["source"].split(";"):
                assert sid in sources, f"{name}: unknown source {sid}"
            for column in info["columns"]:
                if f"{column}_low" in row and f"{column}_high" in row and row[column]:
                    low, mid, high = (float(row[c] or row[column]) for c in (f"{column}_low", column, f"{column}_high"))
                    assert low <= mid <= high, f"{name} {row}: {column} range"


@pytest.mark.parametrize("version", VERSIONS)
def test_sources_are_complete_and_bundlable(version: str) -> None:
    rows = list(csv.DictReader(io.StringIO((ROOT / "factors" / version / "sources.csv").read_text(encoding="utf-8"))))
    for row in rows:
        for column in ("id", "title", "publisher", "url", "retrieved", "license", "attribution"):
            assert row[column], f"{row['id']}: {column} is empty"
        assert None not in row, f"{row['id']}: more cells than columns"
        assert re.fullmatch(r"[A-Za-z0-9.+-]+", row["license"]), f"{row['id']}: {row['license']!r} is not an SPDX id"
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["retrieved"]), row["id"]
        assert row["url"].startswith("http"), row["id"]
        assert not any(bad.lower() in row["license"].lower() for bad in FORBIDDEN_LICENCES), row


LATEST = factors.load("2026.2")


@pytest.fixture(params=["2026.1", "2026.2"])
def tables(request: pytest.FixtureRequest) -> factors.FactorSet:
    """The coverage tests hold for the released 2026.1 and for 2026.2."""
    return factors.load(request.param)


# The names users write: NVML strings, CodeCarbon strings, short forms (issue "factors").
GPU_NAMES = {
    "NVIDIA A100-SXM4-80GB": "nvidia-a100-sxm4-80gb",
    "NVIDIA A100 SXM4 80GB": "nvidia-a100-sxm4-80gb",
    "Tesla T4": "nvidia-t4",
    "NVIDIA H100 80GB HBM3": "nvidia-h100-sxm5-80gb",
    "NVIDIA GeForce RTX 3060": None,
    "Tesla V100-SXM2-16GB": None,
    "NVIDIA L4": None,
    "NVIDIA A10G": None,
    "NVIDIA RTX A6000": None,
    "NVIDIA RTX A4000": None,
    "Quadro RTX 8000": None,
    "NVIDIA GeForce RTX 4090": None,
    "NVIDIA GeForce RTX 3090": None,
    "Tesla K80": None,
    "H200": None,
    "B200": None,
    "GB200": None,
    "MI250X": None,
    "MI300X": None,
    "MI355X": None,
    "TPU v2": None,
    "TPU v4": None,
    "TPU v5p": None,
    "TPU v7": None,
    "Trainium": None,
    "Trainium2": None,
    "Gaudi 2": None,
    "Gaudi 3": None,
    "RTX 5090": None,
}


@pytest.mark.parametrize("name", sorted(GPU_NAMES))
def test_gpu_names_users_write_resolve(name: str, tables: factors.FactorSet) -> None:
    row = tables.accelerators.get(normalise_name(name))
    assert row is not None, f"{name} does not resolve"
    if GPU_NAMES[name]:
        assert row["id"] == GPU_NAMES[name]
    assert float(row["tdp"] or 0) > 0 or row["id"].startswith(("aws-trainium", "aws-inferentia")), row.data


def test_default_accelerator_every_year(tables: factors.FactorSet) -> None:
    years = tables.default_accelerator
    assert sorted(years) == list(range(2016, 2027))
    assert years[2022]["accelerator"].startswith("nvidia-a100")  # seed 001: "2022 is Nvidia A100"
    for row in years.values():
        assert normalise_name(row["accelerator"]) in tables.accelerators
        assert normalise_name(row["server"]) in tables.servers


def test_servers_and_services_point_at_known_rows(tables: factors.FactorSet) -> None:
    for row in tables.rows("servers"):
        if row["accelerator"]:
            assert normalise_name(row["accelerator"]) in tables.accelerators, row["id"]
    for service in ("aws-bedrock", "google-vertex-ai", "azure-openai", "openai-fine-tuning"):
        row = tables.services[normalise_name(service)]
        assert normalise_name(row["server"]) in tables.servers
        assert (normalise_name(row["provider"]), normalise_name(row["cloud_region"])) in tables.regions


@pytest.mark.parametrize(
    ("provider", "region", "country"),
    [
        ("aws", "us-east-1", "US"),
        ("aws", "us-west-2", "US"),
        ("aws", "eu-west-1", "IE"),
        ("aws", "eu-north-1", "SE"),
        ("gcp", "us-central1", "US"),
        ("gcp", "europe-west4", "NL"),
        ("gcp", "asia-northeast1", "JP"),
        ("azure", "eastus", "US"),
        ("azure", "westeurope", "NL"),
        ("azure", "swedencentral", "SE"),
    ],
)
def test_cloud_regions_resolve_to_country_and_zone(
    provider: str, region: str, country: str, tables: factors.FactorSet
) -> None:
    row = tables.regions[(provider, normalise_name(region))]
    assert row["country"] == country
    zone = row["grid_zone"]
    assert zone in tables.grid or tables.zones[normalise_name(zone)]["country"] in tables.grid


def test_every_country_with_data_resolves_to_its_own_intensity(tables: factors.FactorSet) -> None:
    from ftdisclose.resolve import resolve
    from ftdisclose.spec import model_for, upgrade

    model = model_for("1.0")
    countries = [z for z in tables.grid if len(z) == 2 and normalise_name(z) in tables.countries]
    assert len(countries) >= 180  # about 200 countries publish annual intensities
    for code in countries:
        d = model.model_validate(
            {
                "spec_version": "1.0",
                "model": {"name": "m"},
                "infrastructure": {"location": {"country": code}},
                "operational": {"duration": "1 h", "start": "2023-06-01T00:00:00Z"},
            }
        )
        item = resolve(upgrade(d), tables)["operational.carbon_intensity"]
        assert item.origin == "default"
        assert f"intensity of {code}," in item.detail, (code, item.detail)


def test_us_subnational_zones_have_intensities(tables: factors.FactorSet) -> None:
    egrid = [z for z, r in ((r["zone"], r) for r in tables.rows("zones")) if r["kind"] == "egrid"]
    assert len(egrid) >= 20
    assert all(z in tables.grid for z in egrid)


def test_overlay_replaces_a_row_and_is_reported(tmp_path: Path) -> None:
    overlay = tmp_path / "overlay"
    overlay.mkdir()
    (overlay / "datacenter_efficiency.csv").write_text(
        "scope,provider,region,location,year,pue_low,pue,pue_high,wue_low,wue,wue_high,source\n"
        "default,,,,,1.05,1.07,1.09,0.1,0.2,0.3,my-dc-meter-2025\n"
    )
    (overlay / "sources.csv").write_text(
        "id,title,publisher,url,retrieved,license,attribution\n"
        "my-dc-meter-2025,Our meters,Us,https://example.org,2025-01-01,LicenseRef-private,ours\n"
    )
    disclosure = tmp_path / "d.yaml"
    # GPU utilisation disclosed: 2026.2 replaces its default by table power_fraction
    disclosure.write_text('spec_version: "1.0"\nmodel: {name: m}\noperational: {duration: 2 h, gpu_utilization: 0.5}\n')
    proc = run_cli("compute", "--format", "json", "--factors-overlay", str(overlay), str(disclosure))
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    pue = doc["inputs"]["infrastructure.datacenter.pue"]
    assert pue["value"] == 1.07 and pue["low"] == 1.05 and pue["high"] == 1.09
    assert "private overlay" in pue["detail"]
    assert any(f["code"] == "FTD307" for f in doc["findings"])


@pytest.mark.parametrize("version", VERSIONS)
def test_the_grid_index_made_zone_by_zone_holds_every_row_of_the_table(version: str) -> None:
    # FactorSet.grid makes a zone's rows when the zone is first asked for; the oracle reads the
    # shipped CSV whole with csv.DictReader, the later row winning for a repeated key
    tables = factors.load(version)
    text = (ROOT / "factors" / version / "grid_intensity.csv").read_text(encoding="utf-8")
    expected: dict[str, dict[str, dict[int, dict[str, str]]]] = {}
    for record in csv.DictReader(io.StringIO(text)):
        expected.setdefault(record["zone"], {}).setdefault(record.get("basis") or "", {})[int(record["year"])] = record
    assert set(tables.grid) == set(expected) and len(tables.grid) == len(expected)
    for zone, bases in expected.items():
        got = tables.grid[zone]
        assert set(got) == set(bases)
        for basis, years in bases.items():
            assert {year: dict(row.data) for year, row in got[basis].items()} == years
    assert "NO-SUCH-ZONE" not in tables.grid and tables.grid.get("NO-SUCH-ZONE") is None


def test_an_overlay_grid_row_stands_in_for_the_shipped_one(tmp_path: Path) -> None:
    overlay = tmp_path / "overlay"
    overlay.mkdir()
    (overlay / "grid_intensity.csv").write_text(
        "zone,year,basis,intensity_low,intensity,intensity_high,source\nDK,2023,lifecycle,90,100,110,my-ppa-2023\n"
    )
    (overlay / "sources.csv").write_text(
        "id,title,publisher,url,retrieved,license,attribution\n"
        "my-ppa-2023,Our PPA,Us,https://example.org,2025-01-01,LicenseRef-private,ours\n"
    )
    tables = factors.load("2026.2", str(overlay))
    row = tables.grid["DK"]["lifecycle"][2023]
    assert row.from_overlay and row.number("intensity") == 100.0
    shipped = factors.load("2026.2").grid["DK"]["lifecycle"]
    assert shipped[2023].number("intensity") != 100.0
    assert set(tables.grid["DK"]["lifecycle"]) == set(shipped)  # the other years stay


def test_bad_overlay_is_a_finding(tmp_path: Path) -> None:
    overlay = tmp_path / "no_such_table.csv"
    overlay.write_text("a,b\n1,2\n")
    disclosure = tmp_path / "d.yaml"
    disclosure.write_text('spec_version: "1.0"\nmodel: {name: m}\noperational: {duration: 2 h}\n')
    proc = run_cli("compute", "--factors-overlay", str(overlay), str(disclosure))
    assert proc.returncode == 1
    assert "FTD311" in proc.stdout


def test_factors_cli_list_show_diff(tmp_path: Path) -> None:
    proc = run_cli("factors", "list")
    assert proc.returncode == 0 and "2026.2 (latest)" in proc.stdout and "CC-BY-4.0" in proc.stdout
    # 2026.2 has no GPU utilisation default (1, i.e. power = TDP, in 2026.1): see power_fraction
    proc = run_cli("factors", "show", "method_defaults", "--format", "csv")
    assert proc.stdout.splitlines()[0].startswith("method,cpu_utilization_low")
    proc = run_cli("factors", "show", "method_defaults", "--factors", "2026.1", "--format", "csv")
    assert proc.stdout.splitlines()[0].startswith("method,gpu_utilization_low")
    assert run_cli("factors", "show", "nope").returncode == 2
    assert "no changes" in run_cli("factors", "diff", "2026.1", "2026.1").stdout
    changed = tmp_path / "2026.99"
    shutil.copytree(ROOT / "factors" / "2026.1", changed)
    text = (changed / "constants.csv").read_text().replace("hardware_life,4,", "hardware_life,5,")
    (changed / "constants.csv").write_text(text)
    proc = run_cli("factors", "diff", "2026.1", str(changed), "--format", "json")
    diff = json.loads(proc.stdout)
    (change,) = diff["tables"]["constants"]["changed"]
    assert change == {"key": "hardware_life", "cells": {"value": ["4", "5"]}}


@pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="the public data folder ../shared/reference/data is absent")
def test_build_script_reproduces_the_committed_tables(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "tools" / "factors" / "build.py"),
            "--data",
            str(SHARED_DATA),
            "--out",
            str(tmp_path),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    # the build writes the version its curated rows describe (2026.2), and only that one
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2026.2"]
    for path in sorted((ROOT / "factors" / "2026.2").iterdir()):
        assert (tmp_path / "2026.2" / path.name).read_bytes() == path.read_bytes(), path.name


@pytest.mark.parametrize(
    ("written", "zone"),
    [("GB-13", "GB-13"), ("GB-London", "GB-13"), ("UK-1", "GB-1"), ("gb-north-scotland", "GB-1"), ("DK-DK2", "DK2")],
)
def test_grid_zones_resolve_with_their_country(written: str, zone: str, tables: factors.FactorSet) -> None:
    from ftdisclose.resolve import resolve
    from ftdisclose.spec import model_for, upgrade

    d = model_for("1.0").model_validate(
        {
            "spec_version": "1.0",
            "model": {"name": "m"},
            "infrastructure": {"location": {"grid_zone": written}},
            "operational": {"duration": "1 h"},
        }
    )
    r = resolve(upgrade(d), tables)
    assert r["infrastructure.location.grid_zone"].value == zone
    assert r["infrastructure.location.country"].value == zone[:2]
    assert not [f for f in r.findings if f.code == "FTD310"]


# --- version 2026.2 (tools/factors/NOTES-2026.2.md) ---------------------------------------


def _triple(row: factors.Row, column: str) -> tuple[float, float, float]:
    low, mid, high = (row.number(c) for c in (f"{column}_low", column, f"{column}_high"))
    assert low is not None and mid is not None and high is not None, (row.label, column)
    return low, mid, high


# The throughput classes of the design (tables-2026.2.md), binding for the resolver.
GENERATIONS = {
    "turing", "volta", "ampere-consumer", "ampere", "ada", "hopper", "blackwell", "blackwell-consumer",
    "tpu-v3", "tpu-v4", "tpu-v5e", "tpu-v5p", "tpu-v6", "cdna2", "cdna3", "gaudi", "other",
}  # fmt: skip


def test_every_accelerator_has_a_card_only_embodied_figure_water_and_a_generation() -> None:
    generations = GENERATIONS
    sourced = set()
    for row in LATEST.rows("accelerators"):
        assert row["generation"] in generations, row["id"]
        low, mid, high = _triple(row, "embodied")
        assert 0 < low < mid < high, row["id"]
        assert row["embodied_method"] in ("sourced", "scaled"), row["id"]
        if row["embodied_method"] == "scaled":  # wide: at least x0.5 .. x2
            assert low <= 0.5 * mid + 1e-9 and high >= 2 * mid - 1e-9, row["id"]
        else:
            sourced.add(row["id"])
        w_low, water, w_high = _triple(row, "embodied_water")
        assert 0 < w_low < water < w_high, row["id"]
    assert sourced == {"nvidia-h100-sxm5-80gb", "nvidia-b200", "nvidia-a100-sxm4-40gb", "google-tpu-v6e"}
    h100 = LATEST.accelerators[normalise_name("H100")]
    assert h100.number("embodied") == 164  # NVIDIA HGX H100 PCF, 1,312 kgCO2e per 8-GPU baseboard / 8


def test_server_rows_hold_the_host_without_accelerators() -> None:
    servers = {r["id"]: r for r in LATEST.rows("servers")}
    assert {r["kind"] for r in servers.values()} == {"datacenter", "workstation"}
    assert _triple(servers["dgx-h100"], "embodied") == (1300, 2500, 6000)
    assert servers["dgx-h100"].number("host_max_power") == 8400 - 8 * 700  # Latif et al.'s measured node
    # the DGX A100's 6,500 W rating x 8.4/10.2 (the measured-to-rated ratio of an 8 x H100 node) - 8 x 400 W
    assert servers["dgx-a100-640gb"].number("host_max_power") == round(6500 * 8400 / 10200 - 8 * 400)
    workstation = servers["workstation"]
    assert workstation["kind"] == "workstation" and _triple(workstation, "embodied") == (165, 360, 720)
    for row in servers.values():
        idle, peak = row.number("host_idle_power"), row.number("host_max_power")
        assert (idle is None) == (peak is None), row["id"]
        assert idle is None or 0 < idle < peak, row["id"]  # type: ignore[operator]


@pytest.mark.parametrize(
    "accelerator",
    [
        "nvidia-t4",
        "nvidia-l4",
        "nvidia-a10g",
        "nvidia-a100-sxm4-40gb",
        "nvidia-a100-sxm4-80gb",
        "nvidia-h100-sxm5-80gb",
        "nvidia-v100-sxm2-16gb",
    ],
)
def test_families_people_fine_tune_on_have_a_one_gpu_cloud_host(accelerator: str) -> None:
    # the resolver's default server: the smallest datacenter row with that accelerator
    rows = [r for r in LATEST.rows("servers") if r["accelerator"] == accelerator and r["kind"] == "datacenter"]
    smallest = min(rows, key=lambda r: (r.number("gpus") or 0, r["id"]))
    assert smallest.number("gpus") == 1 and smallest.number("host_max_power"), smallest["id"]


@pytest.mark.parametrize(
    ("provider", "region", "zone"),
    [
        ("aws", "us-east-1", "SRVC"),
        ("aws", "us-east-2", "RFCW"),
        ("aws", "us-west-2", "NWPP"),
        ("gcp", "us-central1", "MROW"),
        ("gcp", "us-east4", "SRVC"),
        ("gcp", "us-west1", "NWPP"),
        ("gcp", "us-west4", "AZNM"),
        ("azure", "eastus", "SRVC"),
        ("azure", "eastus2", "SRVC"),
        ("azure", "westus2", "NWPP"),
        ("azure", "westus3", "AZNM"),
        ("azure", "southcentralus", "ERCT"),
    ],
)
def test_us_cloud_regions_map_to_their_egrid_subregion(provider: str, region: str, zone: str) -> None:
    # 2026.1 mapped them to US state rows of 2016/2020 (direct basis)
    assert LATEST.regions[(provider, normalise_name(region))]["grid_zone"] == zone


def test_grid_rows_state_their_basis_and_every_us_region_has_a_lifecycle_row() -> None:
    rows = LATEST.rows("grid_intensity")
    assert {r["basis"] for r in rows} == {"lifecycle", "direct"}
    lifecycle = {r["zone"] for r in rows if r["basis"] == "lifecycle" and r["year"] == "2023"}
    kinds = {r["zone"]: r["kind"] for r in LATEST.rows("zones")}
    us = [r for r in LATEST.rows("cloud_regions") if r["country"] == "US"]
    assert len(us) == 22
    for region in us:
        assert kinds[region["grid_zone"]] == "egrid" and region["grid_zone"] in lifecycle, region.data
    assert not [r for r in rows if r["zone"] in ("SE3", "NO1", "NO2")]  # basis unstated: not shipped


def test_method_tables_cover_every_method_scale_and_generation() -> None:
    methods = {r["method"] for r in LATEST.rows("method_defaults")}
    scales = ("single", "node", "cluster")
    assert {(r["method"], r["scale"]) for r in LATEST.rows("power_fraction")} == {
        (m, s) for m in methods for s in scales
    }
    assert {r["method"] for r in LATEST.rows("memory_per_parameter")} == methods
    generations = {r["generation"] for r in LATEST.rows("accelerators")} | {"other"}
    wanted = {(g, m) for g in generations for m in ("full", "lora", "qlora")}
    assert {(r["generation"], r["method"]) for r in LATEST.rows("throughput")} >= wanted
    assert not [c for c in LATEST.manifest["tables"]["method_defaults"]["columns"] if c.startswith("gpu_")]


def test_power_fractions_bracket_the_measurements() -> None:
    pf = {(r["method"], r["scale"]): _triple(r, "fraction") for r in LATEST.rows("power_fraction")}
    host = LATEST.servers[normalise_name("dgx-h100")]
    idle, peak = host.number("host_idle_power"), host.number("host_max_power")
    assert idle is not None and peak is not None

    def h100_node_fraction(node_watts: float) -> float:
        # node = 8 x f x 700 W + idle + f x (max - idle): the host loaded as the GPUs
        return (node_watts - idle) / (8 * 700 + peak - idle)

    measured = [
        (("full", "cluster"), 13812.4e3 / (256 * 192) / 400),  # Dodge et al., 6.1B on 256 x A100
        (("full", "node"), 3.1e3 / (4 * 6) / 300),  # Dodge et al., BERT fine-tune, 4 x V100 (SXM2)
        (("full", "node"), 3.1e3 / (4 * 6) / 250),  # ... or V100 PCIe
        (("lora", "node"), h100_node_fraction(11769.96e3 / (29.101 * 60))),  # MLPerf llama2_70b_lora, 1 node
        (("lora", "cluster"), h100_node_fraction(15.08e6 / (5.488 * 60) / 8)),  # 8 nodes
        (("lora", "cluster"), h100_node_fraction(38.64e6 / (2.015 * 60) / 64)),  # 64 nodes
    ]
    for key, value in measured:
        low, mid, high = pf[key]
        assert low <= value <= high, (key, value)
        assert low < mid < high


def _lora_job(server_id: str) -> tuple[float, float]:
    """(W drawn, W per TFLOP/s of useful work) of a one-GPU LoRA job on a server row of 2026.2."""
    server = LATEST.servers[normalise_name(server_id)]
    accelerator = LATEST.accelerators[normalise_name(server["accelerator"])]
    fraction = next(r for r in LATEST.rows("power_fraction") if r["method"] == "lora" and r["scale"] == "single")
    mfu = next(
        r for r in LATEST.rows("throughput") if r["generation"] == accelerator["generation"] and r["method"] == "lora"
    )
    f = fraction.number("fraction")
    idle, peak = server.number("host_idle_power"), server.number("host_max_power")
    tdp, tflops, m = accelerator.number("tdp"), accelerator.number("bf16_dense"), mfu.number("mfu")
    assert None not in (f, idle, peak, tdp, tflops, m), server_id
    watts = f * tdp + idle + f * (peak - idle)  # type: ignore[operator]
    return watts, watts / (m * tflops)  # type: ignore[operator]


@pytest.mark.parametrize(
    ("t4", "l4", "a100"),
    [
        ("gcp/n1-standard-8-t4", "gcp/g2-standard-8", "gcp/a2-highgpu-1g"),  # Colab-like, as in seed 002
        ("aws/g4dn.xlarge", "aws/g6.xlarge", "gcp/a2-highgpu-1g"),
    ],
)
def test_seed_002_ordering_holds_with_the_tables(t4: str, l4: str, a100: str) -> None:
    # Seed 002, 7B LoRA on T4, L4 and A100: emissions rate T4 < L4 < A100, but the A100's total
    # (energy per unit of work) the lowest. tools/factors/NOTES-2026.2.md has the numbers.
    (rate_t4, work_t4), (rate_l4, work_l4), (rate_a100, work_a100) = map(_lora_job, (t4, l4, a100))
    assert rate_t4 < rate_l4 < rate_a100
    assert work_a100 < work_l4 < work_t4
    assert math.isfinite(work_a100)


def test_new_constants() -> None:
    c = LATEST.constants
    expected = {
        "gpu_embodied_default": (60, 160, 450),
        "server_embodied_default": (1300, 2500, 6000),
        "workstation_pue": (1, 1, 1.1),
        "workstation_wue": (0, 0, 0),
        "workstation_life": (3, 4, 6),
        "workstation_reserved_share": (1, 1, 1),
        "usable_memory_fraction": (0.8, 0.85, 0.9),
        "hardware_life": (3, 4, 6),
    }
    for key, (low, value, high) in expected.items():
        assert (c[key].number("low"), c[key].number("value"), c[key].number("high")) == (low, value, high), key
    water = c["gpu_embodied_water_default"]
    assert water.number("low") < water.number("value") < water.number("high")  # type: ignore[operator]


@pytest.mark.parametrize(
    "text",
    ["a,b\n1,2\n\n3,4\n", "a,b\n1,2\n3\n", "a,b\n1,2,3\n", "", "a,b\n", 'a,b\n"x, y",2\r\n'],
)
def test_table_rows_read_as_dictreader_reads_them(text: str) -> None:
    import csv
    import io

    from ftdisclose.factors import _read_csv

    # ragged rows (too short: None; too long: the rest under None) fall back to DictReader's own reading
    expected = [dict(r) for r in csv.DictReader(io.StringIO(text))]
    assert [dict(r.data) for r in _read_csv(text, "t", "v")] == expected


def test_every_shipped_table_reads_as_dictreader_reads_it() -> None:
    import csv
    import io

    from ftdisclose.factors import _read_csv

    for path in sorted((ROOT / "factors").rglob("*.csv")):
        text = path.read_text(encoding="utf-8")
        assert [dict(r.data) for r in _read_csv(text, "t", "v")] == [dict(r) for r in csv.DictReader(io.StringIO(text))]
