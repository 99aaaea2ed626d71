"""A disclosure and its computation as a Boavizta BoAmps 1.1.0 report (``export --to boamps``).

BoAmps (github.com/Boavizta/BoAmps, CC BY 4.0) is an energy *measurement* report: one
energy per measure (``powerConsumption``, in kWh despite the name), the task, the
algorithm and data, the infrastructure's components and the environment. It holds no
emissions, water, PUE, embodied impact, FLOP count or ranges; each of these that the
disclosure states is reported (FTD542), and ftdisclose's results with their ranges are
written under ``x-ftdisclose``, which BoAmps readers ignore.

What this writes, beyond the fields ``crosswalk.BOAMPS`` maps one to one:

- the measured energy as measured, or, when nothing was measured, the modelled IT
  energy with ``measurementMethod: ftdisclose-estimate`` and a ``quality`` from the width
  of its range;
- ``taskFamily`` and the dataset's ``dataType``, which BoAmps requires and a disclosure
  does not state, from ``--task-family`` / ``--data-type`` or the card's ``pipeline_tag``
  (a dataset item of type ``token`` carries the token count and needs no data type);
- components: the GPUs, CPUs (sockets, marked so) and memory the disclosure states;
- the country as a name, as every BoAmps producer writes it; time stamps with their
  UTC offset; ``formatVersion: "1.1.0"`` and the schema's commit.

Every report is validated against BoAmps' own schemas (``main`` and the 1.1.0 release)
before it is returned.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from ftdisclose._version import __version__
from ftdisclose.engine.compute import Result
from ftdisclose.findings import Code, Finding, make
from ftdisclose.integrations import crosswalk as cw
from ftdisclose.integrations.boamps_terms import PIPELINE_DATA_TYPES
from ftdisclose.integrations.interop import (
    EXTENSION_KEY,
    Export,
    Source,
    apply_links,
    country_name,
    energy_is_measured,
    needs,
    not_held,
    report_time,
    results_extension,
)
from ftdisclose.integrations.schemas import BOAMPS_SPEC_URI, Schema, check
from ftdisclose.spec.inputs import Name

TARGET = "BoAmps"
FORMAT_VERSION = "1.1.0"
MODELLED_METHOD = "ftdisclose-estimate"
SOCKETS_KEY = "x-ftdisclose-counts"  # on a cpu component: its nbComponent counts sockets

# operational.energy.source -> BoAmps measurementMethod, and back (with other producers' words)
SOURCE_METHODS: dict[str, str] = {
    "codecarbon": "codecarbon",
    "nvml": "nvml",
    "wall-meter": "wattmeter",
    "provider": "provider metrics",
    "other": "other",
}
METHOD_SOURCES: dict[str, str] = {
    **{method: source for source, method in SOURCE_METHODS.items()},
    "nvidia-smi": "nvml",
    "azure metrics": "provider",
    "ovh metrics": "provider",
    "aws metrics": "provider",
    "gcp metrics": "provider",
}
# runs[].stage -> BoAmps taskStage words ("add a + between stages if several")
STAGES: dict[str, str] = {
    "train": "finetuning",
    "hpo": "finetuning",
    "eval": "inference",
    "data-generation": "datacreation",
}
# model.method -> algorithm optimizer (BoAmps lists LoRA among optimizers); the others have no word there
OPTIMIZERS: dict[str, str] = {"lora": "lora", "qlora": "qlora"}
# quality from the relative half-width of the modelled energy's range (BoAmps: +/-10%, 25%, 50%)
QUALITY: tuple[tuple[float, str], ...] = ((0.10, "high"), (0.25, "medium"))
CLOUD_INFRA = "publicCloud"
ON_PREMISES = ("on-premises", "on-premise", "onpremises", "onprem", "on-prem", "local")


def pipeline_tag(front: Mapping[str, Any]) -> str | None:
    tag = front.get("pipeline_tag")
    return tag.strip() if isinstance(tag, str) and tag.strip() else None


def task_family_of(tag: str) -> str:
    """A Hub pipeline_tag as BoAmps writes a task family: "text-generation" -> "text generation"."""
    return tag.replace("-", " ")


def data_type_of(tag: str) -> str:
    return next(kind for prefix, kind in PIPELINE_DATA_TYPES if tag.startswith(prefix))


def export_boamps(src: Source, *, task_family: str | None = None, data_type: str | None = None) -> Export:
    """The BoAmps report of a computed disclosure, or None with the findings that say why not."""
    tag = pipeline_tag(src.front)
    family = task_family or (task_family_of(tag) if tag else None)
    kind = data_type or (data_type_of(tag) if tag else None)
    energy = _energy(src)
    missing = _missing(src, family, kind, energy)
    if missing:
        return Export(None, missing)
    assert family is not None and energy is not None
    report: dict[str, Any] = {"header": _header(src), "task": _task(src, family, kind)}
    report["measures"] = [energy]
    start = src.disclosure.operational.start if src.disclosure.operational else None
    if start is not None:  # BoAmps' "YYYY-MM-DD HH:MM:SS", with the UTC offset kept
        energy["measurementDateTime"] = start.isoformat(sep=" ", timespec="seconds")
    report["infrastructure"] = _infrastructure(src)
    apply_links(src, cw.BOAMPS, report)
    found = _environment(src, report)
    if energy["measurementMethod"] == MODELLED_METHOD:
        report["quality"] = _quality(src)
    report[EXTENSION_KEY] = results_extension(src)
    found += _samples_note(src, kind)
    found += _components_note(src)
    found += not_held(src, cw.BOAMPS, TARGET, extension=True)
    return _checked(src, report, found)


def _missing(src: Source, family: str | None, kind: str | None, energy: dict[str, Any] | None) -> list[Finding]:
    found = []
    if family is None:
        found.append(
            needs(
                "BoAmps requires task.taskFamily (e.g. text generation), which a disclosure does not state",
                src.where(""),
                "pass --task-family, or export from a model card with a pipeline_tag",
            )
        )
    if kind is None and src.tokens() is None:
        found.append(
            needs(
                "BoAmps requires the dataset's dataType (text, image, audio, tabular, ...), which a disclosure does "
                "not state",
                src.where("operational"),
                "pass --data-type, or export from a model card with a pipeline_tag, or disclose operational.tokens",
            )
        )
    if energy is None:
        reason = src.computation.missing.get(Result.ENERGY_IT, "not computed")
        found.append(
            needs(
                f"BoAmps requires an energy (measures.powerConsumption); the energy is not computed: {reason}",
                src.where("operational"),
                "disclose operational.energy, or what gives the run time",
            )
        )
    return found


def _header(src: Source) -> dict[str, Any]:
    # the same disclosure and ftdisclose version give the same report id
    digest = src.document.text + "\n" + str(sorted((str(k), v.mid) for k, v in src.computation.results.items()))
    return {
        "formatVersion": FORMAT_VERSION,
        "formatVersionSpecificationUri": BOAMPS_SPEC_URI,
        "reportId": str(uuid.uuid5(uuid.NAMESPACE_URL, "ftdisclose:" + digest)),
        "reportDatetime": report_time().strftime("%Y-%m-%d %H:%M:%S"),
    }


def _stage(src: Source) -> str:
    op = src.disclosure.operational
    stages = [run.stage for run in (op.runs or []) if run.stage] if op is not None else []
    words = list(dict.fromkeys(STAGES[s] for s in stages if s in STAGES)) or ["finetuning"]
    return "+".join(words)


def _task(src: Source, family: str, kind: str | None) -> dict[str, Any]:
    algorithm: dict[str, Any] = {}
    method = src.disclosure.model.method
    if method in OPTIMIZERS:
        algorithm["optimizer"] = OPTIMIZERS[method]
    dataset: list[dict[str, Any]] = []
    tokens = src.tokens()
    if tokens is not None:
        dataset.append({"dataUsage": "input", "dataType": "token", "dataQuantity": tokens})
    op = src.disclosure.operational
    if kind is not None and (tokens is None or (op is not None and op.samples is not None)):
        item: dict[str, Any] = {"dataUsage": "input", "dataType": kind}
        if op is not None and op.samples is not None:
            item["dataQuantity"] = op.samples
        dataset.append(item)
    return {"taskStage": _stage(src), "taskFamily": family, "algorithms": [algorithm], "dataset": dataset}


def _energy(src: Source) -> dict[str, Any] | None:
    """The one measure: the measurement as disclosed, else the modelled IT energy, marked so."""
    op = src.disclosure.operational
    if op is not None and op.energy is not None and energy_is_measured(src):
        method = SOURCE_METHODS.get(op.energy.source or "other", "other")
        return {"measurementMethod": method, "powerConsumption": cw.number(op.energy.value.to("kWh"))}
    it = src.result(Result.ENERGY_IT)
    if it is None:
        return None
    return {
        "measurementMethod": MODELLED_METHOD,
        "version": __version__,
        "powerConsumption": cw.number(it.to("kWh").mid),
    }


def _quality(src: Source) -> str:
    it = src.result(Result.ENERGY_IT)
    if it is None or it.mid <= 0:
        return "low"
    spread = (it.high - it.low) / 2 / it.mid
    return next((word for limit, word in QUALITY if spread <= limit), "low")


def _infrastructure(src: Source) -> dict[str, Any]:
    d = src.disclosure
    infra = d.infrastructure
    provider = infra.provider.lower() if infra is not None and infra.provider else None
    cloud = bool(infra is not None and (infra.managed_service or (infra.location and infra.location.cloud_region)))
    cloud = cloud or bool(infra and infra.cluster and infra.cluster.instance_type)
    if provider is not None and provider not in ON_PREMISES:
        out: dict[str, Any] = {"infraType": CLOUD_INFRA, "cloudProvider": infra.provider if infra else provider}
    elif cloud:
        out = {"infraType": CLOUD_INFRA}
    elif provider is not None or (infra is not None and infra.site == "workstation"):
        out = {"infraType": "onPremise"}
    else:
        out = {"infraType": "other"}
    out["components"] = _components(src)
    return out


def _components(src: Source) -> list[dict[str, Any]]:
    """The GPUs, CPUs and memory the disclosure states; the resolved GPUs when it states none."""
    out: list[dict[str, Any]] = []
    cluster = src.disclosure.infrastructure.cluster if src.disclosure.infrastructure else None
    gpu_model, gpu_count = src.stated(Name.GPU_MODEL), src.stated(Name.GPU_COUNT)
    if gpu_model is not None or gpu_count is not None or _nothing_stated(src):
        model = gpu_model or src.input(Name.GPU_MODEL)
        count = gpu_count or src.input(Name.GPU_COUNT)
        item: dict[str, Any] = {"componentType": "gpu", "nbComponent": round(count.number) if count else 1}
        gpu = cluster.gpu if cluster is not None else None
        row = src.computation.resolution.accelerator
        if gpu is not None and gpu.model:
            item["componentName"] = gpu.model
        elif row is not None and row["name"]:
            item["componentName"] = row["name"]
        elif model is not None:
            item["componentName"] = model.text
        out.append(item)
    cpu = cluster.cpu if cluster is not None else None
    if cpu is not None and (cpu.model or cpu.count):
        item = {"componentType": "cpu", "nbComponent": cpu.count or 1, SOCKETS_KEY: "sockets"}
        if cpu.model:
            item["componentName"] = cpu.model
        out.append(item)
    if cluster is not None and cluster.memory is not None:
        out.append({"componentType": "ram", "nbComponent": 1, "memorySize": cw.number(cluster.memory.to("GB"))})
    return out


def _nothing_stated(src: Source) -> bool:
    cluster = src.disclosure.infrastructure.cluster if src.disclosure.infrastructure else None
    return cluster is None or (cluster.cpu is None and cluster.memory is None)


def _components_note(src: Source) -> list[Finding]:
    if src.stated(Name.GPU_MODEL) is not None or not _nothing_stated(src):
        return []
    model = src.input(Name.GPU_MODEL)
    named = f" ({model.text}, {model.detail})" if model is not None else ""
    message = (
        f"BoAmps requires at least one component and cannot mark one as assumed: the GPU{named} is ftdisclose's "
        "default, written as a component"
    )
    return [make(Code.EXPORT_NOT_HELD, message, src.where("infrastructure"))]


def _environment(src: Source, report: dict[str, Any]) -> list[Finding]:
    """The country by name; an environment block needs one, so without a country its fields are reported."""
    country = src.place().get("country")
    env = report.get("environment")
    if country is not None:
        report["environment"] = {"country": country_name(country), **(env or {})}
        return []
    if env is None:
        return []
    del report["environment"]
    return [
        make(
            Code.EXPORT_NOT_HELD,
            f"BoAmps' environment needs a country, which the disclosure does not state: {', '.join(env)} not written",
            src.where("infrastructure.location"),
        )
    ]


def _samples_note(src: Source, kind: str | None) -> list[Finding]:
    op = src.disclosure.operational
    if kind is not None or op is None or op.samples is None:
        return []
    message = f"operational.samples = {op.samples} needs the dataset's dataType, which is not given: not written"
    return [make(Code.EXPORT_NOT_HELD, message, src.where("operational.samples"), hint="pass --data-type to write it")]


def _checked(src: Source, report: dict[str, Any], found: list[Finding]) -> Export:
    errors = check(report, Schema.BOAMPS)
    if errors:
        for error in errors:
            where = ".".join(str(p) for p in error.path) or "(report)"
            found.append(make(Code.EXPORT_SCHEMA, f"{where}: {error.message}", src.where("")))
        return Export(None, found)
    for error in check(report, Schema.BOAMPS_RELEASE):
        where = ".".join(str(p) for p in error.path)
        message = f"{where}: {error.message} under the 1.1.0 release schema (valid under BoAmps main)"
        found.append(make(Code.EXPORT_NOT_HELD, message, src.where("infrastructure.cluster.memory")))
    return Export(report, found)
