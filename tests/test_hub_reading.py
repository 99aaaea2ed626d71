"""Every card case read by huggingface_hub itself, compared with ftdisclose's reading.

Where the two agree, ftdisclose says nothing; where they part (YAML 1.1 scalars, a
front matter closed with ``...``), ftdisclose reports it at the very paths where they part
(FTD540) or at the closing line (FTD541). The differences are worked out here by a plain
recursive comparison, independent of ftdisclose's own.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from ftdisclose.findings import Code
from ftdisclose.io.loader import dotted, load
from ftdisclose.pipeline import Goal, run_file

from .conftest import CASES

hub = pytest.importorskip("huggingface_hub", reason="huggingface_hub is not installed (it is in the test extra)")

CARDS = sorted(p for folder in ("cards", "cards_write", "valid", "invalid") for p in (CASES / folder).glob("*.md"))


def _parted(ours: Any, theirs: Any, path: tuple[Any, ...] = ()) -> set[str]:
    """Dotted paths where the two readings differ (a differing key counts at its own path)."""
    if isinstance(ours, dict) and isinstance(theirs, dict):
        out: set[str] = set()
        for key, value in ours.items():
            out |= _parted(value, theirs[key], (*path, key)) if key in theirs else {dotted((*path, key))}
        return out
    if isinstance(ours, list) and isinstance(theirs, list) and len(ours) == len(theirs):
        return set().union(*(_parted(a, b, (*path, i)) for i, (a, b) in enumerate(zip(ours, theirs, strict=True))))
    same = type(ours) is type(theirs) and ours == theirs
    return set() if same else {dotted(path)}


def _hub_metadata(path: Path) -> tuple[str, Any]:
    try:
        data = hub.metadata_load(path)
    except Exception as exc:  # noqa: BLE001 - whatever the Hub's loader raises is what a user meets
        return "error", type(exc).__name__
    return ("none", None) if data is None else ("data", data)


@pytest.mark.parametrize("card", CARDS, ids=[f"{p.parent.name}/{p.name}" for p in CARDS])
def test_card_reads_the_same_or_ftdisclose_says_where_not(card: Path) -> None:
    doc = load(card)
    result = run_file(card, goal=Goal.VALIDATE)
    codes = [f for f in result.findings if f.code in (Code.HUB_YAML_1_1, Code.HUB_FRONT_MATTER)]
    outcome, theirs = _hub_metadata(card)
    ours = doc.front_matter
    if any(f.code is Code.HUB_FRONT_MATTER for f in codes):
        # ftdisclose reads a front matter the Hub reads otherwise: no metadata, an error, or more lines
        raw = card.read_text(encoding="utf-8-sig")
        assert outcome != "data" or theirs != ours or "\n...\n" in raw.replace("\r\n", "\n")
        return
    if ours is None or outcome != "data":
        # no front matter that ftdisclose reads (it says so with FTD512), or none the Hub reads
        assert not codes
        assert ours is None or (outcome == "none" and not ours)
        return
    parted = _parted(ours, theirs)
    assert sorted(f.path for f in codes) == sorted(parted), (parted, [f.message for f in codes])


def test_the_traps_are_the_known_ones() -> None:
    card = CASES / "cards" / "yaml11-traps.md"
    theirs = hub.metadata_load(card)
    # what huggingface_hub (PyYAML, YAML 1.1) makes of the card: hand-checked against the YAML 1.1 resolvers
    assert theirs["co2_eq_emissions"]["emissions"] == "2.1e5"
    assert theirs["co2_eq_emissions"]["geographical_location"] is False
    assert theirs["carbon_disclosure"]["model"]["published"] == dt.date(2024, 1, 20)
    assert theirs["carbon_disclosure"]["model"]["parameters"] == "7.24e9"
    assert theirs["carbon_disclosure"]["infrastructure"]["location"]["country"] is False
    result = run_file(card, goal=Goal.VALIDATE)
    hints = {f.path: f.hint for f in result.findings if f.code is Code.HUB_YAML_1_1}
    assert hints["co2_eq_emissions.geographical_location"] == 'write geographical_location: "NO", which both read alike'
    assert hints["carbon_disclosure.model.parameters"] == "write parameters: 7.24e+9, which both read alike"
    assert hints["co2_eq_emissions.emissions"] == "write emissions: 210000.0, which both read alike"
    # and the suggested forms do read alike
    import yaml

    for text in ('"NO"', "7.24e+9", "210000.0", '"2024-01-20"'):
        assert yaml.safe_load(f"k: {text}")["k"] == load_value(text)


def load_value(text: str) -> Any:
    from ftdisclose.io.loader import loads

    return loads(f"k: {text}\n", "x.yaml").data["k"]
