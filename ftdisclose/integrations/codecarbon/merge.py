"""Merging CodeCarbon runs: ranks side by side, runs in time order, into the disclosure's blocks."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from typing import Any

from ftdisclose.findings import Code
from ftdisclose.integrations.codecarbon.rows import COMPONENTS, EMPTY, Context, File, Run, is_blank, number, window
from ftdisclose.resources import data_root

DURATION_TOLERANCE = 0.05  # the share FTD402 allows between the duration and end - start
_GPU_PART = re.compile(r"(\d+) x ")
_VERSION_DIR = re.compile(r"^\d{4}\.\d+$")

# --- merging ---------------------------------------------------------------------------


@dataclass
class JobRun:
    """The k-th run of every file: one run of a job, its ranks side by side."""

    ranks: list[Run]

    @property
    def energy(self) -> float:
        return sum(r.energy for r in self.ranks)

    @property
    def duration(self) -> float:
        return max(r.duration for r in self.ranks)

    @property
    def name(self) -> str:
        return self.ranks[0].name


def align(files: list[File], ctx: Context) -> list[JobRun]:
    counts = [len(f.runs) for f in files if f.runs]
    if len(set(counts)) > 1:
        ctx.add(
            Code.IMPORT_MERGE_CONFLICT,
            f"the files hold different numbers of runs ({', '.join(map(str, counts))}); "
            "runs are matched by their order in time",
            file=files[0].path,
        )
    jobs: list[JobRun] = []
    for k in range(max(counts, default=0)):
        ranks = [f.runs[k] for f in files if k < len(f.runs)]
        windows = [w for w in (window(r) for r in ranks) if w is not None]
        if len(windows) > 1 and max(w[0] for w in windows) > min(w[1] for w in windows):
            ctx.add(
                Code.IMPORT_MERGE_CONFLICT,
                f"run {k + 1} of the files does not overlap in time across files; are these ranks of one job?",
                file=ranks[-1].file,
                line=ranks[-1].line,
            )
        jobs.append(JobRun(ranks))
    if len(files) > 1:
        _whole_node_gpus(files, ctx)
        _whole_machine_cpu_ram(jobs, ctx)
    return jobs


def _whole_node_gpus(files: list[File], ctx: Context) -> None:
    machine = [f for f in files if f.runs and f.runs[-1].cells.get("tracking_mode", "").strip() == "machine"]
    many = [f for f in machine if (whole_count(f.runs[-1].cells.get("gpu_count")) or 0) > 1]
    if len(many) > 1:
        ctx.add(
            Code.IMPORT_MERGE_CONFLICT,
            f"{len(many)} files were tracked in machine mode and each saw several GPUs: "
            "if they are ranks on one node, each measured the whole node and the sum counts it "
            f"{len(many)} times",
            file=many[1].path,
            line=many[1].runs[-1].line,
            path="operational.energy.value",
        )


def _whole_machine_cpu_ram(jobs: list[JobRun], ctx: Context) -> None:
    """Ranks of one run that look like one machine each counted its CPU and RAM: warn once.

    CodeCarbon measures CPU (RAPL, or TDP x load) and RAM for the whole machine in either
    tracking mode, so every process file from one machine holds the same CPU and RAM energy.
    """
    for job in jobs:
        machines: dict[tuple[str, str], list[Run]] = {}
        for run in job.ranks:
            if (run.component("cpu") or 0) > 0 or (run.component("ram") or 0) > 0:
                key = (run.cells.get("cpu_model", "").strip(), run.cells.get("ram_total_size", "").strip())
                machines.setdefault(key, []).append(run)
        same = max(machines.values(), key=len, default=[])
        if len(same) > 1:
            each = max((r.component("cpu") or 0) + (r.component("ram") or 0) for r in same)
            ctx.add(
                Code.IMPORT_MERGE_CONFLICT,
                f"{len(same)} process files of run {job.name} report the same CPU model and RAM size and each "
                f"counted CPU and RAM energy (up to {fmt(each)} kWh each): CodeCarbon measures both for the "
                f"whole machine, so if they ran on one machine the sum counts it {len(same)} times",
                file=same[1].file,
                line=same[1].line,
                path="operational.energy.value",
            )
            return


def whole_count(text: str | None) -> int | None:
    value = number(text)
    if value is None or value < 0 or abs(value - round(value)) > 1e-9:
        return None
    return round(value)


def parse_gpu_model(text: str, total: int | None = None) -> list[tuple[str, int | None]]:
    """``"4 x NVIDIA A100-SXM4-80GB"`` -> ``[("NVIDIA A100-SXM4-80GB", 4)]``.

    CodeCarbon joins ``f"{n} x {name}"`` parts with no separator, so a count can stick to
    the digits that end the previous name (``RTX 30601 x Tesla T4``). Such digit runs are
    split so that the counts add up to ``total`` (the gpu_count column) when it is known,
    else so that each count is as small as possible.
    """
    text = text.strip()
    matches = list(_GPU_PART.finditer(text))
    if not matches or matches[0].start() != 0:
        return [(text, total)] if text else []
    options: list[list[tuple[str, int]]] = []  # per boundary: (digits moved to the previous name, count)
    for i, match in enumerate(matches):
        digits = match.group(1)
        # after the first part, leading digits may end the previous name ("RTX 3060" + "1 x")
        splits = [
            (digits[:k], int(digits[k:])) for k in range(len(digits) if i > 0 else 1) if k == 0 or digits[k] != "0"
        ]
        options.append(splits)
    best: list[tuple[str, int | None]] | None = None
    for choice in itertools.product(*options):
        parts: list[tuple[str, int | None]] = []
        for i, (match, (_, count)) in enumerate(zip(matches, choice, strict=True)):
            end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
            tail = choice[i + 1][0] if i + 1 < len(matches) else ""
            parts.append(((text[match.end() : end] + tail).strip(), count))
        if total is not None and sum(c or 0 for _, c in parts) == total:
            return parts
        if best is None or sum(c or 0 for _, c in parts) < sum(c or 0 for _, c in best):
            best = parts
    assert best is not None
    return best


@cache
def iso3_to_alpha2() -> dict[str, str]:
    """ISO 3166-1 alpha-3 -> alpha-2, from the newest shipped ``countries.csv``."""
    root = data_root("factors")
    versions = sorted(
        (p.name for p in root.iterdir() if _VERSION_DIR.match(p.name)),
        key=lambda v: tuple(int(x) for x in v.split(".")),
    )
    for version in reversed(versions):
        table = root.joinpath(version).joinpath("countries.csv")
        if table.is_file():
            rows = csv.DictReader(io.StringIO(table.read_text(encoding="utf-8"), newline=""))
            return {
                r["alpha3"].strip().upper(): r["alpha2"].strip().upper()
                for r in rows
                if r.get("alpha3") and r.get("alpha2")
            }
    return {}


def zone(name: str | None) -> dt.tzinfo | None:
    """The --timezone given to import: an IANA name or UTC (ValueError, with a suggestion, otherwise)."""
    from ftdisclose.integrations.interop import time_zone

    return time_zone(name)


def iso(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def fmt(value: float) -> str:
    text = f"{value:.7g}"
    return text if "e" in text or "." not in text else text.rstrip("0").rstrip(".")


def q(value: float, unit: str) -> str:
    return f"{fmt(value)} {unit}"


def agreed(runs: list[Run], column: str, ctx: Context, path: str) -> str | None:
    """The one non-empty value the runs give for ``column``; None (and a finding) if they disagree."""
    values = {r.cells.get(column, "").strip() for r in runs} - {""}
    values = {v for v in values if v.lower() not in EMPTY}
    if len(values) > 1:
        ctx.add(
            Code.IMPORT_MERGE_CONFLICT,
            f"the runs disagree on {column} ({', '.join(sorted(values))}); {path} is left out",
            file=runs[-1].file,
            line=runs[-1].line,
            path=path,
        )
        return None
    return values.pop() if values else None


def build_infrastructure(jobs: list[JobRun], ctx: Context) -> dict[str, Any]:
    runs = [r for j in jobs for r in j.ranks]
    last = runs[-1]
    infra: dict[str, Any] = {}
    location: dict[str, Any] = {}
    iso3 = agreed(runs, "country_iso_code", ctx, "infrastructure.location.country")
    if iso3 is not None:
        alpha2 = iso3_to_alpha2().get(iso3.upper())
        if alpha2 is None:
            ctx.add(
                Code.CSV_BAD_VALUE,
                f"country_iso_code {iso3!r} is not an ISO 3166-1 alpha-3 code; the country is left out",
                file=last.file,
                line=last.line,
                path="infrastructure.location.country",
            )
        else:
            location["country"] = alpha2
            ctx.origins["infrastructure.location.country"] = "measured"
    on_cloud = agreed(runs, "on_cloud", ctx, "infrastructure.provider")
    if on_cloud == "Y":
        provider = agreed(runs, "cloud_provider", ctx, "infrastructure.provider")
        region = agreed(runs, "cloud_region", ctx, "infrastructure.location.cloud_region")
        if provider:
            infra["provider"] = provider.lower()
            ctx.origins["infrastructure.provider"] = "measured"
            if region:
                location["cloud_region"] = region
                ctx.origins["infrastructure.location.cloud_region"] = "measured"
    if location:
        infra["location"] = location
    pue = {r.pue for r in runs if r.pue_stated}
    if len(pue) == 1 and 1.0 < (value := pue.pop()) <= 5.0:
        # a PUE other than CodeCarbon's default 1 is one the user configured
        infra["datacenter"] = {"pue": value}
        ctx.origins["infrastructure.datacenter.pue"] = "disclosed"
    wue = {number(r.cells.get("wue")) for r in runs} - {None, 0.0}
    if len(wue) == 1 and (w := wue.pop()) is not None and w > 0:
        infra.setdefault("datacenter", {})["wue"] = q(w, "L/kWh")
        ctx.origins["infrastructure.datacenter.wue"] = "disclosed"
    cluster = _cluster(jobs, ctx)
    if cluster:
        infra["cluster"] = cluster
    return infra


def _gpus(job: JobRun, ctx: Context) -> tuple[Counter[str], int | None, bool]:
    """GPU models with their counts, the total count, and whether a name was split."""
    models: Counter[str] = Counter()
    total: int | None = None
    mixed = False
    for run in job.ranks:
        count = whole_count(run.cells.get("gpu_count"))
        if count is None and not is_blank(run.cells.get("gpu_count")):
            ctx.add(
                Code.CSV_BAD_VALUE,
                f"gpu_count {run.cells['gpu_count']!r} is not a count",
                file=run.file,
                line=run.line,
                path="infrastructure.cluster.gpu.count",
            )
        text = run.cells.get("gpu_model", "")
        parts = parse_gpu_model(text, count) if not is_blank(text) else []
        mixed = mixed or len(parts) > 1
        for model, n in parts:
            models[model] += n if n is not None else (count or 0)
        if count is None and parts and all(n is not None for _, n in parts):
            count = sum(n or 0 for _, n in parts)
        if count is not None:
            total = (total or 0) + count
    return models, total, mixed


def _cluster(jobs: list[JobRun], ctx: Context) -> dict[str, Any]:
    cluster: dict[str, Any] = {}
    models: Counter[str] = Counter()
    counts: list[int] = []
    mixed = False
    for job in jobs:
        job_models, total, job_mixed = _gpus(job, ctx)
        models.update(job_models)
        mixed = mixed or job_mixed or len(job_models) > 1
        if total is not None:
            counts.append(total)
    gpu: dict[str, Any] = {}
    named = [m for m in models if m]
    if named:
        top = max(named, key=lambda m: models[m])  # ties: the first named
        gpu["model"] = top
        ctx.origins["infrastructure.cluster.gpu.model"] = "derived" if mixed else "measured"
        if mixed:
            last = jobs[-1].ranks[-1]
            listing = ", ".join(f"{models[m]} x {m}" for m in named)
            ctx.add(
                Code.IMPORT_MIXED_GPUS,
                f"gpu_model names several models ({listing}); the disclosure names {top} and counts every GPU",
                file=last.file,
                line=last.line,
                path="infrastructure.cluster.gpu.model",
            )
    if counts and max(counts) > 0:
        gpu["count"] = max(counts)  # sequential runs reuse the hardware
        ctx.origins["infrastructure.cluster.gpu.count"] = "measured"
    if gpu:
        cluster["gpu"] = gpu
    runs = [r for j in jobs for r in j.ranks]
    cpu_model = agreed(runs, "cpu_model", ctx, "infrastructure.cluster.cpu.model")
    if cpu_model:
        cluster["cpu"] = {"model": cpu_model}
        ctx.origins["infrastructure.cluster.cpu.model"] = "measured"
    memory = [m for m in (number(r.cells.get("ram_total_size")) for r in runs) if m is not None and m > 0]
    if memory:
        # CodeCarbon divides bytes by 1024**3: the value is GiB under the name GB
        cluster["memory"] = q(max(memory), "GiB")
        ctx.origins["infrastructure.cluster.memory"] = "measured"
    return cluster


def localize(naive: dt.datetime, run: Run, ctx: Context) -> dt.datetime | None:
    if naive.tzinfo is not None:
        return naive
    zone = ctx.timezone
    if zone is None:
        if not ctx.warned_no_zone:
            ctx.warned_no_zone = True
            ctx.add(
                Code.IMPORT_NO_TIMEZONE,
                f"timestamp {run.cells.get('timestamp', '').strip()!r} is local time without a "
                "zone, written at the end of the run; operational.start and end are left out",
                file=run.file,
                line=run.line,
                path="operational.start",
            )
        return None
    early, late = naive.replace(tzinfo=zone, fold=0), naive.replace(tzinfo=zone, fold=1)
    if early.utcoffset() != late.utcoffset():
        ctx.add(
            Code.IMPORT_NO_TIMEZONE,
            f"timestamp {naive.isoformat()} is ambiguous or skipped in {ctx.timezone_name} "
            "(a daylight-saving change); read with the offset before the change",
            file=run.file,
            line=run.line,
            path="operational.end",
        )
    return early


def _weighted(pairs: list[tuple[float, float]]) -> float | None:
    weight = sum(w for _, w in pairs)
    if not pairs or weight <= 0:
        return None
    return sum(v * w for v, w in pairs) / weight


def _utilisation(jobs: list[JobRun], part: str, ctx: Context) -> float | None:
    pairs: list[tuple[float, float]] = []
    for run in (r for j in jobs for r in j.ranks):
        cell = run.cells.get(f"{part}_utilization_percent")
        value = number(cell)
        if value is None:
            if not is_blank(cell):
                ctx.add(
                    Code.CSV_BAD_VALUE,
                    f"{part}_utilization_percent {cell!r} is not a number",
                    file=run.file,
                    line=run.line,
                    path=f"operational.{part}_utilization",
                )
            continue
        if value <= 0 or value > 100:  # CodeCarbon writes 0 when it took no sample
            continue
        gpus = whole_count(run.cells.get("gpu_count")) if part == "gpu" else None
        pairs.append((value / 100, run.duration * (gpus or 1)))
    return _weighted(pairs)


def build_operational(jobs: list[JobRun], combine: str, ctx: Context) -> dict[str, Any]:
    runs = [r for j in jobs for r in j.ranks]
    last = runs[-1]
    op: dict[str, Any] = {}
    op.update(_times(jobs, ctx))
    duration = sum(j.duration for j in jobs)
    if duration > 0:
        op["duration"] = q(duration / 3600, "h")
        ctx.origins["operational.duration"] = "measured"
    for part in ("gpu", "cpu"):
        ratio = _utilisation(jobs, part, ctx)
        if ratio is not None:
            op[f"{part}_utilization"] = round(ratio, 4)
            ctx.origins[f"operational.{part}_utilization"] = "measured"
    energy = sum(j.energy for j in jobs)
    if energy > 0:
        measurement: dict[str, Any] = {"value": q(energy, "kWh"), "source": "codecarbon"}
        parts = [p for p in COMPONENTS if any((r.component(p) or 0) > 0 for r in runs)]
        if parts:
            measurement["boundary"] = parts
        measurement["includes_pue"] = False
        op["energy"] = measurement
        divided = any(r.pue != 1.0 for r in runs)
        ctx.origins["operational.energy.value"] = "derived" if divided else "measured"
        for key in ("source", "boundary", "includes_pue"):
            if key in measurement:
                ctx.origins[f"operational.energy.{key}"] = "derived"
        _plausibility(runs, ctx)
    else:
        ctx.add(
            Code.ENERGY_IMPLAUSIBLE,
            "energy_consumed is zero: CodeCarbon measured nothing (a GPU without an energy "
            "counter, or a run shorter than one measurement); the energy is left out",
            file=last.file,
            line=last.line,
            path="operational.energy.value",
        )
    if combine == "runs" and len(jobs) > 1:
        op["runs"] = [_run_entry(j) for j in jobs]
        ctx.origins["operational.runs"] = "measured"
    return op


def _times(jobs: list[JobRun], ctx: Context) -> dict[str, str]:
    """The earliest start and the latest end of the runs, when every run has its time and they add up.

    Several runs with idle time between them are left without start and end: end - start
    would bracket the idle time, which the duration (active time) does not hold (FTD402).
    The times of every run stay in x-ftdisclose-import.
    """
    runs = [r for j in jobs for r in j.ranks]
    ends = [(e, r) for r in runs if r.end is not None and (e := localize(r.end, r, ctx)) is not None]
    if not ends or (len(ends) < len(runs) and len(jobs) > 1):
        return {}
    end = max(e for e, _ in ends)
    start = min(e - dt.timedelta(seconds=round(r.duration)) for e, r in ends)
    active = sum(j.duration for j in jobs)
    span = (end - start).total_seconds()
    if len(jobs) > 1 and abs(span - active) > DURATION_TOLERANCE * max(span, active):
        return {}
    ctx.origins["operational.start"] = "derived"
    ctx.origins["operational.end"] = "measured"
    return {"start": iso(start.astimezone(end.tzinfo)), "end": iso(end)}


def _run_entry(job: JobRun) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": job.name}
    if job.duration > 0:
        entry["duration"] = q(job.duration / 3600, "h")
    if job.energy > 0:
        entry["energy"] = q(job.energy, "kWh")
    return entry


def _plausibility(runs: list[Run], ctx: Context) -> None:
    for run in runs:
        gpus = whole_count(run.cells.get("gpu_count")) or 0
        gpu, ram = run.component("gpu"), run.component("ram")
        if gpus > 0 and gpu == 0 and run.duration > 60:
            ctx.add(
                Code.ENERGY_IMPLAUSIBLE,
                f"{gpus} GPU(s) detected but gpu_energy is 0: the GPUs had no readable energy "
                "counter, so the energy covers CPU and RAM only",
                file=run.file,
                line=run.line,
                path="operational.energy.boundary",
            )
        elif gpus > 0 and gpu and ram and ram > gpu:
            ctx.add(
                Code.ENERGY_IMPLAUSIBLE,
                f"RAM energy ({fmt(ram)} kWh) exceeds GPU energy ({fmt(gpu)} kWh) on a GPU run: "
                "CodeCarbon counted the whole host's memory (codecarbon#629)",
                file=run.file,
                line=run.line,
                path="operational.energy.value",
            )
