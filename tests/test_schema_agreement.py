"""The JSON Schema and the validator agree; where they cannot, the validator-only checks are listed here.

A property generates values for each kind of field (quantities of every dimension, ratios,
counts, RFC 3339 date-times and their near misses, dates, choices, country codes, names),
writes one disclosure per value, and runs check-jsonschema once over the lot. For every
file: if check-jsonschema rejects it, ftdisclose rejects it; if ftdisclose rejects what the
schema accepts, every error is one of the checks only the validator can make
(``VALIDATOR_ONLY``). The schema also compiles under ajv in strict mode, and a file that
names its schema with ``$schema`` passes both.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ftdisclose.findings import Code, Severity
from ftdisclose.io.loader import loads
from ftdisclose.spec import LATEST
from ftdisclose.spec.validate import validate_document

from .conftest import EXAMPLES, ROOT, venv_tool

SCHEMA = ROOT / "schema" / f"ftdisclose-{LATEST}.schema.json"
NODE_TOOLS = Path(os.environ.get("FTD_NODE_TOOLS", Path.home() / ".cache" / "ftdisclose" / "node-tools"))

# What only the validator can check: the schema's patterns admit any unit text and any
# digits, so units (known, of the right dimension, CO2e), signs and zeros of quantities,
# calendar dates (30 February, a 60th second) and whole counts are the validator's alone.
VALIDATOR_ONLY: dict[Code, str] = {
    Code.UNKNOWN_UNIT: "the unit is in the registry",
    Code.UNIT_DIMENSION: "the unit has the field's dimension",
    Code.CO2E_UNIT: "an emissions unit says CO2e",
    Code.MISSING_UNIT: "a quantity written as a string has a unit (the schema's pattern cannot require one)",
    Code.OUT_OF_RANGE: "a physical amount is not negative (or zero where a field forbids it)",
    Code.INVALID_DATETIME: "the date-time is a real calendar date and time",
    Code.INVALID_QUANTITY: "the number of a quantity string is a number",
    Code.INVALID_COUNT: "a count is a whole number",
    Code.NON_FINITE_NUMBER: "a number is finite",
}

BASE: dict[str, Any] = {
    "spec_version": LATEST,
    "model": {"name": "m", "method": "lora"},
    "infrastructure": {"location": {"country": "DK"}, "cluster": {"gpu": {"model": "NVIDIA A100 SXM4 80GB"}}},
    "operational": {"duration": "4 h", "runs": [{"name": "r", "duration": "4 h"}]},
}

_NUMBERS = st.one_of(
    st.sampled_from(["1", "0.694", "12", ".5", "1e3", "2.5E-2", "1,000", "-3", "+2", "0", "1.", "1 000", "x", ""]),
    st.integers(-5, 10**6).map(str),
)
_UNITS = st.sampled_from(
    ["h", "kWh", "Wh", "gCO2e/kWh", "W", "kg", "gCO2e", "kgCO2e", "L/kWh", "L", "GB", "foo", "min", "%", "kw h", ""]
)
_QUANTITY = st.one_of(
    st.builds(lambda n, sep, u: f"{n}{sep}{u}", _NUMBERS, st.sampled_from(["", " ", "  "]), _UNITS),
    st.builds(lambda v, u: {"value": v, "unit": u}, st.one_of(st.integers(-3, 100), st.floats(-1, 1e6)), _UNITS),
    st.one_of(st.integers(-3, 100), st.booleans(), st.none()),
)
_RATIO = st.one_of(
    st.floats(-1, 6, allow_nan=False), st.integers(-1, 120), st.sampled_from(["47%", "100%", "150%", "-5%", "0.5", "x"])
)
_COUNT = st.one_of(
    st.integers(-2, 10**10),
    st.floats(-1, 1e10, allow_nan=False),
    st.sampled_from(["7.24B", "7B", "1,000", "1.5", "12k", "3 M", "x", "-1"]),
)
_DATETIME = st.one_of(
    st.builds(
        lambda d, sep, t, sec, frac, zone: f"{d}{sep}{t}{sec}{frac}{zone}",
        st.sampled_from(["2024-07-06", "2024-02-30", "2023-02-29", "2024-13-01", "24-07-06"]),
        st.sampled_from(["T", "t", " ", ""]),
        st.sampled_from(["17:01", "23:59", "24:00", "7:01"]),
        st.sampled_from([":00", ":59", ":60", ""]),
        st.sampled_from(["", ".5", ".1234567"]),
        st.sampled_from(["Z", "z", "+02:00", "+0200", "-05:30", "+25:00", ""]),
    ),
    st.sampled_from(["2024-07-06", "now", ""]),
)
_DATE = st.sampled_from(["2024-01-20", "2024-02-30", "2024-1-20", "20240120", "2024-01-20T00:00:00Z", ""])
_CHOICE = st.sampled_from(["lora", "qlora", "QLoRA", "full", "LoRA", "adapter ", "other", ""])
_COUNTRY = st.sampled_from(["DK", "dk", "NO", "Germany", "D1", "", "DEU"])
_NAME = st.sampled_from(["m", "", " ", "a" * 300, "ünïcode"])

FIELDS: dict[tuple[Any, ...], st.SearchStrategy[Any]] = {
    ("operational", "duration"): _QUANTITY,
    ("operational", "energy"): _QUANTITY,
    ("operational", "carbon_intensity"): _QUANTITY,
    ("infrastructure", "cluster", "gpu", "tdp"): _QUANTITY,
    ("infrastructure", "datacenter", "wue"): _QUANTITY,
    ("reported", "emissions"): _QUANTITY,
    ("infrastructure", "datacenter", "pue"): _RATIO,
    ("operational", "gpu_utilization"): _RATIO,
    ("infrastructure", "cluster", "gpu", "count"): _COUNT,
    ("model", "parameters"): _COUNT,
    ("operational", "start"): _DATETIME,
    ("model", "published"): _DATE,
    ("model", "method"): _CHOICE,
    ("infrastructure", "location", "country"): _COUNTRY,
    ("model", "name"): _NAME,
    ("operational", "runs", 0, "name"): _NAME,
}


def _set(data: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    out = copy.deepcopy(data)
    node: Any = out
    for part in path[:-1]:
        node = node.setdefault(part, {}) if isinstance(part, str) else node[part]
    node[path[-1]] = value
    if path == ("operational", "start"):  # a start needs no end; the duration gives the window
        pass
    return out


def _ours(data: dict[str, Any]) -> set[Code]:
    """ftdisclose's error codes for the data, at the validate stage (schema, units, values)."""
    result = validate_document(loads(json.dumps(data), "d.json", "json"))
    return {f.code for f in result.findings if f.severity is Severity.ERROR}


