"""Resolve stage: fill every input the computation needs, and say where it came from.

Each input is taken from the first source that has it (methodology §1): the disclosure,
a derivation from other disclosed fields, or a default from the versioned factor tables.
The result is a flat mapping from the input's dotted spec path to an ``Input`` with its
value, range, unit, origin and detail. Inputs that are not spec fields (constants of
the method) are keyed ``method.<name>``.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
from dataclasses import dataclass, field
from typing import Any

from ftdisclose.engine.span import Span
from ftdisclose.factors import FactorSet, Row, normalise_name
from ftdisclose.findings import Code, Finding, finding
from ftdisclose.io.loader import Document

DISCLOSED, DERIVED, MEASURED, DEFAULT, FETCHED = "disclosed", "derived", "measured", "default", "fetched"
YEAR_GAP_WARNING = 2  # years between the run and the nearest table year before FTD306
DEFAULT_COUNTRY = "US"  # seed 001: the US as the default location, relatively high-carbon
DEFAULT_METHOD = "other"


@dataclass(frozen=True, slots=True)
class Input:
    """One resolved input: value (central), range, unit, origin and where it came from."""

    value: float | str
    unit: str | None
    origin: str
    detail: str
    low: float | None = None
    high: float | None = None
    table: str | None = None
    row: str | None = None
    sources: tuple[str, ...] = ()
    factors_version: str | None = None

    @property
    def span(self) -> Span:
        if not isinstance(self.value, int | float):
            raise TypeError(f"{self.value!r} is not a number")
        return Span.of(float(self.value), self.low, self.high)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"value": _round(self.value)}
        if self.unit is not None:
            out["unit"] = self.unit
        if self.low is not None and self.high is not None and (self.low != self.value or self.high != self.value):
            out["low"], out["high"] = _round(self.low), _round(self.high)
        out["origin"] = self.origin
        out["detail"] = self.detail
        return out


def _round(value: float | str) -> float | str:
    if isinstance(value, float):
        return float(f"{value:.10g}")
    return value


@dataclass(frozen=True)
class GridOptions:
    """How to find the grid's carbon intensity when the disclosure does not state it."""

    mode: str = "annual"  # annual: the factor tables; hourly: fetch the run window's values
    offline: bool = False  # never touch the network (a cached window is still used)


@dataclass
class RunSlice:
    """One run's own times and measured energy (the whole fine-tune, or one of `runs`)."""

    name: str
    duration: Input
    reserved: Input
    energy: Input | None = None


@dataclass
class Resolution:
    """Everything the compute stage needs: inputs by path, the runs, the rows used."""

    factors: FactorSet
    inputs: dict[str, Input] = field(default_factory=dict)
    runs: list[RunSlice] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    accelerator: Row | None = None
    server: Row | None = None
    service: Row | None = None
    includes_pue: bool = False
    energy_measured: bool = False

    def __getitem__(self, path: str) -> Input:
        return self.inputs[path]

    def get(self, path: str) -> Input | None:
        return self.inputs.get(path)


