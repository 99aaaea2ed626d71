"""`validate` reads dia_report blocks in model cards; `card --dia` writes one, changing no other byte.

Line and column numbers were read off the case files by hand.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from ftdisclose.integrations.schemas import Schema, check

from .conftest import CASES, EXAMPLES, run_cli

DIA = CASES / "interop" / "dia"


def _rows(stderr_or_stdout: str) -> list[str]:
    return [row for row in stderr_or_stdout.splitlines() if " FTD" in row]


def _has(rows: list[str], place: str, code: str) -> bool:
    return any(row.startswith(place + ": " + code) or f"{place}: {code}" in row for row in rows)


def test_schema_units_and_intensity_findings_at_the_cards_lines() -> None:
    card = DIA / "malformed-units-and-schema.md"
    ran = run_cli("validate", str(card))
    assert ran.returncode == 1
    rows = _rows(ran.stdout)
    name = str(card.relative_to(Path.cwd())) if card.is_relative_to(Path.cwd()) else str(card)
    expected = [
        ("3:14", "FTD550"),  # dia_version: 0.1, a number
        ("5:10", "FTD550"),  # scope: cumulative
        ("8:15", "FTD550"),  # relation: LoRA
        ("12:14", "FTD550"),  # count: 8.5
        ("15:14", "FTD550"),  # value: "5.3 kWh" is not a number ...
        ("15:14", "FTD552"),  # ... and carries a unit
        ("18:5", "FTD552"),  # carbon_gco2eq, ignored by DIA
        ("21:23", "FTD551"),  # carbon_intensity: 400, in g/kWh
    ]
    for place, code in expected:
        assert _has(rows, f"{name}:{place}", code), (place, code, rows)
    # the hints carry the converted numbers: 1968.9 g = 1.9689 kg; 400 g/kWh = 0.4 kg/kWh
    assert "write carbon_kgco2eq: {value: 1.9689}" in ran.stdout
    assert "write carbon_intensity: 0.4" in ran.stdout
    assert "write energy_kwh: {value: 5.3}" in ran.stdout


def test_carbon_written_in_grams() -> None:
    ran = run_cli("validate", str(DIA / "malformed-carbon-in-grams.md"))
    assert ran.returncode == 1
    # 1000 / 2.5 kWh = 400 kg per kWh, more than any grid: grams; the hint is 1000 g = 1 kg
    assert ":16:14: FTD552" in ran.stdout and "write the kilograms: 1" in ran.stdout
    assert ":20:23: FTD551" in ran.stdout and "write carbon_intensity: 0.056" in ran.stdout


def test_valid_dia_cards() -> None:
    for name in ("constructed_track_codecarbon_card.md", "test_cli_VALID_CARD.md"):
        ran = run_cli("validate", str(DIA / name))
        assert ran.returncode == 0, ran.stdout
        assert "FTD54" not in ran.stdout
        assert "FTD108" in ran.stdout  # no carbon_disclosure: its figures cannot be checked


def test_folder_walk_finds_dia_only_cards(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_bytes((DIA / "malformed-carbon-in-grams.md").read_bytes())
    (tmp_path / "other.md").write_text("---\nlicense: mit\n---\n", encoding="utf-8")
    ran = run_cli("validate", str(tmp_path), "--only-carbon-cards")
    assert "FTD551" in ran.stdout and "1 file" in ran.stdout


def _card_with_dia(tmp_path: Path, card: bytes) -> Path:
    path = tmp_path / "README.md"
    path.write_bytes(card)
    ran = run_cli("card", str(EXAMPLES / "munin-7b-lora.yaml"), "--card", str(path), "--embed", "--dia")
    assert ran.returncode == 0, ran.stderr
    return path


def test_card_dia_writes_a_valid_block_that_validate_checks(tmp_path: Path) -> None:
    path = _card_with_dia(tmp_path, b"---\nlicense: apache-2.0\n# keep this comment\n---\n\n# Munin\n")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\nlicense: apache-2.0\n") and "\n# keep this comment\n" in text
    front = yaml.safe_load(text.split("---\n")[1])
    assert front["dia_version"] == "0.1" and check(front["dia_report"], Schema.DIA) == []
    assert front["dia_report"]["footprint"]["energy_kwh"] == {"value": 0.694, "quality": "measured"}
    ran = run_cli("validate", str(path))
    assert ran.returncode == 0 and "FTD54" not in ran.stdout, ran.stdout
    again = run_cli("card", str(EXAMPLES / "munin-7b-lora.yaml"), "--card", str(path), "--embed", "--dia", "--check")
    assert again.returncode == 0 and "up to date" in again.stdout


def test_card_dia_keeps_bom_crlf_and_every_other_byte(tmp_path: Path) -> None:
    original = b"\xef\xbb\xbf---\r\nlicense: mit   # trailing\r\ntags: [lora]\r\n---\r\nBody line\r\n"
    path = _card_with_dia(tmp_path, original)
    new = path.read_bytes()
    assert new.startswith(b"\xef\xbb\xbf---\r\nlicense: mit   # trailing\r\ntags: [lora]\r\n")
    assert b"\n" not in new.replace(b"\r\n", b"")  # every line still ends in CRLF
    assert new.count(b"dia_report:") == 1 and b"Body line\r\n" in new


def test_dia_figures_checked_against_the_disclosure(tmp_path: Path) -> None:
    path = _card_with_dia(tmp_path, b"---\nlicense: mit\n---\n")
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.strip() == "value: 0.694")
    lines[at] = lines[at].replace("0.694", "694")  # Wh written where DIA reads kWh
    path.write_text("".join(lines), encoding="utf-8")
    ran = run_cli("validate", str(path))
    assert ran.returncode == 1
    # the disclosure computes 0.694 kWh of IT energy up to its facility energy; 694 is 1000 times that
    assert f":{at + 1}:14: FTD553" in ran.stdout and "about 1000 times" in ran.stdout


def test_card_dia_applies_the_measurements_correction(tmp_path: Path) -> None:
    disclosure = tmp_path / "corrected.yaml"
    disclosure.write_text(
        'spec_version: "1.1"\nmodel: {name: corr, base_model: x/y, method: lora}\n'
        'infrastructure: {location: {country: "DK"}, cluster: {gpu: {model: NVIDIA RTX A4000, count: 1}}}\n'
        "operational:\n  duration: 4 h\n  carbon_intensity: 82.5 g/kWh\n"
        "  energy: {value: 0.694 kWh, source: codecarbon, includes_pue: false, correction: 1.09}\n",
        encoding="utf-8",
    )
    card = tmp_path / "README.md"
    card.write_text("---\nlicense: mit\n---\n", encoding="utf-8")
    assert run_cli("card", str(disclosure), "--card", str(card), "--embed", "--dia").returncode == 0
    front = yaml.safe_load(card.read_text(encoding="utf-8").split("---\n")[1])
    # 0.694 kWh x 1.09 (calibration to a wall meter) = 0.75646 kWh, the IT energy the disclosure computes
    assert front["dia_report"]["footprint"]["energy_kwh"] == {"value": 0.75646, "quality": "measured"}
    assert run_cli("validate", str(card)).returncode == 0
