"""Compute stage: energy, carbon, water and the amortised share, each with a range.

The formulas are those of ``engine.formulas`` (methodology §2-§5), evaluated on quantities
whose magnitudes are ``Span`` triples, so that one evaluation gives the low, central and
high result and every step is checked for units. Inputs come from the resolve stage; every
step is kept (``Computation.steps``) for ``explain``. Results leave as ``Measure`` values
in the units of cli.md, and keep them until a reporter formats them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from ftdisclose.engine import formulas as f
from ftdisclose.engine.formulas import Formula, Step, Sym
from ftdisclose.engine.quantity import ENGINES, Engine, Measure, Quantity
from ftdisclose.engine.span import Span
from ftdisclose.findings import Finding
from ftdisclose.resolve import Input, Resolution, RunSlice
from ftdisclose.spec.inputs import Name

Q = Quantity | None  # a value of the computation; None where it cannot be computed


class Result(StrEnum):
    """The results of a computation, by the dotted name of cli.md's ``results``."""

    ENERGY_IT = "energy.it"
    ENERGY_FACILITY = "energy.facility"
    EMISSIONS_OPERATIONAL = "emissions.operational"
    EMISSIONS_EMBODIED = "emissions.embodied"
    EMISSIONS_TOTAL = "emissions.total"
    WATER_ONSITE = "water.onsite"
    WATER_OFFSITE = "water.offsite"
    WATER_EMBODIED = "water.embodied"
    WATER_TOTAL = "water.total"
    PER_INFERENCE_EMISSIONS = "per_inference.emissions"
    PER_INFERENCE_WATER = "per_inference.water"
    TRAINING_FLOPS = "compute.training_flops"


# The unit each result is reported in (cli.md).
RESULT_UNITS: dict[Result, str] = {
    Result.ENERGY_IT: "kWh",
    Result.ENERGY_FACILITY: "kWh",
    Result.EMISSIONS_OPERATIONAL: "kgCO2e",
    Result.EMISSIONS_EMBODIED: "kgCO2e",
    Result.EMISSIONS_TOTAL: "kgCO2e",
    Result.WATER_ONSITE: "L",
    Result.WATER_OFFSITE: "L",
    Result.WATER_EMBODIED: "L",
    Result.WATER_TOTAL: "L",
    Result.PER_INFERENCE_EMISSIONS: "gCO2e",
    Result.PER_INFERENCE_WATER: "mL",
    Result.TRAINING_FLOPS: "FLOP",
}
_PER_RUN = (
    Result.ENERGY_IT,
    Result.ENERGY_FACILITY,
    Result.EMISSIONS_OPERATIONAL,
    Result.EMISSIONS_EMBODIED,
    Result.WATER_ONSITE,
    Result.WATER_OFFSITE,
    Result.WATER_EMBODIED,
)


@dataclass(frozen=True)
class Overflow:
    """A step whose result is not finite: what it computed, with which numbers, from which inputs."""

    step: str
    numbers: str
    inputs: tuple[str, ...]


@dataclass(frozen=True)
class RunResult:
    """One run's share of a computation with several runs."""

    name: str
    index: int
    emissions: Measure
    share: float


@dataclass(frozen=True)
class Computation:
    """Results by name, the steps that reached them, and the resolution they started from."""

    resolution: Resolution
    results: Mapping[Result, Measure]
    missing: Mapping[Result, str] = field(default_factory=dict)  # what could not be computed, and why
    steps: tuple[Step, ...] = ()
    runs: tuple[RunResult, ...] = ()
    used: frozenset[str] = frozenset()  # the input names the formulas read
    findings: tuple[Finding, ...] = ()
    overflows: tuple[Overflow, ...] = ()  # steps whose result is not a finite number
    # runs summed by what they were for (train, eval, hpo, ...), when the runs say
    stages: Mapping[str, Mapping[Result, Measure]] = field(default_factory=dict)

    @property
    def inputs(self) -> Mapping[str, Input]:
        return self.resolution.inputs

    @property
    def factors_version(self) -> str:
        return self.resolution.factors.version


