"""The catalogue of finding codes is the only place a code is spelt."""

from __future__ import annotations

import re

from ftdisclose.findings import CATALOGUE, Code, Severity, Where, make

from .conftest import ROOT


def test_every_code_has_a_rule_and_every_rule_a_code() -> None:
    assert set(CATALOGUE) == set(Code)
    for code, rule in CATALOGUE.items():
        assert rule.code is code
        assert re.fullmatch(r"FTD[1-5]\d\d", code)
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.slug)
        assert rule.title and rule.description


def test_no_code_is_written_as_a_literal_outside_the_catalogue() -> None:
    literal = re.compile(r"[\"']FTD\d{3}[\"']")
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in (ROOT / "ftdisclose").rglob("*.py")
        if "findings" not in path.parts
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if literal.search(line)
    ]
    assert not offenders, f"use the Code members instead of string literals: {offenders}"


def test_make_places_a_finding_and_takes_the_rule_defaults() -> None:
    found = make(Code.UNIT_DIMENSION, '"4 kg" is a mass', Where("a.yaml", 5, 13, "operational.duration"))
    assert (found.code, found.rule, found.severity) == ("FTD203", "unit-dimension", Severity.ERROR)
    assert (found.file, found.line, found.column, found.path) == ("a.yaml", 5, 13, "operational.duration")
    assert found.hint == CATALOGUE[Code.UNIT_DIMENSION].hint
    assert make(Code.UNIT_DIMENSION, "m", Where("a.yaml"), hint="h").hint == "h"
