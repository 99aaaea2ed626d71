"""Resolve: where the hardware stands, the server or instance, the accelerator, and how many of each.

The server is the disclosed one, the managed service's, a workstation for a workstation
site, else the smallest server or instance the tables list with that accelerator and room
for the GPUs (so a LoRA on one GPU is not charged a whole 8-GPU server). GPU counts come
from the disclosure, a server or instance count, GPU-hours over the run time, or a
prediction from the model's size and the method's memory needs; servers are the GPUs over
GPUs per server, rounded up. Power and embodied figures are in ``resolve.power``.
"""

from __future__ import annotations

import math

from ftdisclose.factors import Row, normalise_name
from ftdisclose.findings import Code
from ftdisclose.resolve.blocks import Blocks
from ftdisclose.resolve.place import run_year
from ftdisclose.resolve.record import Recorder, closest
from ftdisclose.spec.inputs import Name, Origin

WORKSTATION_SERVER = "workstation"


def default_row(rec: Recorder) -> Row | None:
    """The default-accelerator row of the year nearest the run's."""
    years = rec.factors.default_accelerator
    if not years:
        return None
    target = run_year(rec)
    return years[min(years, key=lambda y: (abs(y - target), -y))]


def default_accelerator(rec: Recorder) -> Row | None:
    row = default_row(rec)
    return rec.factors.accelerators.get(normalise_name(row["accelerator"])) if row is not None else None


def is_workstation(rec: Recorder) -> bool:
    site = rec.inputs.get(Name.SITE)
    return site is not None and site.value == "workstation"


def _server_lookup(rec: Recorder, name: str) -> Row | None:
    provider = rec.inputs.get(Name.PROVIDER)
    candidates = [f"{provider.value}/{name}", name] if provider is not None else [name]
    for candidate in candidates:
        row = rec.factors.servers.get(normalise_name(candidate))
        if row is not None:
            return row
    return None


def accelerator_lookup(rec: Recorder, name: str) -> Row | None:
    text = name.strip()
    # "4 x NVIDIA A100-SXM4-80GB", as CodeCarbon writes it
    head, sep, tail = text.partition(" x ")
    if sep and head.strip().isdigit():
        text = tail
    return rec.factors.accelerators.get(normalise_name(text))


def hardware(rec: Recorder, b: Blocks, method: str) -> None:
    """Site, server, accelerator, GPU and server counts; the rows used are kept on the recorder."""
    server = _server(rec, b)
    accel = _accelerator(rec, b, server)
    _site(rec, b, server, accel)
    if accel is not None:
        rec.rows["accelerator"] = accel
    _gpu_count(rec, b, server, accel, method)
    if server is None:
        server = _default_server(rec, b, accel)
    if server is not None:
        rec.rows["server"] = server
    _server_count(rec, b, server)


def _site(rec: Recorder, b: Blocks, server: Row | None, accel: Row | None) -> None:
    """Where the hardware stands: disclosed; a workstation for a consumer or workstation card that nothing
    places in a datacenter; else a datacenter."""
    if b.infra.site is not None:
        rec.disclosed(Name.SITE, b.infra.site)
        return
    placed = server is not None or b.infra.provider or b.infra.managed_service or b.location.cloud_region
    if accel is not None and accel["segment"] in ("consumer", "workstation") and not placed:
        detail = f"not disclosed: a {accel['segment']} card ({accel['name']}) with no datacenter, provider or server"
        rec.put(Name.SITE, "workstation", None, Origin.DERIVED, detail, derived_from=(Name.GPU_MODEL,))
        return
    rec.put(Name.SITE, "datacenter", None, Origin.DEFAULT, "not disclosed: a datacenter, where most fine-tunes run")


def _server(rec: Recorder, b: Blocks) -> Row | None:
    for attr, name_key in (("instance_type", Name.INSTANCE_TYPE), ("server_model", Name.SERVER_MODEL)):
        name = getattr(b.cluster, attr)
        if name is None:
            continue
        server = _server_lookup(rec, name)
        if server is None:
            rec.warn(
                Code.UNKNOWN_INSTANCE,
                f"{attr.replace('_', ' ')} {name!r} is not in factor version {rec.factors.version}",
                ("infrastructure", "cluster", attr),
                closest(name, rec.factors.names(rec.factors.servers)) or None,
            )
            rec.disclosed(name_key, name)
        else:
            rec.put(name_key, server["id"], None, Origin.DISCLOSED, "disclosed", row=server)
        return server
    service = rec.rows.get("service")
    if service is None:
        return None
    server = rec.factors.servers.get(normalise_name(service["server"]))
    if server is not None:
        rec.put(
            Name.INSTANCE_TYPE,
            server["id"],
            None,
            Origin.DEFAULT,
            "the instance ftdisclose assumes for infrastructure.managed_service",
            row=service,
        )
    return server


