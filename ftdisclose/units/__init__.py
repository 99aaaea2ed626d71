"""One unit registry for the whole package, built from ``units.txt``.

Validation needs only two facts about a unit string: its dimension and its factor to
the base units. Both are looked up once per distinct string and cached, so a thousand
files that all write ``kWh`` parse ``kWh`` once. pint is imported on first use only.

A unit string is first parsed by ``grammar`` (bounded length, factors and powers); each
name it holds is then looked up on its own and the factors are combined here, so pint
never evaluates an expression a file wrote. Numbers are read with digit limits.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from ftdisclose.resources import package_files
from ftdisclose.units.grammar import MAX_CHARS, Term, UnitError, UnitSyntaxError, parse

if TYPE_CHECKING:
    import pint

__all__ = [
    "COMMON_UNITS",
    "DIMENSIONS",
    "MAX_CHARS",
    "MAX_QUANTITY_CHARS",
    "Dimension",
    "NumberError",
    "UnitError",
    "UnitInfo",
    "UnitSyntaxError",
    "convert",
    "dimension_key",
    "dimension_of",
    "dimensionality_key",
    "known_unit_names",
    "normalise_unit",
    "pint_unit_info",
    "read_number",
    "registry",
    "split_quantity",
    "unit_info",
    "write_cache",
]

# A number as people write it: ASCII digits only (no look-alike digits), thousands commas
MAX_DIGITS = 40  # significant digits read in a number
MAX_EXPONENT_DIGITS = 4  # 1e9999 is read (as too large); 1e99999 is refused before float() sees it
MAX_QUANTITY_CHARS = 120  # "<number> <unit>" as a whole
_NUMBER = re.compile(
    r"^\s*(?P<num>[-+]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)?(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?)\s*(?P<unit>.*?)\s*$"
)
_DECIMAL = re.compile(r"[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
_CO2E_SPELLINGS = re.compile(r"CO[2₂]\s*-?\s*e(?:q(?:uivalent)?)?\b|CO[2₂]\s*-?\s*eq\.?", re.IGNORECASE)
_SUPERSCRIPTS = str.maketrans({"²": "^2", "³": "^3", "·": "*", "×": "*"})


class NumberError(ValueError):
    """A number written with more digits than are read."""


@dataclass(frozen=True, slots=True)
class UnitInfo:
    """What validation and computation need to know about a unit string."""

    text: str  # the unit as normalised, e.g. "kWh"
    dimensionality: str  # a stable key such as "[length] ** 2 * [mass] / [time] ** 2"
    factor: float  # multiply a magnitude in this unit by it to get base units
    dims: tuple[tuple[str, float], ...] = ()  # the base dimensions and their exponents, sorted


@dataclass(frozen=True, slots=True)
class Dimension:
    """A physical dimension the spec uses, with the unit results are reported in."""

    name: str
    canonical: str
    example: str
    accepts: tuple[str, ...]  # unit strings whose dimensionality is accepted


DIMENSIONS: dict[str, Dimension] = {
    d.name: d
    for d in (
        Dimension("energy", "kWh", "0.694 kWh", ("kWh",)),
        Dimension("power", "W", "400 W", ("W",)),
        Dimension("time", "h", "12 h", ("h",)),
        Dimension("emissions", "kgCO2e", "57 gCO2e", ("gCO2e",)),
        # "g/kWh" is how grid operators write intensity: the mass is CO2e by context
        Dimension("carbon intensity", "gCO2e/kWh", "82.5 gCO2e/kWh", ("gCO2e/kWh", "g/kWh")),
        Dimension("water", "L", "1.2 L", ("L",)),
        Dimension("water intensity", "L/kWh", "1.8 L/kWh", ("L/kWh",)),
        Dimension("memory", "GB", "512 GB", ("GB",)),
        Dimension("mass", "kg", "12 kg", ("g",)),
        Dimension("compute rate", "TFLOP/s", "312 TFLOP/s", ("FLOP/s",)),
        Dimension("length", "km", "10 km", ("km",)),
        Dimension("dimensionless", "1", "1", ("count",)),
    )
}


@cache
def registry() -> pint.UnitRegistry[float]:
    """The package's pint registry (built once per process from units.txt)."""
    from importlib import resources

    import pint

    path = package_files("ftdisclose.units").joinpath("units.txt")
    with resources.as_file(path) as real:
        reg: pint.UnitRegistry[float] = pint.UnitRegistry(
            str(real), autoconvert_offset_to_baseunit=False, cache_folder=None
        )
    reg.formatter.default_format = "~"
    return reg


