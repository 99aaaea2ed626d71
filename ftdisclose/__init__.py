"""ftdisclose: validate, gap-fill and compute fine-tuning carbon disclosures.

The flow is load -> validate -> resolve -> compute -> report, one package per stage,
wired by ``ftdisclose.pipeline``. The Python API (``ftdisclose.api``) is re-exported
here and imported on first use, so that ``import ftdisclose`` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ftdisclose._version import __version__

if TYPE_CHECKING:
    from ftdisclose.api import (
        Code,
        Disclosure,
        FileResult,
        Finding,
        Measure,
        Options,
        Result,
        Severity,
        compute,
        load,
        loads,
        validate,
    )

__all__ = [
    "Code",
    "Disclosure",
    "FileResult",
    "Finding",
    "Measure",
    "Options",
    "Result",
    "Severity",
    "__version__",
    "compute",
    "load",
    "loads",
    "validate",
]

_API = frozenset(__all__) - {"__version__"}


def __getattr__(name: str) -> object:
    if name in _API:
        from ftdisclose import api

        exported: dict[str, object] = vars(api)  # read as objects: the names' own types are declared above
        value = exported[name]
        namespace: dict[str, object] = globals()
        namespace[name] = value  # later look-ups find the function, never a submodule of the same name
        return value
    raise AttributeError(f"module 'ftdisclose' has no attribute {name!r}")