class _Shown(Mapping[str, Measure]):
    """A step's inputs in each symbol's unit, converted when first read.

    ``explain`` and the JSON steps read them; a validate run that only compares results with
    the file's figures never does, and so never pays for the conversions.
    """

    def __init__(self, engine: Engine, pending: Mapping[str, tuple[Sym, Quantity]]) -> None:
        self._engine = engine
        self._pending = pending
        self._done: dict[str, Measure] = {}

    def __getitem__(self, name: str) -> Measure:
        done = self._done.get(name)
        if done is None:
            symbol, quantity = self._pending[name]
            measure = self._engine.measure(quantity, symbol.unit)
            # an inverted input is shown the right way round
            done = self._done[name] = Measure(measure.span.ordered(), measure.unit)
        return done

    def __iter__(self) -> Iterator[str]:
        return iter(self._pending)

    def __len__(self) -> int:
        return len(self._pending)


class _Evaluation:
    """One computation in progress: binds inputs to symbols, evaluates formulas, keeps the steps."""

    def __init__(self, resolution: Resolution, engine: Engine) -> None:
        self.r = resolution
        self.engine = engine
        self.steps: list[Step] = []
        self.used: set[str] = set()
        self.overflows: list[Overflow] = []
        self._names: dict[int, str] = {}  # id of an input's quantity -> the input's name

    def value(self, name: str, *, inverse: bool = False) -> Quantity:
        """An input as an engine quantity (``inverse``: an input the result falls as it grows)."""
        item = self.r.inputs[name]
        self.used.add(name)
        span = item.span.inverse() if inverse else item.span
        quantity = self.engine.quantity(span, item.unit or "1")
        self._names[id(quantity)] = name
        return quantity

    def quantity(self, span: Span, unit: str, *, name: str | None = None) -> Quantity:
        """A quantity not read from one input as it is (a share of a measurement, a run's time)."""
        quantity = self.engine.quantity(span, unit)
        if name is not None:
            self._names[id(quantity)] = name
        return quantity

    def step(self, formula: Formula, env: Mapping[str, Q], label: str = "") -> Q:
        """Evaluate ``formula`` with ``env`` (symbol name -> quantity or None), keeping the step.

        None when a value it needs is absent: the output is then not computed.
        """
        value = formula.evaluate(env)
        if value is None:
            return None
        symbols = formula.symbol_map
        pending = {n: (symbols[n], q) for n, q in env.items() if q is not None and n in symbols}
        result = self.engine.measure(value, formula.unit)
        step = Step(formula.output + label, formula, _Shown(self.engine, pending), result)
        if not step.result.finite():
            names = tuple(self._names[id(q)] for q in env.values() if id(q) in self._names)
            self.overflows.append(Overflow(step.label, step.numbers, names))
            return None
        self.steps.append(step)
        return value

    def measure(self, value: Quantity, unit: str) -> Measure:
        return self.engine.measure(value, unit)


NO_RUN_TIME = "nothing gives the run time (FTD308)"
NO_ENERGY = "the energy is not computed: " + NO_RUN_TIME
NO_RESERVED_TIME = "nothing gives the reserved time the hardware's embodied share is counted over (FTD308)"


