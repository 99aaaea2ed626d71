"""A disclosure and its computation as a DIA ``dia_report`` block (``export --to dia``, ``card --dia``).

DIA's footprint is the fine-tune's own delta (``scope: incremental``), so it holds the
run's energy, operational carbon and on-site plus off-site water, never the embodied
share. Each figure carries a quality tag derived from the origins of its inputs:

- energy: the measurement as measured, ``measured``; else the modelled facility energy
  as ``[low, high]``, ``estimated-from-hardware``;
- carbon: ``estimated-from-region`` when the grid intensity is a table default,
  else ``measured`` with a measured energy, else ``estimated-from-hardware``;
- water: ``estimated-from-default-wue`` when WUE or the grid's water intensity is a
  default, else as carbon.

``context.carbon_intensity`` is written in DIA's kgCO2/kWh, converted through
``ftdisclose.units``. The block is validated against DIA's schema before it is returned;
``write_dia`` puts it into a card's front matter with ``yamledit``, changing no other byte.
"""

from __future__ import annotations

from typing import Any

from ftdisclose.engine.compute import Result
from ftdisclose.engine.quantity import Measure
from ftdisclose.findings import Code, Finding, make
from ftdisclose.integrations import crosswalk as cw
from ftdisclose.integrations.dia import DIA_KEY, DIA_VERSION, INTENSITY_UNIT, VERSION_KEY
from ftdisclose.integrations.interop import (
    EXTENSION_KEY,
    Export,
    Source,
    apply_links,
    energy_is_measured,
    not_held,
    results_extension,
)
from ftdisclose.integrations.schemas import Schema, check
from ftdisclose.io.yamledit import YamlEditError, set_value
from ftdisclose.spec.inputs import Name, Origin

TARGET = "DIA"
TOOL = "ftdisclose"
UTF8_BOM = b"\xef\xbb\xbf"
# model.method -> DIA relation (prompt-tuning and other have none)
METHOD_RELATIONS: dict[str, str] = {"lora": "lora", "qlora": "qlora", "adapter": "adapter", "full": "finetune"}
# base_model_relation values that say more than the method does
STRONG_RELATIONS = ("quantized", "merge")


class DiaWriteError(ValueError):
    """The card's front matter cannot take the block without touching other bytes."""


def export_dia(src: Source) -> Export:
    """``{dia_version, dia_report, x-ftdisclose}``, or None with the findings that say why not."""
    block: dict[str, Any] = {"scope": "incremental"}
    found: list[Finding] = []
    lineage = _lineage(src, found)
    if lineage:
        block["lineage"] = [lineage]
    apply_links(src, cw.DIA, block)
    compute = _compute(src, block.pop("compute", {}))
    if compute:
        block["compute"] = compute
    block["footprint"] = _footprint(src)
    block["context"] = _context(src)
    block["tool"] = TOOL
    found += not_held(src, cw.DIA, TARGET, extension=True)
    for error in check(block, Schema.DIA):
        where = ".".join(str(p) for p in error.path) or DIA_KEY
        found.append(make(Code.EXPORT_SCHEMA, f"{where}: {error.message}", src.where("")))
    if any(f.code is Code.EXPORT_SCHEMA for f in found):
        return Export(None, found)
    return Export({VERSION_KEY: DIA_VERSION, DIA_KEY: block, EXTENSION_KEY: results_extension(src)}, found)


def _lineage(src: Source, found: list[Finding]) -> dict[str, Any]:
    model = src.disclosure.model
    if model.base_model is None:
        if model.method is not None or model.base_model_relation is not None:
            message = "DIA's lineage names the parent model, which the disclosure does not: the relation is not written"
            found.append(make(Code.EXPORT_NOT_HELD, message, src.where("model")))
        return {}
    strong = model.base_model_relation if model.base_model_relation in STRONG_RELATIONS else None
    relation = strong or METHOD_RELATIONS.get(model.method or "") or model.base_model_relation
    out: dict[str, Any] = {"model": model.base_model}
    if relation is not None:
        out["relation"] = relation
    elif model.method is not None:
        message = f"DIA has no relation for model.method {model.method}; DIA's readers then assume finetune"
        found.append(make(Code.EXPORT_NOT_HELD, message, src.where("model.method")))
    return out


def _compute(src: Source, compute: dict[str, Any]) -> dict[str, Any]:
    """GPU and count as stated (linked), and GPU-hours: disclosed, else GPUs x run time when both are stated."""
    if "duration_gpu_hours" in compute:
        return compute
    count, duration = src.stated(Name.GPU_COUNT), src.stated(Name.DURATION)
    if count is not None and duration is not None:
        hours = Measure(duration.span, duration.unit or "h").to("h").mid
        compute["duration_gpu_hours"] = cw.number(count.number * hours)
    return compute


