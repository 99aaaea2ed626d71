"""CodeCarbon emissions.csv of every header era -> a disclosure that validates.

Every expected number below is worked out by hand from the fixture's cells, in the
comment beside it. CodeCarbon multiplies every energy by its `pue` column, so the IT
energy is energy_consumed / pue; timestamps are local time at the END of a run.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ftdisclose.integrations.codecarbon import dump_yaml, import_codecarbon, iso3_to_alpha2, parse_gpu_model
from ftdisclose.io.loader import loads
from ftdisclose.pipeline import Goal, run_document

from .conftest import CASES

CC = CASES / "codecarbon"


def _codes(result: Any) -> list[str]:
    return sorted(f.code for f in result.findings)


def _valid(disclosure: dict[str, Any]) -> None:
    """The imported disclosure validates (as YAML text, the way a user meets it)."""
    text = dump_yaml(disclosure)
    result = run_document(loads(text, "imported.yaml"), goal=Goal.VALIDATE)
    assert result.valid, [f"{f.code}: {f.message}" for f in result.findings]
    # STALE-2026.1: US cloud regions map to 2020 state rows there (FTD306)
    assert [f for f in result.findings if f.code != "FTD306"] == [], [f"{f.code}: {f.message}" for f in result.findings]


def _energy(result: Any) -> str:
    value: str = result.disclosure["operational"]["energy"]["value"]
    return value


# --- one file per header era -------------------------------------------------------------


def test_v1_twelve_columns_no_pue_column() -> None:
    result = import_codecarbon(
        [CC / "v1.2-twelve-columns.csv"], timezone="Europe/Copenhagen", model_name="munin-7b-alpha-instruct"
    )
    d = result.disclosure
    # 0.694 kWh and no pue column (before 2.3): PUE 1, the energy as written
    assert _energy(result) == "0.694 kWh"
    # 1.x has no per-component energy columns: the boundary is unknown and left out
    assert "boundary" not in d["operational"]["energy"]
    assert d["operational"]["energy"]["includes_pue"] is False
    # 14220 s / 3600 = 3.95 h
    assert d["operational"]["duration"] == "3.95 h"
    # timestamp 2021-11-03T15:42:17 is the end, Copenhagen is CET (+01:00) in November;
    # start = 15:42:17 - 3 h 57 min = 11:45:17
    assert d["operational"]["end"] == "2021-11-03T15:42:17+01:00"
    assert d["operational"]["start"] == "2021-11-03T11:45:17+01:00"
    assert d["infrastructure"]["location"]["country"] == "DK"  # DNK
    assert d["model"]["name"] == "munin-7b-alpha-instruct"
    assert result.findings == []
    origins = d["x-ftdisclose-import"]["origins"]
    assert origins["operational.energy.value"] == "measured"
    assert origins["operational.start"] == "derived"
    _valid(d)


def test_v1_rows_without_run_id_are_separate_runs_with_a_warning() -> None:
    path = CC / "v1.0-two-rows-no-run-id.csv"
    summed = import_codecarbon([path], model_name="m")
    # 0.25 + 0.5 = 0.75 kWh; 1800 s + 3600 s = 5400 s = 1.5 h
    assert _energy(summed) == "0.75 kWh"
    assert summed.disclosure["operational"]["duration"] == "1.5 h"
    assert [r["energy"] for r in summed.disclosure["operational"]["runs"]] == ["0.25 kWh", "0.5 kWh"]
    assert "FTD529" in _codes(summed)
    # several runs: no single start/end is written (each run's window is in the x- block)
    assert "start" not in summed.disclosure["operational"]
    _valid(summed.disclosure)

    last = import_codecarbon([path], combine="last", timezone="Europe/Paris", model_name="m")
    # the last run: 0.5 kWh over 3600 s, ending 12:00 local, CEST (+02:00) in June
    assert _energy(last) == "0.5 kWh"
    assert last.disclosure["operational"]["duration"] == "1 h"
    assert last.disclosure["operational"]["start"] == "2021-06-01T11:00:00+02:00"
    assert "runs" not in last.disclosure["operational"]
    assert last.disclosure["infrastructure"]["location"]["country"] == "FR"
    _valid(last.disclosure)


def test_v2_0_gcp_run_maps_cloud_and_hardware() -> None:
    result = import_codecarbon([CC / "v2.0-gcp-t4.csv"], model_name="bert-sst2")
    d = result.disclosure
    # cpu 0.04 + gpu 0.11 + ram 0.011 = 0.161 kWh, no pue column -> PUE 1
    assert _energy(result) == "0.161 kWh"
    assert d["operational"]["energy"]["boundary"] == ["gpu", "cpu", "ram"]
    # 7200.113 s / 3600 = 2.000031 h (7 significant digits)
    assert d["operational"]["duration"] == "2.000031 h"
    assert d["infrastructure"]["provider"] == "gcp"
    assert d["infrastructure"]["location"] == {"country": "US", "cloud_region": "us-central1"}
    assert d["infrastructure"]["cluster"]["gpu"] == {"model": "Tesla T4", "count": 1}
    assert d["infrastructure"]["cluster"]["cpu"] == {"model": "Intel(R) Xeon(R) CPU @ 2.20GHz"}
    # CodeCarbon divides bytes by 1024**3: GiB under the name GB
    assert d["infrastructure"]["cluster"]["memory"] == "14.68978 GiB"
    extras = d["x-ftdisclose-import"]["codecarbon"]
    assert extras["cpu_threads"] == 4  # logical CPUs, not sockets: kept out of cluster.cpu.count
    assert extras["region"] == "iowa"
    assert "count" not in d["infrastructure"]["cluster"]["cpu"]
    # no zone given: start and end left out, and said why
    assert "start" not in d["operational"]
    assert _codes(result) == ["FTD530"]
    _valid(d)


def test_v2_2_repeated_run_id_rows_are_cumulative_flushes() -> None:
    path = CC / "v2.2-run-id-flushes.csv"
    result = import_codecarbon([path], model_name="m")
    d = result.disclosure
    # run 9a3e... flushed 3 times: keep the last, 0.132 kWh over 2712 s (not 0.044 + 0.087 + 0.132);
    # run e4b2... flushed twice: keep 0.081 kWh over 1800 s. Sum 0.132 + 0.081 = 0.213 kWh
    assert _energy(result) == "0.213 kWh"
    # (2712 + 1800) s = 4512 s = 1.253333 h
    assert d["operational"]["duration"] == "1.253333 h"
    assert d["operational"]["runs"] == [
        {"name": "9a3e1c7b-4f2d-4b8a-a1e6-2c5d8f0b7e31", "duration": "0.7533333 h", "energy": "0.132 kWh"},
        {"name": "e4b2a9d1-7c3f-4e5a-b8d6-1f0a3c9e2b47", "duration": "0.5 h", "energy": "0.081 kWh"},
    ]
    # gpu_count written by pandas as 1.0
    assert d["infrastructure"]["cluster"]["gpu"] == {"model": "NVIDIA GeForce RTX 3060", "count": 1}
    assert d["infrastructure"]["location"]["country"] == "DE"
    assert d["x-ftdisclose-import"]["rows_used"] == [f"{path}:4", f"{path}:6"]
    assert [r["ranks"][0]["flushes"] for r in d["x-ftdisclose-import"]["runs"]] == [3, 2]
    _valid(d)

    summed = import_codecarbon([path], combine="sum", model_name="m")
    assert _energy(summed) == "0.213 kWh"
    assert "runs" not in summed.disclosure["operational"]

    last = import_codecarbon([path], combine="last", timezone="Europe/Berlin", model_name="m")
    assert _energy(last) == "0.081 kWh"
    # 14:20:00 CEST minus 1800 s
    assert last.disclosure["operational"]["start"] == "2023-06-12T13:50:00+02:00"


def test_flushes_are_ordered_by_timestamp_not_by_line(tmp_path: Path) -> None:
    lines = (CC / "v2.2-run-id-flushes.csv").read_text().splitlines()
    shuffled = tmp_path / "shuffled.csv"
    # the final flush of the first run (line 4) written first, before its earlier flushes
    shuffled.write_text("\n".join([lines[0], lines[3], lines[1], lines[2]]) + "\n")
    result = import_codecarbon([shuffled], model_name="m")
    assert _energy(result) == "0.132 kWh"  # the 09:45:12 flush, now on line 2
    assert result.disclosure["x-ftdisclose-import"]["rows_used"] == [f"{shuffled}:2"]


def test_v2_3_pue_is_divided_out() -> None:
    result = import_codecarbon([CC / "v2.3-pue-aws-a100.csv"], model_name="m")
    d = result.disclosure
    # energy_consumed 1.32 kWh at pue 1.1: 1.32 / 1.1 = 1.2 kWh of IT energy
    assert _energy(result) == "1.2 kWh"
    assert d["operational"]["energy"]["includes_pue"] is False
    # the PUE the user configured in CodeCarbon is carried over, marked as disclosed
    assert d["infrastructure"]["datacenter"] == {"pue": 1.1}
    assert d["x-ftdisclose-import"]["origins"]["operational.energy.value"] == "derived"
    assert d["x-ftdisclose-import"]["origins"]["infrastructure.datacenter.pue"] == "disclosed"
    assert d["infrastructure"]["provider"] == "aws"
    assert d["infrastructure"]["location"] == {"country": "US", "cloud_region": "us-west-2"}
    assert d["infrastructure"]["cluster"]["gpu"] == {"model": "NVIDIA A100-SXM4-80GB", "count": 4}
    # CodeCarbon's own intensity: 0.4356 kg / 1.32 kWh = 330 g/kWh (kept aside, not disclosed)
    assert d["x-ftdisclose-import"]["codecarbon"]["carbon_intensity_g_per_kwh"] == pytest.approx(330.0)
    assert "carbon_intensity" not in d["operational"]
    _valid(d)


def test_v2_8_mixed_gpu_models_keep_the_most_numerous_and_warn() -> None:
    result = import_codecarbon([CC / "v2.8-mixed-gpus.csv"], model_name="m")
    gpu = result.disclosure["infrastructure"]["cluster"]["gpu"]
    # "2 x NVIDIA A100-SXM4-40GB 2 x Tesla T4": a tie, the first named wins; gpu_count 4 counts all
    assert gpu == {"model": "NVIDIA A100-SXM4-40GB", "count": 4}
    assert "FTD531" in _codes(result)
    assert _energy(result) == "2 kWh"  # 2.0 at pue 1.0
    assert result.disclosure["x-ftdisclose-import"]["origins"]["infrastructure.cluster.gpu.model"] == "derived"
    _valid(result.disclosure)


def test_v3_1_wue_and_pue() -> None:
    result = import_codecarbon([CC / "v3.1-water-wue.csv"], model_name="m")
    d = result.disclosure
    # 0.6 kWh / 1.2 = 0.5 kWh; components 0.06/1.2, 0.48/1.2, 0.06/1.2 are all > 0
    assert _energy(result) == "0.5 kWh"
    assert d["infrastructure"]["datacenter"] == {"pue": 1.2, "wue": "1.8 L/kWh"}
    assert d["infrastructure"]["location"]["country"] == "SE"
    # water_consumed (1.08 L = 1.8 x 0.6, facility energy) is not imported: compute redoes water
    assert "reported" not in d
    _valid(d)


def test_v3_2_utilisation_columns() -> None:
    result = import_codecarbon([CC / "v3.2-utilisation.csv"], timezone="Europe/Copenhagen", model_name="m")
    op = result.disclosure["operational"]
    # the later flush of the single run: 0.694 kWh at pue 1.0, 14220 s = 3.95 h
    assert _energy(result) == "0.694 kWh"
    assert op["duration"] == "3.95 h"
    # 87.5 % and 23 % -> ratios
    assert op["gpu_utilization"] == pytest.approx(0.875)
    assert op["cpu_utilization"] == pytest.approx(0.23)
    # 20:57:00 CET; 20:57:00 - 3:57:00 = 17:00:00
    assert op["start"] == "2026-01-20T17:00:00+01:00"
    assert result.disclosure["infrastructure"]["cluster"]["gpu"] == {"model": "NVIDIA RTX A4000", "count": 1}
    assert result.findings == []
    _valid(result.disclosure)


def test_crlf_bom_no_final_newline_empty_cells_float_counts() -> None:
    result = import_codecarbon([CC / "v3.3-crlf-bom-no-final-newline.csv"], timezone="UTC", model_name="m")
    d = result.disclosure
    assert (CC / "v3.3-crlf-bom-no-final-newline.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    # 0.00623 kWh; gpu_energy is empty and gpu_count 0.0: no GPU, boundary cpu and ram only
    assert _energy(result) == "0.00623 kWh"
    assert d["operational"]["energy"]["boundary"] == ["cpu", "ram"]
    assert "gpu" not in d["infrastructure"]["cluster"]
    # gpu_utilization_percent 0.0 is what CodeCarbon writes without a sample: left out
    assert "gpu_utilization" not in d["operational"]
    assert d["operational"]["cpu_utilization"] == pytest.approx(0.355)
    # 11:22:33 UTC minus round(1234.5 s) = 1234 s (20 min 34 s) -> 11:01:59
    assert d["operational"]["end"] == "2026-03-14T11:22:33Z"
    assert d["operational"]["start"] == "2026-03-14T11:01:59Z"
    assert d["infrastructure"]["location"]["country"] == "NO"  # stays Norway, quoted in YAML
    assert 'country: "NO"' in dump_yaml(d)
    assert result.findings == []
    _valid(d)


# --- several files: ranks -----------------------------------------------------------------


def test_two_ranks_in_two_files_merge() -> None:
    files = [CC / "ranks" / "emissions_rank0.csv", CC / "ranks" / "emissions_rank1.csv"]
    result = import_codecarbon(files, timezone="Europe/Helsinki", model_name="qwen-ddp-sft")
    d = result.disclosure
    # energies add: 0.7 + 0.65 = 1.35 kWh
    assert _energy(result) == "1.35 kWh"
    # durations take the longest rank: max(3600.4, 3598.7) s = 1.000111 h
    assert d["operational"]["duration"] == "1.000111 h"
    # GPU counts add: 1 + 1
    assert d["infrastructure"]["cluster"]["gpu"] == {"model": "NVIDIA H100 80GB HBM3", "count": 2}
    # starts: 10:00:00 - 3600 s and 09:59:59 - 3599 s are both 09:00:00 EET (+02:00)
    assert d["operational"]["start"] == "2026-02-03T09:00:00+02:00"
    assert d["operational"]["end"] == "2026-02-03T10:00:00+02:00"
    # GPU utilisation weighted by duration: (0.9 x 3600.4 + 0.8 x 3598.7) / 7199.1 = 0.85001
    assert d["operational"]["gpu_utilization"] == pytest.approx(0.85, abs=1e-4)
    assert [f["path"] for f in d["x-ftdisclose-import"]["files"]] == [str(p) for p in files]
    assert "runs" not in d["operational"]  # one run of the job, seen by two ranks
    # both process files report the same CPU (AMD EPYC 9534) and RAM (503.2 GiB) and each counted
    # 0.05 + 0.05 kWh of CPU and RAM: CodeCarbon measures those machine-wide (issue 13)
    (warning,) = result.findings
    assert warning.code == "FTD532" and "counts it 2 times" in warning.message and "0.1 kWh each" in warning.message
    _valid(d)


def test_machine_mode_ranks_that_each_saw_the_node_warn(tmp_path: Path) -> None:
    lines = (CC / "v2.3-pue-aws-a100.csv").read_text().splitlines()
    for i in range(2):
        (tmp_path / f"rank{i}.csv").write_text(lines[0] + "\n" + lines[1] + "\n")
    result = import_codecarbon(sorted(tmp_path.glob("*.csv")), model_name="m")
    # each file saw 4 GPUs in machine mode: summing 1.2 + 1.2 kWh may count one node twice
    assert _energy(result) == "2.4 kWh"
    assert "FTD532" in _codes(result)


# --- broken input -------------------------------------------------------------------------


def test_shifted_row_is_skipped_with_an_error() -> None:
    result = import_codecarbon([CC / "v3.2-shifted-row.csv"], model_name="m")
    errors = [f for f in result.findings if f.code == "FTD527"]
    assert len(errors) == 1 and errors[0].line == 3
    assert "37 cells" in errors[0].message and "38 columns" in errors[0].message
    assert _energy(result) == "0.694 kWh"  # the row that lines up
    assert result.errors == 1


def test_not_a_codecarbon_file() -> None:
    result = import_codecarbon([CC / "not-codecarbon.csv"], model_name="m")
    assert _codes(result) == ["FTD526"]
    assert "operational" not in result.disclosure


def test_missing_file_and_bad_arguments(tmp_path: Path) -> None:
    result = import_codecarbon([tmp_path / "nope.csv"], model_name="m")
    assert _codes(result) == ["FTD516"]
    with pytest.raises(ValueError, match="combine"):
        import_codecarbon([CC / "v1.2-twelve-columns.csv"], combine="mean")
    with pytest.raises(ValueError, match="time zone"):
        import_codecarbon([CC / "v1.2-twelve-columns.csv"], timezone="Mars/Olympus_Mons")


def test_non_utf8_file_is_read_as_windows_1252(tmp_path: Path) -> None:
    text = (CC / "v1.0-two-rows-no-run-id.csv").read_text(encoding="utf-8")
    path = tmp_path / "windows.csv"
    path.write_bytes(text.encode("cp1252"))  # "île-de-france" as CodeCarbon writes it on Windows
    result = import_codecarbon([path], model_name="m")
    assert "FTD528" in _codes(result)
    assert result.disclosure["x-ftdisclose-import"]["codecarbon"]["region"] == "île-de-france"


def test_zero_energy_is_left_out(tmp_path: Path) -> None:
    lines = (CC / "v1.2-twelve-columns.csv").read_text().splitlines()
    path = tmp_path / "zero.csv"
    path.write_text(lines[0] + "\n" + lines[1].replace(",0.694,", ",0.0,") + "\n")
    result = import_codecarbon([path], model_name="m")
    assert "energy" not in result.disclosure["operational"]
    assert "FTD405" in _codes(result)
    _valid(result.disclosure)


def test_model_name_defaults_to_project_name_with_a_warning() -> None:
    result = import_codecarbon([CC / "v2.0-gcp-t4.csv"])
    assert result.disclosure["model"]["name"] == "bert-sst2"
    assert "FTD533" in _codes(result)


def test_dst_ambiguous_timestamp_warns(tmp_path: Path) -> None:
    lines = (CC / "v1.2-twelve-columns.csv").read_text().splitlines()
    path = tmp_path / "dst.csv"
    # 2021-10-31 02:30 happens twice in Copenhagen (clocks go back at 03:00 CEST)
    path.write_text(lines[0] + "\n" + lines[1].replace("2021-11-03T15:42:17", "2021-10-31T02:30:00") + "\n")
    result = import_codecarbon([path], timezone="Europe/Copenhagen", model_name="m")
    assert "FTD530" in _codes(result)
    assert result.disclosure["operational"]["end"] == "2021-10-31T02:30:00+02:00"


# --- pieces -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "total", "expected"),
    [
        ("4 x NVIDIA A100-SXM4-80GB", 4, [("NVIDIA A100-SXM4-80GB", 4)]),
        ("1 x NVIDIA GeForce RTX 3060", None, [("NVIDIA GeForce RTX 3060", 1)]),
        ("2 x NVIDIA A100-SXM4-40GB 2 x Tesla T4", 4, [("NVIDIA A100-SXM4-40GB", 2), ("Tesla T4", 2)]),
        # CodeCarbon's "".join: no separator, the count sticks to the name before it
        ("2 x NVIDIA A100-SXM4-40GB2 x Tesla T4", 4, [("NVIDIA A100-SXM4-40GB", 2), ("Tesla T4", 2)]),
        ("1 x NVIDIA GeForce RTX 30601 x Tesla T4", 2, [("NVIDIA GeForce RTX 3060", 1), ("Tesla T4", 1)]),
        ("1 x NVIDIA GeForce RTX 306012 x Tesla T4", 13, [("NVIDIA GeForce RTX 3060", 1), ("Tesla T4", 12)]),
        ("1 x NVIDIA GeForce RTX 30601 x Tesla T4", None, [("NVIDIA GeForce RTX 3060", 1), ("Tesla T4", 1)]),
        ("Apple M1", 1, [("Apple M1", 1)]),
        ("", 0, []),
    ],
)
def test_parse_gpu_model(text: str, total: int | None, expected: list[tuple[str, int]]) -> None:
    assert parse_gpu_model(text, total) == expected


def test_iso3_table_from_the_shipped_countries() -> None:
    table = iso3_to_alpha2()
    assert table["DNK"] == "DK" and table["NOR"] == "NO" and table["USA"] == "US"
    assert len(table) > 240


def test_import_codes_are_catalogued_with_full_text() -> None:
    from ftdisclose.findings import CATALOGUE

    for number in range(526, 534):
        rule = CATALOGUE[f"FTD{number}"]
        assert rule.slug and rule.title and rule.description and rule.hint


def test_dump_yaml_puts_spec_version_first_and_quotes_codes() -> None:
    result = import_codecarbon([CC / "v2.3-pue-aws-a100.csv"], model_name="m")
    text = dump_yaml(result.disclosure)
    assert text.startswith('spec_version: "1.0"\n')
    assert 'country: "US"' in text
    assert "boundary: [gpu, cpu, ram]" in text


# --- hostile and large files -----------------------------------------------------------------


def _row(**cells: str) -> str:
    base = {
        "timestamp": "2026-02-03T10:00:00",
        "run_id": "11111111-2222-4333-8444-555555555555",
        "duration": "3600",
        "energy_consumed": "0.7",
        "pue": "1.0",
    }
    return ",".join({**base, **cells}.values())


HEADER = "timestamp,run_id,duration,energy_consumed,pue"


def test_back_to_back_runs_keep_the_earliest_start_and_the_latest_end(tmp_path: Path) -> None:
    # run a: 09:00-10:00 (3600 s ending 10:00); run b: 10:00-11:00, ending 11:00 (issue 13)
    path = tmp_path / "emissions.csv"
    rows = [_row(run_id="a"), _row(run_id="b", timestamp="2026-02-03T11:00:00")]
    path.write_text(HEADER + "\n" + "\n".join(rows) + "\n")
    result = import_codecarbon([path], timezone="UTC", model_name="m")
    op = result.disclosure["operational"]
    assert (op["start"], op["end"], op["duration"]) == ("2026-02-03T09:00:00Z", "2026-02-03T11:00:00Z", "2 h")
    assert len(op["runs"]) == 2
    _valid(result.disclosure)


@pytest.mark.parametrize(
    ("cells", "code", "fragment"),
    [
        ({"duration": "1e308"}, "FTD527", "more than"),
        ({"energy_consumed": "1e300"}, "FTD527", "more than"),
        ({"timestamp": "0001-01-01T00:00:00"}, "FTD528", "within 1970-2100"),
        ({"timestamp": "9999-12-31T23:59:59"}, "FTD528", "within 1970-2100"),
        ({"pue": "1e-320"}, "FTD528", "not a PUE between 1 and 5"),
    ],
)
def test_hostile_cells_are_findings_not_crashes(
    tmp_path: Path, cells: dict[str, str], code: str, fragment: str
) -> None:
    path = tmp_path / "emissions.csv"
    path.write_text(HEADER + "\n" + _row(**cells) + "\n")
    result = import_codecarbon([path], timezone="UTC", model_name="m")
    (found,) = [f for f in result.findings if f.code == code]
    assert fragment in found.message and found.line == 2
    energy = result.disclosure.get("operational", {}).get("energy", {}).get("value", "0 kWh")
    assert "inf" not in energy and "nan" not in energy


def test_duplicate_columns_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "emissions.csv"
    path.write_text(HEADER + ",duration\n" + _row() + ",5\n")
    result = import_codecarbon([path], model_name="m")
    (found,) = result.findings
    assert found.code == "FTD526" and "'duration' twice" in found.message and found.line == 1


def test_more_runs_than_the_limit_are_cut_with_a_finding(tmp_path: Path) -> None:
    path = tmp_path / "emissions.csv"
    rows = [
        _row(run_id=f"r{i}", timestamp=f"2026-02-03T10:{i // 60:02d}:{i % 60:02d}", duration="1") for i in range(600)
    ]
    path.write_text(HEADER + "\n" + "\n".join(rows) + "\n")
    result = import_codecarbon([path], model_name="m")
    (limit,) = [f for f in result.findings if f.code == "FTD536"]
    assert limit.line == 502  # the 501st run, after the header line
    assert len(result.disclosure["operational"]["runs"]) == 500


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_fifo_is_not_opened_for_reading(tmp_path: Path) -> None:
    fifo = tmp_path / "emissions.csv"
    os.mkfifo(fifo)
    result = import_codecarbon([fifo], model_name="m")
    assert [f.code for f in result.findings] == ["FTD516"]


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads VmHWM from /proc")
def test_a_million_flushes_stream_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "emissions.csv"
    with path.open("w") as out:
        out.write(HEADER + "\n")
        for i in range(1_000_000):  # cumulative flushes of one run: the last one counts
            out.write(_row(duration=str(i + 1), energy_consumed=f"{(i + 1) / 1e6:.6f}") + "\n")
    code = (
        "import resource, sys\nfrom pathlib import Path\n"
        "from ftdisclose.integrations.codecarbon import import_codecarbon\n"
        f"result = import_codecarbon([Path({str(path)!r})], model_name='m')\n"
        "print(result.disclosure['operational']['energy']['value'])\n"
        # the peak since exec (VmHWM): ru_maxrss would include the forked test process's
        "status = open('/proc/self/status').read()\n"
        "print([line.split()[1] for line in status.splitlines() if line.startswith('VmHWM:')][0])\n"
    )
    ran = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600, check=True)
    energy, max_rss_kb = ran.stdout.splitlines()
    assert energy == "1 kWh"  # the last flush: 1,000,000 / 1e6
    assert int(max_rss_kb) * 1024 < 150 * 2**20  # it was 5.5 GB before streaming