def compute(resolution: Resolution, engine: str = "fast") -> Computation:
    """Energy, emissions, water and per-inference shares from resolved inputs.

    What cannot be computed (no run time, so no energy; no reserved time, so no embodied
    share) is left out of ``results`` and named in ``missing`` with the reason.
    """
    ev = _Evaluation(resolution, ENGINES[engine]())
    totals: dict[Result, Q] = {}
    missing: dict[Result, str] = {}
    runs: list[tuple[RunSlice, Q]] = []
    pue = ev.value(Name.PUE)
    total_hours = sum(s.duration.span.mid for s in resolution.runs if s.duration is not None) or 1.0
    stages: dict[str, dict[Result, Q]] = {}
    for run in resolution.runs:
        label = "" if len(resolution.runs) == 1 else f" [{run.name}]"
        parts, reasons = _run_parts(ev, run, pue, total_hours, label)
        for key in _PER_RUN:
            if parts.get(key) is None:
                missing.setdefault(key, reasons.get(key, NO_RUN_TIME))
            else:
                totals[key] = _add(totals.get(key), parts[key])
        runs.append((run, _sum(parts, (Result.EMISSIONS_OPERATIONAL, Result.EMISSIONS_EMBODIED))))
        _add_stage(stages.setdefault(run.stage or "train", {}), parts)
    for key in missing:
        totals.pop(key, None)
    results = {key: ev.measure(value, RESULT_UNITS[key]) for key in _PER_RUN if (value := totals.get(key)) is not None}
    c_tot = _total(ev, f.TOTAL_EMISSIONS, totals, missing, Result.EMISSIONS_TOTAL)
    w_tot = _total(ev, f.TOTAL_WATER, totals, missing, Result.WATER_TOTAL)
    if c_tot is not None:
        results[Result.EMISSIONS_TOTAL] = ev.measure(c_tot, "kgCO2e")
    if w_tot is not None:
        results[Result.WATER_TOTAL] = ev.measure(w_tot, "L")
    results.update(_amortise(ev, c_tot, w_tot, missing))
    flops = resolution.inputs.get(Name.TRAINING_FLOPS)
    if flops is not None:
        results[Result.TRAINING_FLOPS] = flops.measure.to("FLOP")
    run_results = _run_results(ev, runs, results.get(Result.EMISSIONS_TOTAL))
    ordered = {key: results[key] for key in Result if key in results}
    by_stage = _stages(ev, stages) if any(run.stage for run in resolution.runs if not run.idle) else {}
    reasons = {key: missing[key] for key in Result if key in missing}
    return Computation(
        resolution,
        ordered,
        reasons,
        tuple(ev.steps),
        run_results,
        frozenset(ev.used),
        resolution.findings,
        tuple(ev.overflows),
        by_stage,
    )


_TOTAL_PARTS: dict[Result, dict[str, Result]] = {
    Result.EMISSIONS_TOTAL: {"C_operational": Result.EMISSIONS_OPERATIONAL, "C_embodied": Result.EMISSIONS_EMBODIED},
    Result.WATER_TOTAL: {
        "W_onsite": Result.WATER_ONSITE,
        "W_offsite": Result.WATER_OFFSITE,
        "W_embodied": Result.WATER_EMBODIED,
    },
}


def _total(ev: _Evaluation, formula: Formula, totals: Mapping[Result, Q], missing: dict[Result, str], key: Result) -> Q:
    """A total of parts; not computed when one of its parts is not."""
    parts = _TOTAL_PARTS[key]
    lacking = [part for part in parts.values() if part in missing]
    if lacking:
        missing[key] = f"needs {lacking[0]}, which is not computed"
        return None
    return ev.step(formula, {symbol: totals[part] for symbol, part in parts.items()})


_STAGE_RESULTS = (Result.ENERGY_IT, Result.ENERGY_FACILITY, Result.EMISSIONS_OPERATIONAL, Result.EMISSIONS_EMBODIED)


def _add(total: Q, value: Q) -> Q:
    """A running sum: the value alone to start with; absent once a part is absent."""
    if value is None:
        return None
    return value if total is None else total + value


def _add_stage(totals: dict[Result, Q], parts: Mapping[Result, Q]) -> None:
    for key in _STAGE_RESULTS:
        value = parts.get(key)
        totals[key] = None if key in totals and totals[key] is None else _add(totals.get(key), value)


def _stages(ev: _Evaluation, stages: Mapping[str, Mapping[Result, Q]]) -> dict[str, dict[Result, Measure]]:
    out: dict[str, dict[Result, Measure]] = {}
    for stage, totals in sorted(stages.items()):
        out[stage] = {key: ev.measure(value, RESULT_UNITS[key]) for key, value in totals.items() if value is not None}
        emissions = _add(totals.get(Result.EMISSIONS_OPERATIONAL), totals.get(Result.EMISSIONS_EMBODIED))
        if totals.get(Result.EMISSIONS_OPERATIONAL) is not None and emissions is not None:
            out[stage][Result.EMISSIONS_TOTAL] = ev.measure(emissions, "kgCO2e")
    return out


