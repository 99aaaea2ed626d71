"""Every formula is written once (engine.formulas): the same definition evaluates, prints its symbols and
prints its numbers. These tests re-evaluate every step of real computations from the numbers ``explain``
prints, and check the quantity types refuse what they do not know."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ftdisclose
from ftdisclose.engine import formulas as f
from ftdisclose.engine.formulas import Step
from ftdisclose.engine.quantity import FastEngine, FastQuantity, Measure
from ftdisclose.engine.span import Span

from .conftest import EXAMPLES

ENGINE = FastEngine()
# "0.694 kWh" or "1.2 [1..1.56]" or "318 kgCO2e [150..575]": the central value, its unit, and a range
NUMBER = re.compile(r"(?P<mid>-?[\d.]+(?:e[-+]?\d+)?)(?: (?P<unit>[A-Za-z/0-9]+))?(?: \[[^\]]*\])?")


def _printed_values(step: Step) -> dict[str, Measure]:
    """The symbols' central values as explain prints them, read back from the printed text."""
    text = step.numbers
    values: dict[str, Measure] = {}
    for symbol in dict.fromkeys(step.formula.expr.symbols()):
        if symbol.name not in step.values:
            continue
        shown = step.values[symbol.name]
        printed = f"{shown.mid:.6g}"
        assert printed in text, (symbol.name, printed, text)
        values[symbol.name] = Measure.of(float(printed), shown.unit)
    return values


def _steps() -> list[Step]:
    out: list[Step] = []
    for path in sorted(EXAMPLES.glob("*.yaml")):
        result = ftdisclose.compute(path)
        assert result.computation is not None
        out.extend(result.computation.steps)
    return out


STEPS = _steps()


@pytest.mark.parametrize("step", STEPS, ids=lambda s: s.label)
def test_every_step_re_evaluates_from_its_printed_numbers(step: Step) -> None:
    values = _printed_values(step)
    env = {name: ENGINE.quantity(Span.of(m.mid), m.unit) for name, m in values.items()}
    again = ENGINE.measure(step.formula.evaluate(env), step.formula.unit)
    # six significant digits per printed number: the result agrees to about that
    assert again.mid == pytest.approx(step.result.mid, rel=1e-5, abs=1e-12)
    assert step.symbols and step.numbers and step.symbols.count("(") == step.numbers.count("(")


def test_every_formula_prints_its_symbols() -> None:
    for formula in f.ALL:
        assert formula.symbols()
        assert all(name in formula.symbols() for name in formula.names())


def test_absent_terms_leave_the_evaluation_and_both_printed_forms() -> None:
    env = {"n_gpu": ENGINE.quantity(Span.of(2.0), "1"), "P_gpu": ENGINE.quantity(Span.of(300.0), "W")}
    value = f.IT_POWER.evaluate(env)
    assert ENGINE.measure(value, "W").mid == 600.0  # 2 x 300 W; the CPU, memory and host terms are absent
    assert f.IT_POWER.symbols(env) == "n_gpu x P_gpu"
    step = Step(
        "power.it",
        f.IT_POWER,
        {k: ENGINE.measure(v, "W" if k == "P_gpu" else "1") for k, v in env.items()},
        Measure.of(600.0, "W"),
    )
    assert step.numbers == "2 x 300 W"


def test_an_optional_factor_is_left_out_when_absent() -> None:
    env = {"E_measured": ENGINE.quantity(Span.of(0.694), "kWh")}
    assert ENGINE.measure(f.IT_ENERGY_MEASURED.evaluate(env), "kWh").mid == pytest.approx(0.694)
    assert f.IT_ENERGY_MEASURED.symbols(env) == "E_measured"


def test_quantities_refuse_operands_they_do_not_know() -> None:
    q = FastQuantity.of(Span.of(2.0), "kWh")
    with pytest.raises(TypeError):
        q * Span(1.0, 2.0, 3.0)  # type: ignore[operator]
    with pytest.raises(TypeError):
        Span(1.0, 2.0, 3.0) * q  # type: ignore[operator]
    with pytest.raises(TypeError):
        q * "3"  # type: ignore[operator]
    with pytest.raises(TypeError):
        float(Span(1.0, 2.0, 3.0))  # type: ignore[arg-type]


@settings(max_examples=60, deadline=None)
@given(
    a=st.floats(min_value=1e-6, max_value=1e9),
    b=st.floats(min_value=1e-6, max_value=1e9),
    spread=st.floats(min_value=0.0, max_value=0.9),
)
def test_units_are_checked_and_kept(a: float, b: float, spread: float) -> None:
    energy = FastQuantity.of(Span(a * (1 - spread), a, a * (1 + spread)), "kWh")
    intensity = FastQuantity.of(Span.of(b), "gCO2e/kWh")
    emissions = ENGINE.measure(energy * intensity, "kgCO2e")
    assert emissions.mid == pytest.approx(a * b / 1000, rel=1e-9)  # kWh x g/kWh = g; / 1000 = kg
    assert emissions.low <= emissions.mid <= emissions.high
    assert emissions.to("gCO2e").mid == pytest.approx(a * b, rel=1e-9)
    with pytest.raises(ValueError, match="cannot"):
        ENGINE.measure(energy * intensity, "kWh")


def test_every_formula_defined_is_listed_once() -> None:
    # each Formula(...) in the module is one definition, and f.ALL lists each exactly once
    assert Path(f.__file__).read_text().count(" = Formula(") == len(f.ALL) == len(set(map(id, f.ALL)))