def _accelerator(rec: Recorder, b: Blocks, server: Row | None) -> Row | None:
    accel: Row | None = None
    if b.gpu.model is not None:
        accel = accelerator_lookup(rec, b.gpu.model)
        if accel is None:
            fallback = "the server's" if server is not None else f"the {run_year(rec)} default"
            rec.warn(
                Code.UNKNOWN_GPU,
                f"GPU model {b.gpu.model!r} is not in factor version {rec.factors.version}; "
                f"{fallback} accelerator is used for its power and embodied impact",
                ("infrastructure", "cluster", "gpu", "model"),
                closest(b.gpu.model, rec.factors.names(rec.factors.accelerators)) or None,
            )
        else:
            rec.put(Name.GPU_MODEL, accel["id"], None, Origin.DISCLOSED, f"disclosed as {b.gpu.model!r}", row=accel)
    if accel is None and server is not None and server["accelerator"]:
        accel = rec.factors.accelerators.get(normalise_name(server["accelerator"]))
        if accel is not None:
            detail = "the accelerator of the server or instance"
            rec.put(Name.GPU_MODEL, accel["id"], None, Origin.DERIVED, detail, row=server)
    year_row = default_row(rec)
    if accel is None and year_row is not None:
        accel = rec.factors.accelerators.get(normalise_name(year_row["accelerator"]))
        if accel is not None:
            detail = f"the most common training accelerator of {year_row['year']}"
            rec.put(Name.GPU_MODEL, accel["id"], None, Origin.DEFAULT, detail, row=year_row)
    return accel


def _gpu_count(rec: Recorder, b: Blocks, server: Row | None, accel: Row | None, method: str) -> None:
    per_server = server.number("gpus") if server is not None else None
    if b.gpu.count is not None:
        rec.disclosed(Name.GPU_COUNT, float(b.gpu.count))
    elif per_server and server is not None:
        n_srv = b.cluster.servers or 1
        detail = f"{per_server:g} GPUs per server x {n_srv} server(s)"
        rec.put(Name.GPU_COUNT, per_server * n_srv, None, Origin.DERIVED, detail, row=server)
    elif b.op.gpu_hours is not None and (clock := _clock_hours(b)) is not None:
        hours, said = clock
        value = b.op.gpu_hours.to("h") / hours
        rec.put(
            Name.GPU_COUNT,
            value,
            None,
            Origin.DERIVED,
            f"operational.gpu_hours / {said}",
            derived_from=(Name.GPU_HOURS,),
        )
    else:
        _predicted_count(rec, b, accel, method)


def _clock_hours(b: Blocks) -> tuple[float, str] | None:
    """The run's wall-clock hours as disclosed (duration, or end - start), to divide GPU-hours by."""
    if b.op.duration is not None and b.op.duration.to("h") > 0:
        return b.op.duration.to("h"), "operational.duration"
    if b.op.start is not None and b.op.end is not None and b.op.end > b.op.start:
        return (b.op.end - b.op.start).total_seconds() / 3600, "(operational.end - operational.start)"
    return None


