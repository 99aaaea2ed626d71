"""Field by field: how a disclosure maps to BoAmps, DIA, the EU form extract and the Hub block.

These tables are what the converters run on, and what the docs' "Crosswalk" page is
generated from, so the page cannot drift from the code. A ``Link`` ties one field of a
disclosure (``model.base_model``) or one computed result (``results.energy.it``) to a
field of the other format (``task.algorithms.0.foundationModelName``), and says how:

- ``SAME``: the value as it is, both ways;
- ``UNIT``: a quantity (or count) written as a bare number in ``unit``, both ways, through
  ``ftdisclose.units`` (never by hand);
- ``CODE``: converted by the format's module, as the note says (names, vocabularies,
  components, date-times, quality tags);
- ``NOT_HELD``: the format has no field for it; ``export`` reports it (FTD542).

The helpers below apply ``SAME`` and ``UNIT`` links in either direction and list what a
disclosure holds that a format does not.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum

from ftdisclose import units
from ftdisclose.engine.compute import Computation, Result
from ftdisclose.engine.quantity import Measure
from ftdisclose.spec import Disclosure
from ftdisclose.spec.types import Quantity


class How(StrEnum):
    SAME = "as it is"
    UNIT = "unit conversion"
    CODE = "converted"
    NOT_HELD = "not held"


@dataclass(frozen=True)
class Link:
    """One field of a disclosure (or a computed result) and its place in another format."""

    ours: str
    theirs: str | None
    how: How
    unit: str | None = None  # UNIT: the other format's unit
    ours_unit: str | None = None  # UNIT for a bare count or ratio of ours (a quantity carries its own unit)
    note: str = ""
    export_only: bool = False  # the other format's field is ftdisclose's figure, not a disclosed fact


S, U, C, N = How.SAME, How.UNIT, How.CODE, How.NOT_HELD
ALG = "task.algorithms.0"
MEASURE = "measures.0"

# --- BoAmps 1.1.0 ---------------------------------------------------------------------
BOAMPS: tuple[Link, ...] = (
    Link("model.name", f"{ALG}.algorithmName", S, note="the fine-tuned model"),
    Link("model.base_model", f"{ALG}.foundationModelName", S),
    Link("model.parameters", f"{ALG}.parametersNumber", U, "Gcount", "count", "BoAmps counts billions"),
    Link("model.method", f"{ALG}.optimizer", C, note="lora and qlora only; BoAmps lists LoRA as an optimizer"),
    Link("operational.epochs", f"{ALG}.epochsNumber", S),
    Link("operational.tokens", "task.dataset[token].dataQuantity", C, note="a dataset item with dataType token"),
    Link("operational.samples", "task.dataset[other].dataQuantity", C, note="a dataset item of --data-type"),
    Link(
        "operational.runs[].stage",
        "task.taskStage",
        C,
        note="finetuning, inference, datacreation, joined by +",
        export_only=True,
    ),
    Link("operational.energy.value", f"{MEASURE}.powerConsumption", C, "kWh", note="a measurement, in kWh"),
    Link(
        "results.energy.it",
        f"{MEASURE}.powerConsumption",
        C,
        "kWh",
        note="when nothing was measured: the modelled IT energy, measurementMethod ftdisclose-estimate",
        export_only=True,
    ),
    Link("operational.energy.source", f"{MEASURE}.measurementMethod", C, note="codecarbon, nvml, wattmeter, ..."),
    Link("operational.duration", f"{MEASURE}.measurementDuration", U, "s"),
    Link("operational.start", f"{MEASURE}.measurementDateTime", C, note="YYYY-MM-DD HH:MM:SS with its UTC offset"),
    Link("operational.gpu_utilization", f"{MEASURE}.averageUtilizationGpu", S, note="a fraction 0..1"),
    Link("operational.cpu_utilization", f"{MEASURE}.averageUtilizationCpu", S, note="a fraction 0..1"),
    Link("infrastructure.provider", "infrastructure.cloudProvider", C, note="and infraType publicCloud/onPremise"),
    Link("infrastructure.cluster.instance_type", "infrastructure.cloudInstance", S),
    Link("infrastructure.managed_service", "infrastructure.cloudService", S),
    Link("infrastructure.cluster.gpu.model", "infrastructure.components[gpu].componentName", C),
    Link("infrastructure.cluster.gpu.count", "infrastructure.components[gpu].nbComponent", C, note="an integer"),
    Link("infrastructure.cluster.cpu.model", "infrastructure.components[cpu].componentName", C),
    Link(
        "infrastructure.cluster.cpu.count",
        "infrastructure.components[cpu].nbComponent",
        C,
        note="sockets, marked x-ftdisclose-counts: sockets; other producers count cores or threads (FTD548)",
    ),
    Link("infrastructure.cluster.memory", "infrastructure.components[ram].memorySize", C, "GB", note="whole GB"),
    Link("infrastructure.location.country", "environment.country", C, note="a country name; names -> ISO codes"),
    Link("infrastructure.location.cloud_region", "environment.location", S),
    Link("operational.carbon_intensity", "environment.powerSourceCarbonIntensity", U, "gCO2e/kWh"),
    Link("results", "x-ftdisclose.results", C, note="every result with its range, ignored by BoAmps readers"),
    Link("model.training_flops", None, N, note="no FLOP field (the method flops-compute exists, a count does not)"),
    Link("model.base_model_relation", None, N),
    Link("model.published", None, N),
    Link("infrastructure.site", None, N),
    Link("infrastructure.location.grid_zone", None, N),
    Link("infrastructure.datacenter.pue", None, N, note="nothing says whether powerConsumption includes PUE"),
    Link("infrastructure.datacenter.wue", None, N),
    Link("infrastructure.cluster.servers", None, N),
    Link("infrastructure.cluster.server_model", None, N),
    Link("infrastructure.cluster.gpu.tdp", None, N),
    Link("infrastructure.cluster.gpu.idle_power", None, N),
    Link("infrastructure.cluster.gpu.average_power", None, N),
    Link("infrastructure.cluster.gpu.embodied", None, N),
    Link("infrastructure.cluster.gpu.embodied_water", None, N),
    Link("infrastructure.cluster.cpu.tdp", None, N),
    Link("infrastructure.cluster.server_power", None, N),
    Link("infrastructure.cluster.server_embodied", None, N),
    Link("infrastructure.cluster.hardware_life", None, N),
    Link("infrastructure.cluster.hardware_reserved_share", None, N),
    Link("operational.end", None, N),
    Link("operational.reserved_time", None, N),
    Link("operational.gpu_hours", None, N),
    Link("operational.energy.boundary", None, N),
    Link("operational.energy.includes_pue", None, N),
    Link("operational.energy.correction", None, N),
    Link("operational.idle_energy", None, N),
    Link("operational.carbon_intensity_source", None, N),
    Link("operational.electricity_water_intensity", None, N),
    Link("operational.runs", None, N, note="one measure with the total"),
    Link("usage", None, N),
    Link("reported", None, N),
    Link("results.emissions.total", None, N, note="BoAmps has no CO2 mass field", export_only=True),
    Link("results.water.total", None, N, export_only=True),
    Link("results.compute.training_flops", None, N, export_only=True),
)

# --- DIA Report v0.1 (the dia_report block) --------------------------------------------
DIA: tuple[Link, ...] = (
    Link("model.base_model", "lineage.0.model", S),
    Link(
        "model.method",
        "lineage.0.relation",
        C,
        note="lora, qlora, adapter; full -> finetune; base_model_relation quantized or merge wins",
    ),
    Link("model.base_model_relation", "lineage.0.relation", C, note="the Hub's four values are DIA values too"),
    Link("infrastructure.cluster.gpu.model", "compute.hardware.gpu", S),
    Link("infrastructure.cluster.gpu.count", "compute.hardware.count", S),
    Link(
        "operational.gpu_hours",
        "compute.duration_gpu_hours",
        U,
        "h",
        note="else GPUs x run time; DIA's own producer writes wall-clock x every visible GPU",
    ),
    Link(
        "operational.energy.value",
        "footprint.energy_kwh.value",
        C,
        "kWh",
        note="a measurement, with its correction applied, quality measured",
    ),
    Link(
        "results.energy.facility",
        "footprint.energy_kwh.value",
        C,
        "kWh",
        note="when nothing was measured: [low, high], quality estimated-from-hardware",
        export_only=True,
    ),
    Link(
        "results.emissions.operational",
        "footprint.carbon_kgco2eq.value",
        C,
        "kgCO2e",
        note="[low, high]; quality from the energy's and the intensity's origins",
        export_only=True,
    ),
    Link(
        "results.water.onsite + results.water.offsite",
        "footprint.water_liters.value",
        C,
        "L",
        note="[low, high]; quality estimated-from-default-wue when WUE or EWIF is a default",
        export_only=True,
    ),
    Link(
        "operational.carbon_intensity",
        "context.carbon_intensity",
        C,
        "kgCO2e/kWh",
        note="kgCO2/kWh, a bare number: 1000 times smaller than g/kWh (FTD551)",
    ),
    Link(
        "infrastructure.location.cloud_region",
        "context.region",
        C,
        note="else the grid zone, else the country; unknown when none is stated",
    ),
    Link(
        "infrastructure.datacenter.wue + operational.electricity_water_intensity",
        "context.wue_l_per_kwh",
        C,
        "L/kWh",
        note="one combined on-site and off-site figure: not imported",
        export_only=True,
    ),
    Link(
        "",
        "tool",
        C,
        note="ftdisclose; on import, DIA's codecarbon and nvml give the energy's source, boundary and PUE",
    ),
    Link("results", "x-ftdisclose.results", C, note="beside dia_report in the exported JSON", export_only=True),
    Link("model.parameters", None, N),
    Link("model.training_flops", None, N),
    Link("infrastructure.datacenter.pue", None, N),
    Link("operational.energy.source", None, N, note="tool says who wrote the block"),
    Link("operational.energy.includes_pue", None, N),
    Link("operational.energy.boundary", None, N),
    Link("operational.energy.correction", None, N, note="applied to energy_kwh"),
    Link("operational.duration", None, N),
    Link("operational.start", None, N),
    Link("operational.tokens", None, N),
    Link("operational.gpu_utilization", None, N),
    Link("operational.runs", None, N),
    Link("usage", None, N),
    Link("reported", None, N),
    Link("results.emissions.embodied", None, N, note="DIA's footprint is the run's own delta", export_only=True),
    Link("results.water.embodied", None, N, export_only=True),
    Link("results.compute.training_flops", None, N, export_only=True),
)

# --- the Hub's co2_eq_emissions ---------------------------------------------------------
HUB: tuple[Link, ...] = (
    Link(
        "results.emissions.operational",
        "co2_eq_emissions.emissions",
        C,
        "gCO2e",
        note="the operational, location-based emissions the Hub asks for: central value, grams, 4 significant digits",
        export_only=True,
    ),
    Link("", "co2_eq_emissions.source", C, note="ftdisclose, its version and factor tables", export_only=True),
    Link("", "co2_eq_emissions.training_type", C, note="fine-tuning", export_only=True),
    Link("infrastructure.location", "co2_eq_emissions.geographical_location", C, note="when stated"),
    Link("infrastructure.cluster.gpu", "co2_eq_emissions.hardware_used", C, note="N x model, when stated"),
    Link("results.emissions.total", None, N, note="with the embodied share", export_only=True),
    Link("results.emissions.embodied", None, N, export_only=True),
    Link("results.energy.facility", None, N, export_only=True),
    Link("results.water.total", None, N, export_only=True),
    Link("results.compute.training_flops", None, N, export_only=True),
)


@dataclass(frozen=True)
class FormItem:
    """One item of the EU AI Act GPAI Model Documentation Form that the extract fills (or names)."""

    key: str
    item: str
    recipients: str
    unit: str
    source: str  # what ftdisclose fills it from; "" when it cannot
    note: str = ""


# Item wording follows secondary sources (the form's text was not available to check):
# see docs/howto/interop.md. Keys are the JSON keys of `export --to eu-form --format json`.
EU_FORM: tuple[FormItem, ...] = (
    FormItem("model_dependencies", "1.6 Model dependencies", "AIO, NCAs, DPs", "", "model.base_model"),
    FormItem("parameters", "Number of parameters", "AIO, NCAs, DPs", "", "model.parameters", "2 significant figures"),
    FormItem(
        "training_time_aio",
        "Training time (AIO)",
        "AIO",
        "d",
        "operational.reserved_time, operational.gpu_hours",
        "wall-clock days and hardware-days",
    ),
    FormItem(
        "training_time_nca",
        "Training time (NCAs)",
        "NCAs",
        "",
        "operational.reserved_time",
        "< 1 month, 1-3 months, 3-6 months, > 6 months",
    ),
    FormItem(
        "training_compute_aio",
        "Amount of computation used for training (AIO)",
        "AIO",
        "FLOP",
        "results.compute.training_flops",
        "2 significant figures",
    ),
    FormItem(
        "training_compute_nca",
        "Amount of computation used for training (NCAs)",
        "NCAs",
        "FLOP",
        "results.compute.training_flops",
        "order of magnitude",
    ),
    FormItem(
        "training_compute_method",
        "Measurement methodology (training computation)",
        "AIO, NCAs",
        "",
        "model.training_flops, or k x parameters x tokens",
    ),
    FormItem(
        "training_energy",
        "Amount of energy used for training",
        "AIO, NCAs",
        "MWh",
        "results.energy.facility",
        "2 significant figures, measured or estimated",
    ),
    FormItem(
        "training_energy_method",
        "Measurement methodology (training energy)",
        "AIO, NCAs",
        "",
        "operational.energy, infrastructure.datacenter.pue, factor tables",
    ),
    FormItem(
        "inference_compute",
        "Benchmarked amount of computation used for inference",
        "AIO, NCAs",
        "FLOP",
        "",
        "a disclosure holds no inference FLOP count",
    ),
    FormItem(
        "inference_compute_method",
        "Measurement methodology (inference computation)",
        "AIO, NCAs",
        "",
        "",
        "the benchmark task and hardware",
    ),
)


# --- applying links -----------------------------------------------------------------------

Path_ = tuple[str | int, ...]


def split(path: str) -> Path_:
    """``task.algorithms.0.x`` -> ("task", "algorithms", 0, "x")."""
    return tuple(int(p) if p.isdigit() else p for p in path.split("."))


def get_path(data: object, path: Path_) -> object:
    """The value at ``path`` in nested dicts and lists, or None."""
    node = data
    for part in path:
        if isinstance(part, int):
            items: list[object] = node if isinstance(node, list) else []
            if part >= len(items):
                return None
            node = items[part]
        elif isinstance(node, Mapping) and part in node:
            fields: Mapping[str, object] = node
            node = fields[part]
        else:
            return None
    return node


def set_path(data: dict[str, object], path: Path_, value: object) -> None:
    """Set ``value`` at ``path``, making the dicts and lists on the way."""
    node: list[object] | dict[str, object] = data
    for part, after in itertools.pairwise(path):
        node = _child(node, part, after)
    last = path[-1]
    if isinstance(node, list) and isinstance(last, int):
        while len(node) <= last:
            node.append(None)
        node[last] = value
    elif isinstance(node, dict) and isinstance(last, str):
        node[last] = value
    else:
        raise TypeError(f"{last!r} cannot index a {type(node).__name__}")


def _child(
    node: list[object] | dict[str, object], part: str | int, after: str | int
) -> list[object] | dict[str, object]:
    """The list (when ``after`` is an index) or dict at ``part`` of ``node``, made where it is missing."""

    def empty() -> list[object] | dict[str, object]:
        return [] if isinstance(after, int) else {}

    if isinstance(node, list) and isinstance(part, int):
        while len(node) <= part:
            node.append(empty())
        child = node[part]
    elif isinstance(node, dict) and isinstance(part, str):
        child = node.setdefault(part, empty())
    else:
        raise TypeError(f"{part!r} cannot index a {type(node).__name__}")
    if not isinstance(child, list | dict):
        raise TypeError(f"{part!r} holds {child!r}, not a list or dict")
    return child


def disclosed(disclosure: Disclosure, path: str) -> object:
    """The disclosure's value at a dotted field path, or None."""
    node: object = disclosure
    for part in path.split("."):
        node = getattr(node, part, None)
        if node is None:
            return None
    return node