def normalise_unit(text: str) -> str:
    """Spellings people write for the same unit, folded into the registry's names."""
    text = text.strip().translate(_SUPERSCRIPTS)
    text = _CO2E_SPELLINGS.sub("CO2e", text)
    text = re.sub(r"\s+per\s+", "/", text)
    text = re.sub(r"\s*/\s*", "/", text)
    # "g CO2e" -> "gCO2e": keep CO2e glued to its mass unit so prefixes read naturally
    text = re.sub(r"(?<=[a-zA-Z])\s+CO2e\b", "CO2e", text)
    return text


# Unit strings common in disclosures and factor tables. Their pint answers are stored in
# units_cache.json (regenerate: python -m ftdisclose.units.cache), so that validating a file
# written in them does not import pint; a test checks the file against pint.
COMMON_UNITS = (
    "Wh",
    "kWh",
    "MWh",
    "GWh",
    "TWh",
    "J",
    "kJ",
    "MJ",
    "GJ",
    "W",
    "kW",
    "MW",
    "mW",
    "s",
    "sec",
    "min",
    "h",
    "hr",
    "d",
    "wk",
    "y",
    "yr",
    "a",
    "mo",
    "g",
    "kg",
    "t",
    "mg",
    "lb",
    "lbs",
    "ugCO2e",
    "mgCO2e",
    "gCO2e",
    "kgCO2e",
    "tCO2e",
    "ktCO2e",
    "MtCO2e",
    "gCO2eq",
    "kgCO2eq",
    "tCO2eq",
    "gCO2e/kWh",
    "g/kWh",
    "kgCO2e/kWh",
    "kgCO2e/MWh",
    "tCO2e/MWh",
    "lb/MWh",
    "lbs/MWh",
    "g/MWh",
    "gCO2e/MWh",
    "kg/kWh",
    "kg/MWh",
    "L",
    "uL",
    "mL",
    "kL",
    "ML",
    "l",
    "ml",
    "m3",
    "gal",
    "L/kWh",
    "mL/kWh",
    "L/MWh",
    "gal/MWh",
    "m3/MWh",
    "m3/kWh",
    "B",
    "kB",
    "MB",
    "GB",
    "TB",
    "KiB",
    "MiB",
    "GiB",
    "TiB",
    "FLOP",
    "GFLOP",
    "TFLOP",
    "PFLOP",
    "EFLOP",
    "ZFLOP",
    "YFLOP",
    "FLOP/s",
    "TFLOP/s",
    "PFLOP/s",
    "GFLOP/s",
    "m",
    "km",
    "mi",
    "gCO2e/km",
    "W/GB",
    "%",
    "count",
    "1",
    "dimensionless",
)


@cache
def _cached_units() -> dict[str, UnitInfo]:
    path = package_files("ftdisclose.units").joinpath("units_cache.json")
    try:
        raw: object = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    entries: dict[str, object] = raw if isinstance(raw, dict) else {}
    return {name: _cached_info(name, entry) for name, entry in entries.items()}


def _cached_info(name: str, entry: object) -> UnitInfo:
    """One unit of units_cache.json, as ``write_cache`` wrote it; UnitError if it was written otherwise."""
    fields: dict[str, object] = entry if isinstance(entry, dict) else {}
    text, key, factor, dims = (fields.get(k) for k in ("text", "dimensionality", "factor", "dims"))
    pairs: list[object] = dims if isinstance(dims, list) else []
    exponents = [e for e in map(_exponent_pair, pairs) if e is not None]
    if not isinstance(text, str) or not isinstance(key, str) or not isinstance(factor, int | float):
        raise UnitError(f"units_cache.json: the entry {name!r} is not a unit's text, dimensionality and factor")
    if not isinstance(dims, list) or len(exponents) != len(pairs):
        raise UnitError(f"units_cache.json: the entry {name!r} has no list of [dimension, exponent]")
    return UnitInfo(text, key, float(factor), tuple(exponents))


