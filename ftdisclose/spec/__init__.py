"""Spec versions: one module per released version, selected by ``spec_version``.

A new minor version gets its own module, an entry in ``VERSIONS`` and a converter from
the version before it in ``CONVERTERS``. The computation is written against the latest
model only: ``upgrade`` carries a validated disclosure of an older version forward
through the converters, so a 1.0 file computes exactly as the same file marked 1.1.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import cache
from typing import Any

from pydantic import BaseModel

from ftdisclose.spec.v1_1 import Disclosure, from_1_0

LATEST = "1.1"
VERSIONS: dict[str, str] = {"1.0": "ftdisclose.spec.v1_0", "1.1": "ftdisclose.spec.v1_1"}
# from -> (to, converter of plain data)
CONVERTERS: dict[str, tuple[str, Callable[[dict[str, Any]], dict[str, Any]]]] = {"1.0": ("1.1", from_1_0)}

__all__ = ["CONVERTERS", "LATEST", "VERSIONS", "Disclosure", "migrate", "model_for", "upgrade"]


@cache
def model_for(version: str) -> type[BaseModel]:
    """The pydantic model of a spec version (KeyError when unknown)."""
    module = importlib.import_module(VERSIONS[version])
    model: type[BaseModel] = module.Disclosure
    return model


def migrate(data: dict[str, Any], target: str = LATEST) -> dict[str, Any]:
    """Plain disclosure data of any known version, converted step by step to ``target``."""
    version = str(data.get("spec_version"))
    if version not in VERSIONS or target not in VERSIONS:
        raise KeyError(f"cannot migrate from {version} to {target}")
    while version != target:
        if version not in CONVERTERS:
            raise KeyError(f"no converter from {version} toward {target}")
        version, convert = CONVERTERS[version]
        data = convert(data)
    return data


def upgrade(disclosure: BaseModel) -> Disclosure:
    """A validated disclosure of any version as the latest model (what the computation reads)."""
    if isinstance(disclosure, Disclosure):
        return disclosure
    data = disclosure.model_dump(exclude_none=True)
    return Disclosure.model_validate(migrate(data))