def _predicted_count(rec: Recorder, b: Blocks, accel: Row | None, method: str) -> None:
    """No count, server or run time to derive one: as many GPUs as the model needs in memory, and, when the
    GPU-hours are known (disclosed, or from the FLOPs of the tokens), as many as finish them in a typical run."""
    from ftdisclose.resolve.flops import gpu_hours_estimate
    from ftdisclose.resolve.power import memory_needed

    needed = memory_needed(rec, accel, method)
    count_low = count = count_high = 1.0
    why = "one GPU: no count, server, instance or model size disclosed"
    basis: tuple[str, ...] = ()
    if needed is not None:
        count_low, count, count_high = needed
        why = f"the GPUs whose memory holds the {method} fine-tune of model.parameters (method.memory_per_parameter)"
        basis = (Name.PARAMETERS, Name.METHOD)
    hours, said = (b.op.gpu_hours.to("h"), "operational.gpu_hours") if b.op.gpu_hours is not None else (None, "")
    if hours is None:
        hours, said = gpu_hours_estimate(rec, b, accel, method), "the GPU-hours the FLOPs take"
    if hours is not None and "typical_run_length" in rec.factors.constants:
        typical = rec.constant("typical_run_length", Name.TYPICAL_RUN_LENGTH)
        by_time = float(max(1, math.ceil(hours / typical.measure.to("h").span.mid)))
        if by_time > count:
            count, why = by_time, f"{said} over a typical run of {typical.number:g} {typical.unit}"
        # the energy and the embodied share follow the GPU-hours, whatever the count: it carries no range
        count_low = count_high = count
        basis = (*basis, Name.GPU_HOURS)
    rec.put(
        Name.GPU_COUNT,
        count,
        None,
        Origin.DEFAULT,
        why,
        low=min(count_low, count),
        high=max(count_high, count),
        derived_from=basis,
    )


def _default_server(rec: Recorder, b: Blocks, accel: Row | None) -> Row | None:
    """A workstation for a workstation site; else the smallest listed server or instance with the accelerator
    and room for the GPUs (the disclosed provider's first); else the year's default server."""
    if is_workstation(rec):
        row = rec.factors.servers.get(WORKSTATION_SERVER)
        if row is not None:
            rec.put(Name.SERVER_MODEL, row["id"], None, Origin.DEFAULT, "a workstation (infrastructure.site)", row=row)
        return row
    n_gpu = rec.inputs[Name.GPU_COUNT].number
    if accel is not None:
        provider = rec.inputs.get(Name.PROVIDER)
        mine = normalise_name(provider.text) if provider is not None else ""
        rows = [
            r for r in rec.factors.rows("servers") if r["accelerator"] == accel["id"] and r["kind"] != "workstation"
        ]
        fits = [r for r in rows if (r.number("gpus") or 0) >= n_gpu]
        pool = fits or rows
        if pool:
            row = min(
                pool,
                key=lambda r: (
                    (r.number("gpus") or 0) * (1 if fits else -1),
                    normalise_name(r["provider"]) != mine,
                    r["provider"] != "",
                    r["id"],
                ),
            )
            detail = (
                f"the smallest server or instance in the tables with {row['gpus']} x {accel['name']}"
                if fits
                else f"the largest server or instance with {accel['name']} ({row['gpus']} of them; none holds all)"
            )
            rec.put(Name.SERVER_MODEL, row["id"], None, Origin.DEFAULT, detail, row=row)
            return row
    year_row = default_row(rec)
    if year_row is None:
        return None
    row = rec.factors.servers.get(normalise_name(year_row["server"]))
    if row is not None:
        rec.put(
            Name.SERVER_MODEL,
            row["id"],
            None,
            Origin.DEFAULT,
            f"the default server of {year_row['year']}",
            row=year_row,
        )
    return row


def _server_count(rec: Recorder, b: Blocks, server: Row | None) -> None:
    if b.cluster.servers is not None:
        rec.disclosed(Name.SERVERS, float(b.cluster.servers))
        return
    per_server = server.number("gpus") if server is not None else None
    count = rec.inputs[Name.GPU_COUNT]
    if per_server and count.origin is Origin.DEFAULT and Name.GPU_HOURS in count.derived_from:
        # a job known by its GPU-hours takes GPU-hours / GPUs per server server-hours, whatever its count
        rec.put(
            Name.SERVERS,
            count.number / per_server,
            None,
            Origin.DERIVED,
            f"a share of the server: GPU count / {per_server:g} GPUs per server, as the GPU-hours fill servers",
            row=server,
            derived_from=(Name.GPU_COUNT,),
        )
        return
    if per_server:
        servers = [
            float(max(1, math.ceil(n / per_server - 1e-9))) for n in (count.span.low, count.number, count.span.high)
        ]
        rec.put(
            Name.SERVERS,
            servers[1],
            None,
            Origin.DERIVED,
            f"GPU count / {per_server:g} GPUs per server, rounded up",
            low=servers[0],
            high=servers[2],
            row=server,
            derived_from=(Name.GPU_COUNT,),
        )
    else:
        rec.constant("default_servers", Name.SERVERS, "no server count disclosed: one server, as for most fine-tunes")