def _exponent_pair(pair: object) -> tuple[str, float] | None:
    cells: list[object] = pair if isinstance(pair, list) else []
    if len(cells) == 2:
        dim, exponent = cells
        if isinstance(dim, str) and isinstance(exponent, int | float):
            return dim, float(exponent)
    return None


@lru_cache(maxsize=4096)
def unit_info(text: str) -> UnitInfo:
    """Dimension and base factor of a unit string; raises UnitError when unknown or not in the grammar."""
    if len(text) > 2 * MAX_CHARS:  # before any normalising pattern runs over it
        raise UnitSyntaxError(f"a unit has at most {MAX_CHARS} characters, this one {len(text):,}")
    norm = normalise_unit(text)
    if not norm:
        raise UnitError("empty unit")
    cached = _cached_units().get(norm)
    if cached is not None:
        return cached
    return _combine(norm, parse(norm))


def _combine(norm: str, terms: tuple[Term, ...]) -> UnitInfo:
    """The product of the terms' factors and dimensions, each name looked up on its own."""
    factor = 1.0
    exponents: dict[str, float] = {}
    for term in terms:
        base = _name_info(term.name)
        try:
            factor *= base.factor**term.power
        except (OverflowError, ZeroDivisionError):
            factor = math.inf
        for dim, exp in base.dims:
            exponents[dim] = exponents.get(dim, 0.0) + exp * term.power
    if not math.isfinite(factor) or factor == 0:
        raise UnitError(f"the unit {norm!r} has no usable scale")
    dims = tuple(sorted((d, e) for d, e in exponents.items() if e != 0))
    return UnitInfo(norm, dimensionality_key(dims), factor, dims)


@lru_cache(maxsize=512)
def _name_info(name: str) -> UnitInfo:
    """One unit name (with its prefix), from the cache or from the registry."""
    cached = _cached_units().get(name)
    return cached if cached is not None else pint_unit_info(name)


def dimensionality_key(dims: tuple[tuple[str, float], ...]) -> str:
    """A stable key such as ``[length] ** 2 * [mass] / [time] ** 2`` from sorted exponents."""

    def power(dim: str, exp: float) -> str:
        value = abs(exp)
        return dim if value == 1 else f"{dim} ** {value:g}"

    up = [power(d, e) for d, e in dims if e > 0]
    down = [power(d, e) for d, e in dims if e < 0]
    if not up and not down:
        return "dimensionless"
    text = " * ".join(up) if up else "1"
    return text + "".join(f" / {d}" for d in down)


def pint_unit_info(norm: str) -> UnitInfo:
    """Ask the registry itself (the source of truth behind the cache) about a grammatical unit.

    The text is parsed by the grammar first, so whatever reaches pint is bounded.
    """
    parse(norm)
    reg = registry()
    import pint

    try:
        quantity = reg.Quantity(1.0, norm)
        base = quantity.to_base_units()
        factor = float(base.magnitude)
    except (
        pint.errors.PintError,
        AttributeError,
        TypeError,
        ValueError,
        SyntaxError,
        AssertionError,
        IndexError,
        KeyError,
        RecursionError,
        OverflowError,
    ) as exc:  # pint fails in these ways on malformed text
        raise UnitError(str(exc)[:200]) from exc
    if not math.isfinite(factor) or factor == 0:
        raise UnitError(f"unit {norm!r} has no usable scale")
    dims = tuple(sorted((str(d), _exponent(e)) for d, e in base.dimensionality.items()))
    return UnitInfo(norm, dimensionality_key(dims), factor, dims)


