"""A DIA ``dia_report`` block -> a spec-1.1 disclosure (``import dia``).

The block is read from a model card's front matter (``README.md``), from a YAML or JSON
file that holds ``dia_report`` (as ``export --to dia`` writes it), or from a file that is
the block itself. What each figure becomes depends on its quality tag:

- ``energy_kwh`` measured -> ``operational.energy`` (a source and boundary from ``tool``:
  DIA's CodeCarbon path measures GPU, CPU and RAM with CodeCarbon's PUE, default 1; its
  NVML path the GPUs, times DIA's PUE of 1.1); estimated -> ``reported.energy``;
- ``carbon_kgco2eq`` and ``water_liters`` -> ``reported.emissions`` and ``reported.water``,
  except DIA's defaults (``imputed``, ``unavailable``, and water from DIA's default WUE);
- an interval is reported at its middle, and said to be (FTD546);
- ``context.carbon_intensity``, kgCO2/kWh -> g/kWh through ``ftdisclose.units``; 2 or
  more was written in g/kWh (FTD551) and is read as such; a regional estimate (carbon
  quality ``estimated-from-region``, e.g. DIA's default 0.40) is not the run's intensity
  and is kept aside.

Every other field is kept under ``x-ftdisclose-import`` with a finding at its line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ftdisclose import units
from ftdisclose.engine.quantity import Measure
from ftdisclose.findings import Code, Severity, make
from ftdisclose.integrations import crosswalk as cw
from ftdisclose.integrations.codecarbon import ImportResult
from ftdisclose.integrations.crosswalk import Path_, get_path
from ftdisclose.integrations.dia import (
    DIA_KEY,
    DIA_VERSION,
    INTENSITY_UNIT,
    PRODUCER_TOOLS,
    VERSION_KEY,
    intensity_in_grams,
    interval,
    unit_findings,
)
from ftdisclose.integrations.interop import (
    EXTENSION_KEY,
    Importing,
    country_code,
    import_links,
    leftovers,
    region_place,
    zone_known,
)
from ftdisclose.integrations.schemas import Schema, check
from ftdisclose.io.loader import SUFFIXES, Document, loads

HUB_RELATIONS = ("adapter", "finetune", "quantized", "merge")
# DIA relation -> (model.method, model.base_model_relation)
RELATIONS: dict[str, tuple[str | None, str | None]] = {
    "lora": ("lora", "adapter"),
    "qlora": ("qlora", "adapter"),
    "adapter": (None, "adapter"),
    "finetune": (None, "finetune"),
    "quantized": (None, "quantized"),
    "merge": (None, "merge"),
}
# tool -> (energy source, boundary, includes PUE)
TOOLS: dict[str, tuple[str, list[str], bool | None]] = {
    "codecarbon": ("codecarbon", ["gpu", "cpu", "ram"], None),
    "nvml": ("nvml", ["gpu"], True),
}
NOT_THE_RUNS = ("imputed", "unavailable")
REPORTED = {"energy_kwh": "energy", "carbon_kgco2eq": "emissions", "water_liters": "water"}


def import_dia(path: Path, *, model_name: str | None = None) -> ImportResult:
    """Read a DIA block (a card, a file holding dia_report, or the block) into a disclosure."""
    name = str(path)
    kind = SUFFIXES.get(path.suffix.lower(), "yaml")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return ImportResult({}, [make(Code.UNREADABLE, exc.strerror or str(exc), Document(name, kind).where())])
    return import_dia_text(raw, name, kind, model_name=model_name)


def import_dia_text(raw: bytes | str, name: str, kind: str, *, model_name: str | None = None) -> ImportResult:
    doc = loads(raw, name, kind)
    top = doc.front_matter if kind == "card" else doc.data
    if any(f.severity is Severity.ERROR for f in doc.findings) or not isinstance(top, dict):
        message = "no dia_report block: the file is not a mapping" if not doc.findings else None
        extra = [make(Code.IMPORT_SCHEMA, message, doc.where())] if message else []
        return ImportResult({}, [*doc.findings, *extra])
    root: Path_ = (DIA_KEY,) if DIA_KEY in top else ()
    block = top.get(DIA_KEY, top if kind != "card" else None)
    if not isinstance(block, dict):
        return ImportResult({}, [*doc.findings, make(Code.IMPORT_SCHEMA, "no dia_report block", doc.where())])
    imp = Importing(doc, root)
    imp.findings.extend(doc.findings)
    _version(imp, top)
    for error in check(block, Schema.DIA):
        imp.add(Code.IMPORT_SCHEMA, f"DIA Report v0.1: {error.message}", error.path)
    imp.findings.extend(unit_findings(block, imp.locate))
    used: set[Path_] = {("scope",), ("tool",), (EXTENSION_KEY,)}
    _model(imp, block, top, model_name, used)
    _compute(imp, block, used)
    _footprint(imp, block, used)
    _context(imp, block, used)
    leftovers(imp, block, (), used)
    if block.get("tool") is not None:
        imp.kept["tool"] = block["tool"]
    return ImportResult(imp.done("dia", name), imp.findings)


def _version(imp: Importing, top: dict[str, Any]) -> None:
    version = top.get(VERSION_KEY)
    if version is not None and str(version) != DIA_VERSION:
        imp.findings.append(
            make(Code.IMPORT_SCHEMA, f"{VERSION_KEY} {version!r}: read as DIA Report {DIA_VERSION}", imp.where(()))
        )


def _model(imp: Importing, block: dict[str, Any], top: dict[str, Any], name: str | None, used: set[Path_]) -> None:
    if name:
        imp.put("model.name", name)
    else:
        path = Path(imp.doc.file)
        stem = path.parent.name if path.stem.lower() == "readme" and path.parent.name else path.stem
        imp.put("model.name", stem or "imported-model")
        imp.add(Code.IMPORT_MODEL_NAME, f"model.name is the file's name {stem!r}", ())
    lineage = block.get("lineage")
    first = lineage[0] if isinstance(lineage, list) and lineage and isinstance(lineage[0], dict) else None
    if first is None:
        _hub_lineage(imp, top)
        return
    if isinstance(first.get("model"), str):
        imp.put("model.base_model", first["model"], ("lineage", 0, "model"))
        used.add(("lineage", 0, "model"))
    relation = first.get("relation", "finetune")
    if isinstance(relation, str) and relation in RELATIONS:
        used.add(("lineage", 0, "relation"))
        method, hub = RELATIONS[relation]
        if method is not None:
            imp.put("model.method", method)
        if hub is not None:
            imp.put("model.base_model_relation", hub)
    if isinstance(lineage, list) and len(lineage) > 1:
        imp.keep(("lineage", 1), lineage[1:], "a disclosure names one base model; the first is read")
        used.add(("lineage", 1))


def _hub_lineage(imp: Importing, top: dict[str, Any]) -> None:
    """No lineage in the block: the card's own base_model and base_model_relation, as DIA's parser does."""
    base, relation = top.get("base_model"), top.get("base_model_relation")
    if isinstance(base, str) and base.strip():
        imp.put("model.base_model", base.strip())
        if relation in HUB_RELATIONS:
            imp.put("model.base_model_relation", relation)


def _compute(imp: Importing, block: dict[str, Any], used: set[Path_]) -> None:
    gpu = get_path(block, ("compute", "hardware", "gpu"))
    count = get_path(block, ("compute", "hardware", "count"))
    path: Path_ = ("compute", "hardware", "gpu")
    if isinstance(gpu, str) and (gpu.startswith("cpu-") or gpu == "apple-silicon-mps"):
        imp.keep(path, gpu, f"{gpu!r} is DIA's name for a run without a CUDA GPU")
        used.update({path, ("compute", "hardware", "count")})
    import_links(imp, cw.DIA, block, used, under="compute.")
    hours = get_path(block, ("compute", "duration_gpu_hours"))
    if block.get("tool") in PRODUCER_TOOLS and (count is not None or hours is not None):
        imp.add(
            Code.IMPORT_LOSS,
            "DIA's producer counts every GPU visible on the host and writes wall-clock hours x that count: "
            "gpu.count and gpu_hours may exceed what the run used",
            ("compute",),
        )


def _footprint(imp: Importing, block: dict[str, Any], used: set[Path_]) -> None:
    footprint = block.get("footprint")
    if not isinstance(footprint, dict):
        return
    tool = block.get("tool")
    for key, field in REPORTED.items():
        metric = footprint.get(key)
        path: Path_ = ("footprint", key)
        span = interval(metric.get("value")) if isinstance(metric, dict) else None
        if span is None or not isinstance(metric, dict):
            continue
        used.update({path})
        quality = metric.get("quality")
        if quality in NOT_THE_RUNS or (key == "water_liters" and quality == "estimated-from-default-wue"):
            imp.keep(path, metric, f"quality {quality}: a DIA default, not a figure of the run")
            continue
        unit = {"energy_kwh": "kWh", "carbon_kgco2eq": "kgCO2e", "water_liters": "L"}[key]
        value = f"{cw.plain((span[0] + span[1]) / 2)} {unit}"
        if span[0] != span[1]:
            imp.add(Code.IMPORT_LOSS, f"the interval {list(span)} is read as its middle, {value}", (*path, "value"))
        if key == "energy_kwh" and quality == "measured":
            _measured(imp, value, tool, (*path, "value"))
        else:
            imp.put(f"reported.{field}", value, (*path, "value"))


def _measured(imp: Importing, value: str, tool: Any, path: Path_) -> None:
    source, boundary, includes_pue = TOOLS.get(str(tool), ("other", None, None))
    energy: dict[str, Any] = {"value": value, "source": source}
    if boundary:
        energy["boundary"] = boundary
    if includes_pue is not None:
        energy["includes_pue"] = includes_pue
    imp.put("operational.energy", energy, path)
    detail = {
        "codecarbon": "DIA's CodeCarbon path multiplies by CodeCarbon's pue, 1.0 unless it was set; "
        "includes_pue is left out",
        "nvml": "DIA's NVML path multiplies by DIA_PUE, 1.1 unless it was set: includes_pue is true",
    }.get(str(tool), "the block does not say; includes_pue is left out")
    imp.add(Code.IMPORT_PUE_UNKNOWN, f"whether energy_kwh includes the datacenter's PUE: {detail}", path)


def _context(imp: Importing, block: dict[str, Any], used: set[Path_]) -> None:
    context = block.get("context")
    if not isinstance(context, dict):
        return
    _intensity(imp, block, context, used)
    region = context.get("region")
    if isinstance(region, str) and region.strip():
        used.add(("context", "region"))
        _region(imp, region.strip())


def _intensity(imp: Importing, block: dict[str, Any], context: dict[str, Any], used: set[Path_]) -> None:
    value = context.get("carbon_intensity")
    path: Path_ = ("context", "carbon_intensity")
    if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
        return
    used.add(path)
    unit = INTENSITY_UNIT
    if intensity_in_grams(float(value)):
        unit = "gCO2e/kWh"
        imp.add(
            Code.DIA_INTENSITY_UNIT,
            f"carbon_intensity {value:g} is in g/kWh, not DIA's kgCO2/kWh; read as {value:g} g/kWh",
            path,
            hint=f"write carbon_intensity: {units.convert(float(value), unit, INTENSITY_UNIT):.6g}",
        )
    grams = Measure.of(float(value), unit).to("gCO2e/kWh").mid
    carbon_quality = get_path(block, ("footprint", "carbon_kgco2eq", "quality"))
    if carbon_quality == "estimated-from-region":
        imp.keep(
            path, value, "a regional estimate (carbon quality estimated-from-region), not the run's grid intensity"
        )
        return
    imp.put("operational.carbon_intensity", f"{cw.plain(cw.number(grams))} g/kWh", path)
    imp.put("operational.carbon_intensity_source", "DIA report, context.carbon_intensity")


def _region(imp: Importing, region: str) -> None:
    if region.lower() == "unknown":
        return
    path: Path_ = ("context", "region")
    place = region_place(region)
    if place is not None:
        imp.put("infrastructure.provider", place[0], path)
        imp.put("infrastructure.location.cloud_region", place[1], path)
    elif len(region) == 2 and country_code(region) is not None:
        imp.put("infrastructure.location.country", country_code(region), path)
    elif zone_known(region):
        imp.put("infrastructure.location.grid_zone", region, path)
    else:
        imp.keep(path, region, f"{region!r} is not a cloud region, grid zone or country ftdisclose knows")
