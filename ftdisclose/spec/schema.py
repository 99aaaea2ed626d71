"""JSON Schema of each spec version, generated from the pydantic models.

The committed file ``schema/ftdisclose-<version>.schema.json`` is what editors and
check-jsonschema use; ``python -m ftdisclose.spec.schema`` rewrites it, and a test fails
when it and the models drift apart.
"""

from __future__ import annotations

import json
import sys
import typing
from pathlib import Path

from pydantic import BaseModel

from ftdisclose import spec
from ftdisclose.resources import data_root

SCHEMA_ID = "https://ftdisclose.github.io/ftdisclose/schema/ftdisclose-{version}.schema.json"
DIALECT = "https://json-schema.org/draft/2020-12/schema"


def schema_filename(version: str) -> str:
    return f"ftdisclose-{version}.schema.json"


def generate(version: str = spec.LATEST) -> dict[str, object]:
    """The JSON Schema of ``version`` as a dict, with ``$schema`` and ``$id`` first."""
    root = spec.model_for(version)
    body: dict[str, object] = root.model_json_schema(ref_template="#/$defs/{model}")
    classes = {cls.__name__: cls for cls in _models(root)}
    for owner, model in (("", body), *_object(body.get("$defs")).items()):
        fields = (classes.get(owner) or root).model_fields
        for name, prop in _object(_object(model).get("properties")).items():
            node = _object(prop)
            # pydantic leaves title and description off fields that are a $ref; editors show them
            node.setdefault("title", name.replace("_", " ").capitalize())
            info = fields.get(name)
            if info is not None and info.description:
                node.setdefault("description", info.description)
            _allow_shorthand(node, classes)
    body.pop("title", None)
    # a file may name its schema, as editors and check-jsonschema expect ("$schema": "<this $id>")
    body["properties"] = {
        "$schema": {
            "type": "string",
            "format": "uri-reference",
            "title": "JSON Schema",
            "description": "The JSON Schema this file follows, for editors; ignored by ftdisclose.",
            "examples": [SCHEMA_ID.format(version=version)],
        },
        **_object(body["properties"]),
    }
    description = body.pop("description", "")
    return {
        "$schema": DIALECT,
        "$id": SCHEMA_ID.format(version=version),
        "title": f"ftdisclose fine-tuning disclosure, spec {version}",
        "description": f"{description} Published by ftdisclose; units are checked by the ftdisclose validator.",
        **body,
    }


def _object(node: object) -> dict[str, object]:
    """A JSON Schema object, itself (so that changes to it are changes to the schema); {} for anything else."""
    return node if isinstance(node, dict) else {}


def _array(node: object) -> list[object]:
    return node if isinstance(node, list) else []


def _allow_shorthand(prop: dict[str, object], classes: dict[str, type[BaseModel]]) -> None:
    """A block that may be written as a bare quantity (``energy: 0.694 kWh``) gets both forms."""
    refs = [prop.get("$ref"), *(_object(option).get("$ref") for option in _array(prop.get("anyOf")))]
    ref = next((r for r in refs if r), None)
    cls = classes.get(str(ref).rsplit("/", 1)[-1]) if ref else None
    dimension: object = getattr(cls, "shorthand", None)
    if cls is None or not isinstance(dimension, str):
        return
    from ftdisclose.spec.types import QuantityType

    quantity = QuantityType(dimension).json_schema()
    options = _array(prop.pop("anyOf")) if "anyOf" in prop else [{"$ref": prop.pop("$ref")}]
    prop["anyOf"] = [*options, *_array(quantity["anyOf"])]
    prop["$comment"] = quantity["$comment"]


def _models(root: type[BaseModel]) -> list[type[BaseModel]]:
    """Every model class reachable from ``root`` through its fields."""
    seen: list[type[BaseModel]] = []
    stack = [root]
    while stack:
        cls = stack.pop()
        if cls in seen:
            continue
        seen.append(cls)
        for info in cls.model_fields.values():
            stack.extend(_inner_models(info.annotation))
    return seen


def _inner_models(annotation: object) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    args: tuple[object, ...] = typing.get_args(annotation)
    return [m for arg in args for m in _inner_models(arg)]


def _integral(node: object) -> object:
    """Whole floats written as integers (``0``, not ``0.0``): the text is the same whichever pydantic made it."""
    if isinstance(node, float) and node.is_integer():
        return int(node)
    if isinstance(node, dict):
        return {k: _integral(v) for k, v in _object(node).items()}
    if isinstance(node, list):
        return [_integral(v) for v in _array(node)]
    return node


def render(version: str = spec.LATEST) -> str:
    return json.dumps(_integral(generate(version)), indent=2, ensure_ascii=False) + "\n"


def packaged(version: str = spec.LATEST) -> str:
    """The committed schema text shipped with the package."""
    return data_root("schema").joinpath(schema_filename(version)).read_text(encoding="utf-8")


def main() -> None:
    root = Path(__file__).resolve().parent.parent.parent / "schema"
    for version in spec.VERSIONS:
        (root / schema_filename(version)).write_text(render(version), encoding="utf-8")
        sys.stdout.write(f"wrote schema/{schema_filename(version)}\n")


if __name__ == "__main__":
    main()