def _exponent(value: object) -> float:
    """A base dimension's exponent as pint gives it: an int, float or fraction (never complex for a unit)."""
    if isinstance(value, int | float | Fraction | Decimal):
        return float(value)
    raise UnitError(f"a unit has the exponent {value!r}, which is not a real number")


def write_cache() -> str:
    """Regenerate units_cache.json from the registry; returns its path."""
    out = {}
    for text in COMMON_UNITS:
        info = pint_unit_info(normalise_unit(text))
        out[normalise_unit(text)] = {
            "text": info.text,
            "dimensionality": info.dimensionality,
            "factor": info.factor,
            "dims": [list(d) for d in info.dims],
        }
    path = Path(__file__).with_name("units_cache.json")
    path.write_text(json.dumps(out, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return str(path)


@cache
def dimension_key(name: str) -> frozenset[str]:
    """The accepted dimensionality keys of a named dimension."""
    return frozenset(unit_info(u).dimensionality for u in DIMENSIONS[name].accepts)


def dimension_of(info: UnitInfo) -> str | None:
    """The spec's name for a unit's dimension, if it is one the spec uses."""
    for name in DIMENSIONS:
        if info.dimensionality in dimension_key(name):
            return name
    return None


def convert(value: float, unit: str, target: str) -> float:
    """``value`` in ``unit`` expressed in ``target`` (same dimension, checked)."""
    src, dst = unit_info(unit), unit_info(target)
    if src.dimensionality != dst.dimensionality and not _intensity_alias(src, dst):
        raise UnitError(f"cannot convert {unit} to {target}")
    return value * (src.factor / dst.factor)  # the ratio first: no overflow for values near the float limit


def _intensity_alias(src: UnitInfo, dst: UnitInfo) -> bool:
    keys = dimension_key("carbon intensity")
    return src.dimensionality in keys and dst.dimensionality in keys


def split_quantity(text: str) -> tuple[float, str] | None:
    """``"0.694 kWh"`` -> ``(0.694, "kWh")``; None when there is no leading number.

    NumberError for a text longer than MAX_QUANTITY_CHARS or a number with more digits than
    are read (the limits keep every step linear and short).
    """
    if len(text) > MAX_QUANTITY_CHARS:
        raise NumberError(f"a quantity has at most {MAX_QUANTITY_CHARS} characters")
    match = _NUMBER.match(text)
    if match is None or not match.group("num") or match.group("num") in "+-.":
        return None
    number = match.group("num").replace(",", "")
    return read_number(number), match.group("unit")


def read_number(text: str) -> float:
    """A decimal number in ASCII digits (ValueError otherwise), within the digit limits (NumberError)."""
    if len(text) > MAX_QUANTITY_CHARS:
        raise NumberError(f"a number has at most {MAX_QUANTITY_CHARS} characters")
    if _DECIMAL.fullmatch(text) is None:
        raise ValueError("not a decimal number")
    mantissa, _, exponent = text.lower().partition("e")
    digits = sum(ch in "0123456789" for ch in mantissa.lstrip("+-0.")) or 1
    if digits > MAX_DIGITS:
        raise NumberError(f"a number has at most {MAX_DIGITS} significant digits, this one {digits:,}")
    if len(exponent.lstrip("+-")) > MAX_EXPONENT_DIGITS:
        raise NumberError(f"an exponent has at most {MAX_EXPONENT_DIGITS} digits")
    return float(text)


@cache
def known_unit_names() -> tuple[str, ...]:
    """Every unit name and symbol in the registry, for did-you-mean hints."""
    reg = registry()
    names: set[str] = set()
    for name in dir(reg):
        if name.startswith("_"):
            continue
        names.add(name)
    common = (
        "kWh",
        "MWh",
        "GWh",
        "Wh",
        "MJ",
        "kW",
        "W",
        "h",
        "min",
        "s",
        "d",
        "y",
        "gCO2e",
        "kgCO2e",
        "tCO2e",
        "gCO2e/kWh",
        "g/kWh",
        "L",
        "mL",
        "kL",
        "m3",
        "L/kWh",
        "GB",
    )
    return tuple(sorted(names | set(common)))
