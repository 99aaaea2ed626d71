"""ftdisclose: validate, gap-fill and compute fine-tuning carbon disclosures.

The flow is load -> validate -> resolve -> compute -> report, one module per stage.
The public functions are re-exported here and imported lazily, so that
``import ftdisclose`` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ftdisclose._version import __version__

if TYPE_CHECKING:
    from ftdisclose.io.loader import load, loads
    from ftdisclose.spec.validate import validate_document, validate_path

__all__ = ["__version__", "load", "loads", "validate", "validate_document", "validate_path"]

_LAZY = {
    "load": ("ftdisclose.io.loader", "load"),
    "loads": ("ftdisclose.io.loader", "loads"),
    "validate": ("ftdisclose.spec.validate", "validate_path"),
    "validate_path": ("ftdisclose.spec.validate", "validate_path"),
    "validate_document": ("ftdisclose.spec.validate", "validate_document"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'ftdisclose' has no attribute {name!r}")
