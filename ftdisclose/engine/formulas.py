"""Every formula of the methodology, written once.

A formula is an expression tree over named symbols. The one definition is used three
ways: ``evaluate`` computes it on quantities (with their units checked at every step),
``symbols`` prints it (``E_it x PUE``), and ``numbers`` prints it with each symbol's value
put in (``0.694 kWh x 1.1``), which is what ``explain`` shows and what a reader can redo.

A symbol bound to ``None`` is absent: a product or quotient with an absent factor is
absent, a sum skips absent terms. ``optional(x)`` marks a factor that is simply left out
when absent (a calibration that was not given). So a cluster without a CPU figure drops
the ``n_cpu x P_cpu`` term from the evaluation and from both printed forms alike.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property

from ftdisclose.engine.quantity import Measure, Quantity
from ftdisclose.engine.span import Span

_PRECEDENCE = {"+": 1, "-": 1, "x": 2, "/": 2}
Env = Mapping[str, Quantity | None]  # symbol name -> value (None: absent)


class Expr:
    """A node of a formula; ``*``, ``/``, ``+`` and ``-`` build bigger ones."""

    def __mul__(self, other: Expr) -> Expr:
        return Op("x", self, other)

    def __truediv__(self, other: Expr) -> Expr:
        return Op("/", self, other)

    def __add__(self, other: Expr) -> Expr:
        return Op("+", self, other)

    def __sub__(self, other: Expr) -> Expr:
        return Op("-", self, other)

    def evaluate(self, env: Env) -> Quantity | None:
        raise NotImplementedError

    def render(self, leaf: Callable[[Sym], str | None]) -> tuple[str, int] | None:
        """The text and its precedence, or None when absent."""
        raise NotImplementedError

    def symbols(self) -> list[Sym]:
        raise NotImplementedError


@dataclass(frozen=True, eq=False)
class Sym(Expr):
    """A named input of a formula; ``unit`` is the unit its number is printed in ("1": none)."""

    name: str
    unit: str = "1"
    optional: bool = False

    def evaluate(self, env: Env) -> Quantity | None:
        return env.get(self.name)

    def render(self, leaf: Callable[[Sym], str | None]) -> tuple[str, int] | None:
        text = leaf(self)
        return None if text is None else (text, 3)

    def symbols(self) -> list[Sym]:
        return [self]


def optional(symbol: Sym) -> Sym:
    """``symbol`` as a factor that is left out when it is absent."""
    return Sym(symbol.name, symbol.unit, optional=True)


@dataclass(frozen=True, eq=False)
class Op(Expr):
    op: str
    left: Expr
    right: Expr

    def evaluate(self, env: Env) -> Quantity | None:
        a, b = self.left.evaluate(env), self.right.evaluate(env)
        if a is None or b is None:
            return self._absent(a, b)
        if self.op == "x":
            return a * b
        if self.op == "/":
            return a / b
        return a + b if self.op == "+" else a - b

    def _absent(self, a: Quantity | None, b: Quantity | None) -> Quantity | None:
        if self.op in "+-":
            if self.op == "-" and a is None and b is not None:
                return None
            return a if b is None else b
        if a is None and _is_optional(self.left):
            return b
        if b is None and _is_optional(self.right):
            return a
        return None

    def render(self, leaf: Callable[[Sym], str | None]) -> tuple[str, int] | None:
        prec = _PRECEDENCE[self.op]
        left, right = self.left.render(leaf), self.right.render(leaf)
        if left is None or right is None:
            return self._render_absent(left, right)
        lt = f"({left[0]})" if left[1] < prec else left[0]
        strict = self.op in "-/"
        rt = f"({right[0]})" if right[1] < prec or (strict and right[1] == prec) else right[0]
        return f"{lt} {self.op} {rt}", prec

    def _render_absent(self, left: tuple[str, int] | None, right: tuple[str, int] | None) -> tuple[str, int] | None:
        if self.op in "+-":
            return left if right is None else (None if self.op == "-" else right)
        if left is None and _is_optional(self.left):
            return right
        if right is None and _is_optional(self.right):
            return left
        return None

    def symbols(self) -> list[Sym]:
        return [*self.left.symbols(), *self.right.symbols()]


def _is_optional(expr: Expr) -> bool:
    return isinstance(expr, Sym) and expr.optional


@dataclass(frozen=True, eq=False)
class Formula:
    """An output named by ``output``, computed as ``expr`` and reported in ``unit``."""

    output: str
    expr: Expr
    unit: str

    def symbols(self, env: Mapping[str, object] | None = None) -> str:
        """The formula in symbols; with ``env``, only the terms present in it."""
        rendered = self.expr.render(lambda s: s.name if env is None or env.get(s.name) is not None else None)
        return rendered[0] if rendered else ""

    def evaluate(self, env: Env) -> Quantity | None:
        return self.expr.evaluate(env)

    def names(self) -> list[str]:
        return list(dict.fromkeys(s.name for s in self.expr.symbols()))

    @cached_property
    def symbol_map(self) -> Mapping[str, Sym]:
        """The formula's symbols by name."""
        return {s.name: s for s in self.expr.symbols()}


