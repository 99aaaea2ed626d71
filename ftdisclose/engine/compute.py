"""Compute stage: energy, carbon, water and the amortised share, each with a range.

The formulas are those of the methodology (§2-§5), evaluated with pint quantities whose
magnitudes are ``Span`` triples, so that one evaluation gives the low, central and high
result and every step is checked for units. Inputs come from the resolve stage; each
formula, with its numbers put in, is kept for ``explain``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from ftdisclose.engine.span import Span
from ftdisclose.factors import FactorSet
from ftdisclose.findings import Finding
from ftdisclose.io.loader import Document
from ftdisclose.resolve import GridOptions, Input, Resolution, RunSlice, resolve
from ftdisclose.units import UnitError, registry, unit_info

# The unit each result is reported in (cli.md).
RESULT_UNITS: dict[str, str] = {
    "energy.it": "kWh",
    "energy.facility": "kWh",
    "emissions.operational": "kgCO2e",
    "emissions.embodied": "kgCO2e",
    "emissions.total": "kgCO2e",
    "water.onsite": "L",
    "water.offsite": "L",
    "water.embodied": "L",
    "water.total": "L",
    "per_inference.emissions": "gCO2e",
    "per_inference.water": "mL",
}


@dataclass(frozen=True, slots=True)
class Step:
    """One formula of the computation, for ``explain`` (its numbers are written out on demand)."""

    output: str
    formula: str
    write_numbers: Callable[[], str]
    result: Span
    unit: str

    @property
    def numbers(self) -> str:
        return self.write_numbers()


@dataclass
class Computation:
    """Results by dotted name (``emissions.total``), the inputs used, and the steps."""

    resolution: Resolution
    results: dict[str, Span] = field(default_factory=dict)
    steps: list[Step] = field(default_factory=list)
    runs: list[dict[str, Any]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    used: set[str] = field(default_factory=set)  # the input paths the formulas read

    @property
    def inputs(self) -> dict[str, Input]:
        return self.resolution.inputs

    @property
    def factors_version(self) -> str:
        return self.resolution.factors.version

    def result(self, name: str) -> Span:
        return self.results[name]


@cache
def _combine_dims(
    a: tuple[tuple[str, float], ...], b: tuple[tuple[str, float], ...], sign: float
) -> tuple[tuple[str, float], ...]:
    """Dimension exponents of a product (sign 1) or quotient (sign -1); few distinct pairs occur."""
    out = dict(a)
    for dim, exp in b:
        out[dim] = out.get(dim, 0.0) + sign * exp
    return tuple(sorted((d, e) for d, e in out.items() if e != 0))


class FastQuantity:
    """A span with a unit, checked at every step like a pint quantity, without pint's import cost.

    Unit facts (dimension exponents, scale) come from the same registry through
    ``units.unit_info``; ``validate`` computes with this, ``compute`` with pint itself, and
    the tests check that the two agree.
    """

    __slots__ = ("dims", "factor", "magnitude")

    def __init__(self, magnitude: Span, factor: float, dims: tuple[tuple[str, float], ...]) -> None:
        self.magnitude, self.factor, self.dims = magnitude, factor, dims

    @classmethod
    def of(cls, magnitude: Span, unit: str) -> FastQuantity:
        info = unit_info(unit)
        return cls(magnitude, info.factor, info.dims)

    def _other(self, other: Any) -> FastQuantity:
        return other if isinstance(other, FastQuantity) else FastQuantity(Span.of(float(other)), 1.0, ())

    def __mul__(self, other: Any) -> FastQuantity:
        o = self._other(other)
        return FastQuantity(self.magnitude * o.magnitude, self.factor * o.factor, _combine_dims(self.dims, o.dims, 1))

    __rmul__ = __mul__

    def __truediv__(self, other: Any) -> FastQuantity:
        o = self._other(other)
        return FastQuantity(self.magnitude / o.magnitude, self.factor / o.factor, _combine_dims(self.dims, o.dims, -1))

    def _same(self, other: Any) -> FastQuantity:
        o = self._other(other)
        if o.dims != self.dims:
            raise UnitError(f"cannot add {o.dims} to {self.dims}")
        return o

    def __add__(self, other: Any) -> FastQuantity:
        o = self._same(other)
        return FastQuantity(self.magnitude + o.magnitude * (o.factor / self.factor), self.factor, self.dims)

    def __sub__(self, other: Any) -> FastQuantity:
        o = self._same(other)
        return FastQuantity(self.magnitude - o.magnitude * (o.factor / self.factor), self.factor, self.dims)

    def to(self, unit: str) -> FastQuantity:
        info = unit_info(unit)
        if info.dims != self.dims:
            raise UnitError(f"cannot convert {self.dims} to {unit}")
        return FastQuantity(self.magnitude * (self.factor / info.factor), info.factor, info.dims)


def _fmt(span: Span, unit: str = "") -> str:
    unit = f" {unit}" if unit and unit != "1" else ""
    if span.low == span.mid == span.high:
        return f"{span.mid:.6g}{unit}"
    return f"{span.mid:.6g}{unit} [{span.low:.6g}..{span.high:.6g}]"


class _Engine:
    def __init__(self, resolution: Resolution, backend: str) -> None:
        self.r = resolution
        if backend == "pint":
            units = _pint_unit
            quantity = registry().Quantity
            self.Q: Any = lambda span, unit: quantity(span, units(unit))
            self.u: Any = units
        else:
            self.Q = FastQuantity.of
            self.u = str
        self.c = Computation(resolution)

    def q(self, path: str, unit: str | None = None, *, inverse: bool = False) -> Any:
        item = self.r[path]
        self.c.used.add(path)
        span = item.span.inverse() if inverse else item.span
        return self.Q(span, unit or item.unit or "dimensionless")

    def record(self, output: str, formula: str, numbers: Callable[[], str], value: Any, unit: str) -> Span:
        span: Span = value.to(self.u(unit)).magnitude
        span = span.ordered()
        self.c.steps.append(Step(output, formula, numbers, span, unit))
        return span

    def run(self) -> Computation:
        r = self.r
        zero_kwh = self.Q(Span.of(0.0), "kWh")
        totals: dict[str, Any] = {}
        total_hours = sum(float(s.duration.value) for s in r.runs) or 1.0
        pue = self.q("infrastructure.datacenter.pue")
        for index, run in enumerate(r.runs):
            label = "" if len(r.runs) == 1 else f" [{run.name}]"
            e_it, e_fac = self._energy(run, pue, total_hours, label)
            parts = {"energy.it": e_it, "energy.facility": e_fac}
            parts.update(self._carbon(run, e_fac, label))
            parts.update(self._water(run, e_it, e_fac, label))
            for key, value in parts.items():
                totals[key] = totals[key] + value if key in totals else value
            if len(r.runs) > 1:
                self.c.runs.append(
                    {
                        "name": run.name,
                        "index": index,
                        "emissions": parts["emissions.operational"] + parts["emissions.embodied"],
                    }
                )
        totals.setdefault("energy.it", zero_kwh)
        totals["emissions.total"] = totals["emissions.operational"] + totals["emissions.embodied"]
        totals["water.total"] = totals["water.onsite"] + totals["water.offsite"] + totals["water.embodied"]
        for key, value in totals.items():
            self.c.results[key] = value.to(self.u(RESULT_UNITS[key])).magnitude.ordered()
        self._shares()
        self._amortise(totals)
        self.c.findings.extend(r.findings)
        return self.c

    def _energy(self, run: RunSlice, pue: Any, total_hours: float, label: str) -> tuple[Any, Any]:
        r = self.r
        t_run = self.Q(run.duration.span, "h")
        measured = run.energy
        share = 1.0
        if measured is None and r.energy_measured and len(r.runs) > 1:
            # the disclosed total, less what the runs measured themselves, shared by time
            measured = r["operational.energy"]
            own = sum(float(s.energy.value) for s in r.runs if s.energy is not None)
            hours = sum(float(s.duration.value) for s in r.runs if s.energy is None) or total_hours
            whole = float(measured.value)
            share = max(0.0, whole - own) / whole * float(run.duration.value) / hours if whole else 0.0
        if measured is not None:
            e = self.Q(measured.span, "kWh") * share
            correction = r.get("operational.energy.correction")
            if correction is not None:
                e = e * float(correction.value)
            text = "E_measured" + (" x correction" if correction else "") + (" x run share" if share != 1 else "")
            if r.includes_pue:
                e_fac = e
                e_it = e / self.q("infrastructure.datacenter.pue", inverse=True)
                self.record(
                    f"energy.facility{label}",
                    text + " (includes PUE)",
                    lambda: f"{_fmt(measured.span, 'kWh')}",
                    e_fac,
                    "kWh",
                )
                self.record(
                    f"energy.it{label}",
                    "E_facility / PUE",
                    lambda: f"{_fmt(e_fac.to(self.u('kWh')).magnitude, 'kWh')} / {_fmt(pue.magnitude)}",
                    e_it,
                    "kWh",
                )
                return e_it, e_fac
            self.record(f"energy.it{label}", text, lambda: f"{_fmt(measured.span, 'kWh')}", e, "kWh")
            e_fac = e * pue
            self.record(
                f"energy.facility{label}",
                "E_it x PUE",
                lambda: f"{_fmt(e.to(self.u('kWh')).magnitude, 'kWh')} x {_fmt(pue.magnitude)}",
                e_fac,
                "kWh",
            )
            return e, e_fac
        server_power = r.get("infrastructure.cluster.server_power")
        n_srv = self.q("infrastructure.cluster.servers")
        if server_power is not None:
            p_it = self.q("infrastructure.cluster.server_power", "W") * n_srv
            e_it = p_it * t_run
            self.record(
                f"energy.it{label}",
                "server_power x servers x t_run",
                lambda: f"{_fmt(server_power.span, 'W')} x {n_srv.magnitude.mid:g} x {_fmt(run.duration.span, 'h')}",
                e_it,
                "kWh",
            )
        else:
            p_it = self._component_power(label)
            e_it = p_it * t_run
            self.record(
                f"energy.it{label}",
                "P_it x t_run",
                lambda: f"{_fmt(p_it.to(self.u('W')).magnitude, 'W')} x {_fmt(run.duration.span, 'h')}",
                e_it,
                "kWh",
            )
        e_fac = e_it * pue
        self.record(
            f"energy.facility{label}",
            "E_it x PUE",
            lambda: f"{_fmt(e_it.to(self.u('kWh')).magnitude, 'kWh')} x {_fmt(pue.magnitude)}",
            e_fac,
            "kWh",
        )
        return e_it, e_fac

    def _component_power(self, label: str) -> Any:
        r = self.r
        n_gpu = self.q("infrastructure.cluster.gpu.count")
        tdp = self.q("infrastructure.cluster.gpu.tdp", "W")
        idle = self.q("infrastructure.cluster.gpu.idle_power", "W")
        u_gpu = self.q("operational.gpu_utilization")
        p_gpu = _load_power(idle, u_gpu, tdp)
        self.record(
            f"power.gpu{label}",
            "P_idle + u_gpu x (TDP - P_idle)",
            lambda: (
                f"{_fmt(idle.magnitude, 'W')} + {_fmt(u_gpu.magnitude)} x ({_fmt(tdp.magnitude, 'W')} - "
                f"{_fmt(idle.magnitude, 'W')})"
            ),
            p_gpu,
            "W",
        )
        p_it = n_gpu * p_gpu
        n_cpu = self.q("infrastructure.cluster.cpu.count")
        cpu_tdp = self.q("infrastructure.cluster.cpu.tdp", "W")
        if n_cpu.magnitude.high > 0 and cpu_tdp.magnitude.high > 0:
            cpu_idle = cpu_tdp * self.q("method.cpu_idle_fraction")
            u_cpu = self.q("operational.cpu_utilization")
            p_cpu = _load_power(cpu_idle, u_cpu, cpu_tdp)
            self.record(
                f"power.cpu{label}",
                "P_idle_cpu + u_cpu x (TDP_cpu - P_idle_cpu)",
                lambda: (
                    f"{_fmt(cpu_idle.to(self.u('W')).magnitude, 'W')} + {_fmt(u_cpu.magnitude)} x "
                    f"({_fmt(cpu_tdp.magnitude, 'W')} - {_fmt(cpu_idle.to(self.u('W')).magnitude, 'W')}), "
                    f"idle = TDP x {_fmt(self.r['method.cpu_idle_fraction'].span)}"
                ),
                p_cpu,
                "W",
            )
            p_it = p_it + n_cpu * p_cpu
        # (count, power) pairs, written out only if explain asks
        parts: list[tuple[Any, Any]] = [(n_gpu, p_gpu)]
        if n_cpu.magnitude.high > 0 and cpu_tdp.magnitude.high > 0:
            parts.append((n_cpu, p_cpu))
        memory = r["infrastructure.cluster.memory"]
        if float(memory.value) > 0:
            p_mem = self.q("infrastructure.cluster.memory", "GB") * self.q("method.memory_power", "W/GB")
            self.record(
                f"power.memory{label}",
                "memory x p_mem",
                lambda: f"{_fmt(memory.span, 'GB')} x {_fmt(r['method.memory_power'].span, 'W/GB')}",
                p_mem,
                "W",
            )
            p_it = p_it + p_mem
            parts.append((None, p_mem))
        other = r["method.other_power"]
        if float(other.value) > 0:
            n_srv = self.q("infrastructure.cluster.servers")
            p_other = self.q("method.other_power", "W")
            p_it = p_it + p_other * n_srv
            parts.append((n_srv, p_other))
        self.record(
            f"power.it{label}",
            "n_gpu x P_gpu + n_cpu x P_cpu + P_mem + n_srv x P_other",
            lambda: " + ".join(
                (f"{n.magnitude.mid:g} x " if n is not None else "") + _fmt(p.to(self.u("W")).magnitude, "W")
                for n, p in parts
            ),
            p_it,
            "W",
        )
        return p_it

    def _embodied_time(self, run: RunSlice) -> Any:
        t_res = self.Q(run.reserved.span, "h")
        life = self.q("infrastructure.cluster.hardware_life", "y", inverse=True)
        share = self.q("infrastructure.cluster.hardware_reserved_share", inverse=True)
        return t_res / (life * share)

    def _carbon(self, run: RunSlice, e_fac: Any, label: str) -> dict[str, Any]:
        intensity = self.q("operational.carbon_intensity", "gCO2e/kWh")
        c_op = e_fac * intensity
        self.record(
            f"emissions.operational{label}",
            "E_facility x I",
            lambda: f"{_fmt(e_fac.to(self.u('kWh')).magnitude, 'kWh')} x {_fmt(intensity.magnitude, 'gCO2e/kWh')}",
            c_op,
            "kgCO2e",
        )
        n_gpu = self.q("infrastructure.cluster.gpu.count")
        n_srv = self.q("infrastructure.cluster.servers")
        ec_gpu = self.q("infrastructure.cluster.gpu.embodied", "kgCO2e")
        ec_srv = self.q("infrastructure.cluster.server_embodied", "kgCO2e")
        c_emb = (n_gpu * ec_gpu + n_srv * ec_srv) * self._embodied_time(run)
        self.record(
            f"emissions.embodied{label}",
            "(n_gpu x EC_gpu + n_srv x EC_srv) x t_reserved / (L x U)",
            lambda: (
                f"({n_gpu.magnitude.mid:g} x {_fmt(ec_gpu.magnitude, 'kgCO2e')} + {n_srv.magnitude.mid:g} x "
                f"{_fmt(ec_srv.magnitude, 'kgCO2e')}) x {_fmt(run.reserved.span, 'h')} / "
                f"({_fmt(self.r['infrastructure.cluster.hardware_life'].span, 'y')} x "
                f"{_fmt(self.r['infrastructure.cluster.hardware_reserved_share'].span)} x 8760 h/y)"
            ),
            c_emb,
            "kgCO2e",
        )
        return {"emissions.operational": c_op, "emissions.embodied": c_emb}

    def _water(self, run: RunSlice, e_it: Any, e_fac: Any, label: str) -> dict[str, Any]:
        wue = self.q("infrastructure.datacenter.wue", "L/kWh")
        ewif = self.q("operational.electricity_water_intensity", "L/kWh")
        w_on = e_it * wue
        self.record(
            f"water.onsite{label}",
            "E_it x WUE",
            lambda: f"{_fmt(e_it.to(self.u('kWh')).magnitude, 'kWh')} x {_fmt(wue.magnitude, 'L/kWh')}",
            w_on,
            "L",
        )
        w_off = e_fac * ewif
        self.record(
            f"water.offsite{label}",
            "E_facility x EWIF",
            lambda: f"{_fmt(e_fac.to(self.u('kWh')).magnitude, 'kWh')} x {_fmt(ewif.magnitude, 'L/kWh')}",
            w_off,
            "L",
        )
        n_gpu = self.q("infrastructure.cluster.gpu.count")
        ew_gpu = self.q("infrastructure.cluster.gpu.embodied_water", "L")
        w_emb = n_gpu * ew_gpu * self._embodied_time(run)
        self.record(
            f"water.embodied{label}",
            "n_gpu x EW_gpu x t_reserved / (L x U)",
            lambda: (
                f"{n_gpu.magnitude.mid:g} x {_fmt(ew_gpu.magnitude, 'L')} x {_fmt(run.reserved.span, 'h')} / "
                f"({_fmt(self.r['infrastructure.cluster.hardware_life'].span, 'y')} x "
                f"{_fmt(self.r['infrastructure.cluster.hardware_reserved_share'].span)} x 8760 h/y)"
            ),
            w_emb,
            "L",
        )
        return {"water.onsite": w_on, "water.offsite": w_off, "water.embodied": w_emb}

    def _shares(self) -> None:
        total = self.c.results["emissions.total"].mid
        for run in self.c.runs:
            emissions = run.pop("emissions").to(self.u("kgCO2e")).magnitude
            run["emissions"] = emissions
            run["share"] = emissions.mid / total if total else 0.0

    def _amortise(self, totals: dict[str, Any]) -> None:
        per_day = self.r.get("usage.inferences_per_day")
        life = self.r.get("usage.use_life")
        if per_day is None or life is None or float(per_day.value) <= 0 or float(life.value) <= 0:
            return
        inferences = (
            self.q("usage.inferences_per_day") * self.q("usage.use_life", "d", inverse=True) / self.Q(Span.of(1.0), "d")
        )
        for key, unit in (("emissions", "gCO2e"), ("water", "mL")):
            value = totals[f"{key}.total"] / inferences
            self.c.results[f"per_inference.{key}"] = self.record(
                f"per_inference.{key}",
                f"{key} total / (inferences_per_day x use_life)",
                lambda: f"{float(per_day.value):g}/d x {float(life.value):g} d",
                value,
                unit,
            )


BACKENDS = ("pint", "fast")


def _load_power(idle: Any, utilisation: Any, tdp: Any) -> Any:
    """Power at an average utilisation: idle plus that share of the range up to TDP (methodology §2)."""
    return idle + utilisation * (tdp - idle)


@cache
def _pint_unit(text: str) -> Any:
    """A pint Unit, parsed once per process for each unit string the formulas use."""
    return registry().Unit(text)


def compute_resolution(resolution: Resolution, backend: str = "pint") -> Computation:
    """Compute from already resolved inputs (``backend``: pint quantities, or the fast checked ones)."""
    return _Engine(resolution, backend).run()


def compute(
    disclosure: Any,
    factors: FactorSet,
    doc: Document | None = None,
    *,
    backend: str = "pint",
    grid: GridOptions | None = None,
) -> Computation:
    """Resolve and compute a validated spec-1.0 disclosure."""
    return compute_resolution(resolve(disclosure, factors, doc, grid), backend)
