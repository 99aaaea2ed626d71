"""Resolve: the server or instance, the accelerator, counts, power figures, embodied figures, PUE and WUE."""

from __future__ import annotations

import math

from ftdisclose.factors import Row, normalise_name
from ftdisclose.findings import Code
from ftdisclose.resolve.blocks import Blocks
from ftdisclose.resolve.place import run_year
from ftdisclose.resolve.record import Recorder, closest
from ftdisclose.spec.inputs import Name, Origin


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


def hardware(rec: Recorder, b: Blocks) -> None:
    server = _server(rec, b)
    accel = _accelerator(rec, b, server)
    year_row = default_row(rec)
    if (
        server is None
        and year_row is not None
        and accel is not None
        and year_row["accelerator"] == accel["id"]
        and b.gpu.model is None
    ):
        server = rec.factors.servers.get(normalise_name(year_row["server"]))
        if server is not None:
            rec.put(
                Name.SERVER_MODEL,
                server["id"],
                None,
                Origin.DEFAULT,
                f"the default server of {year_row['year']}",
                row=year_row,
            )
    if accel is not None:
        rec.rows["accelerator"] = accel
    if server is not None:
        rec.rows["server"] = server
    _counts(rec, b, server, accel)
    _gpu_figures(rec, b, accel)
    _host_figures(rec, b, server)
    _embodied(rec, b, server)


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
            rec.put(
                Name.GPU_MODEL,
                accel["id"],
                None,
                Origin.DERIVED,
                "the accelerator of the server or instance",
                row=server,
            )
    year_row = default_row(rec)
    if accel is None and year_row is not None:
        accel = rec.factors.accelerators.get(normalise_name(year_row["accelerator"]))
        if accel is not None:
            rec.put(
                Name.GPU_MODEL,
                accel["id"],
                None,
                Origin.DEFAULT,
                f"the most common training accelerator of {year_row['year']}",
                row=year_row,
            )
    return accel


def _counts(rec: Recorder, b: Blocks, server: Row | None, accel: Row | None) -> None:
    per_server = server.number("gpus") if server is not None else None
    servers, count = b.cluster.servers, b.gpu.count
    if count is not None:
        rec.disclosed(Name.GPU_COUNT, float(count))
    if servers is not None:
        rec.disclosed(Name.SERVERS, float(servers))
    if count is None:
        if per_server:
            n_srv = servers or 1
            rec.put(
                Name.GPU_COUNT,
                per_server * n_srv,
                None,
                Origin.DERIVED,
                f"{per_server:g} GPUs per server x {n_srv} server(s)",
                row=server,
            )
        elif b.op.gpu_hours is not None and b.op.duration is not None:
            value = b.op.gpu_hours.to("h") / b.op.duration.to("h")
            rec.put(Name.GPU_COUNT, value, None, Origin.DERIVED, "operational.gpu_hours / operational.duration")
        else:
            single = accel is not None and accel["segment"] in ("consumer", "workstation")
            rec.put(
                Name.GPU_COUNT,
                1.0,
                None,
                Origin.DEFAULT,
                "one GPU: no count, server or instance disclosed"
                if single or accel is None
                else "one GPU: no count, server or instance disclosed (a cluster needs gpu.count)",
            )
    if servers is None:
        n_gpu = rec.inputs[Name.GPU_COUNT].number
        if per_server:
            rec.put(
                Name.SERVERS,
                float(max(1, math.ceil(n_gpu / per_server - 1e-9))),
                None,
                Origin.DERIVED,
                f"GPU count / {per_server:g} GPUs per server",
                row=server,
            )
        else:
            rec.constant(
                "default_servers", Name.SERVERS, "no server count disclosed: one server, as for most fine-tunes"
            )


def _gpu_figures(rec: Recorder, b: Blocks, accel: Row | None) -> None:
    fallback = default_accelerator(rec)
    if b.gpu.tdp is not None:
        rec.disclosed(Name.GPU_TDP, b.gpu.tdp.to("W"), "W")
    else:
        for row in (accel, fallback):
            detail = "TDP of the accelerator" if row is accel else "the accelerator row has no TDP: the year's default"
            if row is not None and rec.from_table(Name.GPU_TDP, row, "tdp", detail):
                break
    tdp = rec.inputs[Name.GPU_TDP]
    if b.gpu.idle_power is not None:
        rec.disclosed(Name.GPU_IDLE_POWER, b.gpu.idle_power.to("W"), "W")
    elif accel is None or not rec.from_table(Name.GPU_IDLE_POWER, accel, "idle_power"):
        fraction = rec.constant("gpu_idle_fraction")
        rec.put(
            Name.GPU_IDLE_POWER, tdp.number * fraction.number, "W", Origin.DERIVED, "TDP x method.gpu_idle_fraction"
        )
    if b.gpu.embodied is not None:
        rec.disclosed(Name.GPU_EMBODIED, b.gpu.embodied.to("kgCO2e"), "kgCO2e")
    elif accel is None or not rec.from_table(Name.GPU_EMBODIED, accel, "embodied", "embodied emissions per card"):
        rec.constant(
            "gpu_embodied_default", Name.GPU_EMBODIED, "no per-card figure for this accelerator: the default per card"
        )
    if b.gpu.embodied_water is not None:
        rec.disclosed(Name.GPU_EMBODIED_WATER, b.gpu.embodied_water.to("L"), "L")
    elif accel is None or not rec.from_table(
        Name.GPU_EMBODIED_WATER, accel, "embodied_water", "manufacturing water per card"
    ):
        rec.constant(
            "gpu_embodied_water_default",
            Name.GPU_EMBODIED_WATER,
            "no per-card figure for this accelerator: the default per card",
        )


