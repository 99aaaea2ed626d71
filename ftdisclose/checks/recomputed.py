"""The disclosure's figures against its resolved inputs and its recomputed results.

FTD405 measured energy above what the hardware can draw, FTD407 tokens that imply more
than 100% FLOPs utilisation, FTD408 reported figures outside the recomputed range, FTD409
a model card's ``co2_eq_emissions`` and FTD553 its ``dia_report`` against the computation.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

from ftdisclose.engine.compute import Computation, Result
from ftdisclose.engine.quantity import Measure
from ftdisclose.engine.throughput import implied_mfu
from ftdisclose.findings import Code, Finding, make
from ftdisclose.io.loader import Document
from ftdisclose.resolve import Resolution
from ftdisclose.spec import Disclosure
from ftdisclose.spec.inputs import Name, Origin
from ftdisclose.units import convert

ENERGY_HEADROOM = 1.5  # measured energy may exceed GPUs x TDP x time by CPU, memory and overhead
RANGE_TOLERANCE = 0.02  # reported figures are rounded; 2% either side of the computed range

Add = Callable[..., None]


def figures(
    disclosure: Disclosure,
    doc: Document,
    resolution: Resolution,
    computation: Computation | None,
    flagged: Collection[str] = (),
) -> list[Finding]:
    """FTD405, FTD407, FTD408 and FTD409; ``flagged``: paths already reported as implausible (FTD406)."""
    found: list[Finding] = []

    def add(code: Code, message: str, path: tuple[str, ...], hint: str | None = None) -> None:
        found.append(make(code, message, doc.where(path), hint=hint))

    _energy_ceiling(disclosure, resolution, add)
    _mfu(disclosure, resolution, add)
    if computation is not None:
        _reported(disclosure, computation, add, flagged)
        found.extend(_hub(doc, computation))
        found.extend(_dia(doc, computation))
    return found


def _energy_ceiling(disclosure: Disclosure, resolution: Resolution, add: Add) -> None:
    inputs = resolution.inputs
    energy, count, tdp = inputs.get(Name.ENERGY), inputs.get(Name.GPU_COUNT), inputs.get(Name.GPU_TDP)
    duration = inputs.get(Name.DURATION)
    if energy is None or count is None or tdp is None or duration is None:
        return
    if count.origin is Origin.DEFAULT or duration.origin is Origin.DEFAULT or duration.number <= 0:
        return
    n, watts, hours = count.number, tdp.number, duration.number
    host_w = _host_watts(resolution)
    op = disclosure.operational
    boundary = set(op.energy.boundary or []) if op is not None and op.energy is not None else set()
    # a meter that covers the host but no host power is known: allow twice the headroom
    slack = 2.0 if host_w == 0 and boundary - {"gpu"} else 1.0
    ceiling = (n * watts * ENERGY_HEADROOM + host_w) * slack / 1000 * hours
    if energy.number > ceiling:
        add(
            Code.ENERGY_IMPLAUSIBLE,
            f"the measured {energy.number:.4g} kWh exceeds what {n:g} GPU{'s' * (n != 1)} of {watts:g} W "
            f"(x {ENERGY_HEADROOM}) and their host can draw in {hours:.4g} h: {ceiling:.4g} kWh",
            ("operational", "energy", "value"),
            "check the energy's unit (Wh vs kWh) and the GPU count",
        )


def _host_watts(resolution: Resolution) -> float:
    """CPU and memory power at full load, where the disclosure or the tables know them."""

    def value(name: Name) -> float:
        item = resolution.get(name)
        return item.number if item is not None else 0.0

    return value(Name.CPU_COUNT) * value(Name.CPU_TDP) + value(Name.MEMORY) * value(Name.MEMORY_POWER)


def _mfu(disclosure: Disclosure, resolution: Resolution, add: Add) -> None:
    op = disclosure.operational
    params, duration = resolution.get(Name.PARAMETERS), resolution.get(Name.DURATION)
    if op is None or op.tokens is None or params is None or duration is None:
        return
    if not duration.origin.stated or Name.TOKENS in duration.derived_from or duration.number <= 0:
        return
    accel = resolution.accelerator
    peak = accel.number("bf16_dense") if accel is not None else None
    if not peak:
        return
    methods = resolution.factors.methods
    # the smallest FLOPs factor when the method is not disclosed, so that the check never cries wolf
    method = disclosure.model.method
    factors = (
        [methods[method].number("flops_factor")] if method else [r.number("flops_factor") for r in methods.values()]
    )
    k = min(x for x in factors if x) if any(factors) else 6.0
    n_gpu = resolution[Name.GPU_COUNT].number
    peak_measure = Measure.of(peak, resolution.factors.unit("accelerators", "bf16_dense"))
    mfu = implied_mfu(k, params.number, float(op.tokens), n_gpu, peak_measure, duration.number)
    if mfu > 1:
        add(
            Code.MFU_ABOVE_ONE,
            f"{op.tokens:,} tokens x {params.number:.3g} parameters in {duration.number:.4g} h "
            f"on {n_gpu:g} GPU{'s' * (n_gpu != 1)} imply a FLOPs utilisation of {mfu:.3g}",
            ("operational", "tokens"),
            "check tokens (all epochs, padding included), parameters, duration and GPU count",
        )


# reported figure -> (its unit, the results whose low and high bound what it may be)
_REPORTED: dict[str, tuple[str, tuple[Result, ...], tuple[Result, ...]]] = {
    "energy": ("kWh", (Result.ENERGY_IT,), (Result.ENERGY_FACILITY,)),
    "emissions": ("kgCO2e", (Result.EMISSIONS_OPERATIONAL,), (Result.EMISSIONS_TOTAL,)),
    "water": ("L", (Result.WATER_ONSITE, Result.WATER_OFFSITE), (Result.WATER_TOTAL,)),
}


def _reported(disclosure: Disclosure, computation: Computation, add: Add, flagged: Collection[str]) -> None:
    reported = disclosure.reported
    r = computation.results
    if reported is None:
        return
    for name, (unit, lows, highs) in _REPORTED.items():
        value = getattr(reported, name)
        if value is None or f"reported.{name}" in flagged or not all(k in r for k in (*lows, *highs)):
            continue
        low = min(r[k].to(unit).low for k in lows)
        if name == "emissions":
            low = min(low, _it_only_emissions(computation, unit))
        high = max(r[k].to(unit).high for k in highs)
        number = value.to(unit)
        if high > 0 and not low * (1 - RANGE_TOLERANCE) <= number <= high * (1 + RANGE_TOLERANCE):
            add(
                Code.REPORTED_MISMATCH,
                f"reported {name} {value} is outside the recomputed {low:.4g}..{high:.4g} {unit}",
                ("reported", name),
                "check the unit, and whether the figure covers the whole run",
            )


def _it_only_emissions(computation: Computation, unit: str) -> float:
    """The lowest emissions of the IT energy alone (no facility overhead): a figure measured at the devices and
    multiplied by the grid's intensity, as CodeCarbon's default does, is a fair report of the run."""
    energy = computation.results[Result.ENERGY_IT].to("kWh").low
    intensity = computation.inputs[Name.CARBON_INTENSITY].measure.to("gCO2e/kWh").low
    return convert(energy * intensity, "gCO2e", unit)


def _hub(doc: Document, computation: Computation) -> list[Finding]:
    """A model card's co2_eq_emissions (grams) against the disclosure's computed emissions."""
    if doc.kind != "card":
        return []
    from ftdisclose.integrations.hub import HUB_KEY, hub_emissions_grams

    grams = hub_emissions_grams(doc)
    r = computation.results
    if grams is None or Result.EMISSIONS_OPERATIONAL not in r or Result.EMISSIONS_TOTAL not in r:
        return []
    low = r[Result.EMISSIONS_OPERATIONAL].to("gCO2e").low
    high = r[Result.EMISSIONS_TOTAL].to("gCO2e").high
    if low * (1 - RANGE_TOLERANCE) <= grams <= high * (1 + RANGE_TOLERANCE) or high <= 0:
        return []
    # the card may state operational emissions only, or the total: either can show the slip
    mids = [r[k].to("gCO2e").mid for k in (Result.EMISSIONS_OPERATIONAL, Result.EMISSIONS_TOTAL)]
    ratios = [grams / mid for mid in mids if mid > 0]
    if any(300 <= x <= 3000 for x in ratios):
        hint = "the card's figure is about 1000 times the computed one: kilograms written where the Hub reads grams"
    elif any(1 / 3000 <= x <= 1 / 300 for x in ratios):
        hint = "the card's figure is about 1/1000 of the computed one: was it written in kg?"
    else:
        hint = "check the card's figure and the disclosure"
    message = f"the card's co2_eq_emissions {grams:,.6g} g is outside the computed {low:,.4g}..{high:,.4g} gCO2e"
    return [make(Code.HUB_MISMATCH, message, doc.where_in_front((HUB_KEY,)), hint=hint)]


# DIA footprint metric -> the results whose low and high bound it (DIA's footprint has no embodied share,
# but a card may count it: the total is the upper bound, as for the Hub block)
_DIA_BOUNDS: dict[str, tuple[tuple[Result, ...], tuple[Result, ...]]] = {
    "energy_kwh": ((Result.ENERGY_IT,), (Result.ENERGY_FACILITY,)),
    "carbon_kgco2eq": ((Result.EMISSIONS_OPERATIONAL,), (Result.EMISSIONS_TOTAL,)),
    "water_liters": ((Result.WATER_ONSITE, Result.WATER_OFFSITE), (Result.WATER_TOTAL,)),
}


def _dia(doc: Document, computation: Computation) -> list[Finding]:
    """A model card's dia_report figures (intervals allowed) against the disclosure's computation."""
    if doc.kind != "card":
        return []
    from ftdisclose.integrations.dia import dia_figures

    r, found = computation.results, []
    for figure in dia_figures(doc.front_matter):
        lows, highs = _DIA_BOUNDS[figure.key]
        if not all(k in r for k in (*lows, *highs)):
            continue
        unit = figure.measure.unit
        # water: the on-site and off-site parts add up; energy and carbon have one lower bound each
        low = sum(r[k].to(unit).low for k in lows)
        high = max(r[k].to(unit).high for k in highs)
        stated = figure.measure
        if high <= 0 or (stated.high >= low * (1 - RANGE_TOLERANCE) and stated.low <= high * (1 + RANGE_TOLERANCE)):
            continue
        ratios = [stated.mid / bound for bound in (low, high) if bound > 0]
        if any(300 <= x <= 3000 for x in ratios):
            hint = (
                f"the card's figure is about 1000 times the computed one: a smaller unit written where DIA reads {unit}"
            )
        elif any(1 / 3000 <= x <= 1 / 300 for x in ratios):
            hint = "the card's figure is about 1/1000 of the computed one: a larger unit?"
        else:
            hint = "regenerate the block with ftdisclose card --dia, or check the disclosure"
        shown = f"{stated.mid:.4g}" if stated.low == stated.high else f"{stated.low:.4g}..{stated.high:.4g}"
        message = f"dia_report {figure.key} {shown} is outside the computed {low:.4g}..{high:.4g} {unit}"
        found.append(make(Code.DIA_MISMATCH, message, doc.where_in_front(figure.path), hint=hint))
    return found
