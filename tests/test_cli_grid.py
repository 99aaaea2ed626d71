"""compute --grid-data hourly, pin and card through the real CLI, against a local replay server.

The server (tests/test_grid.py) answers in Energi Data Service's documented shape on
127.0.0.1; nothing else is reached.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import CASES, run_cli
from .test_grid import Replay, only_localhost, replay, utc  # noqa: F401 - fixtures used by name

DK2_RUN = """\
# a LoRA fine-tune in Copenhagen (comments, order and quoting must survive pin)
spec_version: "1.0"
model:
  name: dk-lora
  method: lora
infrastructure:
  location:
    country: "DK"
    grid_zone: DK2
  datacenter: {pue: 1.0}
operational:
  start: 2024-07-06T17:00:00Z
  duration: 12 h
  energy: {value: 0.694 kWh, source: codecarbon, includes_pue: false}   # measured
usage:
  use_life: 365 d
"""


def _compute(path: Path, *extra: str) -> dict[str, object]:
    proc = run_cli("compute", "--format", "json", *extra, str(path))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    doc: dict[str, object] = json.loads(proc.stdout)
    return doc


def test_hourly_mean_is_fetched_then_cached(replay: Replay, tmp_path: Path) -> None:
    # 80 g/kWh for 6 h then 90 g/kWh for 6 h: the 12 h mean is (6 x 80 + 6 x 90) / 12 = 85 g/kWh
    replay.eds_value = lambda t, area: 80.0 if t < utc("2024-07-06T23:00") else 90.0
    path = tmp_path / "run.yaml"
    path.write_text(DK2_RUN)
    doc = _compute(path, "--grid-data", "hourly")
    intensity = doc["inputs"]["operational.carbon_intensity"]  # type: ignore[index]
    assert intensity["origin"] == "fetched" and intensity["value"] == pytest.approx(85.0)
    assert "Energi Data Service CO2Emis, DK2" in intensity["detail"]
    # 0.694 kWh x PUE 1.0 x 85 g/kWh = 58.99 g
    assert doc["results"]["emissions"]["operational"]["value"] == pytest.approx(0.694 * 85 / 1000)  # type: ignore[index]
    asked = replay.count("/dataset")
    again = _compute(path, "--grid-data", "hourly")
    assert replay.count("/dataset") == asked  # the second run came from the cache
    assert again["results"] == doc["results"]
    annual = _compute(path)  # --grid-data annual (the default) never fetches
    assert annual["inputs"]["operational.carbon_intensity"]["origin"] == "default"  # type: ignore[index]
    assert replay.count("/dataset") == asked


def test_a_dead_service_falls_back_to_the_annual_value(replay: Replay, tmp_path: Path) -> None:
    replay.fail["eds"] = ("500", 99)
    path = tmp_path / "run.yaml"
    path.write_text(DK2_RUN)
    doc = _compute(path, "--grid-data", "hourly")
    assert doc["inputs"]["operational.carbon_intensity"]["origin"] == "default"  # type: ignore[index]
    (finding,) = [f for f in doc["findings"] if f["code"] == "FTD312"]  # type: ignore[union-attr]
    assert finding["line"] is not None


def test_offline_never_fetches(replay: Replay, tmp_path: Path) -> None:
    path = tmp_path / "run.yaml"
    path.write_text(DK2_RUN)
    doc = _compute(path, "--grid-data", "hourly", "--offline")
    assert replay.count("/dataset") == 0
    assert any(f["code"] == "FTD318" for f in doc["findings"])  # type: ignore[union-attr]


def test_pin_writes_two_lines_and_makes_the_result_reproducible_offline(replay: Replay, tmp_path: Path) -> None:
    replay.eds_value = lambda t, area: 82.5
    path = tmp_path / "run.yaml"
    path.write_text(DK2_RUN)
    proc = run_cli("pin", str(path))
    assert proc.returncode == 0, proc.stderr
    new = path.read_text()
    added = [line for line in new.splitlines() if line not in DK2_RUN.splitlines()]
    assert added[0] == "  carbon_intensity: 82.5 gCO2e/kWh"
    assert added[1].startswith("  carbon_intensity_source: ") and "Energi Data Service" in added[1]
    assert len(added) == 2
    assert [line for line in new.splitlines() if line not in added] == DK2_RUN.splitlines()
    replay.fail["eds"] = ("500", 99)  # the service is gone: the pinned value is all that is needed now
    doc = _compute(path, "--offline")
    intensity = doc["inputs"]["operational.carbon_intensity"]  # type: ignore[index]
    assert intensity["origin"] == "disclosed" and intensity["value"] == 82.5
    assert run_cli("pin", str(path)).returncode == 0  # already disclosed: nothing more to do
    assert path.read_text() == new


def test_pin_into_a_model_card(replay: Replay, tmp_path: Path) -> None:
    replay.eds_value = lambda t, area: 60.0
    front = "".join(f"  {line}\n" if line else "\n" for line in DK2_RUN.splitlines()[1:])
    card = tmp_path / "README.md"
    card.write_text(f"---\nlicense: mit\ncarbon_disclosure:\n{front}---\n\n# dk-lora\n")
    assert run_cli("pin", str(card)).returncode == 0
    assert "    carbon_intensity: 60 gCO2e/kWh\n" in card.read_text()
    assert card.read_text().endswith("---\n\n# dk-lora\n")


def test_pin_without_a_provider_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "run.yaml"
    path.write_text(DK2_RUN.replace("DK2", "DE").replace('"DK"', '"DE"'))
    proc = run_cli("pin", str(path))
    assert proc.returncode == 1 and "FTD317" in proc.stderr
    assert path.read_text() == DK2_RUN.replace("DK2", "DE").replace('"DK"', '"DE"')


def test_card_command_writes_then_checks(tmp_path: Path) -> None:
    card = tmp_path / "README.md"
    original = (
        (CASES / "valid" / "model-card-crlf.md")
        .read_bytes()
        .replace(b"    energy: 0.694 kWh\r\n", b"    duration: 4 h\r\n    energy: 0.694 kWh\r\n")
    )
    card.write_bytes(original)
    assert run_cli("card", str(card), "--card", str(card), "--check").returncode == 1
    proc = run_cli("card", str(card), "--card", str(card))
    assert proc.returncode == 0, proc.stderr
    written = card.read_bytes()
    assert (
        b"<!-- ftdisclose:start -->" in written and b"\r\n" in written and b"\n\n" not in written.replace(b"\r\n", b"")
    )
    assert run_cli("card", str(card), "--card", str(card), "--check").returncode == 0
    validated = run_cli("validate", "--strict", str(card))
    assert validated.returncode == 0, validated.stdout  # the Hub figure now agrees with the disclosure


def test_card_embed_makes_the_card_checkable(tmp_path: Path) -> None:
    from .conftest import EXAMPLES

    card = tmp_path / "README.md"
    card.write_text("---\nlicense: mit\n---\n\n# My model\n")
    disclosure = EXAMPLES / "scope3-bloom-cluster.yaml"
    proc = run_cli("card", str(disclosure), "--card", str(card), "--embed")
    assert proc.returncode == 0, proc.stderr
    text = card.read_text()
    assert text.startswith("---\nlicense: mit\nco2_eq_emissions:\n")
    assert text.endswith("<!-- ftdisclose:end -->\n")
    assert "# My model\n" in text
    # the embedded disclosure validates, and the Hub figure agrees with it (no FTD108, no FTD409)
    assert run_cli("validate", "--strict", str(card)).returncode == 0
    # the card's own disclosure computes to the same total as the file it came from
    a = json.loads(run_cli("compute", "--format", "json", str(disclosure)).stdout)
    b = json.loads(run_cli("compute", "--format", "json", str(card)).stdout)
    assert a["results"] == b["results"]
    assert run_cli("card", str(disclosure), "--card", str(card), "--embed", "--check").returncode == 0
