"""Factor tables: versioned defaults with a source on every row.

A version is a folder ``factors/<version>/`` (inside the wheel: ``ftdisclose/factors``)
with a manifest, a sources table and one CSV per table. Tables are read lazily through
``importlib.resources`` and cached per process. A private overlay (same CSV format, a
folder or one ``<table>.csv`` file) adds or replaces rows and shows as its own origin.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from ftdisclose.resources import data_root

_VERSION = re.compile(r"^\d{4}\.\d+$")


class FactorError(ValueError):
    """A factor version or overlay that cannot be used."""


class OverlayError(FactorError):
    """A private overlay that cannot be read or does not match the table format."""


def normalise_name(text: str) -> str:
    """The form names are matched in: lower case, no spaces, hyphens, underscores or dots."""
    return re.sub(r"[\s\-_.]+", "", text.strip().lower())


@cache
def available_versions() -> tuple[str, ...]:
    """Shipped factor versions, oldest first."""
    root = data_root("factors")
    found = [p.name for p in root.iterdir() if _VERSION.match(p.name) and p.joinpath("manifest.json").is_file()]
    return tuple(sorted(found, key=lambda v: tuple(int(x) for x in v.split("."))))


def latest_version() -> str:
    versions = available_versions()
    if not versions:
        raise FactorError("no factor tables are shipped with this installation")
    return versions[-1]


@dataclass(frozen=True, slots=True)
class Row:
    """One table row: its cells as text, and where it came from."""

    table: str
    data: dict[str, str]
    origin: str  # the factor version, or "overlay:<path>"

    def __getitem__(self, column: str) -> str:
        return self.data.get(column, "")

    def number(self, column: str) -> float | None:
        text = self.data.get(column, "")
        return float(text) if text.strip() else None

    @property
    def key(self) -> str:
        return self.data.get("id") or self.data.get("key") or self.data.get("method") or ""

    @property
    def sources(self) -> list[str]:
        return [s for s in self.data.get("source", "").split(";") if s]


def _read_csv(text: str, table: str, origin: str) -> list[Row]:
    return [Row(table, dict(r), origin) for r in csv.DictReader(io.StringIO(text))]


@dataclass
class FactorSet:
    """The tables of one version, plus an optional overlay."""

    version: str
    overlay: Path | None = None
    _cache: dict[str, list[Row]] = field(default_factory=dict)
    shadowed: list[tuple[str, str]] = field(default_factory=list)  # (table, key) replaced by the overlay

    @cached_property
    def root(self) -> Any:
        return data_root("factors").joinpath(self.version)

    @cached_property
    def manifest(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.root.joinpath("manifest.json").read_text(encoding="utf-8"))
        return data

    @cached_property
    def sources(self) -> dict[str, dict[str, str]]:
        rows = _read_csv(self.root.joinpath("sources.csv").read_text(encoding="utf-8"), "sources", self.version)
        out = {r["id"]: r.data for r in rows}
        for row in self.overlay_rows.get("sources", []):
            out[row["id"]] = row.data
        return out

    @cached_property
    def year(self) -> int:
        return int(self.version.split(".")[0])

    def table_names(self) -> list[str]:
        return list(self.manifest["tables"])

    def rows(self, table: str) -> list[Row]:
        if table not in self._cache:
            info = self.manifest["tables"].get(table)
            if info is None:
                raise FactorError(f"factor version {self.version} has no table {table!r}")
            rows = _read_csv(self.root.joinpath(info["file"]).read_text(encoding="utf-8"), table, self.version)
            extra = self.overlay_rows.get(table, [])
            if extra:
                keys = info["key"]
                replaced = {tuple(r[k] for k in keys) for r in extra}
                kept = [r for r in rows if tuple(r[k] for k in keys) not in replaced]
                self.shadowed.extend(
                    (table, "/".join(k)) for k in replaced if any(tuple(r[c] for c in keys) == k for r in rows)
                )
                rows = kept + extra
            self._cache[table] = rows
        return self._cache[table]

    def unit(self, table: str, column: str) -> str:
        unit: str = self.manifest["tables"][table]["columns"][column]["unit"]
        return unit

    @cached_property
    def overlay_rows(self) -> dict[str, list[Row]]:
        if self.overlay is None:
            return {}
        return read_overlay(self.overlay, self)

    # --- indexes -----------------------------------------------------------------------

    @cached_property
    def accelerators(self) -> dict[str, Row]:
        return _alias_index(self.rows("accelerators"), ("id", "name"))

    @cached_property
    def servers(self) -> dict[str, Row]:
        return _alias_index(self.rows("servers"), ("id", "name"))

    @cached_property
    def base_models(self) -> dict[str, Row]:
        if "base_models" not in self.manifest["tables"]:
            return {}
        return _alias_index(self.rows("base_models"), ("id", "name"))

    @cached_property
    def services(self) -> dict[str, Row]:
        return _alias_index(self.rows("managed_services"), ("id", "name"))

    @cached_property
    def countries(self) -> dict[str, Row]:
        return _alias_index(self.rows("countries"), ("alpha2", "alpha3", "name"))

    @cached_property
    def zones(self) -> dict[str, Row]:
        return _alias_index(self.rows("zones"), ("zone", "name"))

    @cached_property
    def regions(self) -> dict[tuple[str, str], Row]:
        return {(normalise_name(r["provider"]), normalise_name(r["region"])): r for r in self.rows("cloud_regions")}

    @cached_property
    def grid(self) -> dict[str, dict[int, Row]]:
        return _by_zone_year(self.rows("grid_intensity"))

    @cached_property
    def water(self) -> dict[str, dict[int | None, Row]]:
        out: dict[str, dict[int | None, Row]] = {}
        for row in self.rows("electricity_water"):
            out.setdefault(row["zone"], {})[int(row["year"]) if row["year"] else None] = row
        return out

    @cached_property
    def constants(self) -> dict[str, Row]:
        return {r["key"]: r for r in self.rows("constants")}

    @cached_property
    def methods(self) -> dict[str, Row]:
        return {r["method"]: r for r in self.rows("method_defaults")}

    @cached_property
    def default_accelerator(self) -> dict[int, Row]:
        return {int(r["year"]): r for r in self.rows("default_accelerator")}

    def names(self, index: dict[str, Row], column: str = "name") -> list[str]:
        return sorted({r[column] for r in index.values() if r[column]})


def _alias_index(rows: Iterable[Row], columns: tuple[str, ...]) -> dict[str, Row]:
    index: dict[str, Row] = {}
    for row in rows:
        names = [row[c] for c in columns] + row["aliases"].split("|")
        for name in names:
            if name:
                index.setdefault(normalise_name(name), row)
    return index


def _by_zone_year(rows: Iterable[Row]) -> dict[str, dict[int, Row]]:
    out: dict[str, dict[int, Row]] = {}
    for row in rows:
        out.setdefault(row["zone"], {})[int(row["year"])] = row
    return out


def read_overlay(path: Path, base: FactorSet) -> dict[str, list[Row]]:
    """Rows of a private overlay: a folder of ``<table>.csv`` (+ sources.csv), or one such file."""
    files = sorted(path.glob("*.csv")) if path.is_dir() else [path]
    origin = f"overlay:{path.name}"
    out: dict[str, list[Row]] = {}
    for file in files:
        table = file.stem
        if table != "sources" and table not in base.manifest["tables"]:
            raise OverlayError(
                f"{file.name}: no table {table!r} in factor version {base.version} "
                f"(tables: {', '.join(base.table_names())})"
            )
        try:
            rows = _read_csv(file.read_text(encoding="utf-8-sig"), table, origin)
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            raise OverlayError(f"{file}: {exc}") from exc
        if table != "sources":
            wanted = set(base.manifest["tables"][table]["columns"])
            for number, row in enumerate(rows, start=2):
                unknown = set(row.data) - wanted
                if unknown:
                    raise OverlayError(f"{file.name}:{number}: unknown columns {sorted(unknown)}")
                if not row["source"]:
                    raise OverlayError(f"{file.name}:{number}: every row needs a source")
        out[table] = rows
    return out


@cache
def load(version: str | None = None, overlay: str | None = None) -> FactorSet:
    """The factor set of ``version`` (default: the newest shipped), cached per process."""
    chosen = version or latest_version()
    if chosen not in available_versions():
        raise FactorError(f"factor version {chosen!r} is not shipped; shipped: {', '.join(available_versions())}")
    tables = FactorSet(chosen, Path(overlay) if overlay else None)
    if overlay is not None:
        if not Path(overlay).exists():
            raise OverlayError(f"overlay {overlay} does not exist")
        _ = tables.overlay_rows  # read it now, so that a bad overlay is reported before any computing
    return tables
