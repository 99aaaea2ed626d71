"""Files of other formats with any value at any place: import and validate report, never crash."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import pytest
import yaml

from ftdisclose.integrations.boamps_import import import_boamps_text
from ftdisclose.integrations.dia_import import import_dia_text
from ftdisclose.io.loader import loads
from ftdisclose.spec.validate import validate_document

from .conftest import CASES

ODD: tuple[Any, ...] = (None, True, "x", -1, 0, 1e308, [], {}, [1, "a"], {"value": "1 kWh"})
QUICK: tuple[Any, ...] = (None, "x", 1e308, [1, "a"])  # the default run: one of each kind that broke something


def _places(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _places(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _places(value, (*path, index))


def _mutated(data: Any, odds: tuple[Any, ...]) -> Iterator[Any]:
    for path in list(_places(data))[1:]:
        for odd in odds:
            copied = copy.deepcopy(data)
            node = copied
            for part in path[:-1]:
                node = node[part]
            node[path[-1]] = odd
            yield copied


def _boamps(odds: tuple[Any, ...]) -> None:
    report = json.loads((CASES / "interop" / "boamps" / "codecarbon_example_with_context.json").read_text("utf-8"))
    for mutated in _mutated(report, odds):
        result = import_boamps_text(json.dumps(mutated), "m.json")
        assert all(f.line is not None for f in result.findings)


def _dia(kind: str, odds: tuple[Any, ...]) -> None:
    text = (CASES / "interop" / "dia" / "constructed_track_codecarbon_card.md").read_text("utf-8")
    front = yaml.safe_load(text.split("---\n")[1])
    for mutated in _mutated(front, odds):
        if kind == "json":
            import_dia_text(json.dumps(mutated), "m.json", "json")
            continue
        card = "---\n" + yaml.safe_dump(mutated, sort_keys=False) + "---\nbody\n"
        import_dia_text(card, "m.md", "card")
        validate_document(loads(card, "m.md", "card"))


def test_boamps_import_survives_odd_values() -> None:
    _boamps(QUICK)


@pytest.mark.parametrize("kind", ["json", "card"])
def test_dia_import_and_validate_survive_odd_values(kind: str) -> None:
    _dia(kind, QUICK)


@pytest.mark.slow
def test_boamps_import_survives_any_value_anywhere() -> None:
    _boamps(ODD)


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["json", "card"])
def test_dia_import_and_validate_survive_any_value_anywhere(kind: str) -> None:
    _dia(kind, ODD)
