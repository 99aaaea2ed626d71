"""How numbers, ranges and result names read in human output (text, markdown, HTML, cards, explain).

A person reads a value in a unit scaled to it (``430 gCO2e``, not ``0.427938 kgCO2e``),
with as many significant figures as its range supports: three when the inputs pin it
down (the range spans less than 2x), two when they do not. Never in scientific notation.
Every human format goes through ``readable``, so the same value reads the same in the
terminal, a step summary, an HTML report, a model card and ``explain``. JSON keeps full
precision and the canonical units of cli.md (``json_quantity``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from ftdisclose.engine.compute import Result
from ftdisclose.engine.quantity import Measure
from ftdisclose.engine.span import Span
from ftdisclose.units import UnitError

__all__ = [
    "RESULT_LABELS",
    "Readable",
    "digits_for",
    "fmt_number",
    "fmt_range",
    "json_number",
    "json_quantity",
    "plain_decimals",
    "readable",
    "significant",
]

RESULT_LABELS: dict[Result, str] = {
    Result.ENERGY_IT: "Energy, IT equipment",
    Result.ENERGY_FACILITY: "Energy, facility (x PUE)",
    Result.EMISSIONS_OPERATIONAL: "Emissions, operational",
    Result.EMISSIONS_EMBODIED: "Emissions, embodied (amortised)",
    Result.EMISSIONS_TOTAL: "Emissions, total",
    Result.WATER_ONSITE: "Water, on-site cooling",
    Result.WATER_OFFSITE: "Water, electricity generation",
    Result.WATER_EMBODIED: "Water, manufacturing",
    Result.WATER_TOTAL: "Water, total",
    Result.PER_INFERENCE_EMISSIONS: "Per inference, emissions (amortised)",
    Result.PER_INFERENCE_WATER: "Per inference, water (amortised)",
    Result.TRAINING_FLOPS: "Training compute",
}

# Units a value may be shown in, smallest first, each 1000x the one before; a value is shown
# in the largest unit in which it is at least 1.
LADDERS: tuple[tuple[str, ...], ...] = (
    ("ugCO2e", "mgCO2e", "gCO2e", "kgCO2e", "tCO2e", "ktCO2e", "MtCO2e"),
    ("mWh", "Wh", "kWh", "MWh", "GWh", "TWh"),
    ("uL", "mL", "L", "m3"),
    ("FLOP", "kFLOP", "MFLOP", "GFLOP", "TFLOP", "PFLOP", "EFLOP", "ZFLOP", "YFLOP"),
)
# how a ladder's unit is written for people (the registry spells micro "u")
SHOWN = {"ugCO2e": "µgCO2e", "uL": "µL"}
WIDE_RANGE = 2.0  # high / low at or beyond which two significant figures are shown, not three


def significant(value: float, digits: int = 3) -> str:
    """``value`` rounded to ``digits`` significant figures, in plain decimals with thousands separators.

    Trailing zeros after the decimal point are dropped (``4``, not ``4.00``): people read
    the precision from the range beside the value, not from zeros.

    >>> significant(0.0893178), significant(1631.3, 2), significant(427.938), significant(0.95)
    ('0.0893', '1,600', '428', '0.95')
    """
    if value == 0 or not math.isfinite(value):
        return "0" if value == 0 else str(value)
    exponent = math.floor(math.log10(abs(value)))
    decimals = digits - 1 - exponent
    rounded = round(value, decimals)
    if rounded != 0 and math.floor(math.log10(abs(rounded))) > exponent:  # 999.6 -> 1,000: one decimal fewer
        decimals -= 1
    if decimals <= 0:
        return f"{round(value, decimals):,.0f}"
    return f"{rounded:,.{decimals}f}".rstrip("0").rstrip(".")


def digits_for(span: Span) -> int:
    """Three significant figures when the range is narrow (or absent), two when it spans 2x or more."""
    low, high = sorted((abs(span.low), abs(span.high)))
    if low == high:
        return 3
    if low == 0 or high / low >= WIDE_RANGE:
        return 2
    return 3


@dataclass(frozen=True)
class Readable:
    """A measure as a person reads it: the central value, the range, the unit (all as text)."""

    value: str
    low: str
    high: str
    unit: str
    exact: bool  # no range to show

    @property
    def range(self) -> str:
        """``140 - 1,100``, or ``-`` when there is no range."""
        return "-" if self.exact else f"{self.low} - {self.high}"

    def __str__(self) -> str:
        """``430 gCO2e (140 - 1,100)``."""
        text = f"{self.value} {self.unit}"
        return text if self.exact else f"{text} ({self.range})"


def scaled_unit(measure: Measure) -> str:
    """The unit of ``measure``'s ladder in which its central value reads between 1 and 1000 (or its own)."""
    ladder = next((rung for rung in LADDERS if measure.unit in rung), None)
    magnitude = abs(measure.mid) or max(abs(measure.low), abs(measure.high))
    if ladder is None or magnitude == 0 or not math.isfinite(magnitude):
        return measure.unit
    position = ladder.index(measure.unit)
    steps = math.floor(math.log10(magnitude) / 3)
    return ladder[max(0, min(len(ladder) - 1, position + steps))]


def readable(measure: Measure, *, unit: str | None = None) -> Readable:
    """``measure`` scaled to its value's unit (or ``unit``), rounded to the figures its range supports."""
    try:
        shown = measure.to(unit or scaled_unit(measure))
    except UnitError:
        shown = measure
    digits = digits_for(shown.span)
    exact = shown.span.low == shown.span.high == shown.span.mid
    return Readable(
        significant(shown.mid, digits),
        significant(shown.low, digits),
        significant(shown.high, digits),
        SHOWN.get(shown.unit, shown.unit),
        exact,
    )


def fmt_number(value: float, digits: int = 3) -> str:
    """A bare number as people read it: ``digits`` significant figures, plain decimals."""
    return significant(value, digits)


def fmt_range(span: Span | Measure) -> str:
    """A range in the span's own unit, with the figures ``digits_for`` gives."""
    span = span.span if isinstance(span, Measure) else span
    digits = digits_for(span)
    if span.low == span.high == span.mid:
        return "-"
    return f"{significant(span.low, digits)} - {significant(span.high, digits)}"


_SCIENTIFIC = re.compile(r"(?<!\w)(?<!\w\.)([-+]?\d+(?:\.\d+)?[eE][-+]?\d+)(?!\w)(?!\.\d)")


def plain_decimals(text: str) -> str:
    """``text`` with every number in scientific notation written out (``8.6e-05`` -> ``0.000086``)."""

    def written(match: re.Match[str]) -> str:
        value = float(match.group(1))
        if value == 0:
            return "0"
        digits = len(re.sub(r"[^0-9]", "", match.group(1).lower().split("e")[0]).lstrip("0")) or 1
        return significant(value, digits)

    return _SCIENTIFIC.sub(written, text)


def json_number(value: float) -> float:
    """A float as JSON output writes it: ten significant digits, so repeated runs give the same bytes."""
    return float(f"{value:.10g}")


def json_quantity(measure: Measure) -> dict[str, float | str]:
    return {
        "value": json_number(measure.mid),
        "unit": measure.unit,
        "low": json_number(measure.low),
        "high": json_number(measure.high),
    }
