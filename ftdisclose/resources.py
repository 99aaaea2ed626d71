"""Where the packaged data lives: ``schema/`` and ``factors/``, and files beside a module.

In a wheel both sit inside the package under ``ftdisclose/_data`` (so that the data
folder ``factors`` never collides with the ``ftdisclose.factors`` package); in a source
checkout they sit at the repository root, beside the package. A package installed as
plain files is read through ``pathlib``; one imported from a zip archive through
``importlib.resources``, which is imported only then (it pulls in ``tempfile``, ``shutil``
and ``zipfile``).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # named for the type checker only: importlib.resources is imported where it is used
    from importlib.resources.abc import Traversable

_PACKAGED = "_data"


def package_files(package: str) -> Traversable:
    """The folder of an imported package, as ``importlib.resources.files`` gives it."""
    module = sys.modules.get(package)
    origin = getattr(module, "__file__", None)
    if origin is not None:
        folder = Path(origin).parent
        if folder.is_dir():
            return folder
    from importlib import resources  # a package that is not plain files (a zip archive)

    return resources.files(package)


def data_root(name: str) -> Traversable:
    """The folder ``name`` (``schema`` or ``factors``) of the installed package or checkout."""
    packaged = package_files("ftdisclose").joinpath(_PACKAGED, name)
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / name
