"""A BoAmps 1.1.0 report -> a spec-1.1 disclosure (``import boamps``).

Fields that ``crosswalk.BOAMPS`` maps one to one are read through it; the rest here:

- the energy: one measure's ``powerConsumption`` (kWh) is the measured energy (several
  are summed and said to be, since nothing tells whether they cover different
  components); ftdisclose's own ``ftdisclose-estimate`` is a stated figure
  (``reported.energy``), never a measurement. Whether it includes PUE is not said
  (FTD549): ``includes_pue`` is left out.
- date-times without a zone are not placed on a clock (FTD546), unless ``--timezone``
  says whose clock it was; CodeCarbon writes the *end* of the run where BoAmps wants the
  start, and the start is then the end minus the duration.
- components: the GPU name's embedded "8 x " is dropped (and checked against
  ``nbComponent``); a CPU's ``nbComponent`` counts cores or threads, never sockets,
  unless the report is ftdisclose's own (FTD548); memory is ``memorySize x nbComponent``.
- the country: a name in any case -> its ISO code (FTD547); ``environment.location`` is
  a cloud region or grid zone when the tables know it.

Everything else the report holds is kept under ``x-ftdisclose-import`` and named in a
finding at its line (FTD546); schema violations are FTD545. Nothing raises for bad input.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import Path
from typing import Any

from ftdisclose.findings import Code, make
from ftdisclose.integrations import crosswalk as cw
from ftdisclose.integrations.boamps import METHOD_SOURCES, MODELLED_METHOD, OPTIMIZERS, SOCKETS_KEY
from ftdisclose.integrations.codecarbon import ImportResult, parse_gpu_model
from ftdisclose.integrations.crosswalk import Path_, get_path
from ftdisclose.integrations.interop import (
    EXTENSION_KEY,
    Importing,
    country_code,
    import_links,
    is_number,
    leftovers,
    parse_time,
    region_place,
    zone_known,
)
from ftdisclose.integrations.schemas import Schema, check
from ftdisclose.io.loader import Document, loads

PROVIDERS = {"google": "gcp", "google cloud": "gcp", "gcp": "gcp", "amazon": "aws", "microsoft": "azure"}
TRAINING_STAGES = ("finetuning", "training", "retraining", "fine-tuning")
_HUB_URI = re.compile(r"^https?://huggingface\.co/([^/\s]+/[^/\s?#]+)/?$")


def import_boamps(path: Path, *, model_name: str | None = None, timezone: dt.tzinfo | None = None) -> ImportResult:
    """Read one BoAmps report (JSON) into a disclosure; every problem of the file is a finding."""
    name = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return ImportResult({}, [make(Code.UNREADABLE, exc.strerror or str(exc), Document(name, "json").where())])
    return import_boamps_text(raw, name, model_name=model_name, timezone=timezone)


def import_boamps_text(
    raw: bytes | str, name: str, *, model_name: str | None = None, timezone: dt.tzinfo | None = None
) -> ImportResult:
    doc = loads(raw, name, "json")
    if doc.data is None or any(f.severity.value == "error" for f in doc.findings):
        return ImportResult({}, list(doc.findings))
    if not isinstance(doc.data, dict):
        message = f"a BoAmps report is a JSON object, not a {type(doc.data).__name__}"
        return ImportResult({}, [*doc.findings, make(Code.IMPORT_SCHEMA, message, doc.where())])
    report: dict[str, Any] = doc.data
    imp = Importing(doc)
    imp.findings.extend(doc.findings)
    used: set[Path_] = {(EXTENSION_KEY,)}
    for error in check(report, Schema.BOAMPS):
        imp.add(Code.IMPORT_SCHEMA, f"BoAmps schema: {error.message}", error.path)
    import_links(imp, cw.BOAMPS, report, used)
    _model(imp, report, used, model_name, name)
    _task(imp, report, used)
    _measures(imp, report, used, timezone)
    _infrastructure(imp, report, used)
    _environment(imp, report, used)
    leftovers(imp, report, (), used)
    if "operational" not in imp.data and "reported" not in imp.data:
        imp.add(Code.IMPORT_SCHEMA, "the report has no energy that can be read: no disclosure is written", ())
        return ImportResult({}, imp.findings)
    return ImportResult(imp.done("boamps", name), imp.findings)


def _model(imp: Importing, report: dict[str, Any], used: set[Path_], model_name: str | None, file: str) -> None:
    if model_name:
        imp.put("model.name", model_name)
    elif "name" not in imp.data.get("model", {}):
        stem = Path(file).stem or "imported-model"
        imp.put("model.name", stem)
        imp.add(Code.IMPORT_MODEL_NAME, f"model.name is the file name {stem!r}", ("task",))
    algorithms = get_path(report, ("task", "algorithms"))
    first = algorithms[0] if isinstance(algorithms, list) and algorithms and isinstance(algorithms[0], dict) else {}
    uri = first.get("foundationModelUri")
    match = _HUB_URI.match(uri.strip()) if isinstance(uri, str) else None
    if match is not None:
        used.add(("task", "algorithms", 0, "foundationModelUri"))
        named = imp.data.get("model", {}).get("base_model")
        if named is not None and named != match.group(1):
            imp.kept["task.algorithms.0.foundationModelName"] = named
        imp.put("model.base_model", match.group(1))
    optimizer = first.get("optimizer")
    if isinstance(optimizer, str) and optimizer.strip().lower() in OPTIMIZERS:
        used.add(("task", "algorithms", 0, "optimizer"))
        imp.put("model.method", OPTIMIZERS[optimizer.strip().lower()])
    if isinstance(algorithms, list) and len(algorithms) > 1:
        imp.keep(("task", "algorithms", 1), algorithms[1:], "the report lists several algorithms; the first is read")
        used.add(("task", "algorithms", 1))


def _task(imp: Importing, report: dict[str, Any], used: set[Path_]) -> None:
    stage = get_path(report, ("task", "taskStage"))
    if isinstance(stage, str):
        used.add(("task", "taskStage"))
        words = [w.strip().lower() for w in stage.split("+")]
        if not any(w in TRAINING_STAGES for w in words):
            imp.keep(
                ("task", "taskStage"),
                stage,
                f"the report measures {stage!r}, not a fine-tune; its energy is imported as the run's",
            )
    dataset = get_path(report, ("task", "dataset"))
    if not isinstance(dataset, list):
        return
    tokens = 0
    for index, item in enumerate(dataset):
        if not isinstance(item, dict) or item.get("dataUsage") != "input" or not is_number(item.get("dataQuantity")):
            continue
        quantity = item["dataQuantity"]
        if item.get("dataType") == "token" and float(quantity).is_integer():
            tokens += int(quantity)
            used.update({("task", "dataset", index, k) for k in ("dataUsage", "dataType", "dataQuantity")})
        elif "samples" not in imp.data.get("operational", {}) and float(quantity).is_integer():
            imp.put("operational.samples", int(quantity))
            used.update({("task", "dataset", index, k) for k in ("dataUsage", "dataQuantity")})
    if tokens:
        imp.put("operational.tokens", tokens)


def _measures(imp: Importing, report: dict[str, Any], used: set[Path_], zone: dt.tzinfo | None) -> None:
    measures = report.get("measures")
    if not isinstance(measures, list):
        return
    readable = [(i, m) for i, m in enumerate(measures) if isinstance(m, dict) and is_number(m.get("powerConsumption"))]
    if not readable:
        return
    total = math.fsum(float(m["powerConsumption"]) for _, m in readable)
    methods = {str(m.get("measurementMethod", "")).strip().lower() for _, m in readable}
    for index, _ in readable:
        used.update({("measures", index, "powerConsumption"), ("measures", index, "measurementMethod")})
    quantity = f"{cw.plain(total)} kWh"
    if methods == {MODELLED_METHOD}:
        imp.put("reported.energy", quantity)
        used.add(("measures", 0, "version"))
    else:
        source = METHOD_SOURCES.get(methods.pop(), "other") if len(methods) == 1 else "other"
        imp.put("operational.energy", {"value": quantity, "source": source})
        _pue_note(imp, source)
    if len(readable) > 1:
        imp.add(
            Code.IMPORT_LOSS,
            f"{len(readable)} measures summed to {quantity}: BoAmps does not say whether they cover different "
            "components; if they overlap, the sum counts energy twice",
            ("measures",),
        )
    _start(imp, report, readable[0][1], zone, used)


def _pue_note(imp: Importing, source: str) -> None:
    detail = (
        "CodeCarbon's exporter multiplies the energy by its pue setting (default 1.0) and does not say so"
        if source == "codecarbon"
        else "BoAmps has no field that says so"
    )
    imp.add(
        Code.IMPORT_PUE_UNKNOWN,
        f"whether powerConsumption includes the datacenter's PUE is not stated ({detail}); includes_pue is left "
        "out, so ftdisclose reads it as IT energy and applies a PUE",
        ("measures", 0, "powerConsumption"),
    )


def _start(
    imp: Importing, report: dict[str, Any], measure: dict[str, Any], zone: dt.tzinfo | None, used: set[Path_]
) -> None:
    """operational.start from measurementDateTime: with a zone (its own or --timezone), else kept."""
    text = measure.get("measurementDateTime")
    path: Path_ = ("measures", 0, "measurementDateTime")
    if not isinstance(text, str):
        return
    used.add(path)
    moment = parse_time(text)
    if moment is None:
        imp.keep(path, text, f"{text!r} is not a date-time")
        return
    if moment.tzinfo is None and zone is None:
        imp.keep(path, text, f"{text!r} has no time zone, so the run cannot be placed on the grid's clock")
        return
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    stop_time = str(measure.get("measurementMethod", "")).lower() == "codecarbon" and text == get_path(
        report, ("header", "reportDatetime")
    )
    seconds = measure.get("measurementDuration")
    if stop_time and is_number(seconds):
        moment -= dt.timedelta(seconds=float(seconds))
        imp.add(
            Code.IMPORT_LOSS,
            f"CodeCarbon writes the end of the run in measurementDateTime ({text}); the start is that minus "
            f"measurementDuration",
            path,
        )
    imp.put("operational.start", moment.isoformat().replace("+00:00", "Z"))


def _infrastructure(imp: Importing, report: dict[str, Any], used: set[Path_]) -> None:
    infra = report.get("infrastructure")
    if not isinstance(infra, dict):
        return
    kind, provider = infra.get("infraType"), infra.get("cloudProvider")
    if isinstance(provider, str) and provider.strip():
        used.update({("infrastructure", "cloudProvider"), ("infrastructure", "infraType")})
        imp.put("infrastructure.provider", PROVIDERS.get(provider.strip().lower(), provider.strip().lower()))
    elif kind == "onPremise":
        used.add(("infrastructure", "infraType"))
        imp.put("infrastructure.provider", "on-premises")
    components = infra.get("components")
    if isinstance(components, list):
        _components(imp, components, used)


def _components(imp: Importing, components: list[Any], used: set[Path_]) -> None:
    seen: set[str] = set()
    for index, item in enumerate(components):
        if not isinstance(item, dict):
            continue
        kind = str(item.get("componentType", "")).strip().lower()
        path: Path_ = ("infrastructure", "components", index)
        if kind in seen or kind not in ("gpu", "cpu", "ram"):
            continue
        seen.add(kind)
        used.add((*path, "componentType"))
        {"gpu": _gpu, "cpu": _cpu, "ram": _ram}[kind](imp, item, path, used)


def _gpu(imp: Importing, item: dict[str, Any], path: Path_, used: set[Path_]) -> None:
    name, count = item.get("componentName"), item.get("nbComponent")
    if isinstance(count, int) and not isinstance(count, bool) and count >= 1:
        used.add((*path, "nbComponent"))
        imp.put("infrastructure.cluster.gpu.count", count)
    if not isinstance(name, str) or not name.strip():
        return
    used.add((*path, "componentName"))
    parts = parse_gpu_model(name)
    if len(parts) > 1:
        imp.keep((*path, "componentName"), name, "several GPU models in one component; the first is read")
    model, embedded = parts[0] if parts else (name.strip(), None)
    imp.put("infrastructure.cluster.gpu.model", model)
    if embedded is not None and isinstance(count, int) and embedded != count:
        imp.add(
            Code.IMPORT_LOSS,
            f"componentName says {embedded} GPUs but nbComponent says {count}; nbComponent is read",
            (*path, "nbComponent"),
        )


def _cpu(imp: Importing, item: dict[str, Any], path: Path_, used: set[Path_]) -> None:
    name, count = item.get("componentName"), item.get("nbComponent")
    if isinstance(name, str) and name.strip():
        used.add((*path, "componentName"))
        imp.put("infrastructure.cluster.cpu.model", name.strip())
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        return
    used.add((*path, "nbComponent"))
    if item.get(SOCKETS_KEY) == "sockets":
        used.add((*path, SOCKETS_KEY))
        imp.put("infrastructure.cluster.cpu.count", count)
        return
    imp.keep(
        (*path, "nbComponent"),
        count,
        f"nbComponent {count} counts cores or threads (BoAmps does not say which), not sockets: cpu.count is left out",
        code=Code.IMPORT_CPU_COUNT,
    )


def _ram(imp: Importing, item: dict[str, Any], path: Path_, used: set[Path_]) -> None:
    size, count = item.get("memorySize"), item.get("nbComponent", 1)
    if not is_number(size) or not is_number(count):
        return
    used.update({(*path, "memorySize"), (*path, "nbComponent")})
    imp.put("infrastructure.cluster.memory", f"{cw.plain(float(size) * float(count))} GB")


def _environment(imp: Importing, report: dict[str, Any], used: set[Path_]) -> None:
    env = report.get("environment")
    if not isinstance(env, dict):
        return
    country = env.get("country")
    if isinstance(country, str) and country.strip():
        used.add(("environment", "country"))
        code = country_code(country)
        if code is None:
            imp.keep(("environment", "country"), country, f"{country!r} is not a country ftdisclose knows")
        else:
            imp.put("infrastructure.location.country", code)
            if country.strip().upper() != code:
                imp.add(
                    Code.IMPORT_COUNTRY_NAME, f"{country!r} read as the ISO code {code}", ("environment", "country")
                )
    _location(imp, env, used)
    if "carbon_intensity" in imp.data.get("operational", {}):
        imp.put("operational.carbon_intensity_source", "BoAmps report, environment.powerSourceCarbonIntensity")


def _location(imp: Importing, env: dict[str, Any], used: set[Path_]) -> None:
    """environment.location as a cloud region or a grid zone the tables know; free text otherwise."""
    location = imp.data.get("infrastructure", {}).get("location", {}).get("cloud_region")
    if not isinstance(location, str):
        return
    infra = imp.data["infrastructure"]
    place = region_place(location, infra.get("provider"))
    if place is not None:
        infra.setdefault("provider", place[0])
        infra["location"]["cloud_region"] = place[1]
        return
    del infra["location"]["cloud_region"]
    if zone_known(location):
        infra["location"]["grid_zone"] = location
        return
    if not infra["location"]:
        del infra["location"]
    used.discard(("environment", "location"))
