"""The energy and compute items of the EU AI Act GPAI Model Documentation Form (``export --to eu-form``).

The Code of Practice's form (July 2025) has no machine-readable schema. The extract fills
the items listed in ``crosswalk.EU_FORM`` in the form's own units: training energy in MWh
to two significant figures, measured or estimated, with a methodology generated from the
disclosure; training compute in FLOP (two significant figures for the AI Office, the
order of magnitude for national authorities) with its method; training time as
wall-clock days and hardware-days, and the range bucket. Items ftdisclose cannot fill
(inference compute) are named as such, never left blank. The item wording follows
secondary sources; the extract says so.

A fine-tuner becomes the provider of the modified model when the modification's training
compute exceeds a third of the original model's (the Commission's GPAI guidelines,
point 60; a third of 10^23 FLOP when the original's compute is not known, point 61):
the extract states the ratio when the fine-tune's compute is known.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from ftdisclose._version import __version__
from ftdisclose.engine.compute import Result
from ftdisclose.engine.quantity import Measure
from ftdisclose.findings import Code, make
from ftdisclose.integrations.crosswalk import EU_FORM
from ftdisclose.integrations.interop import Export, Source, energy_is_measured, shown
from ftdisclose.output.safe import markdown
from ftdisclose.spec.inputs import Name, Origin

TARGET = "the EU form extract"
WORDING_NOTE = (
    "Item names follow secondary sources on the GPAI Code of Practice's Model Documentation Form (July 2025); "
    "check them against the official form before submitting."
)
# fallback for point 61 of the GPAI guidelines: a third of 10^23 FLOP when the original's compute is unknown
PROVIDER_THRESHOLD = 1e23 / 3
PARAMETER_BUCKETS: tuple[tuple[float, str], ...] = (
    (5e8, "1-500M"),
    (5e9, "500M-5B"),
    (1.5e10, "5-15B"),
    (5e10, "15-50B"),
    (1e11, "50-100B"),
    (5e11, "100-500B"),
    (1e12, "500B-1T"),
)
TIME_BUCKETS: tuple[tuple[float, str], ...] = ((1, "under 1 month"), (3, "1-3 months"), (6, "3-6 months"))

Entry = dict[str, Any]


def sig2(value: float) -> str:
    """Two significant figures in scientific notation: 3.2 x 10^21."""
    if value == 0:
        return "0"
    exponent = math.floor(math.log10(abs(value)))
    mantissa = round(value / 10**exponent, 1)
    if abs(mantissa) >= 10:
        mantissa, exponent = mantissa / 10, exponent + 1
    return f"{mantissa:.1f} x 10^{exponent}"


def magnitude(value: float) -> str:
    return f"10^{round(math.log10(value))}" if value > 0 else "0"


def _filled(value: str, unit: str = "", **extra: Any) -> Entry:
    return {"status": "filled", "value": value, "unit": unit, **extra}


def _unfilled(why: str) -> Entry:
    return {"status": "not filled by ftdisclose", "value": None, "why": why}


def _dependencies(src: Source) -> Entry:
    base = src.disclosure.model.base_model
    return _filled(base) if base else _unfilled("the disclosure names no base model (model.base_model)")


def _parameters(src: Source) -> Entry:
    item = src.input(Name.PARAMETERS)
    if item is None:
        return _unfilled("model.parameters is not disclosed and the base model is not in the tables")
    bucket = next((label for limit, label in PARAMETER_BUCKETS if item.number < limit), "over 1T")
    return _filled(f"{sig2(item.number)} parameters", "parameters", bucket=bucket, origin=str(item.origin))


def _hours(src: Source) -> tuple[Measure | None, Measure | None]:
    """Wall-clock hours (reserved time, else run time) and GPU-hours (disclosed, else GPUs x run time)."""
    wall = src.input(Name.RESERVED_TIME) or src.input(Name.DURATION)
    wall_m = Measure(wall.span, wall.unit or "h").to("h") if wall is not None else None
    op = src.disclosure.operational
    if op is not None and op.gpu_hours is not None:
        return wall_m, Measure.of(op.gpu_hours.to("h"), "h")
    count, run = src.input(Name.GPU_COUNT), src.input(Name.DURATION)
    if count is None or run is None:
        return wall_m, None
    hours = Measure(run.span, run.unit or "h").to("h")
    return wall_m, Measure.of(hours.mid * count.number, "h", hours.low * count.number, hours.high * count.number)


def _time_aio(src: Source) -> Entry:
    wall, gpu = _hours(src)
    if wall is None:
        return _unfilled("nothing gives the run time (operational.duration, reserved_time, gpu_hours, energy)")
    days = wall.to("d")
    entry = _filled(f"{sig2(days.mid)} wall-clock days", "d", wall_clock_days=days.mid)
    if gpu is not None:
        gpu_days = gpu.to("d")
        entry["value"] += f"; {sig2(gpu_days.mid)} GPU-days"
        entry["hardware_days"] = gpu_days.mid
    return entry


def _time_nca(src: Source) -> Entry:
    wall, _ = _hours(src)
    if wall is None:
        return _unfilled("nothing gives the run time")
    months = wall.to("mo").mid
    return _filled(next((label for limit, label in TIME_BUCKETS if months < limit), "over 6 months"))


def _flops(src: Source) -> Measure | None:
    return src.result(Result.TRAINING_FLOPS)


def _compute_aio(src: Source) -> Entry:
    flops = _flops(src)
    if flops is None:
        return _unfilled("needs model.training_flops, or model.parameters and operational.tokens")
    entry = _filled(f"{sig2(flops.mid)} FLOP", "FLOP", flop=flops.mid)
    if flops.low != flops.high:
        entry["range"] = [flops.low, flops.high]
    entry["provider_threshold_ratio"] = flops.mid / PROVIDER_THRESHOLD
    return entry


def _compute_nca(src: Source) -> Entry:
    flops = _flops(src)
    return (
        _filled(f"{magnitude(flops.mid)} FLOP", "FLOP")
        if flops is not None
        else _unfilled("the training compute is not known")
    )


def _compute_method(src: Source) -> Entry:
    item = src.input(Name.TRAINING_FLOPS)
    if item is None:
        return _unfilled("the training compute is not known")
    if item.origin is Origin.DISCLOSED:
        return _filled("Stated by the publisher (model.training_flops).")
    return _filled(
        f"Estimated as {item.detail}; k is 6 FLOP per parameter per token for full fine-tuning and 4 "
        "when the base weights are frozen (LoRA, QLoRA, adapters), from ftdisclose's method table; the range "
        "spans the tables' bounds."
    )


def _energy(src: Source) -> Entry:
    facility = src.result(Result.ENERGY_FACILITY)
    if facility is None:
        return _unfilled(src.computation.missing.get(Result.ENERGY_FACILITY, "the energy is not computed"))
    mwh = facility.to("MWh")
    kind = "measured" if energy_is_measured(src) else "estimated"
    entry = _filled(f"{sig2(mwh.mid)} MWh ({kind})", "MWh", mwh=mwh.mid, measured=kind == "measured")
    if mwh.low != mwh.high:
        entry["range"] = [mwh.low, mwh.high]
    return entry


def _energy_method(src: Source) -> Entry:
    op = src.disclosure.operational
    pue = src.input(Name.PUE)
    factors = src.computation.factors_version
    if energy_is_measured(src) and op is not None and op.energy is not None:
        boundary = ", ".join(op.energy.boundary or []) or "a boundary the disclosure does not state"
        text = f"Measured with {op.energy.source or 'an unnamed tool'}, covering {boundary}."
        if src.computation.resolution.includes_pue:
            text += " The measurement includes the datacenter's overhead (PUE)."
        elif pue is not None:
            text += f" Multiplied by a PUE of {shown(pue.measure)} ({pue.origin}: {pue.detail})."
    else:
        power = (
            "the disclosed server power times the servers"
            if src.input(Name.SERVER_POWER) is not None
            else "the GPUs' measured average power and the host's"
            if src.input(Name.GPU_AVERAGE_POWER) is not None
            else "GPU power from TDP and utilisation, and the host's"
        )
        text = (
            f"Estimated by ftdisclose from the hardware and the run time: {power}, times the run time, times the "
            "datacenter's PUE" + (f" of {shown(pue.measure)} ({pue.origin})" if pue is not None else "") + "."
        )
    text += f" Computed by ftdisclose {__version__} with factor tables {factors}; the energy is the facility's."
    return _filled(text)


def _inference(_: Source) -> Entry:
    return _unfilled("a disclosure holds no benchmarked inference FLOP count; fill this item by hand")


FILLERS: dict[str, Callable[[Source], Entry]] = {
    "model_dependencies": _dependencies,
    "parameters": _parameters,
    "training_time_aio": _time_aio,
    "training_time_nca": _time_nca,
    "training_compute_aio": _compute_aio,
    "training_compute_nca": _compute_nca,
    "training_compute_method": _compute_method,
    "training_energy": _energy,
    "training_energy_method": _energy_method,
    "inference_compute": _inference,
    "inference_compute_method": _inference,
}


def export_eu_form(src: Source) -> Export:
    """The extract as data: the form's items in order, each filled or named as not filled."""
    items: dict[str, Entry] = {}
    found = []
    for form_item in EU_FORM:
        entry = {"item": form_item.item, "recipients": form_item.recipients, **FILLERS[form_item.key](src)}
        items[form_item.key] = entry
        if entry["value"] is None:
            message = f"{TARGET}: {form_item.item} is not filled: {entry['why']}"
            found.append(make(Code.EXPORT_NOT_HELD, message, src.where(form_item.source.split(",")[0])))
    document: dict[str, object] = {
        "form": "EU AI Act GPAI Model Documentation Form: energy and compute items (extract)",
        "wording": WORDING_NOTE,
        "model": src.disclosure.model.name,
        "generator": f"ftdisclose {__version__}",
        "factors_version": src.computation.factors_version,
        "items": items,
    }
    return Export(document, found)


