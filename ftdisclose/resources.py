"""Where the packaged data lives: ``schema/`` and ``factors/``.

In a wheel both sit inside the package under ``ftdisclose/_data`` (so that the data
folder ``factors`` never collides with the ``ftdisclose.factors`` package); in a source
checkout they sit at the repository root, beside the package.
"""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

_PACKAGED = "_data"


def data_root(name: str) -> Traversable:
    """The folder ``name`` (``schema`` or ``factors``) of the installed package or checkout."""
    packaged = resources.files("ftdisclose").joinpath(_PACKAGED, name)
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / name
