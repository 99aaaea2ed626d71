"""The unit grammar: what it accepts agrees with pint, what it refuses is refused fast and said briefly."""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ftdisclose import units
from ftdisclose.findings.excerpt import excerpt
from ftdisclose.units import grammar

NAMES = ["kWh", "h", "W", "kW", "g", "kg", "gCO2e", "L", "m3", "GB", "s", "min", "TFLOP", "MJ", "lb", "mi", "%"]


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("kWh", [("kWh", 1)]),
        ("gCO2e/kWh", [("gCO2e", 1), ("kWh", -1)]),
        ("kW h", [("kW", 1), ("h", 1)]),
        ("kW*h", [("kW", 1), ("h", 1)]),
        ("m^3", [("m", 3)]),
        ("m ** 2", [("m", 2)]),
        ("s^-1", [("s", -1)]),
        ("1/h", [("h", -1)]),
        ("g/kW/h", [("g", 1), ("kW", -1), ("h", -1)]),  # pint reads a/b/c as a/(b*c)
        ("g/kW*h", [("g", 1), ("kW", -1), ("h", 1)]),  # and a/b*c as (a/b)*c
    ],
)
def test_the_grammar_reads_products_quotients_and_small_powers(text: str, terms: list[tuple[str, int]]) -> None:
    assert [(t.name, t.power) for t in grammar.parse(text)] == terms


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("h**9**9", "between -4 and 4"),  # the hang: 3600 ** 387420489
        ("h**400", "between -4 and 4"),
        ("kg**8**8", "between -4 and 4"),
        ("h^5", "between -4 and 4"),
        ("h^0", "between -4 and 4"),
        ("h^2^2", "a power of a power"),
        ("h^1.5", "whole number"),
        ("h*" * 40 + "h", "at most 64 characters"),
        ("h*h*h*h*h*h*h", "at most 6 factors"),
        ("\u200bh", "U+200B"),  # a zero-width space
        ("(h)", "'('"),
        ("kg/", "missing"),
        ("2 x", "'2'"),
        ("h" * 40, "at most 32 characters"),
    ],
)
def test_the_grammar_refuses_with_a_reason(text: str, reason: str) -> None:
    with pytest.raises(units.UnitSyntaxError, match=re.escape(reason)):
        units.unit_info(text)


def test_a_long_unit_is_refused_before_any_pattern_runs() -> None:
    start = time.perf_counter()
    with pytest.raises(units.UnitSyntaxError, match="at most 64"):
        units.unit_info("4 " + "h*" * 600_000 + "h")
    assert time.perf_counter() - start < 0.05


def test_numbers_are_ascii_digits_within_limits() -> None:
    assert units.split_quantity("1,234.5 kWh") == (1234.5, "kWh")
    assert units.split_quantity("٤ h") is None  # Arabic-Indic digit: no number at all
    assert units.split_quantity("４ h") is None  # full-width digit
    with pytest.raises(units.NumberError, match="significant digits"):
        units.split_quantity("9" * 41 + " h")
    with pytest.raises(units.NumberError, match="exponent"):
        units.split_quantity("1e99999 h")
    with pytest.raises(units.NumberError, match="at most 120"):
        units.split_quantity("1" + " " * 200 + "h")
    assert units.split_quantity("1e9999 h") == (float("inf"), "h")  # read, then reported as not finite
    with pytest.raises(ValueError, match="decimal"):
        units.read_number("1_000")


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(NAMES), st.integers(-3, 3).filter(bool), st.sampled_from("*/ ")), max_size=5))
def test_grammar_units_agree_with_pints_own_reading(parts: list[tuple[str, int, str]]) -> None:
    text = "kWh"
    for name, power, op in parts:
        text += f"{op}{name}" + (f"^{power}" if power != 1 else "")
    if len(text) > grammar.MAX_CHARS:
        return
    mine = units.unit_info(text)
    pints = units.pint_unit_info(units.normalise_unit(text))
    assert mine.dims == pints.dims, text
    assert mine.dimensionality == pints.dimensionality, text
    assert mine.factor == pytest.approx(pints.factor, rel=1e-12), text


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_any_text_is_a_unit_or_a_unit_error_quickly(text: str) -> None:
    start = time.perf_counter()
    try:
        info = units.unit_info(text)
    except units.UnitError:
        pass
    else:
        assert info.factor > 0
    assert time.perf_counter() - start < 0.5


def test_excerpts_are_short() -> None:
    assert excerpt("a" * 1_200_000) == repr("a" * 60) + "… (1,200,000 characters)"
    assert excerpt(10**400) == "an integer of about 401 digits"
    assert excerpt("kWh") == "'kWh'"
    assert len(excerpt(list(range(10_000)))) < 80