def _check_jsonschema(folder: Path, names: list[str]) -> dict[str, bool]:
    """check-jsonschema over the files: which ones pass."""
    tool = venv_tool("check-jsonschema")
    assert tool is not None
    proc = subprocess.run(
        [tool, "--schemafile", str(SCHEMA), "--output-format", "json", *names],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    report = json.loads(proc.stdout)
    failed = {Path(e["filename"]).name for e in report.get("errors", [])}
    failed |= {Path(e["filename"]).name for e in report.get("parse_errors", [])}
    return {name: name not in failed for name in names}


_DOCS = st.lists(st.sampled_from(list(FIELDS)).flatmap(lambda p: st.tuples(st.just(p), FIELDS[p])), min_size=40)


@pytest.mark.slow
@pytest.mark.skipif(venv_tool("check-jsonschema") is None, reason="check-jsonschema is not installed")
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cases=_DOCS)
def test_validator_and_check_jsonschema_agree(tmp_path: Path, cases: list[tuple[tuple[Any, ...], Any]]) -> None:
    folder = tmp_path / f"batch-{os.urandom(4).hex()}"
    folder.mkdir()
    names = []
    for i, (path, value) in enumerate(cases):
        name = f"d{i}.json"
        (folder / name).write_text(json.dumps(_set(BASE, path, value)))
        names.append(name)
    schema_ok = _check_jsonschema(folder, names)
    for name, (path, value) in zip(names, cases, strict=True):
        ours = _ours(json.loads((folder / name).read_text()))
        where = f"{'.'.join(map(str, path))} = {value!r}"
        if not schema_ok[name]:
            assert ours, f"{where}: check-jsonschema rejects it, ftdisclose accepts it"
        else:
            assert ours <= set(VALIDATOR_ONLY), f"{where}: ftdisclose rejects with {ours}, the schema accepts it"


