"""The ``dia_report`` block of a model card (DIA Report v0.1), as ``validate`` checks it.

DIA (VectorInstitute/ai-impact-accounting, Apache-2.0) puts a fine-tune's own footprint
in the card's front matter beside the Hub's keys:

```yaml
dia_version: '0.1'
dia_report:
  scope: incremental
  lineage: [{model: meta-llama/Llama-3.1-8B, relation: lora}]
  compute: {hardware: {gpu: NVIDIA A100-SXM4-40GB, count: 8}, duration_gpu_hours: 16.1451}
  footprint:
    energy_kwh: {value: 5.3186, quality: measured}
    carbon_kgco2eq: {value: 1.9689, quality: estimated-from-region}
    water_liters: {value: [9.573, 21.274], quality: estimated-from-default-wue}
  context: {region: us-east-1, carbon_intensity: 0.4, wue_l_per_kwh: [1.8, 4.0]}
  tool: codecarbon
```

Units live in the key names and ``context.carbon_intensity`` is a bare number of
kgCO2/kWh. ``check_dia_block`` reports the block's schema errors at the card's lines
(FTD550), values written with units or keys in other units (FTD552), and an intensity
written in g/kWh (FTD551, caught by magnitude: no grid emits 2 kg/kWh). ``dia_figures``
gives the footprint as measures, for ``checks.recomputed`` to compare with the
disclosure beside the block (FTD553).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from ftdisclose import units
from ftdisclose.engine.quantity import Measure
from ftdisclose.findings import Code, Finding, Severity, Where, make
from ftdisclose.integrations.schemas import Schema, check
from ftdisclose.io.loader import Document, Path_

DIA_KEY = "dia_report"
VERSION_KEY = "dia_version"
DIA_VERSION = "0.1"
# footprint key -> the unit its bare number is in
METRICS: dict[str, str] = {"energy_kwh": "kWh", "carbon_kgco2eq": "kgCO2e", "water_liters": "L"}
INTENSITY_UNIT = "kgCO2e/kWh"
# no grid's average intensity reaches 2 kgCO2/kWh, and none falls below 2 gCO2/kWh: a value of 2 or
# more in DIA's kg/kWh field was written in g/kWh
INTENSITY_CEILING = 2.0
RELATIONS = ("finetune", "lora", "qlora", "quantized", "merge", "distill", "fork", "adapter")
QUALITIES = (
    "measured",
    "estimated-from-region",
    "estimated-from-default-wue",
    "estimated-from-hardware",
    "imputed",
    "unavailable",
)
PRODUCER_TOOLS = ("codecarbon", "nvml", "dia-track-estimate")  # what DIA's own track() writes
# footprint keys in other units that DIA silently ignores: (measure, unit suffix) -> unit
_OTHER_KEY = re.compile(r"^(energy|carbon|co2|co2e|emissions|water)_([a-z0-9]+)$")
_SUFFIX_UNITS: dict[str, str] = {
    "wh": "Wh",
    "mwh": "MWh",
    "j": "J",
    "kj": "kJ",
    "mj": "MJ",
    "g": "gCO2e",
    "gco2": "gCO2e",
    "gco2e": "gCO2e",
    "gco2eq": "gCO2e",
    "kg": "kgCO2e",
    "kgco2": "kgCO2e",
    "kgco2e": "kgCO2e",
    "t": "tCO2e",
    "tco2e": "tCO2e",
    "tco2eq": "tCO2e",
    "ml": "mL",
    "l": "L",
    "litres": "L",
    "m3": "m3",
    "gallons": "gal",
}
_KEY_OF = {"energy": "energy_kwh", "water": "water_liters"}  # carbon, co2, emissions -> carbon_kgco2eq


class Locate(Protocol):
    """Where a path inside the dia_report block stands in the file."""

    def __call__(self, path: Path_, *, key: bool = False) -> Where: ...


def block_of(front: Mapping[str, Any] | None) -> Any:
    return front.get(DIA_KEY) if isinstance(front, Mapping) else None


def check_dia_block(doc: Document) -> list[Finding]:
    """Findings for a card's ``dia_report`` block; [] when the card has none."""
    front = doc.front_matter
    if not isinstance(front, dict) or DIA_KEY not in front:
        return []
    block = front[DIA_KEY]
    found = [
        make(Code.DIA_SCHEMA, f"DIA Report v0.1: {error.message}", doc.where_in_front((DIA_KEY, *error.path)))
        for error in check(block, Schema.DIA)
    ]
    version = front.get(VERSION_KEY)
    if version is not None and version != DIA_VERSION:
        same = str(version) == DIA_VERSION
        message = (
            f"{VERSION_KEY} is the number {version!r}; DIA writes the text '{DIA_VERSION}'"
            if same
            else f"{VERSION_KEY} is {version!r}; ftdisclose reads DIA Report {DIA_VERSION}"
        )
        hint = f"quote it: {VERSION_KEY}: '{DIA_VERSION}'" if same else None
        found.append(
            make(Code.DIA_SCHEMA, message, doc.where_in_front((VERSION_KEY,)), hint=hint, severity=Severity.WARNING)
        )
    if isinstance(block, dict):

        def locate(path: Path_, *, key: bool = False) -> Where:
            return doc.where_in_front((DIA_KEY, *path), key=key)

        found += unit_findings(block, locate)
        found += _intensity(block, locate)
    return found


def _footprint(block: Mapping[str, Any]) -> Mapping[str, Any]:
    footprint = block.get("footprint")
    return footprint if isinstance(footprint, Mapping) else {}


