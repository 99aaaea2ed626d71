"""Properties of validation (hypothesis): units by dimension, wrong dimensions, random input."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from ftdisclose.findings import CATALOGUE, Severity
from ftdisclose.io.loader import loads
from ftdisclose.pipeline import FileResult, Goal, run_document

# Units of each dimension, with their size in the canonical unit (worked out by hand).
ENERGY = {"kWh": 1.0, "Wh": 1e-3, "MWh": 1e3, "GWh": 1e6, "J": 1 / 3.6e6, "MJ": 1 / 3.6, "kJ": 1 / 3600}
TIME = {"h": 1.0, "min": 1 / 60, "s": 1 / 3600, "d": 24.0, "y": 8760.0}
EMISSIONS = {"gCO2e": 1e-3, "kgCO2e": 1.0, "tCO2e": 1e3, "g CO2e": 1e-3, "kg CO2e": 1.0, "kgCO2eq": 1.0}
WATER = {"L": 1.0, "mL": 1e-3, "kL": 1e3, "m3": 1e3}
WRONG_FOR_TIME = ["kg", "kWh", "L", "W", "gCO2e", "GB", "km"]

number = st.floats(min_value=1e-6, max_value=1e9, allow_nan=False, allow_infinity=False)


def doc_with(field_path: list[str], value: str) -> str:
    lines = ['spec_version: "1.0"', "model:", "  name: prop"]
    indent = ""
    for part in field_path[:-1]:
        lines.append(f"{indent}{part}:")
        indent += "  "
    lines.append(f"{indent}{field_path[-1]}: {json.dumps(value)}")
    return "\n".join(lines) + "\n"


@settings(max_examples=60, deadline=None)
@given(value=number, unit=st.sampled_from(sorted(ENERGY)))
def test_any_energy_unit_validates_and_converts(value: float, unit: str) -> None:
    result = run_document(loads(doc_with(["reported", "energy"], f"{value!r} {unit}")), goal=Goal.VALIDATE)
    assert result.valid, [f.message for f in result.findings]
    got = result.disclosure.reported.energy.to("kWh")  # type: ignore[union-attr]
    assert abs(got - value * ENERGY[unit]) <= 1e-9 * max(1.0, abs(value * ENERGY[unit]))


@settings(max_examples=60, deadline=None)
@given(
    value=number,
    table=st.sampled_from(
        [
            (TIME, ["operational", "gpu_hours"], "h"),  # GPU time: no ceiling (a run time stops at 130 years)
            (EMISSIONS, ["reported", "emissions"], "kgCO2e"),
            (WATER, ["reported", "water"], "L"),
        ]
    ),
    data=st.data(),
)
def test_any_unit_of_the_right_dimension_validates(value: float, table: Any, data: Any) -> None:
    units, path, canonical = table
    unit = data.draw(st.sampled_from(sorted(units)))
    result = run_document(loads(doc_with(path, f"{value!r} {unit}")), goal=Goal.VALIDATE)
    assert result.valid, [f.message for f in result.findings]
    obj: Any = result.disclosure
    for part in path:
        obj = getattr(obj, part)
    assert abs(obj.to(canonical) - value * units[unit]) <= 1e-9 * max(1.0, value * units[unit])


@settings(max_examples=60, deadline=None)
@given(value=number, unit=st.sampled_from(WRONG_FOR_TIME), depth=st.integers(min_value=0, max_value=3))
def test_a_wrong_dimension_is_an_ftd2xx_finding_at_the_right_line(value: float, unit: str, depth: int) -> None:
    padding = "".join(f"x-pad{i}: {i}\n" for i in range(depth))
    text = padding + doc_with(["operational", "duration"], f"{value!r} {unit}")
    result = run_document(loads(text), goal=Goal.VALIDATE)
    codes = [(f.code, f.line) for f in result.findings]
    # the duration sits on the last line: padding + 3 header lines + "operational:" + 1
    assert codes == [("FTD203", depth + 5)], codes


def test_plain_mass_for_emissions_asks_for_co2e() -> None:
    result = run_document(loads(doc_with(["reported", "emissions"], "57 kg")), goal=Goal.VALIDATE)
    (f,) = result.findings
    assert f.code == "FTD204" and f.hint == 'write "57 kgCO2e"'


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=25,
)
SPEC_KEYS = [
    "spec_version",
    "model",
    "infrastructure",
    "operational",
    "usage",
    "reported",
    "name",
    "duration",
    "energy",
    "value",
    "unit",
    "gpu",
    "count",
    "cluster",
    "location",
    "country",
    "pue",
    "runs",
    "x-a",
]
spec_like = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.sampled_from(["1.0", "12 h", "4 kg", "47%", "NO", "0.694 kWh", "2024-07-06T17:01:00Z", "7.24B", "lora", ""]),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.sampled_from(SPEC_KEYS), children, max_size=5),
    max_leaves=30,
)


@settings(max_examples=60, deadline=None)
@given(data=st.dictionaries(st.sampled_from(SPEC_KEYS), spec_like, max_size=6))
def test_random_mappings_never_crash_the_validator(data: dict[str, Any]) -> None:
    for kind, text in (("json", json.dumps(data, allow_nan=True)), ("yaml", json.dumps(data, allow_nan=True))):
        result = run_document(loads(text, f"random.{kind}", kind), goal=Goal.VALIDATE)
        assert_sound(result, text)


def assert_sound(result: FileResult, text: str) -> None:
    """What holds of any validation: catalogued, placed findings; valid exactly when no error; a model when valid."""
    lines = max(1, text.count("\n") + 1)
    for f in result.findings:
        assert f.code in CATALOGUE and f.message and f.rule == CATALOGUE[f.code].slug
        assert f.line is None or 1 <= f.line <= lines + 1, (f.code, f.line, lines)
        assert f.column is None or f.column >= 1
    assert result.valid == (not any(f.severity is Severity.ERROR for f in result.findings))
    if result.document.kind != "card":
        assert (result.disclosure is not None) == result.valid


@settings(max_examples=50, deadline=None)
@given(data=json_values)
def test_random_documents_never_crash_the_validator(data: Any) -> None:
    text = json.dumps(data)
    result = run_document(loads(text, "random.json", "json"), goal=Goal.VALIDATE)
    assert_sound(result, text)
    assert not result.valid  # a JSON value of these shapes never has spec_version and a model


@settings(max_examples=50, deadline=None)
@given(text=st.text(max_size=200))
def test_random_text_never_crashes_the_loader(text: str) -> None:
    for kind in ("yaml", "json", "card"):
        result = run_document(loads(text.encode("utf-8", "surrogatepass"), f"t.{kind}", kind), goal=Goal.VALIDATE)
        assert_sound(result, text)