@pytest.mark.parametrize(
    ("value", "schema_ok"),
    [
        ("2024-07-06T17:01:00Z", True),
        ("2024-07-06T17:01:00.25+02:00", True),
        ("2024-07-06T17:01Z", False),  # no seconds: RFC 3339 wants them (the first example)
        ("2024-07-06T17:01:00+0200", False),  # no colon in the offset
        ("2024-07-06 17:01:00", False),  # naive, and a space
    ],
)
def test_rfc3339_both_ways(value: str, schema_ok: bool) -> None:
    import jsonschema

    data = _set(BASE, ("operational", "start"), value)
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text()))
    assert validator.is_valid(data) is schema_ok
    assert (not _ours(data)) is schema_ok


def test_a_schema_key_binds_the_file_and_passes_both(tmp_path: Path) -> None:
    data = json.loads(json.dumps(BASE))
    data = {"$schema": json.loads(SCHEMA.read_text())["$id"], **data}
    (tmp_path / "d.json").write_text(json.dumps(data))
    assert not _ours(data)
    assert _check_jsonschema(tmp_path, ["d.json"]) == {"d.json": True}


def _node_tool(*parts: str) -> Path | None:
    path = NODE_TOOLS.joinpath("node_modules", *parts)
    return path if path.exists() and shutil.which("node") else None


@pytest.mark.skipif(_node_tool("ajv") is None, reason="node or ajv missing (.ci/install-node-tools installs them)")
def test_the_schema_compiles_under_ajv_strict(tmp_path: Path) -> None:
    script = tmp_path / "compile.js"
    script.write_text(
        "const Ajv2020 = require(process.argv[2] + '/ajv/dist/2020').default;\n"
        "const addFormats = require(process.argv[2] + '/ajv-formats');\n"
        "const fs = require('fs');\n"
        "const ajv = new Ajv2020({strict: true, allErrors: true});\n"
        "addFormats(ajv);\n"
        "for (const file of process.argv.slice(3)) {\n"
        "  const validate = ajv.compile(JSON.parse(fs.readFileSync(file, 'utf8')));\n"
        "  console.log(file + ': compiled');\n"
        "}\n"
        "const data = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));\n"
    )
    schemas = sorted(str(p) for p in (ROOT / "schema").glob("ftdisclose-*.schema.json"))
    proc = subprocess.run(
        ["node", str(script), str(NODE_TOOLS / "node_modules"), *schemas],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count(": compiled") == len(schemas)


def test_the_examples_pass_the_schema() -> None:
    import jsonschema
    import yaml

    validator = jsonschema.Draft202012Validator(
        json.loads(SCHEMA.read_text()), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    for example in sorted(EXAMPLES.glob("*.yaml")):
        data = yaml.safe_load(example.read_text())
        if data.get("spec_version") == LATEST:
            assert not list(validator.iter_errors(data)), example.name


def test_the_spec_reference_documents_every_nested_field() -> None:
    import sys

    sys.path.insert(0, str(ROOT / "docs" / "hooks"))
    try:
        import generate
    finally:
        sys.path.pop(0)
    fields = generate.spec_fields()
    paths = {f.path for f in fields}
    # the shorthand block's own fields are walked too (operational.energy: 0.694 kWh, or a mapping)
    assert {"operational.energy.value", "operational.energy.source", "operational.energy.boundary"} <= paths
    page = generate.spec_page()
    for f in fields:
        assert f.example is not None and f.kind, f.path
        if f.kind.startswith("quantity"):
            assert f.dimension and f.unit, f.path  # every quantity says its unit dimension
        assert f"`{f.path}`" in page, f.path
