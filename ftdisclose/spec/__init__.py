"""Spec versions: one module per released version, selected by ``spec_version``.

A new minor version (1.1) gets its own module and an entry in ``VERSIONS``; files of an
older version keep validating against their own model and can be migrated with
``migrate``, which chains the converters in ``CONVERTERS``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import cache
from typing import Any

from pydantic import BaseModel

LATEST = "1.0"
VERSIONS: dict[str, str] = {"1.0": "ftdisclose.spec.v1_0"}
# (from, to) -> converter of plain data; 1.0 is the first version, so none yet.
CONVERTERS: dict[tuple[str, str], Callable[[dict[str, Any]], dict[str, Any]]] = {}


@cache
def model_for(version: str) -> type[BaseModel]:
    """The pydantic model of a spec version (KeyError when unknown)."""
    module = importlib.import_module(VERSIONS[version])
    model: type[BaseModel] = module.Disclosure
    return model


def migrate(data: dict[str, Any], target: str = LATEST) -> dict[str, Any]:
    """Convert plain disclosure data to ``target`` by chaining converters."""
    version = str(data.get("spec_version"))
    order = list(VERSIONS)
    if version not in VERSIONS or target not in VERSIONS:
        raise KeyError(f"cannot migrate from {version} to {target}")
    for step_from, step_to in zip(
        order[order.index(version) :], order[order.index(version) + 1 : order.index(target) + 1], strict=False
    ):
        data = CONVERTERS[(step_from, step_to)](data)
    return data