def unit_findings(block: Mapping[str, Any], locate: Locate) -> list[Finding]:
    """Values with units, keys in other units, carbon per kWh above any grid (``locate``: a path in the block)."""
    found: list[Finding] = []
    for key, metric in _footprint(block).items():
        path: Path_ = ("footprint", key)
        value = metric.get("value") if isinstance(metric, Mapping) else metric
        if key in METRICS:
            if isinstance(value, str):
                found += _with_unit(locate, (*path, "value") if isinstance(metric, Mapping) else path, value, key)
            continue
        found += _other_key(locate, path, str(key), value)
    found += _carbon_per_energy(block, locate)
    return found


def _with_unit(locate: Locate, path: Path_, text: str, key: str) -> list[Finding]:
    unit = METRICS[key]
    parsed = units.split_quantity(text)
    hint = f"write the bare number of {unit}"
    if parsed is not None and parsed[1].strip():
        try:
            hint = f"write {key}: {{value: {_g(units.convert(parsed[0], parsed[1], unit))}}}"
        except units.UnitError:
            hint = f"{text!r} is not in a unit of {key}; write the bare number of {unit}"
    message = f"{text!r} is text with a unit; DIA reads {key} as a bare number of {unit}"
    return [make(Code.DIA_UNITS, message, locate(path), hint=hint)]


def _other_key(locate: Locate, path: Path_, key: str, value: Any) -> list[Finding]:
    match = _OTHER_KEY.match(key.lower())
    if match is None or match.group(2) not in _SUFFIX_UNITS:
        return []
    target = _KEY_OF.get(match.group(1), "carbon_kgco2eq")
    unit = _SUFFIX_UNITS[match.group(2)]
    hint = f"rename it {target}, in {METRICS[target]}"
    number = value if isinstance(value, int | float) and not isinstance(value, bool) else None
    if number is not None:
        try:
            hint = f"write {target}: {{value: {_g(units.convert(float(number), unit, METRICS[target]))}}}"
        except units.UnitError:
            return []
    message = f"DIA reads {target} ({METRICS[target]}); {key} is not a DIA key and is ignored"
    return [make(Code.DIA_UNITS, message, locate(path, key=True), hint=hint)]


def _carbon_per_energy(block: Mapping[str, Any], locate: Locate) -> list[Finding]:
    """Carbon per kWh above any grid's intensity: kilograms read where grams were written."""
    energy, carbon = (_number(_footprint(block).get(key)) for key in ("energy_kwh", "carbon_kgco2eq"))
    if energy is None or carbon is None or energy <= 0:
        return []
    per_kwh = carbon / energy
    if per_kwh < INTENSITY_CEILING:
        return []
    grams = _g(units.convert(carbon, "gCO2e", "kgCO2e"))
    message = (
        f"carbon_kgco2eq {_g(carbon)} per energy_kwh {_g(energy)} is {_g(per_kwh)} kg per kWh, more than any grid "
        "emits: the carbon looks written in grams"
    )
    path: Path_ = ("footprint", "carbon_kgco2eq", "value")
    return [make(Code.DIA_UNITS, message, locate(path), hint=f"write the kilograms: {grams}")]


def _intensity(block: Mapping[str, Any], locate: Locate) -> list[Finding]:
    context = block.get("context")
    value = context.get("carbon_intensity") if isinstance(context, Mapping) else None
    if not isinstance(value, int | float) or isinstance(value, bool) or value < INTENSITY_CEILING:
        return []
    kg = _g(units.convert(float(value), "gCO2e/kWh", INTENSITY_UNIT))
    message = (
        f"context.carbon_intensity {_g(value)} is in g/kWh; DIA reads kgCO2/kWh, so it says {_g(value)} kg per kWh, "
        "1000 times the grid's"
    )
    where = locate(("context", "carbon_intensity"))
    return [make(Code.DIA_INTENSITY_UNIT, message, where, hint=f"write carbon_intensity: {kg}")]


def intensity_in_grams(value: float) -> bool:
    """Whether a bare carbon intensity is in g/kWh rather than DIA's kg/kWh (by magnitude)."""
    return value >= INTENSITY_CEILING


def _number(metric: Any) -> float | None:
    """The central number of a metric ({value: x} or {value: [lo, hi]}); None when it is not numeric."""
    span = interval(metric.get("value") if isinstance(metric, Mapping) else None)
    return None if span is None else (span[0] + span[1]) / 2


def interval(value: Any) -> tuple[float, float] | None:
    """A DIA value as (low, high): a number, or a pair in either order; None otherwise."""
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value), float(value)
    if (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in value)
    ):
        low, high = sorted(float(v) for v in value)
        return low, high
    return None


@dataclass(frozen=True)
class Figure:
    """One footprint metric of a dia_report, with where it stands."""

    key: str
    measure: Measure
    quality: str | None
    path: Path_


def dia_figures(front: Mapping[str, Any] | None) -> list[Figure]:
    """The block's numeric footprint metrics, in their units ([] when there is none)."""
    block = block_of(front)
    out: list[Figure] = []
    for key, unit in METRICS.items():
        metric = _footprint(block).get(key) if isinstance(block, Mapping) else None
        span = interval(metric.get("value")) if isinstance(metric, Mapping) else None
        if span is None or not isinstance(metric, Mapping):
            continue
        quality = metric.get("quality") if isinstance(metric.get("quality"), str) else None
        measure = Measure.of((span[0] + span[1]) / 2, unit, span[0], span[1])
        out.append(Figure(key, measure, quality, (DIA_KEY, "footprint", key, "value")))
    return out


def _g(value: float) -> str:
    return f"{value:.6g}"