@dataclass(frozen=True)
class Step:
    """One formula evaluated: its values put in, and its result."""

    label: str  # the output, with the run's name in brackets when there are several runs
    formula: Formula
    values: Mapping[str, Measure]
    result: Measure

    @property
    def symbols(self) -> str:
        return self.formula.symbols(self.values)

    @property
    def numbers(self) -> str:
        """The formula with each symbol's central value (and its range) put in."""
        rendered = self.formula.expr.render(lambda s: _value_text(self.values.get(s.name)))
        return rendered[0] if rendered else ""


def _value_text(measure: Measure | None) -> str | None:
    if measure is None:
        return None
    return number_text(measure.span, measure.unit)


def number_text(span: Span, unit: str) -> str:
    """``0.694 kWh`` or ``1.2 [1..1.56]``: six significant digits, the range when there is one."""
    unit_text = "" if unit in ("", "1") else f" {unit}"
    if span.exact:
        return f"{span.mid:.6g}{unit_text}"
    return f"{span.mid:.6g}{unit_text} [{span.low:.6g}..{span.high:.6g}]"


# --- symbols ---------------------------------------------------------------------------

n_gpu, n_srv, n_cpu = Sym("n_gpu"), Sym("n_srv"), Sym("n_cpu")
TDP, P_idle, u_gpu = Sym("TDP", "W"), Sym("P_idle", "W"), Sym("u_gpu")
f_gpu, load = Sym("f_gpu"), Sym("load")
P_host, P_host_idle, P_host_max = Sym("P_host", "W"), Sym("P_host_idle", "W"), Sym("P_host_max", "W")
TDP_cpu, f_idle_cpu, P_idle_cpu, u_cpu = Sym("TDP_cpu", "W"), Sym("f_idle_cpu"), Sym("P_idle_cpu", "W"), Sym("u_cpu")
M, p_mem = Sym("M", "GB"), Sym("p_mem", "W/GB")
P_gpu, P_cpu, P_mem, P_other = Sym("P_gpu", "W"), Sym("P_cpu", "W"), Sym("P_mem", "W"), Sym("P_other", "W")
P_srv, P_it = Sym("P_server", "W"), Sym("P_it", "W")
t_run, t_res = Sym("t_run", "h"), Sym("t_reserved", "h")
E_measured, correction, share = Sym("E_measured", "kWh"), Sym("correction"), Sym("run_share")
E_it, E_fac, PUE = Sym("E_it", "kWh"), Sym("E_facility", "kWh"), Sym("PUE")
I_grid = Sym("I", "gCO2e/kWh")
EC_gpu, EC_srv = Sym("EC_gpu", "kgCO2e"), Sym("EC_srv", "kgCO2e")
EW_gpu = Sym("EW_gpu", "L")
L_life, U_reserved = Sym("L", "y"), Sym("U")
WUE, EWIF = Sym("WUE", "L/kWh"), Sym("EWIF", "L/kWh")
C_op, C_emb, C_tot = Sym("C_operational", "kgCO2e"), Sym("C_embodied", "kgCO2e"), Sym("C_total", "kgCO2e")
W_on, W_off, W_emb, W_tot = Sym("W_onsite", "L"), Sym("W_offsite", "L"), Sym("W_embodied", "L"), Sym("W_total", "L")
n_inf, T_use = Sym("inferences_per_day", "1/d"), Sym("use_life", "d")
k_flops, N_params, D_tokens = Sym("k", "FLOP"), Sym("N"), Sym("D")
FLOPs = Sym("FLOPs", "FLOP")
F_peak, MFU = Sym("F_peak", "TFLOP/s"), Sym("MFU")

# --- power (methodology §2) -------------------------------------------------------------

