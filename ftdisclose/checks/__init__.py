"""Consistency checks of a valid disclosure (methodology §7, codes FTD4xx).

These compare disclosed fields with each other. They run inside ``validate`` and need
no factor tables: what needs tables (plausibility against a GPU's TDP, FLOPs
utilisation, reported totals against the recomputed range) is checked by ``compute``.
"""

from __future__ import annotations

from typing import Any

from ftdisclose.engine.span import Span
from ftdisclose.findings import Code, Finding, finding
from ftdisclose.io.loader import Document, _dotted
from ftdisclose.resolve import Resolution

DURATION_TOLERANCE = 0.05
GPU_HOURS_TOLERANCE = 0.10
MAX_INTENSITY = 1500.0  # gCO2e/kWh: above every real grid's annual average


def consistency(disclosure: Any, doc: Document) -> list[Finding]:
    """FTD4xx findings for a validated spec-1.0 disclosure."""
    found: list[Finding] = []

    def add(code: Code, message: str, path: tuple[str, ...], hint: str | None = None) -> None:
        line, col = doc.locate(path)
        found.append(finding(code, message, file=doc.file, line=line, column=col, path=_dotted(path), hint=hint))

    op = disclosure.operational
    run_h: float | None = None
    if op is not None:
        if op.duration is not None:
            run_h = op.duration.to("h")
        if op.start is not None and op.end is not None:
            span_h = (op.end - op.start).total_seconds() / 3600
            if span_h < 0:
                add(
                    Code.END_BEFORE_START,
                    f"end {op.end.isoformat()} is before start {op.start.isoformat()}",
                    ("operational", "end"),
                )
            elif run_h is not None and span_h > 0 and abs(run_h - span_h) > DURATION_TOLERANCE * span_h:
                add(
                    Code.DURATION_MISMATCH,
                    f"duration {op.duration} differs from end - start ({span_h:.4g} h)",
                    ("operational", "duration"),
                )
            elif run_h is None:
                run_h = span_h
        if op.reserved_time is not None and run_h is not None and op.reserved_time.to("h") < run_h * 0.999:
            add(
                Code.RESERVED_BELOW_RUN,
                f"reserved_time {op.reserved_time} is shorter than the run time ({run_h:.4g} h)",
                ("operational", "reserved_time"),
            )
        gpus = _gpu_count(disclosure)
        if op.gpu_hours is not None and gpus is not None and run_h:
            expected = gpus * run_h
            if abs(op.gpu_hours.to("h") - expected) > GPU_HOURS_TOLERANCE * expected:
                add(
                    Code.GPU_HOURS_MISMATCH,
                    f"gpu_hours {op.gpu_hours} but {gpus} GPUs x {run_h:.4g} h = {expected:.4g} h",
                    ("operational", "gpu_hours"),
                )
        if op.energy is not None and op.energy.value.value == 0:
            add(
                Code.ENERGY_IMPLAUSIBLE,
                "the measured energy is zero",
                ("operational", "energy", "value"),
                "leave the field out when there is no measurement",
            )
    _reported_intensity(disclosure, add)
    return found


def _gpu_count(disclosure: Any) -> int | None:
    infra = disclosure.infrastructure
    if infra is None or infra.cluster is None or infra.cluster.gpu is None:
        return None
    count: int | None = infra.cluster.gpu.count
    return count


def _reported_intensity(disclosure: Any, add: Any) -> None:
    reported = disclosure.reported
    if reported is None or reported.emissions is None:
        return
    energy = reported.energy
    if energy is None and disclosure.operational is not None and disclosure.operational.energy is not None:
        energy = disclosure.operational.energy.value
    if energy is None or energy.to("kWh") == 0:
        return
    intensity = reported.emissions.to("gCO2e") / energy.to("kWh")
    if intensity > MAX_INTENSITY or intensity <= 0:
        add(
            Code.INTENSITY_IMPLAUSIBLE,
            f"reported emissions {reported.emissions} over {energy} imply {intensity:,.4g} gCO2e/kWh, "
            f"outside 0..{MAX_INTENSITY:,.0f}",
            ("reported", "emissions"),
            "a factor of 1000 usually means g and kg were swapped",
        )


# --- checks that need the factor tables --------------------------------------------------

ENERGY_HEADROOM = 1.5  # measured energy may exceed GPUs x TDP x time by CPU, memory and overhead
RANGE_TOLERANCE = 0.02  # reported figures are rounded; 2% either side of the computed range
_VALIDATE_CODES = {
    Code.UNKNOWN_GPU,
    Code.UNKNOWN_COUNTRY,
    Code.UNKNOWN_REGION,
    Code.UNKNOWN_INSTANCE,
    Code.UNKNOWN_SERVICE,
    Code.UNKNOWN_ZONE,
}
_NOT_DEFAULT = ("disclosed", "derived", "measured")


