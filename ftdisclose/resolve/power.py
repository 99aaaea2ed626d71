"""Resolve: power and embodied figures of the hardware, and the datacenter's PUE and WUE.

GPU power is, in order: the measured mean draw per GPU (``gpu.average_power``); idle plus
the disclosed utilisation's share of TDP - idle; or the measured average power as a share
of TDP for the method and scale (table ``power_fraction``), whose range brackets what
training and fine-tuning runs were measured to draw. The host (everything but the GPUs)
scales with the same load between its idle and maximum power, where the server row knows
them; otherwise the CPU and memory component model is used.
"""

from __future__ import annotations

from collections.abc import Iterable

from ftdisclose.factors import Row
from ftdisclose.findings import Code
from ftdisclose.resolve.blocks import Blocks
from ftdisclose.resolve.hardware import default_accelerator, is_workstation
from ftdisclose.resolve.place import run_year
from ftdisclose.resolve.record import Recorder
from ftdisclose.spec.inputs import Name, Origin

METHOD_FALLBACK = {"adapter": "lora", "prompt-tuning": "lora", "other": "full"}


def scale(rec: Recorder) -> str:
    """single: one GPU; node: the GPUs fit one server; cluster: more than one server."""
    n_gpu = rec.inputs[Name.GPU_COUNT].number
    n_srv = rec.inputs[Name.SERVERS].number if Name.SERVERS in rec.inputs else 1.0
    if n_gpu <= 1:
        return "single"
    return "node" if n_srv <= 1 else "cluster"


