"""The unit registry: exact conversions, CO2e as its own dimension, the cache agrees with pint."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from ftdisclose import units


@pytest.mark.parametrize(
    ("value", "unit", "target", "expected"),
    [
        (1, "lb/MWh", "g/kWh", 0.45359237),  # exact by definition of the pound (factors.md)
        (1, "gal/MWh", "L/kWh", 0.003785411784),  # exact by definition of the US gallon
        (2500, "Wh", "kWh", 2.5),
        (3.6, "MJ", "kWh", 1.0),
        (4, "y", "h", 4 * 8760),  # a year is 365 days, as the Scope3 methodology counts it
        (57, "g CO2e", "kgCO2e", 0.057),
        (1, "tCO2e", "kgCO2e", 1000),
        (82.5, "g/kWh", "gCO2e/kWh", 82.5),  # grid operators' g/kWh is CO2e by context
        (0.0825, "kgCO2e/kWh", "gCO2e/kWh", 82.5),
        (1, "m3", "L", 1000),
        (1, "GiB", "GB", 1.073741824),
        (3.43, "kW", "W", 3430),
    ],
)
def test_exact_conversions(value: float, unit: str, target: str, expected: float) -> None:
    assert units.convert(value, unit, target) == pytest.approx(expected, rel=1e-12)


def test_co2e_is_its_own_dimension() -> None:
    with pytest.raises(units.UnitError):
        units.convert(57, "g", "gCO2e")
    assert units.dimension_of(units.unit_info("g")) == "mass"
    assert units.dimension_of(units.unit_info("kgCO2e")) == "emissions"


@pytest.mark.parametrize("spelling", ["kgCO2e", "kg CO2e", "kgCO2eq", "kg CO2-eq", "kg CO₂e", "kg CO2 eq"])
def test_co2e_spellings(spelling: str) -> None:
    assert units.convert(1, spelling, "gCO2e") == 1000


def test_the_cache_is_what_pint_says() -> None:
    cached = json.loads(resources.files("ftdisclose.units").joinpath("units_cache.json").read_text(encoding="utf-8"))
    assert sorted(cached) == sorted({units.normalise_unit(u) for u in units.COMMON_UNITS})
    for text, entry in cached.items():
        fresh = units.pint_unit_info(text)
        assert entry["dimensionality"] == fresh.dimensionality, text
        assert entry["factor"] == pytest.approx(fresh.factor, rel=1e-15), text
        assert [tuple(d) for d in entry["dims"]] == list(fresh.dims), text


def test_unknown_units_are_refused() -> None:
    for bad in ("hourz", "kWhh", "", "   ", "kg/", "2 x"):
        with pytest.raises(units.UnitError):
            units.unit_info(bad)