def needs_tables(disclosure: Any) -> bool:
    """Whether the disclosure has anything the table checks look at."""
    infra, op = disclosure.infrastructure, disclosure.operational
    names = infra is not None and (
        infra.managed_service
        or (
            infra.cluster is not None
            and (
                infra.cluster.instance_type
                or infra.cluster.server_model
                or (infra.cluster.gpu and infra.cluster.gpu.model)
            )
        )
        or (infra.location is not None and (infra.location.cloud_region or infra.location.grid_zone))
    )
    figures = disclosure.reported is not None or (op is not None and (op.energy is not None or op.tokens))
    return bool(names or figures)


def table_checks(
    disclosure: Any, doc: Document, earlier: list[Finding] | None = None, *, factors_version: str | None = None
) -> list[Finding]:
    """Unknown names (FTD3xx) and the checks against recomputed figures (FTD405, FTD407, FTD408).

    ``earlier`` findings of the same file: a figure already flagged as implausible (FTD406)
    is not reported again as outside the range. ``factors_version`` (``--factors``) overrides
    the disclosure's own pin.
    """
    from ftdisclose import factors
    from ftdisclose.engine.compute import compute
    from ftdisclose.resolve import resolve

    pinned = factors_version or disclosure.factors_version
    if pinned is not None and pinned not in factors.available_versions():
        line, col = doc.locate(("factors_version",))
        return [
            finding(
                Code.UNKNOWN_FACTORS_VERSION,
                f"factor version {pinned!r} is not shipped with this ftdisclose; shipped: "
                f"{', '.join(factors.available_versions())}",
                file=doc.file,
                line=line,
                column=col,
                path="factors_version",
            )
        ]
    if not needs_tables(disclosure):
        return []
    tables = factors.load(pinned)
    # figures are recomputed only when there is something to compare them with
    if disclosure.reported is not None or (
        doc.kind == "card" and doc.front_matter and "co2_eq_emissions" in doc.front_matter
    ):
        computation = compute(disclosure, tables, doc, backend="fast")
        resolution, results = computation.resolution, computation.results
    else:
        resolution, results = resolve(disclosure, tables, doc), {}
    found = [f for f in resolution.findings if f.code in _VALIDATE_CODES]
    return found + computed_checks(disclosure, doc, resolution, results, earlier)


def computed_checks(
    disclosure: Any,
    doc: Document,
    resolution: Resolution,
    results: dict[str, Span],
    earlier: list[Finding] | None = None,
) -> list[Finding]:
    """FTD405, FTD407, FTD408 and FTD409: the disclosure's figures against its resolved inputs and,
    when ``results`` are given (a computation), against the recomputed ranges."""
    found: list[Finding] = []

    def add(code: Code, message: str, path: tuple[str, ...], hint: str | None = None) -> None:
        line, col = doc.locate(path)
        found.append(finding(code, message, file=doc.file, line=line, column=col, path=_dotted(path), hint=hint))

    inputs = resolution.inputs
    count, tdp, duration = (
        inputs.get(p)
        for p in ("infrastructure.cluster.gpu.count", "infrastructure.cluster.gpu.tdp", "operational.duration")
    )
    energy = inputs.get("operational.energy")
    if (
        energy is not None
        and count is not None
        and tdp is not None
        and duration is not None
        and count.origin != "default"
        and duration.origin != "default"
        and float(duration.value) > 0
    ):
        n, watts, hours = float(count.value), float(tdp.value), float(duration.value)
        host_w = _host_watts(inputs)
        boundary = disclosure.operational.energy.boundary or []
        # a meter that covers the host but no host power is known: allow twice the headroom
        slack = 2.0 if host_w == 0 and set(boundary) - {"gpu"} else 1.0
        ceiling = (n * watts * ENERGY_HEADROOM + host_w) * slack / 1000 * hours
        if float(energy.value) > ceiling:
            add(
                Code.ENERGY_IMPLAUSIBLE,
                f"the measured {float(energy.value):.4g} kWh exceeds what {n:g} GPU{'s' * (n != 1)} of "
                f"{watts:g} W "
                f"(x {ENERGY_HEADROOM}) and their host can draw in {hours:.4g} h: {ceiling:.4g} kWh",
                ("operational", "energy", "value"),
                "check the energy's unit (Wh vs kWh) and the GPU count",
            )
    _mfu(disclosure, resolution, add)
    flagged = {f.path for f in earlier or [] if f.code == Code.INTENSITY_IMPLAUSIBLE}
    _reported(disclosure, results, add, flagged)
    found.extend(_hub(doc, results))
    return found