def _sum(parts: Mapping[Result, Q], keys: tuple[Result, ...]) -> Q:
    total: Q = None
    for key in keys:
        value = parts.get(key)
        if value is None:
            return None
        total = _add(total, value)
    return total


def _run_results(ev: _Evaluation, runs: list[tuple[RunSlice, Q]], total: Measure | None) -> tuple[RunResult, ...]:
    if len(runs) <= 1 or total is None or any(value is None for _, value in runs):
        return ()
    out = []
    for index, (run, value) in enumerate(runs):
        if value is None:
            return ()
        emissions = ev.measure(value, "kgCO2e")
        out.append(RunResult(run.name, index, emissions, emissions.mid / total.mid if total.mid else 0.0))
    return tuple(out)


def _run_parts(
    ev: _Evaluation, run: RunSlice, pue: Q, total_hours: float, label: str
) -> tuple[dict[Result, Q], dict[Result, str]]:
    """What one run contributes (None where it cannot be computed), and why each missing part is missing."""
    e_it, e_fac = _energy(ev, run, pue, total_hours, label)
    parts = {Result.ENERGY_IT: e_it, Result.ENERGY_FACILITY: e_fac}
    parts.update(_carbon(ev, run, e_fac, label))
    parts.update(_water(ev, run, e_it, e_fac, label))
    reasons = dict.fromkeys(parts, NO_ENERGY)
    reasons[Result.ENERGY_IT] = reasons[Result.ENERGY_FACILITY] = NO_RUN_TIME
    if e_fac is not None:
        reasons[Result.EMISSIONS_EMBODIED] = reasons[Result.WATER_EMBODIED] = NO_RESERVED_TIME
    if ev.overflows:
        overflow = f"a step gives a number too large to represent (FTD412): {ev.overflows[0].step}"
        reasons = dict.fromkeys(parts, overflow)
    return parts, reasons


def _measured_share(resolution: Resolution, run: RunSlice, total_hours: float) -> tuple[Input | None, float]:
    """The measurement that covers ``run`` and the share of it the run takes.

    A run with its own energy takes all of it; the others share what the disclosed total
    leaves, by time.
    """
    measured = run.energy
    if measured is not None or not resolution.energy_measured or len(resolution.runs) <= 1:
        return measured, 1.0
    whole_input = resolution.inputs[Name.ENERGY]
    own = sum(s.energy.span.mid for s in resolution.runs if s.energy is not None and not s.idle)
    hours = sum(s.duration.span.mid for s in resolution.runs if s.energy is None and s.duration is not None)
    whole = whole_input.span.mid
    if run.duration is None or not whole:
        return whole_input, 0.0
    share = max(0.0, whole - own) / whole * run.duration.span.mid / (hours or total_hours)
    return whole_input, share


def _energy(ev: _Evaluation, run: RunSlice, pue: Q, total_hours: float, label: str) -> tuple[Q, Q]:
    r = ev.r
    measured, share = _measured_share(r, run, total_hours)
    if measured is not None:
        env = {
            "E_measured": ev.quantity(measured.span, measured.unit or "kWh", name=_energy_name(r, measured)),
            "correction": ev.value(Name.ENERGY_CORRECTION) if Name.ENERGY_CORRECTION in r.inputs else None,
            "run_share": ev.quantity(Span.of(share), "1") if share != 1 else None,
        }
        if r.includes_pue and not run.idle:  # idle energy is IT energy (the spec), whatever the run measured
            e_fac = ev.step(f.FACILITY_ENERGY_MEASURED, env, label)
            e_it = ev.step(
                f.IT_ENERGY_FROM_FACILITY, {"E_facility": e_fac, "PUE": ev.value(Name.PUE, inverse=True)}, label
            )
            return e_it, e_fac
        e_it = ev.step(f.IT_ENERGY_MEASURED, env, label)
    elif Name.SERVER_POWER in r.inputs and run.duration is not None:
        env = {"P_server": ev.value(Name.SERVER_POWER), "n_srv": ev.value(Name.SERVERS), "t_run": _t_run(ev, run)}
        e_it = ev.step(f.IT_ENERGY_SERVERS, env, label)
    elif run.duration is None:
        return None, None
    else:
        p_it = _component_power(ev, label)
        e_it = ev.step(f.IT_ENERGY_MODELLED, {"P_it": p_it, "t_run": _t_run(ev, run)}, label)
    e_fac = ev.step(f.FACILITY_ENERGY, {"E_it": e_it, "PUE": pue}, label) if e_it is not None else None
    return e_it, e_fac


