"""The committed JSON Schema: in step with the models, well formed, usable on its own."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from ftdisclose.spec import LATEST, VERSIONS, schema

from .conftest import CASES, EXAMPLES, ROOT, venv_tool

COMMITTED = ROOT / "schema" / f"ftdisclose-{LATEST}.schema.json"


@pytest.mark.parametrize("version", list(VERSIONS))
def test_committed_schema_matches_the_models(version: str) -> None:
    committed = ROOT / "schema" / f"ftdisclose-{version}.schema.json"
    assert committed.read_text() == schema.render(version), "run: python -m ftdisclose.spec.schema"


@pytest.mark.parametrize("version", list(VERSIONS))
def test_schema_is_valid_draft_2020_12_with_an_id(version: str) -> None:
    doc = json.loads((ROOT / "schema" / f"ftdisclose-{version}.schema.json").read_text())
    assert doc["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert doc["$id"].endswith(f"ftdisclose-{version}.schema.json")
    jsonschema.Draft202012Validator.check_schema(doc)


def _properties(doc: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    out = [("", doc)] if "properties" in doc else []
    for name, sub in doc.get("$defs", {}).items():
        out.append((name, sub))
    return out


def test_every_field_has_title_description_and_example() -> None:
    doc = json.loads(COMMITTED.read_text())
    for owner, model in _properties(doc):
        assert model.get("description"), owner
        for name, prop in model["properties"].items():
            where = f"{owner}.{name}"
            assert prop.get("title"), where
            assert prop.get("description"), where
            assert prop.get("examples"), where


def _yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text())


def _schema_of(version: str) -> Any:
    return json.loads((ROOT / "schema" / f"ftdisclose-{version}.schema.json").read_text())


@pytest.mark.parametrize(
    "path", [*sorted(EXAMPLES.glob("*.yaml")), CASES / "valid" / "minimal.yaml"], ids=lambda p: p.name
)
def test_examples_validate_against_the_schema_alone(path: Path) -> None:
    data = json.loads(json.dumps(_yaml(path), default=lambda v: v.isoformat()))
    validator = jsonschema.Draft202012Validator(_schema_of(data["spec_version"]))
    assert list(validator.iter_errors(data)) == []


@pytest.mark.parametrize(
    "name",
    [
        "ftd102-unknown-field.yaml",
        "ftd104-invalid-choice.yaml",
        "ftd101-missing-field.yaml",
        "ftd105-out-of-range.yaml",
    ],
)
def test_schema_alone_rejects_structural_errors(name: str) -> None:
    data = _yaml(CASES / "invalid" / name)
    validator = jsonschema.Draft202012Validator(_schema_of(data["spec_version"]))
    assert list(validator.iter_errors(data))


def test_x_keys_are_allowed_by_the_schema() -> None:
    validator = jsonschema.Draft202012Validator(json.loads(COMMITTED.read_text()))
    assert validator.is_valid({"spec_version": LATEST, "model": {"name": "m", "x-a": 1}, "x-b": [1]})
    assert not validator.is_valid({"spec_version": LATEST, "model": {"name": "m", "y-a": 1}})


def test_check_jsonschema_accepts_the_examples() -> None:
    exe = venv_tool("check-jsonschema")
    if exe is None:
        pytest.skip("check-jsonschema is not installed (it is in the test extra)")
    for version in VERSIONS:
        files = [str(p) for p in sorted(EXAMPLES.glob("*.yaml")) if _yaml(p)["spec_version"] == version]
        if not files:
            continue
        schema_file = ROOT / "schema" / f"ftdisclose-{version}.schema.json"
        proc = subprocess.run(
            [exe, "--schemafile", str(schema_file), *files], capture_output=True, text=True, check=False, timeout=120
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