def _hub(doc: Document, r: dict[str, Span]) -> list[Finding]:
    """A model card's co2_eq_emissions (grams) against the disclosure's computed emissions."""
    if doc.kind != "card":
        return []
    from ftdisclose.integrations.hub import HUB_KEY, hub_emissions_grams, locate_front

    grams = hub_emissions_grams(doc)
    if grams is None or not r:
        return []
    low, high = r["emissions.operational"].low * 1000, r["emissions.total"].high * 1000
    if low * (1 - RANGE_TOLERANCE) <= grams <= high * (1 + RANGE_TOLERANCE) or high <= 0:
        return []
    # the card may state operational emissions only, or the total: either can show the slip
    ratios = [grams / (r[k].mid * 1000) for k in ("emissions.operational", "emissions.total") if r[k].mid > 0]
    if any(300 <= x <= 3000 for x in ratios):
        hint = "the card's figure is about 1000 times the computed one: kilograms written where the Hub reads grams"
    elif any(1 / 3000 <= x <= 1 / 300 for x in ratios):
        hint = "the card's figure is about 1/1000 of the computed one: was it written in kg?"
    else:
        hint = "check the card's figure and the disclosure"
    line, col = locate_front(doc, (HUB_KEY,))
    return [
        finding(
            Code.HUB_MISMATCH,
            f"the card's co2_eq_emissions {grams:,.6g} g is outside the computed {low:,.4g}..{high:,.4g} gCO2e",
            file=doc.file,
            line=line,
            column=col,
            path=HUB_KEY,
            hint=hint,
        )
    ]


def _host_watts(inputs: dict[str, Any]) -> float:
    """CPU and memory power at full load, where the disclosure or the tables know them."""

    def value(path: str) -> float:
        item = inputs.get(path)
        return float(item.value) if item is not None else 0.0

    return value("infrastructure.cluster.cpu.count") * value("infrastructure.cluster.cpu.tdp") + value(
        "infrastructure.cluster.memory"
    ) * value("method.memory_power")


def _mfu(disclosure: Any, resolution: Resolution, add: Any) -> None:
    op = disclosure.operational
    inputs = resolution.inputs
    params = inputs.get("model.parameters")
    duration = inputs.get("operational.duration")
    if (
        op is None
        or op.tokens is None
        or params is None
        or duration is None
        or duration.origin not in _NOT_DEFAULT
        or "tokens" in duration.detail
        or float(duration.value) <= 0
    ):
        return
    accel = resolution.accelerator
    peak = accel.number("bf16_dense") if accel is not None else None
    if not peak:
        return
    factors = resolution.factors
    # the smallest FLOPs factor when the method is not disclosed, so that the check never cries wolf
    method = disclosure.model.method
    k = (
        factors.methods[method].number("flops_factor")
        if method
        else min(r.number("flops_factor") or 6 for r in factors.methods.values())
    )
    n_gpu = float(inputs["infrastructure.cluster.gpu.count"].value)
    mfu = (k or 6) * float(params.value) * op.tokens / (n_gpu * peak * 1e12 * float(duration.value) * 3600)
    if mfu > 1:
        add(
            Code.MFU_ABOVE_ONE,
            f"{op.tokens:,} tokens x {float(params.value):.3g} parameters in {float(duration.value):.4g} h "
            f"on {n_gpu:g} GPU{'s' * (n_gpu != 1)} imply a FLOPs utilisation of {mfu:.3g}",
            ("operational", "tokens"),
            "check tokens (all epochs, padding included), parameters, duration and GPU count",
        )


def _reported(disclosure: Any, r: dict[str, Span], add: Any, flagged: set[str]) -> None:
    reported = disclosure.reported
    if reported is None or not r:
        return
    checks = (
        ("energy", reported.energy, "kWh", r["energy.it"].low, r["energy.facility"].high),
        ("emissions", reported.emissions, "kgCO2e", r["emissions.operational"].low, r["emissions.total"].high),
        ("water", reported.water, "L", min(r["water.onsite"].low, r["water.offsite"].low), r["water.total"].high),
    )
    for name, value, unit, low, high in checks:
        if value is None or high <= 0 or f"reported.{name}" in flagged:
            continue
        number = value.to(unit)
        if not low * (1 - RANGE_TOLERANCE) <= number <= high * (1 + RANGE_TOLERANCE):
            add(
                Code.REPORTED_MISMATCH,
                f"reported {name} {value} is outside the recomputed {low:.4g}..{high:.4g} {unit}",
                ("reported", name),
                "check the unit, and whether the figure covers the whole run",
            )