def _threshold_text(entry: Entry) -> str:
    ratio = entry.get("provider_threshold_ratio")
    if ratio is None:
        return ""
    side = "below" if ratio < 1 else "above"
    return (
        f"\nThe training compute is {sig2(ratio)} times a third of 10^23 FLOP, {side} the indicative threshold at "
        "which a modifier becomes the provider of the modified model when the original model's compute is not "
        "known (Commission GPAI guidelines, points 60-61, secondary sources; with the original's compute known, "
        "the threshold is a third of it).\n"
    )


def render_markdown(document: Mapping[str, Any]) -> str:
    """The extract as a Markdown table, with the methodology texts below it."""
    lines = [
        f"# {document['form']}",
        "",
        f"Model: {markdown(document['model'])}. Generated by {document['generator']} with factor tables "
        f"{document['factors_version']}.",
        "",
        f"> {document['wording']}",
        "",
        "| item | recipients | value |",
        "|---|---|---|",
    ]
    items: dict[str, Entry] = document["items"]
    texts: list[str] = []
    for entry in items.values():
        if entry["value"] is None:
            value = f"*not filled by ftdisclose: {markdown(entry['why'])}*"
        elif entry.get("unit") == "" and len(entry["value"]) > 80:
            value = "see below"
            texts += [f"## {entry['item']}", "", markdown(entry["value"]), ""]
        else:
            value = markdown(entry["value"]) + (f" (bucket {entry['bucket']})" if "bucket" in entry else "")
        lines.append(f"| {entry['item']} | {entry['recipients']} | {value} |")
    lines.append(_threshold_text(items.get("training_compute_aio", {})))
    return "\n".join(lines + texts).rstrip() + "\n"