def _value(measure: Measure, unit: str) -> float | int | list[float | int]:
    converted = measure.to(unit)
    if converted.low == converted.high:
        return cw.number(converted.mid)
    return [cw.number(converted.low), cw.number(converted.high)]


def _default(src: Source, *names: Name) -> bool:
    return any((item := src.input(name)) is not None and item.origin is Origin.DEFAULT for name in names)


def _footprint(src: Source) -> dict[str, Any]:
    measured = energy_is_measured(src)
    op = src.disclosure.operational
    out: dict[str, Any] = {}
    # the measurement with its calibration applied, at its own boundary (with PUE when it includes it)
    own = src.result(Result.ENERGY_FACILITY if src.computation.resolution.includes_pue else Result.ENERGY_IT)
    if measured and own is not None and op is not None and op.energy is not None and op.energy.correction:
        out["energy_kwh"] = {"value": _value(own, "kWh"), "quality": "measured"}
    elif measured and op is not None and op.energy is not None:
        out["energy_kwh"] = {"value": cw.number(op.energy.value.to("kWh")), "quality": "measured"}
    elif (facility := src.result(Result.ENERGY_FACILITY)) is not None:
        out["energy_kwh"] = {"value": _value(facility, "kWh"), "quality": "estimated-from-hardware"}
    fallback = "measured" if measured else "estimated-from-hardware"
    carbon = src.result(Result.EMISSIONS_OPERATIONAL)
    if carbon is not None:
        quality = "estimated-from-region" if _default(src, Name.CARBON_INTENSITY) else fallback
        out["carbon_kgco2eq"] = {"value": _value(carbon, "kgCO2e"), "quality": quality}
    onsite, offsite = src.result(Result.WATER_ONSITE), src.result(Result.WATER_OFFSITE)
    if onsite is not None and offsite is not None:
        on, off = onsite.to("L"), offsite.to("L")
        water = Measure.of(on.mid + off.mid, "L", on.low + off.low, on.high + off.high)
        quality = "estimated-from-default-wue" if _default(src, Name.WUE, Name.WATER_INTENSITY) else fallback
        out["water_liters"] = {"value": _value(water, "L"), "quality": quality}
    return out


def _region(src: Source) -> str:
    place = src.place()
    return next((place[key] for key in ("cloud_region", "grid_zone", "country") if key in place), "unknown")


def _context(src: Source) -> dict[str, Any]:
    out: dict[str, Any] = {"region": _region(src)}
    intensity = src.input(Name.CARBON_INTENSITY)
    if intensity is not None:
        out["carbon_intensity"] = cw.number(
            Measure(intensity.span, intensity.unit or "gCO2e/kWh").to(INTENSITY_UNIT).mid
        )
    onsite, offsite = src.result(Result.WATER_ONSITE), src.result(Result.WATER_OFFSITE)
    facility = src.result(Result.ENERGY_FACILITY)
    if onsite is not None and offsite is not None and facility is not None and facility.mid > 0:
        water = onsite.to("L").mid + offsite.to("L").mid
        out["wue_l_per_kwh"] = cw.number(water / facility.to("kWh").mid)
    return out


def write_dia(card: bytes, document: dict[str, Any]) -> bytes:
    """The card with ``dia_version`` and ``dia_report`` set in its front matter; every other byte as it was."""
    bom = UTF8_BOM if card.startswith(UTF8_BOM) else b""
    try:
        text = card[len(bom) :].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DiaWriteError("the card is not UTF-8") from exc
    first = text.find("\n")
    newline = "\r\n" if first > 0 and text[first - 1] == "\r" else "\n"
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip("\r\n").rstrip() != "---":
        raise DiaWriteError("the card has no front matter to write dia_report into; run ftdisclose card first")
    end = next((i for i, line in enumerate(lines[1:], 1) if line.rstrip("\r\n").rstrip() == "---"), None)
    if end is None:
        raise DiaWriteError("the front matter opened on line 1 is never closed with ---")
    front = "".join(lines[1:end])
    try:
        front = set_value(front, (VERSION_KEY,), document[VERSION_KEY], newline=newline)
        front = set_value(front, (DIA_KEY,), document[DIA_KEY], newline=newline)
    except YamlEditError as exc:
        raise DiaWriteError(f"the front matter cannot be edited exactly: {exc}") from exc
    return bom + (lines[0] + front + "".join(lines[end:])).encode("utf-8")
