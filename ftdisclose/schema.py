"""JSON Schema of each spec version, generated from the pydantic models.

The committed file ``schema/ftdisclose-<version>.schema.json`` is what editors and
check-jsonschema use; ``python -m ftdisclose.schema`` rewrites it, and a test fails
when it and the models drift apart.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from ftdisclose import spec
from ftdisclose.resources import data_root

SCHEMA_ID = "https://ftdisclose.github.io/ftdisclose/schema/ftdisclose-{version}.schema.json"
DIALECT = "https://json-schema.org/draft/2020-12/schema"


def schema_filename(version: str) -> str:
    return f"ftdisclose-{version}.schema.json"


def generate(version: str = spec.LATEST) -> dict[str, Any]:
    """The JSON Schema of ``version`` as a dict, with ``$schema`` and ``$id`` first."""
    body = spec.model_for(version).model_json_schema(ref_template="#/$defs/{model}")
    body.pop("title", None)
    description = body.pop("description", "")
    return {
        "$schema": DIALECT,
        "$id": SCHEMA_ID.format(version=version),
        "title": f"ftdisclose fine-tuning disclosure, spec {version}",
        "description": f"{description} Published by ftdisclose; units are checked by the ftdisclose validator.",
        **body,
    }


def render(version: str = spec.LATEST) -> str:
    return json.dumps(generate(version), indent=2, ensure_ascii=False) + "\n"


def packaged(version: str = spec.LATEST) -> str:
    """The committed schema text shipped with the package."""
    return data_root("schema").joinpath(schema_filename(version)).read_text(encoding="utf-8")


def main() -> None:
    root = Path(__file__).resolve().parent.parent / "schema"
    for version in spec.VERSIONS:
        (root / schema_filename(version)).write_text(render(version), encoding="utf-8")
        sys.stdout.write(f"wrote schema/{schema_filename(version)}\n")


if __name__ == "__main__":
    main()