def memory_needed(rec: Recorder, accel: Row | None, method: str) -> tuple[float, float, float] | None:
    """GPUs whose memory holds the fine-tune (low, central, high), or None when the tables or the size are missing."""
    params = rec.inputs.get(Name.PARAMETERS)
    table = rec.factors.memory_per_parameter
    row = table.get(method) or table.get(METHOD_FALLBACK.get(method, "full"))
    memory = accel.number("memory") if accel is not None else None
    if params is None or row is None or not memory or "usable_memory_fraction" not in rec.factors.constants:
        return None
    per_param = rec.from_table(Name.MEMORY_PER_PARAMETER, row, "bytes", f"the {row['method']} row")
    usable = rec.constant("usable_memory_fraction")
    gpu_memory = rec.from_table(Name.GPU_MEMORY, accel, "memory", "memory of one accelerator") if accel else None
    if per_param is None or gpu_memory is None:
        return None
    overhead = row.number("overhead") or 0.0

    def count(bytes_per: float, share: float, n_params: float) -> float:
        need_gb = bytes_per * n_params / 1e9 + overhead
        return float(max(1, -(-need_gb // (share * gpu_memory.number))))

    span, params_span, usable_span = per_param.span, params.span, usable.span
    return (
        count(span.low, usable_span.high, params_span.low),
        count(span.mid, usable_span.mid, params_span.mid),
        count(span.high, usable_span.low, params_span.high),
    )


def gpu_figures(rec: Recorder, b: Blocks, accel: Row | None, method: str) -> None:
    """TDP, idle power, average power (or its share of TDP), embodied emissions and water of one GPU."""
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
        idle = tdp.number * fraction.number
        rec.put(Name.GPU_IDLE_POWER, idle, "W", Origin.DERIVED, "TDP x method.gpu_idle_fraction")
    _gpu_load(rec, b, method)
    _card_embodied(rec, b, accel)


def _gpu_load(rec: Recorder, b: Blocks, method: str) -> None:
    """How hard the GPUs worked: a measured mean power, a disclosed utilisation, or the method's power fraction."""
    if b.gpu.average_power is not None:
        rec.disclosed(Name.GPU_AVERAGE_POWER, b.gpu.average_power.to("W"), "W")
        return
    if b.op.gpu_utilization is not None:
        rec.disclosed(Name.GPU_UTILIZATION, float(b.op.gpu_utilization))
        return
    key = (method, scale(rec))
    row = rec.factors.power_fractions.get(key) or rec.factors.power_fractions.get(
        (METHOD_FALLBACK.get(method, "full"), key[1])
    )
    if row is not None:
        detail = f"measured average GPU power / TDP for {row['method']} at {row['scale']} scale"
        rec.from_table(Name.GPU_POWER_FRACTION, row, "fraction", detail)
        return
    method_row = rec.factors.methods[method]  # factor versions before power_fraction: a utilisation default
    rec.from_table(Name.GPU_UTILIZATION, method_row, "gpu_utilization", f"the {method} row of the method table")


def _card_embodied(rec: Recorder, b: Blocks, accel: Row | None) -> None:
    if b.gpu.embodied is not None:
        rec.disclosed(Name.GPU_EMBODIED, b.gpu.embodied.to("kgCO2e"), "kgCO2e")
    elif accel is None or not rec.from_table(Name.GPU_EMBODIED, accel, "embodied", "embodied emissions of the card"):
        detail = "no per-card figure for this accelerator: the default per card"
        rec.constant("gpu_embodied_default", Name.GPU_EMBODIED, detail)
    if b.gpu.embodied_water is not None:
        rec.disclosed(Name.GPU_EMBODIED_WATER, b.gpu.embodied_water.to("L"), "L")
    elif accel is None or not rec.from_table(
        Name.GPU_EMBODIED_WATER, accel, "embodied_water", "manufacturing water per card"
    ):
        detail = "no per-card figure for this accelerator: the default per card"
        rec.constant("gpu_embodied_water_default", Name.GPU_EMBODIED_WATER, detail)


def host_figures(rec: Recorder, b: Blocks, server: Row | None) -> None:
    """Everything but the GPUs: a disclosed server power, the server row's idle and maximum host power, or the
    component model (CPU sockets, memory, other)."""
    n_srv = rec.inputs[Name.SERVERS].number
    if b.cluster.server_power is not None:
        rec.disclosed(Name.SERVER_POWER, b.cluster.server_power.to("W"), "W")
    components = b.cpu.count is not None or b.cpu.tdp is not None or b.cluster.memory is not None
    if server is not None and not components and server.number("host_max_power") is not None:
        rec.from_table(Name.HOST_MAX_POWER, server, "host_max_power", "power of one server without its GPUs, at most")
        idle = rec.from_table(
            Name.HOST_IDLE_POWER, server, "host_idle_power", "power of one server without its GPUs, idle"
        )
        if idle is None:
            rec.put(Name.HOST_IDLE_POWER, 0.0, "W", Origin.DEFAULT, "no idle figure: the host scales from zero")
        return
    _components(rec, b, server, n_srv)


def _components(rec: Recorder, b: Blocks, server: Row | None, n_srv: float) -> None:
    if b.cpu.count is not None:
        rec.disclosed(Name.CPU_COUNT, float(b.cpu.count))
    elif server is not None and server.number("cpu_sockets") is not None:
        sockets = server.number("cpu_sockets") or 0.0
        detail = f"{sockets:g} sockets per server x {n_srv:g}"
        rec.put(Name.CPU_COUNT, sockets * n_srv, None, Origin.DERIVED, detail, row=server)
    else:
        detail = "no CPU count disclosed and none in the tables: CPU power is not counted"
        rec.put(Name.CPU_COUNT, 0.0, None, Origin.DEFAULT, detail)
    if b.cpu.tdp is not None:
        rec.disclosed(Name.CPU_TDP, b.cpu.tdp.to("W"), "W")
    elif server is None or not rec.from_table(Name.CPU_TDP, server, "cpu_tdp", "TDP per CPU socket of the server"):
        detail = "no CPU TDP disclosed and none in the tables: CPU power is not counted"
        rec.put(Name.CPU_TDP, 0.0, "W", Origin.DEFAULT, detail)
    if rec.inputs[Name.CPU_TDP].number > 0:
        rec.constant("cpu_idle_fraction")
    if b.cluster.memory is not None:
        rec.disclosed(Name.MEMORY, b.cluster.memory.to("GB"), "GB")
    elif server is None or not rec.from_table(
        Name.MEMORY, server, "memory", f"memory per server x {n_srv:g}", scale=n_srv
    ):
        detail = "no memory size disclosed and none in the tables: memory power is not counted"
        rec.put(Name.MEMORY, 0.0, "GB", Origin.DEFAULT, detail)
    if rec.inputs[Name.MEMORY].number > 0:
        rec.constant("memory_power")
    detail = "other power per server at full load (fans, network, storage)"
    if server is None or not rec.from_table(Name.OTHER_POWER, server, "other_power", detail):
        detail = "no server row with other power: fans, network and storage are not counted"
        rec.put(Name.OTHER_POWER, 0.0, "W", Origin.DEFAULT, detail)


def embodied(rec: Recorder, b: Blocks, server: Row | None) -> None:
    """The server's embodied emissions (without GPUs), and the life and reserved share they are spread over."""
    workstation = is_workstation(rec)
    if b.cluster.server_embodied is not None:
        rec.disclosed(Name.SERVER_EMBODIED, b.cluster.server_embodied.to("kgCO2e"), "kgCO2e")
    elif server is None or not rec.from_table(
        Name.SERVER_EMBODIED, server, "embodied", "embodied emissions per server, GPUs excluded"
    ):
        rec.constant("server_embodied_default", Name.SERVER_EMBODIED, "no server figure: the default per server")
    life_key, share_key = (
        ("workstation_life", "workstation_reserved_share") if workstation else ("hardware_life", "reserved_share")
    )
    if workstation and life_key not in rec.factors.constants:
        life_key, share_key = "hardware_life", "reserved_share"
    if b.cluster.hardware_life is not None:
        rec.disclosed(Name.HARDWARE_LIFE, b.cluster.hardware_life.to("y"), "y")
    else:
        rec.constant(life_key, Name.HARDWARE_LIFE)
    if b.cluster.hardware_reserved_share is not None:
        rec.disclosed(Name.RESERVED_SHARE, b.cluster.hardware_reserved_share)
    else:
        rec.constant(share_key, Name.RESERVED_SHARE)


def datacenter(rec: Recorder, b: Blocks) -> None:
    """PUE and on-site WUE: disclosed; a workstation's; else the provider's, the location's, or an unknown
    datacenter's."""
    workstation = is_workstation(rec) and "workstation_pue" in rec.factors.constants
    site = rec.inputs.get(Name.SITE)
    stated = site is not None and site.origin is Origin.DISCLOSED  # a derived workstation is only a guess
    if stated and not workstation and (b.datacenter.pue is None or b.datacenter.wue is None):
        rec.warn(
            Code.SITE_NOT_IN_TABLES,
            f"factor version {rec.factors.version} has no workstation figures: a datacenter's PUE, water and "
            "embodied footprint are used",
            ("infrastructure", "site"),
        )
    if b.datacenter.pue is not None:
        rec.disclosed(Name.PUE, float(b.datacenter.pue))
    elif workstation:
        rec.constant("workstation_pue", Name.PUE, "a workstation: no datacenter cooling plant")
    else:
        _efficiency(rec, Name.PUE, "pue")
    if b.datacenter.wue is not None:
        rec.disclosed(Name.WUE, b.datacenter.wue.to("L/kWh"), "L/kWh")
    elif workstation:
        rec.constant("workstation_wue", Name.WUE, "a workstation: no on-site cooling water")
    else:
        _efficiency(rec, Name.WUE, "wue")


def _efficiency(rec: Recorder, name: Name, column: str) -> None:
    row, why = _efficiency_row(rec, column)
    if row is not None:
        rec.from_table(name, row, column, why)


def _efficiency_row(rec: Recorder, column: str) -> tuple[Row | None, str]:
    from ftdisclose.factors import normalise_name

    provider = rec.inputs.get(Name.PROVIDER)
    region = rec.inputs.get(Name.CLOUD_REGION)
    country = rec.inputs[Name.COUNTRY].text
    by_scope = rec.factors.efficiency.get(column, {})
    target = run_year(rec)

    def pick(candidates: Iterable[Row]) -> Row | None:
        return min(
            candidates,
            key=lambda r: (abs(int(r["year"]) - target) if r["year"] else 50, -int(r["year"] or 0)),
            default=None,
        )

    if provider is not None:
        prov = normalise_name(provider.text)
        if region is not None:
            here = normalise_name(region.text)
            row = pick(
                r
                for r in by_scope.get("region", ())
                if normalise_name(r["provider"]) == prov and normalise_name(r["region"]) == here
            )
            if row is not None:
                return row, "the provider's value for the region"
        mine = [r for r in by_scope.get("provider", ()) if normalise_name(r["provider"]) == prov]
        row = pick(r for r in mine if r["location"] == country)
        if row is not None:
            return row, f"the provider's value for {country}"
        row = pick(r for r in mine if not r["location"])
        if row is not None:
            return row, "the provider's fleet value (nearest year)"
    if scale(rec) == "cluster":
        row = pick(by_scope.get("hyperscale", ()))
        if row is not None:
            return row, "a run over several servers, in the class of facility that hosts such clusters"
    row = pick(r for r in by_scope.get("location", ()) if r["location"] == country)
    if row is not None:
        return row, f"the average for {country}"
    return pick(by_scope.get("default", ())), "the value for an unknown datacenter"