def _energy_name(resolution: Resolution, measured: Input) -> str:
    return next((name for name, item in resolution.inputs.items() if item is measured), Name.ENERGY)


def _t_run(ev: _Evaluation, run: RunSlice) -> Q:
    return None if run.duration is None else ev.quantity(run.duration.span, run.duration.unit or "h")


def _t_reserved(ev: _Evaluation, run: RunSlice) -> Q:
    return None if run.reserved is None else ev.quantity(run.reserved.span, run.reserved.unit or "h")


def _gpu_power(ev: _Evaluation, label: str) -> tuple[Q, Q]:
    """One GPU's average power, and its load (the share of TDP it drew) for the host to follow."""
    r = ev.r
    tdp = ev.value(Name.GPU_TDP)
    p_gpu: Q
    if Name.GPU_AVERAGE_POWER in r.inputs:
        p_gpu = ev.value(Name.GPU_AVERAGE_POWER)
    elif Name.GPU_POWER_FRACTION in r.inputs:
        fraction = ev.value(Name.GPU_POWER_FRACTION)
        return ev.step(f.GPU_POWER_FROM_FRACTION, {"f_gpu": fraction, "TDP": tdp}, label), fraction
    else:
        env = {"P_idle": ev.value(Name.GPU_IDLE_POWER), "u_gpu": ev.value(Name.GPU_UTILIZATION), "TDP": tdp}
        p_gpu = ev.step(f.GPU_POWER, env, label)
    if Name.HOST_MAX_POWER not in r.inputs:
        return p_gpu, None
    return p_gpu, ev.step(f.GPU_LOAD, {"P_gpu": p_gpu, "TDP": tdp}, label)


def _component_power(ev: _Evaluation, label: str) -> Q:
    r = ev.r
    p_gpu, load = _gpu_power(ev, label)
    env: dict[str, Q] = {"n_gpu": ev.value(Name.GPU_COUNT), "P_gpu": p_gpu}
    if Name.HOST_MAX_POWER in r.inputs:
        host = {
            "P_host_idle": ev.value(Name.HOST_IDLE_POWER),
            "load": load,
            "P_host_max": ev.value(Name.HOST_MAX_POWER),
        }
        env["n_srv"], env["P_host"] = ev.value(Name.SERVERS), ev.step(f.HOST_POWER, host, label)
        return ev.step(f.IT_POWER, env, label)
    if r.inputs[Name.CPU_COUNT].span.high > 0 and r.inputs[Name.CPU_TDP].span.high > 0:
        cpu_tdp = ev.value(Name.CPU_TDP)
        cpu_idle = ev.step(
            f.CPU_IDLE_POWER, {"TDP_cpu": cpu_tdp, "f_idle_cpu": ev.value(Name.CPU_IDLE_FRACTION)}, label
        )
        cpu_env = {"P_idle_cpu": cpu_idle, "u_cpu": ev.value(Name.CPU_UTILIZATION), "TDP_cpu": cpu_tdp}
        env["n_cpu"], env["P_cpu"] = ev.value(Name.CPU_COUNT), ev.step(f.CPU_POWER, cpu_env, label)
    if r.inputs[Name.MEMORY].span.mid > 0:
        memory_env = {"M": ev.value(Name.MEMORY), "p_mem": ev.value(Name.MEMORY_POWER)}
        env["P_mem"] = ev.step(f.MEMORY_POWER, memory_env, label)
    if r.inputs[Name.OTHER_POWER].span.mid > 0:
        env["n_srv"], env["P_other"] = ev.value(Name.SERVERS), ev.value(Name.OTHER_POWER)
    return ev.step(f.IT_POWER, env, label)