def _host_figures(rec: Recorder, b: Blocks, server: Row | None) -> None:
    n_srv = rec.inputs[Name.SERVERS].number
    if b.cluster.server_power is not None:
        rec.disclosed(Name.SERVER_POWER, b.cluster.server_power.to("W"), "W")
    if b.cpu.count is not None:
        rec.disclosed(Name.CPU_COUNT, float(b.cpu.count))
    elif server is not None and server.number("cpu_sockets") is not None:
        sockets = server.number("cpu_sockets") or 0.0
        rec.put(
            Name.CPU_COUNT,
            sockets * n_srv,
            None,
            Origin.DERIVED,
            f"{sockets:g} sockets per server x {n_srv:g}",
            row=server,
        )
    else:
        rec.put(
            Name.CPU_COUNT,
            0.0,
            None,
            Origin.DEFAULT,
            "no CPU count disclosed and none in the tables: CPU power is not counted",
        )
    if b.cpu.tdp is not None:
        rec.disclosed(Name.CPU_TDP, b.cpu.tdp.to("W"), "W")
    elif server is None or not rec.from_table(Name.CPU_TDP, server, "cpu_tdp", "TDP per CPU socket of the server"):
        rec.put(
            Name.CPU_TDP,
            0.0,
            "W",
            Origin.DEFAULT,
            "no CPU TDP disclosed and none in the tables: CPU power is not counted",
        )
    if rec.inputs[Name.CPU_TDP].number > 0:
        rec.constant("cpu_idle_fraction")
    if b.cluster.memory is not None:
        rec.disclosed(Name.MEMORY, b.cluster.memory.to("GB"), "GB")
    elif server is None or not rec.from_table(
        Name.MEMORY, server, "memory", f"memory per server x {n_srv:g}", scale=n_srv
    ):
        rec.put(
            Name.MEMORY,
            0.0,
            "GB",
            Origin.DEFAULT,
            "no memory size disclosed and none in the tables: memory power is not counted",
        )
    if rec.inputs[Name.MEMORY].number > 0:
        rec.constant("memory_power")
    if server is None or not rec.from_table(
        Name.OTHER_POWER, server, "other_power", "other power per server (fans, network, storage)"
    ):
        rec.put(
            Name.OTHER_POWER,
            0.0,
            "W",
            Origin.DEFAULT,
            "no server row with other power: fans, network and storage are not counted",
        )


def _embodied(rec: Recorder, b: Blocks, server: Row | None) -> None:
    if b.cluster.server_embodied is not None:
        rec.disclosed(Name.SERVER_EMBODIED, b.cluster.server_embodied.to("kgCO2e"), "kgCO2e")
    elif server is None or not rec.from_table(
        Name.SERVER_EMBODIED, server, "embodied", "embodied emissions per server, GPUs excluded"
    ):
        rec.constant("server_embodied_default", Name.SERVER_EMBODIED, "no server figure: the default per server")
    if b.cluster.hardware_life is not None:
        rec.disclosed(Name.HARDWARE_LIFE, b.cluster.hardware_life.to("y"), "y")
    else:
        rec.constant("hardware_life", Name.HARDWARE_LIFE)
    if b.cluster.hardware_reserved_share is not None:
        rec.disclosed(Name.RESERVED_SHARE, b.cluster.hardware_reserved_share)
    else:
        rec.constant("reserved_share", Name.RESERVED_SHARE)


def datacenter(rec: Recorder, b: Blocks) -> None:
    """PUE and on-site WUE: disclosed, else the provider's, the location's or the unknown-datacenter value."""
    if b.datacenter.pue is not None:
        rec.disclosed(Name.PUE, float(b.datacenter.pue))
    else:
        _efficiency(rec, Name.PUE, "pue")
    if b.datacenter.wue is not None:
        rec.disclosed(Name.WUE, b.datacenter.wue.to("L/kWh"), "L/kWh")
    else:
        _efficiency(rec, Name.WUE, "wue")


def _efficiency(rec: Recorder, name: Name, column: str) -> None:
    row, why = _efficiency_row(rec, column)
    if row is not None:
        rec.from_table(name, row, column, why)


def _efficiency_row(rec: Recorder, column: str) -> tuple[Row | None, str]:
    provider = rec.inputs.get(Name.PROVIDER)
    region = rec.inputs.get(Name.CLOUD_REGION)
    country = rec.inputs[Name.COUNTRY].text
    rows = [r for r in rec.factors.rows("datacenter_efficiency") if r[column]]
    target = run_year(rec)

    def pick(candidates: list[Row]) -> Row | None:
        if not candidates:
            return None
        return min(candidates, key=lambda r: (abs(int(r["year"]) - target) if r["year"] else 50, -int(r["year"] or 0)))

    if provider is not None:
        prov = normalise_name(provider.text)
        mine = [r for r in rows if r["scope"] in ("region", "provider") and normalise_name(r["provider"]) == prov]
        if region is not None:
            row = pick(
                [
                    r
                    for r in mine
                    if r["scope"] == "region" and normalise_name(r["region"]) == normalise_name(region.text)
                ]
            )
            if row is not None:
                return row, "the provider's value for the region"
        row = pick([r for r in mine if r["scope"] == "provider" and r["location"] == country])
        if row is not None:
            return row, f"the provider's value for {country}"
        row = pick([r for r in mine if r["scope"] == "provider" and not r["location"]])
        if row is not None:
            return row, "the provider's fleet value (nearest year)"
    row = pick([r for r in rows if r["scope"] == "location" and r["location"] == country])
    if row is not None:
        return row, f"the average for {country}"
    return pick([r for r in rows if r["scope"] == "default"]), "the value for an unknown datacenter"
