"""Numbers as people read them: scaled units, figures that match the range, no scientific notation."""

from __future__ import annotations

import doctest
import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ftdisclose.engine.quantity import Measure
from ftdisclose.engine.span import Span
from ftdisclose.integrations.card import render_section
from ftdisclose.output import numbers
from ftdisclose.output.numbers import digits_for, plain_decimals, readable, significant
from ftdisclose.output.view import EQUIVALENCE_RANGE, _natural
from ftdisclose.pipeline import run_file

from .conftest import EXAMPLES, run_cli

MUNIN = str(EXAMPLES / "munin-7b-lora.yaml")


def test_doctests() -> None:
    assert doctest.testmod(numbers).failed == 0


@pytest.mark.parametrize(
    ("value", "digits", "text"),
    [
        (0.0893178, 3, "0.0893"),
        (1631.3017, 2, "1,600"),
        (427.938, 3, "428"),
        (999.6, 3, "1,000"),  # rounding carries into a new digit
        (0.95, 3, "0.95"),  # trailing zeros dropped
        (4.0, 2, "4"),
        (12345.6, 3, "12,300"),
        (0.000015, 2, "0.000015"),
        (-2.5, 2, "-2.5"),
        (0, 3, "0"),
    ],
)
def test_significant_figures(value: float, digits: int, text: str) -> None:
    assert significant(value, digits) == text


def test_figures_follow_the_range() -> None:
    assert digits_for(Span(1.0, 1.0, 1.0)) == 3  # no range
    assert digits_for(Span(0.9, 1.0, 1.5)) == 3  # 1.67x
    assert digits_for(Span(0.5, 1.0, 1.0)) == 2  # 2x
    assert digits_for(Span(0.3003, 0.946, 1.631)) == 2  # 5.4x, the munin total's spread
    assert digits_for(Span(0.0, 1.0, 2.0)) == 2


@pytest.mark.parametrize(
    ("measure", "shown"),
    [
        # hand-worked: 0.427938 kg = 427.938 g; the range 0.144774..1.09469 kg spans 7.6x: two figures
        (Measure.of(0.427938, "kgCO2e", 0.144774, 1.09469), "430 gCO2e (140 - 1,100)"),
        (Measure.of(71328.36, "kgCO2e", 50447.0, 90000.0), "71.3 tCO2e (50.4 - 90)"),
        (Measure.of(0.694, "kWh"), "694 Wh"),
        (Measure.of(1137610.0, "kWh"), "1.14 GWh"),
        (Measure.of(0.0495, "L", 0.0314, 0.066), "50 mL (31 - 66)"),
        (Measure.of(5040.0, "L"), "5.04 m3"),
        (Measure.of(3.2e-5, "gCO2e"), "32 µgCO2e"),
        (Measure.of(0.0, "kgCO2e"), "0 kgCO2e"),
        (Measure.of(12.5, "W"), "12.5 W"),  # not on a ladder: its own unit
    ],
)
def test_readable_scales_units_to_the_value(measure: Measure, shown: str) -> None:
    assert str(readable(measure)) == shown


@given(
    st.floats(min_value=1e-12, max_value=1e15, allow_nan=False, allow_infinity=False),
    st.sampled_from(["kgCO2e", "gCO2e", "kWh", "L", "mL"]),
    st.floats(min_value=0.05, max_value=1.0),
    st.floats(min_value=1.0, max_value=20.0),
)
def test_human_numbers_are_never_scientific(value: float, unit: str, low: float, high: float) -> None:
    shown = readable(Measure.of(value, unit, value * low, value * high))
    for text in (shown.value, shown.low, shown.high):
        assert "e" not in text.lower() and re.fullmatch(r"-?[0-9][0-9,]*(\.[0-9]+)?", text), text
    assert float(shown.value.replace(",", "")) > 0


def test_plain_decimals_writes_out_scientific_notation() -> None:
    text = "1.13761e+06 kWh x 1.1 [1e-05..2e-05] model v1.2e5 keeps its name"
    assert plain_decimals(text) == "1,137,610 kWh x 1.1 [0.00001..0.00002] model v1.2e5 keeps its name"


@pytest.mark.parametrize(
    ("key", "amount", "expected"),
    [
        ("person_year_dk", 8.6e-05, (45.23256, "minutes of an average Dane's emissions")),  # 8.6e-05 y x 525,960
        ("car_km_eu", 5.4, (5.4, "km driven by an average European car")),
        ("car_km_eu", 0.054, (54.0, "m driven by an average European car")),
        ("flight_paris_london", 0.0189, None),  # no unit reads naturally: left out
        ("tree_year", 0.086, (31.4115, "tree-days of CO2 uptake")),
    ],
)
def test_equivalences_read_naturally(key: str, amount: float, expected: tuple[float, str] | None) -> None:
    got = _natural(key, amount)
    if expected is None:
        assert got is None
        return
    assert got is not None and got[1] == expected[1] and got[0] == pytest.approx(expected[0], rel=1e-6)
    assert EQUIVALENCE_RANGE[0] <= got[0] <= EQUIVALENCE_RANGE[1]


def test_every_shown_equivalence_is_between_a_tenth_and_ten_thousand() -> None:
    for example in sorted(EXAMPLES.glob("*.yaml")):
        out = run_cli("compute", str(example)).stdout
        block = out.split("For scale", 1)[1] if "For scale" in out else ""
        for line in block.splitlines()[1:]:
            if not line.startswith("  ") or not line.strip():
                break
            amount = float(line.split()[0].replace(",", ""))
            assert 0.1 <= amount <= 10_000, (example.name, line)


def test_a_value_reads_the_same_in_text_markdown_explain_json_and_card() -> None:
    result = run_file(MUNIN)
    assert result.computation is not None
    total = result.computation.results["emissions.total"]  # type: ignore[index]
    shown = readable(total)
    text = run_cli("compute", MUNIN).stdout
    markdown = run_cli("compute", "--format", "markdown", MUNIN).stdout
    explain = run_cli("explain", MUNIN).stdout
    card = render_section(result.computation, disclosure_file="munin.yaml")
    row = re.compile(rf"Emissions, total\s*[│|]\s*\**{re.escape(shown.value)}\**\s*[│|]\s*{re.escape(shown.range)}")
    for name, out in (("text", text), ("markdown", markdown), ("card", card)):
        assert row.search(out), (name, shown, out)
        assert re.search(rf"{re.escape(shown.range)}\s*[│|]\s*{re.escape(shown.unit)}", out), name
    assert f"~ {shown}" in explain
    doc = json.loads(run_cli("compute", "--format", "json", MUNIN).stdout)
    q = doc["results"]["emissions"]["total"]
    # JSON keeps full precision in the canonical unit
    assert q["unit"] == "kgCO2e" and q["value"] == pytest.approx(total.mid, rel=1e-9)