GPU_POWER = Formula("power.gpu", P_idle + u_gpu * (TDP - P_idle), "W")
# the measured average GPU power as a share of TDP (table power_fraction)
GPU_POWER_FROM_FRACTION = Formula("power.gpu", f_gpu * TDP, "W")
GPU_LOAD = Formula("power.load", P_gpu / TDP, "1")
# everything but the GPUs follows their load between idle and maximum (fans, power supplies, CPUs feeding them)
HOST_POWER = Formula("power.host", P_host_idle + load * (P_host_max - P_host_idle), "W")
CPU_IDLE_POWER = Formula("power.cpu_idle", TDP_cpu * f_idle_cpu, "W")
CPU_POWER = Formula("power.cpu", P_idle_cpu + u_cpu * (TDP_cpu - P_idle_cpu), "W")
MEMORY_POWER = Formula("power.memory", M * p_mem, "W")
IT_POWER = Formula("power.it", n_gpu * P_gpu + n_srv * P_host + n_cpu * P_cpu + P_mem + n_srv * P_other, "W")

# --- energy ------------------------------------------------------------------------------

IT_ENERGY_MODELLED = Formula("energy.it", P_it * t_run, "kWh")
IT_ENERGY_SERVERS = Formula("energy.it", P_srv * n_srv * t_run, "kWh")
IT_ENERGY_MEASURED = Formula("energy.it", E_measured * optional(correction) * optional(share), "kWh")
FACILITY_ENERGY = Formula("energy.facility", E_it * PUE, "kWh")
# a measurement that already includes the datacenter overhead: PUE is divided out, never applied twice
FACILITY_ENERGY_MEASURED = Formula("energy.facility", E_measured * optional(correction) * optional(share), "kWh")
IT_ENERGY_FROM_FACILITY = Formula("energy.it", E_fac / PUE, "kWh")

# --- carbon (§3) and water (§4) ---------------------------------------------------------

OPERATIONAL = Formula("emissions.operational", E_fac * I_grid, "kgCO2e")
EMBODIED = Formula("emissions.embodied", (n_gpu * EC_gpu + n_srv * EC_srv) * t_res / (L_life * U_reserved), "kgCO2e")
TOTAL_EMISSIONS = Formula("emissions.total", C_op + C_emb, "kgCO2e")
WATER_ONSITE = Formula("water.onsite", E_it * WUE, "L")
WATER_OFFSITE = Formula("water.offsite", E_fac * EWIF, "L")
WATER_EMBODIED = Formula("water.embodied", n_gpu * EW_gpu * t_res / (L_life * U_reserved), "L")
TOTAL_WATER = Formula("water.total", W_on + W_off + W_emb, "L")

# --- amortisation (§5) ------------------------------------------------------------------

PER_INFERENCE_EMISSIONS = Formula("per_inference.emissions", C_tot / (n_inf * T_use), "gCO2e")
PER_INFERENCE_WATER = Formula("per_inference.water", W_tot / (n_inf * T_use), "mL")

# --- tokens -> time (§1) ----------------------------------------------------------------

TRAINING_FLOPS = Formula("compute.training_flops", k_flops * N_params * D_tokens, "FLOP")
RUN_TIME_FROM_FLOPS = Formula("operational.duration", FLOPs / (n_gpu * F_peak * MFU), "h")
RUN_TIME_FROM_TOKENS = Formula("operational.duration", k_flops * N_params * D_tokens / (n_gpu * F_peak * MFU), "h")
IMPLIED_MFU = Formula("method.mfu", k_flops * N_params * D_tokens / (n_gpu * F_peak * t_run), "1")

ALL: tuple[Formula, ...] = (
    GPU_POWER,
    GPU_POWER_FROM_FRACTION,
    GPU_LOAD,
    HOST_POWER,
    CPU_IDLE_POWER,
    CPU_POWER,
    MEMORY_POWER,
    IT_POWER,
    IT_ENERGY_MODELLED,
    IT_ENERGY_SERVERS,
    IT_ENERGY_MEASURED,
    FACILITY_ENERGY,
    FACILITY_ENERGY_MEASURED,
    IT_ENERGY_FROM_FACILITY,
    OPERATIONAL,
    EMBODIED,
    TOTAL_EMISSIONS,
    WATER_ONSITE,
    WATER_OFFSITE,
    WATER_EMBODIED,
    TOTAL_WATER,
    PER_INFERENCE_EMISSIONS,
    PER_INFERENCE_WATER,
    TRAINING_FLOPS,
    RUN_TIME_FROM_FLOPS,
    RUN_TIME_FROM_TOKENS,
    IMPLIED_MFU,
)
