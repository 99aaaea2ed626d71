"""What an import writes besides the disclosure's fields: the x-ftdisclose-import block and the YAML."""

from __future__ import annotations

from typing import Any

import yaml

from ftdisclose.integrations.codecarbon.merge import JobRun, whole_count
from ftdisclose.integrations.codecarbon.rows import EMPTY, Context, File, Run, number


def provenance(files: list[File], jobs: list[JobRun], used: list[JobRun], combine: str, ctx: Context) -> dict[str, Any]:
    runs = [r for j in used for r in j.ranks]
    block: dict[str, Any] = {
        "tool": "codecarbon",
        "combine": combine,
        "files": [{"path": f.path, "header": f.era, "rows": f.rows, "runs": len(f.runs)} for f in files],
        "rows_used": [f"{r.file}:{r.line}" for r in runs],
        "runs": [_run_record(j) for j in jobs],
    }
    versions = sorted({v for r in runs if (v := r.cells.get("codecarbon_version", "").strip())})
    if versions:
        block["codecarbon_version"] = versions
    timestamps = "local time without a zone, written at the end of each run (start = timestamp - duration)"
    block["timestamps"] = (
        f"{timestamps}; zone given: {ctx.timezone_name}" if ctx.timezone_name else f"{timestamps}; no zone given"
    )
    block["codecarbon"] = _codecarbon_extras(runs)
    block["origins"] = dict(sorted(ctx.origins.items()))
    return block


def _run_record(job: JobRun) -> dict[str, Any]:
    record: dict[str, Any] = {"name": job.name, "ranks": []}
    for run in job.ranks:
        rank: dict[str, Any] = {"file": run.file, "line": run.line, "flushes": run.flushes}
        if run.end is not None:
            rank["timestamp"] = run.end.isoformat()
        rank["duration_s"] = run.duration
        rank["energy_consumed_kwh"] = run.energy_consumed
        rank["pue"] = run.pue
        rank["energy_kwh"] = run.energy
        record["ranks"].append(rank)
    return record


def _codecarbon_extras(runs: list[Run]) -> dict[str, Any]:
    """CodeCarbon's own figures and facts without a spec field of the same meaning."""
    extras: dict[str, Any] = {}
    emissions = [e for e in (number(r.cells.get("emissions")) for r in runs) if e is not None]
    consumed = sum(r.energy_consumed for r in runs)
    if emissions:
        extras["emissions_kg"] = sum(emissions)
        if consumed > 0 and len(emissions) == len(runs):
            # CodeCarbon's intensity (its bundled yearly average unless it had a live token)
            extras["carbon_intensity_g_per_kwh"] = round(sum(emissions) * 1000 / consumed, 3)
    threads = sorted({n for r in runs if (n := whole_count(r.cells.get("cpu_count"))) is not None})
    if threads:
        # logical CPUs (psutil.cpu_count, or SLURM's NumCPUs): not the sockets that cluster.cpu.count means
        extras["cpu_threads"] = threads[0] if len(threads) == 1 else threads
    for column, key in (
        ("region", "region"),
        ("tracking_mode", "tracking_mode"),
        ("gpu_model", "gpu_model"),
        ("country_name", "country_name"),
    ):
        values = sorted({v for r in runs if (v := r.cells.get(column, "").strip()) and v.lower() not in EMPTY})
        if values:
            extras[key] = values[0] if len(values) == 1 else values
    return extras


# --- YAML output -----------------------------------------------------------------------


class _Quoted(str):
    __slots__ = ()


class _FlowList(list[Any]):
    pass


class _FlowMap(dict[str, Any]):
    pass


class _Dumper(yaml.SafeDumper):
    pass


def _represent_quoted(dumper: yaml.SafeDumper, value: _Quoted) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(value), style='"')


def _represent_flow_list(dumper: yaml.SafeDumper, value: _FlowList) -> yaml.Node:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", list(value), flow_style=True)


def _represent_flow_map(dumper: yaml.SafeDumper, value: _FlowMap) -> yaml.Node:
    return dumper.represent_mapping("tag:yaml.org,2002:map", dict(value), flow_style=True)


_Dumper.add_representer(_Quoted, _represent_quoted)
_Dumper.add_representer(_FlowList, _represent_flow_list)
_Dumper.add_representer(_FlowMap, _represent_flow_map)

_QUOTED_KEYS = {"spec_version", "factors_version", "country"}


def _styled(value: Any, key: str = "", parent: str = "") -> Any:
    if isinstance(value, dict):
        items = {k: _styled(v, k, key) for k, v in value.items()}
        flat = all(not isinstance(v, dict | list) for v in items.values())
        return _FlowMap(items) if parent == "runs" and key == "" and flat else items
    if isinstance(value, list):
        if key == "boundary":
            return _FlowList(value)
        return [_styled(v, "", key) for v in value]
    if isinstance(value, str) and key in _QUOTED_KEYS:
        return _Quoted(value)
    return value


def dump_yaml(disclosure: dict[str, Any]) -> str:
    """Readable YAML: spec_version first, country codes and versions quoted, short lists inline."""
    ordered = {"spec_version": disclosure["spec_version"]} if "spec_version" in disclosure else {}
    ordered.update((k, v) for k, v in disclosure.items() if k != "spec_version")
    text: str = yaml.dump(
        _styled(ordered), Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100
    )
    return text