def result(computation: Computation, path: str) -> Measure | None:
    """A computed result named ``results.<name>``, or None."""
    name = path.removeprefix("results.")
    return computation.results.get(Result(name)) if name in set(Result) else None


def simple(links: tuple[Link, ...]) -> Iterator[Link]:
    """The links the helpers below apply: SAME and UNIT between two plain fields."""
    return (link for link in links if link.how in (S, U) and link.theirs is not None and "[" not in link.theirs)


def export_value(link: Link, value: object) -> object:
    """Our value as the other format writes it (a bare number in its unit for UNIT links)."""
    if link.how is S:
        return number(value) if isinstance(value, float) else value
    assert link.unit is not None
    if isinstance(value, Quantity):
        return number(value.to(link.unit))
    if not isinstance(value, int | float):
        raise TypeError(f"{link.ours}: {value!r} is neither a quantity nor a number")
    return number(units.convert(float(value), link.ours_unit or "1", link.unit))


def import_value(link: Link, value: object) -> object:
    """The other format's value as a disclosure writes it (a quantity with its unit for UNIT links)."""
    if link.how is S:
        return value
    assert link.unit is not None
    if not isinstance(value, int | float):
        raise TypeError(f"{link.theirs}: {value!r} is not a number")
    if link.ours_unit is not None:
        converted = number(units.convert(float(value), link.unit, link.ours_unit))
        return round(converted) if link.ours_unit == "count" and math.isfinite(converted) else converted
    return f"{plain(value)} {link.unit}"


def plain(value: float) -> str:
    """A number of the other format as written there: whole numbers without ".0", others at full precision."""
    return str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else repr(float(value))


def number(value: float) -> int | float:
    """A float as another format writes it: 12 significant digits (no conversion noise), whole numbers as integers."""
    value = float(f"{value:.12g}")
    if value.is_integer() and abs(value) < 1e15:
        return int(value)
    return value


def not_held(links: tuple[Link, ...]) -> Iterator[Link]:
    return (link for link in links if link.how is N)


UNIT_NAMES = {"Gcount": "billions"}  # units as the docs name them


def crosswalk_rows(links: tuple[Link, ...]) -> list[tuple[str, str, str, str]]:
    """(ours, theirs, how, note) rows for the docs page, in table order."""
    rows = []
    for link in links:
        how = str(link.how)
        if link.how is U:
            how = f"number in {UNIT_NAMES.get(link.unit or '', link.unit)}"
        elif link.unit and link.how is C:
            how = f"converted ({link.unit})"
        if link.export_only:
            how += ", export only"
        rows.append((link.ours or "(ftdisclose)", link.theirs or "", how, link.note))
    return rows