def _life(ev: _Evaluation) -> dict[str, Q]:
    return {
        "L": ev.value(Name.HARDWARE_LIFE, inverse=True),
        "U": ev.value(Name.RESERVED_SHARE, inverse=True),
    }


def _carbon(ev: _Evaluation, run: RunSlice, e_fac: Q, label: str) -> dict[Result, Q]:
    c_op = ev.step(f.OPERATIONAL, {"E_facility": e_fac, "I": ev.value(Name.CARBON_INTENSITY)}, label)
    if run.idle:  # the hardware's embodied share is counted over the runs' reserved time
        return {Result.EMISSIONS_OPERATIONAL: c_op, Result.EMISSIONS_EMBODIED: ev.quantity(Span.of(0.0), "kgCO2e")}
    if run.reserved is None:
        return {Result.EMISSIONS_OPERATIONAL: c_op, Result.EMISSIONS_EMBODIED: None}
    env = {
        "n_gpu": ev.value(Name.GPU_COUNT),
        "EC_gpu": ev.value(Name.GPU_EMBODIED),
        "n_srv": ev.value(Name.SERVERS),
        "EC_srv": ev.value(Name.SERVER_EMBODIED),
        "t_reserved": _t_reserved(ev, run),
        **_life(ev),
    }
    c_emb = ev.step(f.EMBODIED, env, label)
    return {Result.EMISSIONS_OPERATIONAL: c_op, Result.EMISSIONS_EMBODIED: c_emb}


def _water(ev: _Evaluation, run: RunSlice, e_it: Q, e_fac: Q, label: str) -> dict[Result, Q]:
    w_on = ev.step(f.WATER_ONSITE, {"E_it": e_it, "WUE": ev.value(Name.WUE)}, label)
    w_off = ev.step(f.WATER_OFFSITE, {"E_facility": e_fac, "EWIF": ev.value(Name.WATER_INTENSITY)}, label)
    if run.idle:
        return {
            Result.WATER_ONSITE: w_on,
            Result.WATER_OFFSITE: w_off,
            Result.WATER_EMBODIED: ev.quantity(Span.of(0.0), "L"),
        }
    if run.reserved is None:
        return {Result.WATER_ONSITE: w_on, Result.WATER_OFFSITE: w_off, Result.WATER_EMBODIED: None}
    env = {
        "n_gpu": ev.value(Name.GPU_COUNT),
        "EW_gpu": ev.value(Name.GPU_EMBODIED_WATER),
        "t_reserved": _t_reserved(ev, run),
        **_life(ev),
    }
    w_emb = ev.step(f.WATER_EMBODIED, env, label)
    return {Result.WATER_ONSITE: w_on, Result.WATER_OFFSITE: w_off, Result.WATER_EMBODIED: w_emb}


def _amortise(ev: _Evaluation, c_tot: Q, w_tot: Q, missing: dict[Result, str]) -> dict[Result, Measure]:
    per_day, life = ev.r.inputs.get(Name.INFERENCES_PER_DAY), ev.r.inputs.get(Name.USE_LIFE)
    if per_day is None or life is None or per_day.span.mid <= 0 or life.span.mid <= 0:
        return {}
    use = {"inferences_per_day": ev.value(Name.INFERENCES_PER_DAY), "use_life": ev.value(Name.USE_LIFE, inverse=True)}
    out: dict[Result, Measure] = {}
    for key, total, formula, unit, source in (
        (Result.PER_INFERENCE_EMISSIONS, c_tot, f.PER_INFERENCE_EMISSIONS, "gCO2e", Result.EMISSIONS_TOTAL),
        (Result.PER_INFERENCE_WATER, w_tot, f.PER_INFERENCE_WATER, "mL", Result.WATER_TOTAL),
    ):
        if total is None:
            missing[key] = f"needs {source}, which is not computed"
            continue
        symbol = "C_total" if key is Result.PER_INFERENCE_EMISSIONS else "W_total"
        value = ev.step(formula, {symbol: total, **use})
        if value is not None:
            out[key] = ev.measure(value, unit)
    return out
