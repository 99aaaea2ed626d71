"""The vendored schemas of BoAmps and DIA, and validation against them, offline.

The files live in ``integrations/vendor`` with their licences (see its README). BoAmps'
report schema ``$ref``s its four part schemas by URLs on an unpinned branch; those URLs
are mapped to the vendored copies in a ``referencing.Registry``, so nothing is ever
fetched (a ``$ref`` to anything else fails as unresolvable instead of going online).

"BoAmps 1.1.0" is two schemas: the release (``memorySize`` an integer) and the ``main``
branch since 2025-07 (a number). Exports are checked against both, imports against
``main``. Every error comes back with the JSON path of the value it is about.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import TYPE_CHECKING, Any

from ftdisclose.resources import package_files

if TYPE_CHECKING:  # jsonschema and referencing are imported when a document is checked: the CLI starts without them
    from jsonschema import Draft4Validator, Draft7Validator
    from jsonschema.exceptions import ValidationError
    from referencing import Registry

BOAMPS_BASE = "https://raw.githubusercontent.com/Boavizta/BoAmps/main/model/"
BOAMPS_PARTS = ("algorithm", "dataset", "measure", "hardware", "report")
BOAMPS_MAIN_COMMIT = "3bfefec8446ee196d1723c0e35859eb7762da3c9"
BOAMPS_SPEC_URI = f"https://github.com/Boavizta/BoAmps/tree/{BOAMPS_MAIN_COMMIT}/model"


class Schema(StrEnum):
    """The schemas ftdisclose checks other formats against."""

    BOAMPS = "BoAmps 1.1.0 (main)"
    BOAMPS_RELEASE = "BoAmps 1.1.0 (release)"
    DIA = "DIA Report v0.1"


@dataclass(frozen=True)
class SchemaError:
    """One place where a document breaks a schema: the JSON path of the value, and what is wrong."""

    path: tuple[str | int, ...]
    message: str


def _vendor(*parts: str) -> Any:
    return package_files("ftdisclose.integrations").joinpath("vendor", *parts)


def _json(*parts: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(_vendor(*parts).read_text(encoding="utf-8"))
    return data


@cache
def _boamps(variant: str) -> tuple[dict[str, Any], Registry[Any]]:
    """BoAmps' report schema and a registry holding its parts (``variant``: main or release-1.1.0)."""
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    files = {name: _json("boamps", "main", f"{name}_schema.json") for name in BOAMPS_PARTS}
    if variant == "release-1.1.0":
        files["hardware"] = _json("boamps", "release-1.1.0", "hardware_schema.json")
    resources_ = [
        (BOAMPS_BASE + f"{name}_schema.json", Resource.from_contents(contents, default_specification=DRAFT4))
        for name, contents in files.items()
    ]
    registry: Registry[Any] = Registry().with_resources(resources_)
    return files["report"], registry


@cache
def dia_schema() -> dict[str, Any]:
    return _json("dia", "dia_schema.json")


def _validator(schema: Schema) -> Draft4Validator | Draft7Validator:
    from jsonschema import Draft4Validator, Draft7Validator

    if schema is Schema.DIA:
        return Draft7Validator(dia_schema())
    report, registry = _boamps("main" if schema is Schema.BOAMPS else "release-1.1.0")
    return Draft4Validator(report, registry=registry)


def check(document: Any, schema: Schema) -> list[SchemaError]:
    """Every place where ``document`` breaks ``schema`` (in document order); [] when it is valid."""
    errors = sorted(_validator(schema).iter_errors(document), key=lambda e: [str(p) for p in e.absolute_path])
    return [SchemaError(tuple(error.absolute_path), _message(error)) for error in errors]


def _message(error: ValidationError) -> str:
    """jsonschema's message, with long values cut and DIA's value-or-interval said plainly."""
    if error.validator == "oneOf" and isinstance(error.schema, Mapping):
        kinds = [branch.get("type") for branch in error.schema.get("oneOf", []) if isinstance(branch, Mapping)]
        if kinds == ["number", "array"]:
            return f"{_short(error.instance)} is neither a number nor a [low, high] pair of numbers"
    message = str(error.message)
    whole = repr(error.instance)
    if error.validator != "required" and message.startswith(whole) and len(whole) > 60:
        message = _short(error.instance) + message[len(whole) :]
    return message


def _short(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."
