"""The Hub's co2_eq_emissions in every shape found in the wild: valid ones read, malformed ones flagged.

Each card under tests/cases/cards/ has its expected findings (code@line) below; lines are
the card's own lines (the front matter starts on line 2).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ftdisclose.findings import CATALOGUE, Severity
from ftdisclose.integrations.hub import check_hub_block, hub_emissions_grams
from ftdisclose.io.loader import load, loads

from .conftest import CASES

CARDS = CASES / "cards"

EXPECTED: dict[str, list[str]] = {
    # valid Hub blocks without a carbon_disclosure: valid, with a warning on what is missing
    "hub-number.md": ["FTD108@6"],
    "hub-mapping.md": ["FTD108@4"],
    "hub-autotrain-subgram.md": ["FTD108@9"],  # sub-gram AutoTrain figures are common: no kg lint
    "hub-crlf.md": ["FTD108@3", "FTD522@5"],  # emissions_unit: g is harmless but not a Hub key
    "hub-with-disclosure.md": [],
    "warn-unknown-key-and-training-type.md": ["FTD108@2", "FTD522@5", "FTD525@4"],
    # malformed blocks: errors with hints
    "malformed-string-unit.md": ["FTD518@3"],
    "malformed-kg-string.md": ["FTD518@4"],
    "malformed-emissions-unit-kg.md": ["FTD518@4"],
    "malformed-unit-only.md": ["FTD519@2"],
    "malformed-not-a-number.md": ["FTD519@3"],
    "malformed-list.md": ["FTD520@4"],
    "malformed-misspelt-keys.md": ["FTD521@3", "FTD521@4", "FTD521@5"],
    "malformed-missing-emissions.md": ["FTD523@2"],
    "malformed-field-types.md": ["FTD524@4", "FTD524@5"],
    "malformed-with-disclosure-first.md": ["FTD518@6"],
    # read differently by huggingface_hub (FTD540, FTD541: tests/test_hub_reading.py); the Hub block itself is fine
    "yaml11-traps.md": [],
    "closed-with-dots.md": ["FTD108@3"],
}


def test_every_card_has_an_expectation() -> None:
    assert sorted(EXPECTED) == sorted(p.name for p in CARDS.glob("*.md"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_card(name: str) -> None:
    doc = load(CARDS / name)
    assert not [f for f in doc.findings if f.severity is Severity.ERROR]  # every card is readable YAML
    found = check_hub_block(doc)
    assert sorted(f"{f.code}@{f.line}" for f in found) == sorted(EXPECTED[name])
    for f in found:
        rule = CATALOGUE[f.code]
        assert f.rule == rule.slug and f.hint and f.file == str(CARDS / name)
    malformed = name.startswith("malformed")
    assert any(f.severity is Severity.ERROR for f in found) is malformed


@pytest.mark.parametrize(
    ("name", "grams"),
    [
        ("hub-number.md", 57.0),
        ("hub-mapping.md", 1710.0),
        ("hub-autotrain-subgram.md", 0.08471612463898623),
        ("hub-with-disclosure.md", 57.0),
        ("hub-crlf.md", 12.5),  # emissions_unit: g agrees with the Hub's grams
        ("malformed-string-unit.md", None),
        ("malformed-emissions-unit-kg.md", None),  # 0.057 with a kg unit the Hub ignores: not grams
        ("malformed-list.md", None),
        ("malformed-missing-emissions.md", None),
    ],
)
def test_hub_emissions_grams(name: str, grams: float | None) -> None:
    assert hub_emissions_grams(load(CARDS / name)) == grams


def test_hints_convert_to_grams() -> None:
    # "0.057 kg" = 0.057 x 1000 g = 57 g
    (kg,) = check_hub_block(load(CARDS / "malformed-kg-string.md"))
    assert kg.hint.startswith("write emissions: 57")
    (unit_key,) = check_hub_block(load(CARDS / "malformed-emissions-unit-kg.md"))
    assert "emissions: 57" in unit_key.hint
    (glued,) = check_hub_block(load(CARDS / "malformed-string-unit.md"))
    assert glued.hint.startswith("write co2_eq_emissions: 57")
    (listed,) = check_hub_block(load(CARDS / "malformed-list.md"))
    assert "drop the dashes" in listed.hint


def test_misspelt_keys_say_did_you_mean() -> None:
    found = check_hub_block(load(CARDS / "malformed-misspelt-keys.md"))
    assert [f.message.rsplit("did you mean ", 1)[1] for f in found] == [
        "'emissions'?",
        "'hardware_used'?",
        "'geographical_location'?",
    ]
    # the misspelt emissions is reported once, not again as missing emissions
    assert "FTD523" not in {f.code for f in found}


def test_positions_ignore_the_disclosure_prefix() -> None:
    doc = load(CARDS / "malformed-with-disclosure-first.md")
    assert doc.prefix == ("carbon_disclosure",)
    # doc.where looks under carbon_disclosure; where_in_front reads the front matter itself
    place = doc.where_in_front(("co2_eq_emissions",))
    assert (place.line, place.column) == (6, 19)
    place = doc.where_in_front(("co2_eq_emissions",), key=True)
    assert (place.line, place.column) == (6, 1)


def test_no_block_no_findings() -> None:
    doc = loads("---\nlicense: mit\n---\nbody\n", "card.md", "card")
    assert check_hub_block(doc) == []
    assert hub_emissions_grams(doc) is None


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("co2_eq_emissions: -3", "FTD519"),
        ("co2_eq_emissions: .nan", "FTD519"),
        ("co2_eq_emissions: true", "FTD519"),
        ("co2_eq_emissions:", "FTD519"),
        ('co2_eq_emissions: "57"', "FTD519"),
        ("co2_eq_emissions: 0.5 kWh", "FTD518"),
        ("co2_eq_emissions: 57 g CO2", "FTD518"),
        ("co2_eq_emissions: {emissions: {value: 57, unit: g}}", "FTD519"),
        ("co2_eq_emissions: {emissions: 57, training_type: [fine-tuning]}", "FTD524"),
    ],
)
def test_other_malformed_shapes(text: str, code: str) -> None:
    doc = loads(f"---\n{text}\n---\n", "card.md", "card")
    codes = {f.code for f in check_hub_block(doc)}
    assert code in codes


def test_quoted_number_hint_removes_quotes(tmp_path: Path) -> None:
    doc = loads('---\nco2_eq_emissions:\n  emissions: "57"\n---\n', "card.md", "card")
    (f,) = check_hub_block(doc)
    assert f.hint == "remove the quotes: emissions: 57"


def test_hub_codes_are_catalogued_with_full_text() -> None:
    for number in range(518, 526):
        rule = CATALOGUE[f"FTD{number}"]
        assert rule.slug.startswith("hub-")
        assert rule.slug and rule.title and rule.description and rule.hint and rule.example