class _Resolver:
    def __init__(self, disclosure: Any, factors: FactorSet, doc: Document | None, grid: GridOptions) -> None:
        self.d = disclosure
        self.f = factors
        self.doc = doc
        self.grid_options = grid
        self.r = Resolution(factors)

    # --- recording -------------------------------------------------------------------

    def put(
        self,
        path: str,
        value: float | str,
        unit: str | None,
        origin: str,
        detail: str,
        *,
        low: float | None = None,
        high: float | None = None,
        row: Row | None = None,
        sources: tuple[str, ...] = (),
    ) -> Input:
        table = row.table if row is not None else None
        if row is not None:
            sources = tuple(row.sources)
            version = row.origin if not row.origin.startswith("overlay:") else None
            where = f"{row.origin} table {row.table}, row {self._row_label(row)}; source {', '.join(sources)}"
            detail = f"{detail} ({where})" if detail else where
            if row.origin.startswith("overlay:"):
                detail = f"private {row.origin}: {detail}"
        else:
            version = None
        item = Input(
            value,
            unit,
            origin,
            detail,
            low,
            high,
            table,
            self._row_label(row) if row else None,
            sources,
            version or (self.f.version if row is not None else None),
        )
        self.r.inputs[path] = item
        return item

    @staticmethod
    def _row_label(row: Row) -> str:
        for col in ("id", "key", "method", "alpha2"):
            if row[col]:
                return row[col]
        keys = [row[c] for c in ("scope", "provider", "region", "location", "zone", "year") if row[c]]
        return "/".join(keys)

    def disclosed(self, path: str, value: float | str, unit: str | None = None) -> Input:
        return self.put(path, value, unit, DISCLOSED, "disclosed")

    def from_table(
        self, path: str, row: Row, column: str, unit: str, detail: str = "", origin: str = DEFAULT, scale: float = 1.0
    ) -> Input | None:
        central = row.number(column)
        if central is None:
            return None
        low, high = row.number(f"{column}_low"), row.number(f"{column}_high")
        return self.put(
            path,
            central * scale,
            unit,
            origin,
            detail,
            low=None if low is None else low * scale,
            high=None if high is None else high * scale,
            row=row,
        )

    def constant(self, key: str, path: str | None = None, detail: str = "") -> Input:
        row = self.f.constants[key]
        value = row.number("value")
        assert value is not None
        return self.put(
            path or f"method.{key}",
            value,
            row["unit"] or None,
            DEFAULT,
            detail,
            low=row.number("low"),
            high=row.number("high"),
            row=row,
        )

    def warn(self, code: Code, message: str, path: tuple[str, ...], hint: str | None = None) -> None:
        line = col = None
        if self.doc is not None:
            line, col = self.doc.locate(path)
        self.r.findings.append(
            finding(
                code,
                message,
                file=self.doc.file if self.doc else "<disclosure>",
                line=line,
                column=col,
                path=".".join(path),
                hint=hint,
            )
        )

    def closest(self, name: str, choices: list[str]) -> str:
        close = difflib.get_close_matches(name, choices, n=3, cutoff=0.5)
        if not close:
            close = difflib.get_close_matches(name.lower(), [c.lower() for c in choices], n=3, cutoff=0.4)
        return f"closest known: {', '.join(close)}" if close else ""

    # --- the steps, in order -----------------------------------------------------------

    def run(self) -> Resolution:
        self.year()
        self.method()
        self.service()
        self.location()
        self.hardware()
        self.datacenter()
        self.times()
        self.utilisation()
        self.grid()
        self.usage()
        return self.r

    def _block(self, *names: str) -> Any:
        obj = self.d
        for name in names:
            obj = getattr(obj, name, None) if obj is not None else None
        return obj

    def year(self) -> None:
        op = self._block("operational")
        model = self.d.model
        if op is not None and op.start is not None:
            self.put("method.year", op.start.year, None, DERIVED, "year of operational.start")
        elif op is not None and op.end is not None:
            self.put("method.year", op.end.year, None, DERIVED, "year of operational.end")
        elif model.published is not None:
            self.put("method.year", model.published.year, None, DERIVED, "year of model.published")
        else:
            self.put(
                "method.year",
                self.f.year,
                None,
                DEFAULT,
                f"no start, end or published date: the year of factor version {self.f.version}",
            )

    @property
    def run_year(self) -> int:
        return int(self.r["method.year"].value)

    def method(self) -> None:
        method = self.d.model.method
        if method is not None:
            self.disclosed("model.method", method)
        else:
            self.put(
                "model.method",
                DEFAULT_METHOD,
                None,
                DEFAULT,
                "not disclosed: the 'other' row of the method table (FLOPs factor 6, as for full fine-tuning)",
            )
        self.method_row = self.f.methods[str(self.r["model.method"].value)]
        if self.d.model.parameters is not None:
            self.disclosed("model.parameters", float(self.d.model.parameters))
        elif self.d.model.base_model is not None:
            base = self.f.base_models.get(normalise_name(self.d.model.base_model))
            if base is not None:
                self.from_table(
                    "model.parameters",
                    base,
                    "parameters",
                    "1",
                    f"parameters of the base model {base['name']}"
                    + (" (a family: the range spans its sizes)" if base["id"].startswith("family-") else ""),
                    origin=DERIVED,
                )

    def service(self) -> None:
        name = self._block("infrastructure", "managed_service")
        if name is None:
            return
        row = self.f.services.get(normalise_name(name))
        if row is None:
            self.warn(
                Code.UNKNOWN_SERVICE,
                f"managed service {name!r} is not in factor version {self.f.version}",
                ("infrastructure", "managed_service"),
                self.closest(name, self.f.names(self.f.services, "id")) or None,
            )
            self.put("infrastructure.managed_service", name, None, DISCLOSED, "disclosed; not in the factor tables")
            return
        self.r.service = row
        self.put("infrastructure.managed_service", row["id"], None, DISCLOSED, "disclosed", row=row)

    def location(self) -> None:
        infra = self._block("infrastructure")
        loc = self._block("infrastructure", "location")
        service = self.r.service
        provider = infra.provider if infra is not None else None
        if provider is not None:
            self.disclosed("infrastructure.provider", provider.lower())
        elif service is not None:
            self.put(
                "infrastructure.provider",
                service["provider"],
                None,
                DERIVED,
                "from infrastructure.managed_service",
                row=service,
            )
        region_name = loc.cloud_region if loc is not None else None
        region_row: Row | None = None
        if region_name is not None:
            self.disclosed("infrastructure.location.cloud_region", region_name)
        elif service is not None and service["cloud_region"]:
            region_name = service["cloud_region"]
            self.put(
                "infrastructure.location.cloud_region",
                region_name,
                None,
                DEFAULT,
                "the region ftdisclose assumes for infrastructure.managed_service",
                row=service,
            )
        if region_name is not None:
            region_row = self._region(region_name)
        country = loc.country.upper() if loc is not None and loc.country else None
        if country is not None:
            if normalise_name(country) not in self.f.countries:
                self.warn(
                    Code.UNKNOWN_COUNTRY,
                    f"country {country!r} is not an ISO 3166-1 alpha-2 code",
                    ("infrastructure", "location", "country"),
                )
            self.disclosed("infrastructure.location.country", country)
        zone_name = loc.grid_zone if loc is not None else None
        zone_row: Row | None = None
        if zone_name is not None:
            zone_row = self.f.zones.get(normalise_name(zone_name))
            if zone_row is None:
                self.warn(
                    Code.UNKNOWN_ZONE,
                    f"grid zone {zone_name!r} is not in factor version {self.f.version}; the country's values are used",
                    ("infrastructure", "location", "grid_zone"),
                    self.closest(zone_name, self.f.names(self.f.zones, "zone")) or None,
                )
            else:
                self.put("infrastructure.location.grid_zone", zone_row["zone"], None, DISCLOSED, "disclosed")
        if country is None:
            if region_row is not None:
                self.put(
                    "infrastructure.location.country",
                    region_row["country"],
                    None,
                    DERIVED,
                    "from infrastructure.location.cloud_region",
                    row=region_row,
                )
            elif zone_row is not None and zone_row["country"]:
                self.put(
                    "infrastructure.location.country",
                    zone_row["country"],
                    None,
                    DERIVED,
                    "from infrastructure.location.grid_zone",
                    row=zone_row,
                )
            else:
                self.put(
                    "infrastructure.location.country",
                    DEFAULT_COUNTRY,
                    None,
                    DEFAULT,
                    "no location disclosed: the United States, a relatively high-carbon default "
                    "(Scope3 fine-tuning methodology)",
                )
        if "infrastructure.location.grid_zone" not in self.r.inputs:
            if region_row is not None and region_row["grid_zone"]:
                self.put(
                    "infrastructure.location.grid_zone",
                    region_row["grid_zone"],
                    None,
                    DERIVED,
                    "from infrastructure.location.cloud_region",
                    row=region_row,
                )
            else:
                self.put(
                    "infrastructure.location.grid_zone",
                    str(self.r["infrastructure.location.country"].value),
                    None,
                    DERIVED,
                    "the country's grid",
                )

    def _region(self, name: str) -> Row | None:
        provider = self.r.get("infrastructure.provider")
        key = normalise_name(name)
        row = None
        if provider is not None:
            row = self.f.regions.get((normalise_name(str(provider.value)), key))
        else:
            matches = [r for (p, reg), r in self.f.regions.items() if reg == key]
            row = matches[0] if len(matches) == 1 else None
        if row is None:
            known = sorted(
                {r["region"] for r in self.f.regions.values() if provider is None or r["provider"] == provider.value}
            )
            self.warn(
                Code.UNKNOWN_REGION,
                f"cloud region {name!r} is not in factor version {self.f.version}"
                + (f" for provider {provider.value}" if provider is not None else ""),
                ("infrastructure", "location", "cloud_region"),
                self.closest(name, known) or None,
            )
        return row

    # --- hardware --------------------------------------------------------------------

    def _server_lookup(self, name: str) -> Row | None:
        provider = self.r.get("infrastructure.provider")
        candidates = [name]
        if provider is not None:
            candidates.insert(0, f"{provider.value}/{name}")
        for candidate in candidates:
            row = self.f.servers.get(normalise_name(candidate))
            if row is not None:
                return row
        return None

    def _accelerator_lookup(self, name: str) -> Row | None:
        text = name.strip()
        # "4 x NVIDIA A100-SXM4-80GB", as CodeCarbon writes it
        head, sep, tail = text.partition(" x ")
        if sep and head.strip().isdigit():
            text = tail
        return self.f.accelerators.get(normalise_name(text))

    def hardware(self) -> None:
        cluster = self._block("infrastructure", "cluster")
        gpu = cluster.gpu if cluster is not None else None
        cpu = cluster.cpu if cluster is not None else None
        year_row = self._default_row()
        # the server or instance
        server: Row | None = None
        for attr in ("instance_type", "server_model"):
            name = getattr(cluster, attr, None) if cluster is not None else None
            if name is None:
                continue
            server = self._server_lookup(name)
            path = f"infrastructure.cluster.{attr}"
            if server is None:
                self.warn(
                    Code.UNKNOWN_INSTANCE,
                    f"{attr.replace('_', ' ')} {name!r} is not in factor version {self.f.version}",
                    ("infrastructure", "cluster", attr),
                    self.closest(name, self.f.names(self.f.servers)) or None,
                )
                self.disclosed(path, name)
            else:
                self.put(path, server["id"], None, DISCLOSED, "disclosed", row=server)
            break
        if server is None and self.r.service is not None:
            server = self.f.servers.get(normalise_name(self.r.service["server"]))
            if server is not None:
                self.put(
                    "infrastructure.cluster.instance_type",
                    server["id"],
                    None,
                    DEFAULT,
                    "the instance ftdisclose assumes for infrastructure.managed_service",
                    row=self.r.service,
                )
        # the accelerator
        accel: Row | None = None
        if gpu is not None and gpu.model is not None:
            accel = self._accelerator_lookup(gpu.model)
            if accel is None:
                fallback = "the server's" if server is not None else f"the {self.run_year} default"
                self.warn(
                    Code.UNKNOWN_GPU,
                    f"GPU model {gpu.model!r} is not in factor version {self.f.version}; "
                    f"{fallback} accelerator is used for its power and embodied impact",
                    ("infrastructure", "cluster", "gpu", "model"),
                    self.closest(gpu.model, self.f.names(self.f.accelerators)) or None,
                )
            else:
                self.put(
                    "infrastructure.cluster.gpu.model",
                    accel["id"],
                    None,
                    DISCLOSED,
                    f"disclosed as {gpu.model!r}",
                    row=accel,
                )
        if accel is None and server is not None and server["accelerator"]:
            accel = self.f.accelerators.get(normalise_name(server["accelerator"]))
            if accel is not None:
                self.put(
                    "infrastructure.cluster.gpu.model",
                    accel["id"],
                    None,
                    DERIVED,
                    "the accelerator of the server or instance",
                    row=server,
                )
        if accel is None and year_row is not None:
            accel = self.f.accelerators.get(normalise_name(year_row["accelerator"]))
            if accel is not None:
                self.put(
                    "infrastructure.cluster.gpu.model",
                    accel["id"],
                    None,
                    DEFAULT,
                    f"the most common training accelerator of {year_row['year']}",
                    row=year_row,
                )
        if (
            server is None
            and year_row is not None
            and accel is not None
            and year_row["accelerator"] == accel["id"]
            and not (gpu is not None and gpu.model is not None)
        ):
            server = self.f.servers.get(normalise_name(year_row["server"]))
            if server is not None:
                self.put(
                    "infrastructure.cluster.server_model",
                    server["id"],
                    None,
                    DEFAULT,
                    f"the default server of {year_row['year']}",
                    row=year_row,
                )
        self.r.accelerator, self.r.server = accel, server
        self._counts(cluster, gpu, server, accel)
        self._gpu_figures(gpu, accel)
        self._host_figures(cluster, cpu, server)
        self._embodied(cluster, server)

    def _default_row(self) -> Row | None:
        years = self.f.default_accelerator
        if not years:
            return None
        nearest = min(years, key=lambda y: (abs(y - self.run_year), -y))
        return years[nearest]

    def _counts(self, cluster: Any, gpu: Any, server: Row | None, accel: Row | None) -> None:
        per_server = server.number("gpus") if server is not None else None
        servers = cluster.servers if cluster is not None else None
        count = gpu.count if gpu is not None else None
        op = self._block("operational")
        if count is not None:
            self.disclosed("infrastructure.cluster.gpu.count", float(count))
        if servers is not None:
            self.disclosed("infrastructure.cluster.servers", float(servers))
        if count is None:
            if per_server:
                n_srv = servers or 1
                self.put(
                    "infrastructure.cluster.gpu.count",
                    per_server * n_srv,
                    None,
                    DERIVED,
                    f"{per_server:g} GPUs per server x {n_srv} server(s)",
                    row=server,
                )
            elif op is not None and op.gpu_hours is not None and op.duration is not None:
                value = op.gpu_hours.to("h") / op.duration.to("h")
                self.put(
                    "infrastructure.cluster.gpu.count",
                    value,
                    None,
                    DERIVED,
                    "operational.gpu_hours / operational.duration",
                )
            else:
                single = accel is not None and accel["segment"] in ("consumer", "workstation")
                self.put(
                    "infrastructure.cluster.gpu.count",
                    1.0,
                    None,
                    DEFAULT,
                    "one GPU: no count, server or instance disclosed"
                    if single or accel is None
                    else "one GPU: no count, server or instance disclosed (a cluster needs gpu.count)",
                )
        if servers is None:
            n_gpu = float(self.r["infrastructure.cluster.gpu.count"].value)
            if per_server:
                self.put(
                    "infrastructure.cluster.servers",
                    float(max(1, math.ceil(n_gpu / per_server - 1e-9))),
                    None,
                    DERIVED,
                    f"GPU count / {per_server:g} GPUs per server",
                    row=server,
                )
            else:
                self.constant(
                    "default_servers",
                    "infrastructure.cluster.servers",
                    "no server count disclosed: one server, as for most fine-tunes",
                )

    def _gpu_figures(self, gpu: Any, accel: Row | None) -> None:
        fallback = self._default_accel()
        if gpu is not None and gpu.tdp is not None:
            self.disclosed("infrastructure.cluster.gpu.tdp", gpu.tdp.to("W"), "W")
        else:
            for row in (accel, fallback):
                if row is not None and self.from_table(
                    "infrastructure.cluster.gpu.tdp",
                    row,
                    "tdp",
                    "W",
                    "TDP of the accelerator" if row is accel else "the accelerator row has no TDP: the year's default",
                ):
                    break
        tdp = self.r["infrastructure.cluster.gpu.tdp"]
        if gpu is not None and gpu.idle_power is not None:
            self.disclosed("infrastructure.cluster.gpu.idle_power", gpu.idle_power.to("W"), "W")
        elif accel is None or not self.from_table("infrastructure.cluster.gpu.idle_power", accel, "idle_power", "W"):
            fraction = self.constant("gpu_idle_fraction")
            self.put(
                "infrastructure.cluster.gpu.idle_power",
                float(tdp.value) * float(fraction.value),
                "W",
                DERIVED,
                "TDP x method.gpu_idle_fraction",
            )
        if gpu is not None and gpu.embodied is not None:
            self.disclosed("infrastructure.cluster.gpu.embodied", gpu.embodied.to("kgCO2e"), "kgCO2e")
        elif accel is None or not self.from_table(
            "infrastructure.cluster.gpu.embodied", accel, "embodied", "kgCO2e", "embodied emissions per card"
        ):
            self.constant(
                "gpu_embodied_default",
                "infrastructure.cluster.gpu.embodied",
                "no per-card figure for this accelerator: the default per card",
            )
        if gpu is not None and gpu.embodied_water is not None:
            self.disclosed("infrastructure.cluster.gpu.embodied_water", gpu.embodied_water.to("L"), "L")
        elif accel is None or not self.from_table(
            "infrastructure.cluster.gpu.embodied_water", accel, "embodied_water", "L", "manufacturing water per card"
        ):
            self.constant(
                "gpu_embodied_water_default",
                "infrastructure.cluster.gpu.embodied_water",
                "no per-card figure for this accelerator: the default per card",
            )

    def _default_accel(self) -> Row | None:
        row = self._default_row()
        return self.f.accelerators.get(normalise_name(row["accelerator"])) if row is not None else None

    def _host_figures(self, cluster: Any, cpu: Any, server: Row | None) -> None:
        n_srv = float(self.r["infrastructure.cluster.servers"].value)
        if cluster is not None and cluster.server_power is not None:
            self.disclosed("infrastructure.cluster.server_power", cluster.server_power.to("W"), "W")
        if cpu is not None and cpu.count is not None:
            self.disclosed("infrastructure.cluster.cpu.count", float(cpu.count))
        elif server is not None and server.number("cpu_sockets") is not None:
            sockets = server.number("cpu_sockets") or 0.0
            self.put(
                "infrastructure.cluster.cpu.count",
                sockets * n_srv,
                None,
                DERIVED,
                f"{sockets:g} sockets per server x {n_srv:g}",
                row=server,
            )
        else:
            self.put(
                "infrastructure.cluster.cpu.count",
                0.0,
                None,
                DEFAULT,
                "no CPU count disclosed and none in the tables: CPU power is not counted",
            )
        if cpu is not None and cpu.tdp is not None:
            self.disclosed("infrastructure.cluster.cpu.tdp", cpu.tdp.to("W"), "W")
        elif server is None or not self.from_table(
            "infrastructure.cluster.cpu.tdp", server, "cpu_tdp", "W", "TDP per CPU socket of the server"
        ):
            self.put(
                "infrastructure.cluster.cpu.tdp",
                0.0,
                "W",
                DEFAULT,
                "no CPU TDP disclosed and none in the tables: CPU power is not counted",
            )
        if float(self.r["infrastructure.cluster.cpu.tdp"].value) > 0:
            self.constant("cpu_idle_fraction")
        if cluster is not None and cluster.memory is not None:
            self.disclosed("infrastructure.cluster.memory", cluster.memory.to("GB"), "GB")
        elif server is None or not self.from_table(
            "infrastructure.cluster.memory", server, "memory", "GB", f"memory per server x {n_srv:g}", scale=n_srv
        ):
            self.put(
                "infrastructure.cluster.memory",
                0.0,
                "GB",
                DEFAULT,
                "no memory size disclosed and none in the tables: memory power is not counted",
            )
        if float(self.r["infrastructure.cluster.memory"].value) > 0:
            self.constant("memory_power")
        if server is None or not self.from_table(
            "method.other_power", server, "other_power", "W", "other power per server (fans, network, storage)"
        ):
            self.put(
                "method.other_power",
                0.0,
                "W",
                DEFAULT,
                "no server row with other power: fans, network and storage are not counted",
            )

    def _embodied(self, cluster: Any, server: Row | None) -> None:
        if cluster is not None and cluster.server_embodied is not None:
            self.disclosed("infrastructure.cluster.server_embodied", cluster.server_embodied.to("kgCO2e"), "kgCO2e")
        elif server is None or not self.from_table(
            "infrastructure.cluster.server_embodied",
            server,
            "embodied",
            "kgCO2e",
            "embodied emissions per server, GPUs excluded",
        ):
            self.constant(
                "server_embodied_default",
                "infrastructure.cluster.server_embodied",
                "no server figure: the default per server",
            )
        if cluster is not None and cluster.hardware_life is not None:
            self.disclosed("infrastructure.cluster.hardware_life", cluster.hardware_life.to("y"), "y")
        else:
            self.constant("hardware_life", "infrastructure.cluster.hardware_life")
        if cluster is not None and cluster.hardware_reserved_share is not None:
            self.disclosed("infrastructure.cluster.hardware_reserved_share", cluster.hardware_reserved_share)
        else:
            self.constant("reserved_share", "infrastructure.cluster.hardware_reserved_share")

    # --- datacenter ------------------------------------------------------------------

    def datacenter(self) -> None:
        dc = self._block("infrastructure", "datacenter")
        for name, unit in (("pue", None), ("wue", "L/kWh")):
            path = f"infrastructure.datacenter.{name}"
            value = getattr(dc, name, None) if dc is not None else None
            if value is not None:
                number = value if isinstance(value, float) else value.to("L/kWh")
                self.disclosed(path, float(number), unit)
                continue
            row, why = self._efficiency_row(name)
            if row is not None:
                self.from_table(path, row, name, unit or "1", why)

    def _efficiency_row(self, column: str) -> tuple[Row | None, str]:
        provider = self.r.get("infrastructure.provider")
        region = self.r.get("infrastructure.location.cloud_region")
        country = str(self.r["infrastructure.location.country"].value)
        rows = [r for r in self.f.rows("datacenter_efficiency") if r[column]]
        prov = normalise_name(str(provider.value)) if provider is not None else None

        def pick(candidates: list[Row]) -> Row | None:
            if not candidates:
                return None
            return min(
                candidates,
                key=lambda r: (abs(int(r["year"]) - self.run_year) if r["year"] else 50, -int(r["year"] or 0)),
            )

        if prov is not None:
            if region is not None:
                row = pick(
                    [
                        r
                        for r in rows
                        if r["scope"] == "region"
                        and normalise_name(r["provider"]) == prov
                        and normalise_name(r["region"]) == normalise_name(str(region.value))
                    ]
                )
                if row is not None:
                    return row, "the provider's value for the region"
            row = pick(
                [
                    r
                    for r in rows
                    if r["scope"] == "provider" and normalise_name(r["provider"]) == prov and r["location"] == country
                ]
            )
            if row is not None:
                return row, f"the provider's value for {country}"
            row = pick(
                [
                    r
                    for r in rows
                    if r["scope"] == "provider" and normalise_name(r["provider"]) == prov and not r["location"]
                ]
            )
            if row is not None:
                return row, "the provider's fleet value (nearest year)"
        row = pick([r for r in rows if r["scope"] == "location" and r["location"] == country])
        if row is not None:
            return row, f"the average for {country}"
        return pick([r for r in rows if r["scope"] == "default"]), "the value for an unknown datacenter"

    # --- time ------------------------------------------------------------------------

    def times(self) -> None:
        op = self._block("operational")
        n_gpu = float(self.r["infrastructure.cluster.gpu.count"].value)
        runs = op.runs if op is not None and op.runs else None
        if op is not None and op.energy is not None:
            self.r.energy_measured = True
            self.r.includes_pue = bool(op.energy.includes_pue)
            self.put(
                "operational.energy",
                op.energy.value.to("kWh"),
                "kWh",
                MEASURED,
                f"measured by {op.energy.source or 'an unnamed meter'}"
                + (f", boundary {'+'.join(op.energy.boundary)}" if op.energy.boundary else "")
                + ("; includes datacenter overhead (PUE)" if op.energy.includes_pue else ""),
            )
            if op.energy.correction is not None:
                self.disclosed("operational.energy.correction", op.energy.correction)
        if runs is not None:
            self._runs(runs, n_gpu)
            return
        duration = self._duration(op, n_gpu, ("operational",))
        if op is not None and op.reserved_time is not None:
            reserved = self.disclosed("operational.reserved_time", op.reserved_time.to("h"), "h")
        else:
            reserved = self.put(
                "operational.reserved_time",
                float(duration.value),
                "h",
                DERIVED,
                "= the run time (operational.duration)",
                low=duration.low,
                high=duration.high,
            )
        energy = self.r.get("operational.energy")
        self.r.runs.append(RunSlice("run", duration, reserved, energy))
        self._start(op, reserved)

    def _duration(self, op: Any, n_gpu: float, where: tuple[str, ...], prefix: str = "operational") -> Input:
        path = f"{prefix}.duration"
        if op is not None and op.duration is not None:
            return self.disclosed(path, op.duration.to("h"), "h")
        if op is not None and getattr(op, "start", None) is not None and getattr(op, "end", None) is not None:
            hours = (op.end - op.start).total_seconds() / 3600
            return self.put(path, hours, "h", DERIVED, "operational.end - operational.start")
        if op is not None and op.gpu_hours is not None:
            return self.put(
                path, op.gpu_hours.to("h") / n_gpu, "h", DERIVED, f"{prefix}.gpu_hours / GPU count ({n_gpu:g})"
            )
        if op is not None and op.tokens is not None:
            found = self._tokens_time(op.tokens, n_gpu, path, prefix)
            if found is not None:
                return found
        self.warn(
            Code.NO_RUN_TIME,
            "nothing gives the run time: disclose operational.duration, start and end, "
            "gpu_hours, or tokens with model.parameters",
            where,
        )
        return self.put(path, 0.0, "h", DEFAULT, "unknown: no duration, times, GPU hours or tokens")

    def _tokens_time(self, tokens: int, n_gpu: float, path: str, prefix: str) -> Input | None:
        params = self.r.get("model.parameters")
        accel = self.r.accelerator
        if params is None:
            self.warn(
                Code.NO_RUN_TIME,
                "tokens are disclosed but model.parameters is not: the run time cannot be estimated from tokens",
                ("model",),
                "disclose model.parameters (e.g. 7.24B)",
            )
            return None
        peak_row = accel if accel is not None and accel.number("bf16_dense") else self._default_accel()
        if peak_row is None or not peak_row.number("bf16_dense"):
            return None
        peak = self.from_table(
            "method.peak_flops",
            peak_row,
            "bf16_dense",
            "TFLOP/s",
            "dense BF16 peak of one accelerator"
            if peak_row is accel
            else "the accelerator has no dense BF16 peak in the tables: the year's default "
            "accelerator's peak is used, which shortens the estimated run",
        )
        assert peak is not None
        k_row = self.method_row
        k = self.from_table(
            "method.flops_factor",
            k_row,
            "flops_factor",
            "1",
            "FLOPs per parameter per token (6 full; 4 with frozen base weights)",
        )
        assert k is not None
        mfu_row = self.r.service if self.r.service is not None and self.r.service.number("mfu") else k_row
        mfu = self.from_table("method.mfu", mfu_row, "mfu", "1", "model FLOPs utilisation")
        assert mfu is not None
        self.put(
            f"{prefix}.tokens" if prefix != "operational" else "operational.tokens",
            float(tokens),
            None,
            DISCLOSED,
            "disclosed (padding included)",
        )
        flops = k.span * params.span * float(tokens)
        hours = flops / (n_gpu * peak.span.inverse() * 1e12 * mfu.span.inverse()) / 3600
        hours = hours.ordered()
        return self.put(
            path,
            hours.mid,
            "h",
            DERIVED,
            f"tokens -> time: {k.value:g} x {float(params.value):.4g} parameters x {tokens:,} tokens "
            f"/ ({n_gpu:g} GPUs x {float(peak.value):g} TFLOP/s x MFU {float(mfu.value):.3g})",
            low=hours.low,
            high=hours.high,
        )

    def _runs(self, runs: list[Any], n_gpu: float) -> None:
        total_d = Span.of(0.0)
        total_r = Span.of(0.0)
        for index, run in enumerate(runs):
            prefix = f"operational.runs.{index}"
            duration = self._duration(run, n_gpu, ("operational", "runs", str(index)), prefix)
            if run.reserved_time is not None:
                reserved = self.disclosed(f"{prefix}.reserved_time", run.reserved_time.to("h"), "h")
            else:
                reserved = duration
            energy = (
                self.put(f"{prefix}.energy", run.energy.to("kWh"), "kWh", MEASURED, "measured")
                if run.energy is not None
                else None
            )
            self.r.runs.append(RunSlice(run.name or f"run {index + 1}", duration, reserved, energy))
            total_d = total_d + duration.span
            total_r = total_r + reserved.span
        self.put(
            "operational.duration",
            total_d.mid,
            "h",
            DERIVED,
            "sum of operational.runs durations",
            low=total_d.low,
            high=total_d.high,
        )
        reserved_in = self.put(
            "operational.reserved_time",
            total_r.mid,
            "h",
            DERIVED,
            "sum of operational.runs reserved times",
            low=total_r.low,
            high=total_r.high,
        )
        self._start(self._block("operational"), reserved_in)

    def _start(self, op: Any, reserved: Input) -> None:
        if op is not None and op.start is not None:
            self.disclosed("operational.start", op.start.isoformat())
        elif op is not None and op.end is not None and "operational.duration" in self.r.inputs:
            start = op.end - dt.timedelta(hours=float(self.r["operational.duration"].value))
            self.put("operational.start", start.isoformat(), None, DERIVED, "operational.end - duration")
        elif self.d.model.published is not None:
            published = dt.datetime.combine(self.d.model.published, dt.time(), dt.UTC)
            start = published - dt.timedelta(hours=float(reserved.value))
            self.put(
                "operational.start",
                start.isoformat(),
                None,
                DERIVED,
                "model.published - reserved time (Scope3 fine-tuning methodology)",
            )

    def utilisation(self) -> None:
        op = self._block("operational")
        for name in ("gpu_utilization", "cpu_utilization"):
            value = getattr(op, name, None) if op is not None else None
            path = f"operational.{name}"
            if value is not None:
                self.disclosed(path, float(value))
            else:
                self.from_table(
                    path, self.method_row, name, "1", f"the {self.method_row['method']} row of the method table"
                )

    # --- grid and water --------------------------------------------------------------

    def grid(self) -> None:
        op = self._block("operational")
        zone = str(self.r["infrastructure.location.grid_zone"].value)
        country = str(self.r["infrastructure.location.country"].value)
        if op is not None and op.carbon_intensity is not None:
            detail = f"disclosed: {op.carbon_intensity_source}" if op.carbon_intensity_source else "disclosed"
            self.put(
                "operational.carbon_intensity", op.carbon_intensity.to("gCO2e/kWh"), "gCO2e/kWh", DISCLOSED, detail
            )
        else:
            row, used = self._nearest(self.f.grid, (zone, country, "WORLD"))
            if row is not None:
                year = int(row["year"])
                if self.grid_options.mode != "hourly":
                    self._year_gap(year, "grid carbon intensity", used)
                self.from_table(
                    "operational.carbon_intensity",
                    row,
                    "intensity",
                    "gCO2e/kWh",
                    f"annual {row['basis'] or ''} intensity of {used}, {year}".replace("  ", " "),
                )
            if self.grid_options.mode == "hourly":
                self._hourly(zone, country)
        if op is not None and op.electricity_water_intensity is not None:
            self.disclosed(
                "operational.electricity_water_intensity", op.electricity_water_intensity.to("L/kWh"), "L/kWh"
            )
        else:
            row, used = self._nearest(self.f.water, (zone, country, "WORLD"))
            if row is not None:
                self.from_table(
                    "operational.electricity_water_intensity",
                    row,
                    "consumed",
                    "L/kWh",
                    f"water consumed per kWh generated in {used}",
                )

    def _hourly(self, zone: str, country: str) -> None:
        """The run window's mean intensity from a grid-data service (origin fetched), if it can be had."""
        import dataclasses

        from ftdisclose.integrations.grid import hourly_intensity

        start_input = self.r.get("operational.start")
        hours = float(self.r["operational.duration"].value) if "operational.duration" in self.r.inputs else 0.0
        annual = self.r.get("operational.carbon_intensity")
        where = ("operational", "carbon_intensity")
        if start_input is None or hours <= 0 or annual is None:
            self.warn(
                Code.GRID_NO_DATA,
                "hourly grid data needs the run's start and duration; the annual value is used",
                where,
                "disclose operational.start (with its time zone) and the duration",
            )
            return
        start = dt.datetime.fromisoformat(str(start_input.value))
        region = self.r.get("infrastructure.location.cloud_region")
        provider = self.r.get("infrastructure.provider")
        result = hourly_intensity(
            zone,
            country,
            str(region.value) if region else None,
            start,
            hours,
            annual_g_per_kwh=float(annual.value),
            offline=self.grid_options.offline,
            cloud_provider=str(provider.value) if provider else None,
            file=self.doc.file if self.doc else "<disclosure>",
        )
        line, col = self.doc.locate(where) if self.doc is not None else (None, None)
        self.r.findings.extend(
            dataclasses.replace(f, line=f.line or line, column=f.column or col) for f in result.findings
        )
        if result.value_g_per_kwh is not None:
            self.put("operational.carbon_intensity", result.value_g_per_kwh, "gCO2e/kWh", FETCHED, result.source_text)

    def _nearest(self, index: dict[str, Any], zones: tuple[str, ...]) -> tuple[Row | None, str]:
        for zone in zones:
            years = index.get(zone)
            if not years:
                continue
            dated = [y for y in years if y is not None]
            if dated:
                year = min(dated, key=lambda y: (abs(y - self.run_year), -y))
                return years[year], zone
            return years[None], zone
        return None, ""

    def _year_gap(self, year: int, what: str, zone: str) -> None:
        if abs(year - self.run_year) > YEAR_GAP_WARNING:
            self.warn(
                Code.YEAR_GAP,
                f"the nearest year of {what} for {zone} is {year}, "
                f"{abs(year - self.run_year)} years from the run's {self.run_year}",
                ("operational",),
            )

    def usage(self) -> None:
        usage = self._block("usage")
        if usage is None:
            return
        if usage.inferences_per_day is not None:
            self.disclosed("usage.inferences_per_day", float(usage.inferences_per_day))
        if usage.use_life is not None:
            self.disclosed("usage.use_life", usage.use_life.to("d"), "d")
        elif usage.refresh_interval is not None:
            self.put(
                "usage.use_life",
                usage.refresh_interval.to("d"),
                "d",
                DERIVED,
                "continuous fine-tuning: the use life is usage.refresh_interval",
            )


def resolve(
    disclosure: Any, factors: FactorSet, doc: Document | None = None, grid: GridOptions | None = None
) -> Resolution:
    """Resolve every input of a validated spec-1.0 disclosure."""
    return _Resolver(disclosure, factors, doc, grid or GridOptions()).run()
