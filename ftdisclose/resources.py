"""Where the packaged data lives: ``schema/`` and ``factors/``.

In a wheel both sit inside the package (``ftdisclose/schema``, ``ftdisclose/factors``);
in a source checkout they sit at the repository root, beside the package.
"""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path


def data_root(name: str) -> Traversable:
    """The folder ``name`` (``schema`` or ``factors``) of the installed package or checkout."""
    packaged = resources.files("ftdisclose").joinpath(name)
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / name
