"""How numbers, ranges and result names read in human output (text, markdown, cards, explain).

JSON keeps full precision and the canonical units; everything a person reads goes
through these functions, so the same value reads the same everywhere.
"""

from __future__ import annotations

from ftdisclose.engine.compute import Result
from ftdisclose.engine.quantity import Measure
from ftdisclose.engine.span import Span

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


def fmt_number(value: float) -> str:
    if value == 0:
        return "0"
    if abs(value) >= 1e5 or abs(value) < 1e-3:
        return f"{value:.3g}"
    return f"{value:,.4g}" if abs(value) < 1000 else f"{value:,.0f}"


def fmt_range(span: Span | Measure) -> str:
    span = span.span if isinstance(span, Measure) else span
    return "-" if span.low == span.high == span.mid else f"{fmt_number(span.low)} - {fmt_number(span.high)}"


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
