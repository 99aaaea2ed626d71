"""The manifest of a factor version: its tables, each with its file, key columns and column units.

``manifest.json`` is written by ``tools/factors/build.py``; ``parse`` reads it back as typed
data and names the first entry that does not have the shape the build writes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypedDict, TypeVar

__all__ = ["Column", "FileHash", "Manifest", "ManifestError", "Table", "parse"]

T = TypeVar("T")


class ManifestError(ValueError):
    """The manifest does not have the shape the build writes; the message names the entry."""


class Column(TypedDict):
    unit: str  # "" for a text column
    description: str


class Table(TypedDict):
    file: str
    description: str
    key: list[str]
    rows: int
    columns: dict[str, Column]
    sha256: str


class FileHash(TypedDict):
    file: str
    sha256: str


class Manifest(TypedDict):
    version: str
    released: str
    tables: dict[str, Table]
    sources: FileHash


def parse(data: object) -> Manifest:
    """The manifest in ``data`` (as ``json.loads`` read it); ManifestError at the first entry of another shape."""
    fields = _mapping(data, "the manifest")
    return {
        "version": _text(fields, "version", ""),
        "released": _text(fields, "released", ""),
        "tables": _entries(fields, "tables", "", _table),
        "sources": _file_hash(fields.get("sources"), "sources"),
    }


def _table(data: object, where: str) -> Table:
    fields = _mapping(data, where)
    key = fields.get("key")
    if not isinstance(key, list) or not all(isinstance(k, str) for k in key):
        raise ManifestError(f"{where}.key is not a list of column names")
    names: list[str] = key
    rows = fields.get("rows")
    if not isinstance(rows, int) or isinstance(rows, bool):
        raise ManifestError(f"{where}.rows is not a number of rows")
    return {
        "file": _text(fields, "file", where),
        "description": _text(fields, "description", where),
        "key": names,
        "rows": rows,
        "columns": _entries(fields, "columns", where, _column),
        "sha256": _text(fields, "sha256", where),
    }


def _column(data: object, where: str) -> Column:
    fields = _mapping(data, where)
    return {"unit": _text(fields, "unit", where), "description": _text(fields, "description", where)}


def _file_hash(data: object, where: str) -> FileHash:
    fields = _mapping(data, where)
    return {"file": _text(fields, "file", where), "sha256": _text(fields, "sha256", where)}


def _entries(fields: Mapping[str, object], key: str, where: str, read: Callable[[object, str], T]) -> dict[str, T]:
    here = f"{where}.{key}" if where else key
    return {name: read(value, f"{here}.{name}") for name, value in _mapping(fields.get(key), here).items()}


def _mapping(value: object, where: str) -> Mapping[str, object]:
    if not isinstance(value, Mapping):
        raise ManifestError(f"{where} is not a mapping")
    return value


def _text(fields: Mapping[str, object], key: str, where: str) -> str:
    value = fields.get(key)
    if not isinstance(value, str):
        raise ManifestError(f"{f'{where}.{key}' if where else key} is not text")
    return value
