"""Factor tables: versioned defaults with a source on every row.

A version is a folder ``factors/<version>/`` (inside the wheel: ``ftdisclose/_data/factors``)
with a manifest (tables, keys, column units), a sources table and one CSV per table.
``load`` returns a ``FactorSet``, which never changes once made: a private overlay is read
and checked when the set is made, and the rows it replaces are known from then on. Rows are
parsed on first use, which depends on nothing but the files, so any order of use gives the
same tables. Whoever needs tables receives the set; nothing looks them up on its own.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, cast

from ftdisclose.factors.manifest import Manifest, ManifestError, Table
from ftdisclose.factors.manifest import parse as parse_manifest
from ftdisclose.io.files import ReadRefusedError, read_regular
from ftdisclose.resources import data_root

if TYPE_CHECKING:  # named for the type checker only: importlib.resources is imported where it is used
    from importlib.resources.abc import Traversable

_VERSION = re.compile(r"^\d{4}\.\d+$")
OVERLAY_PREFIX = "overlay:"


class FactorError(ValueError):
    """A factor version or overlay that cannot be used."""


class OverlayError(FactorError):
    """A private overlay that cannot be read or does not match the table format."""


_SEPARATORS = re.compile(r"[\s\-_.]+")


@lru_cache(maxsize=4096)
def normalise_name(text: str) -> str:
    """The form names are matched in: lower case, no spaces, hyphens, underscores or dots."""
    return _SEPARATORS.sub("", text.strip().lower())


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
    """One table row: its cells as text, and where it came from.

    What a row says of itself (its label, sources, the provenance an input quotes) is worked
    out on first use and kept in ``_said``: a pure function of the cells, so the row is as
    immutable as before, and a batch that uses the same row for a thousand files words it once.
    """

    table: str
    data: Mapping[str, str]
    origin: str  # the factor version, or "overlay:<name>"
    _said: dict[str, object] = field(default_factory=dict, compare=False, repr=False)

    def __getitem__(self, column: str) -> str:
        return self.data.get(column, "")

    def number(self, column: str) -> float | None:
        text = self.data.get(column, "")
        return float(text) if text.strip() else None

    @property
    def key(self) -> str:
        return self.data.get("id") or self.data.get("key") or self.data.get("method") or ""

    @property
    def sources(self) -> tuple[str, ...]:
        said = self._said.get("sources")
        if said is None:
            said = self._said["sources"] = tuple(s for s in self.data.get("source", "").split(";") if s)
        return cast("tuple[str, ...]", said)

    @property
    def from_overlay(self) -> bool:
        return self.origin.startswith(OVERLAY_PREFIX)

    @property
    def label(self) -> str:
        """The row's key as explain and the JSON inputs name it."""
        said = self._said.get("label")
        if said is None:
            said = self._said["label"] = self._label()
        return cast("str", said)

    def _label(self) -> str:
        for column in ("id", "key", "method", "alpha2"):
            if self[column]:
                return self[column]
        keys = [self[c] for c in ("scope", "provider", "region", "location", "zone", "year") if self[c]]
        return "/".join(keys)

    @property
    def provenance(self) -> str:
        """Where an input taken from this row comes from, as its detail quotes it."""
        said = self._said.get("provenance")
        if said is None:
            said = self._said["provenance"] = (
                f"{self.origin} table {self.table}, row {self.label}; source {', '.join(self.sources)}"
            )
        return cast("str", said)


def _read_csv(text: str, table: str, origin: str) -> list[Row]:
    """The rows of a table's CSV text, as ``csv.DictReader`` reads them (blank lines skipped).

    Shipped tables are rectangular, so rows are zipped with the header directly (about twice
    DictReader's speed on the 2,000-row grid table); a ragged text falls back to DictReader.
    """
    if not text.strip():
        return []
    records = _records(text)
    if records is None:
        return [Row(table, dict(r), origin) for r in csv.DictReader(io.StringIO(text))]
    header, body = records
    return [Row(table, dict(zip(header, r, strict=True)), origin) for r in body]


def _records(text: str) -> tuple[list[str], list[list[str]]] | None:
    """A CSV text's header and rows as lists of cells (blank lines skipped); None when it is
    empty or ragged (a row with more or fewer cells than the header)."""
    records = [r for r in csv.reader(io.StringIO(text)) if r]
    if not records or any(len(r) != len(records[0]) for r in records):
        return None
    return records[0], records[1:]


@dataclass(frozen=True)
class FactorSet:
    """The tables of one version, with a private overlay's rows in place of the rows they replace."""

    version: str
    manifest: Manifest
    overlay_name: str | None = None
    overlay: Mapping[str, tuple[Row, ...]] = field(default_factory=dict)
    # (table, key) of shipped rows that the overlay replaces
    shadowed: frozenset[tuple[str, str]] = frozenset()

    @cached_property
    def root(self) -> Traversable:
        return data_root("factors").joinpath(self.version)

    @cached_property
    def sources(self) -> Mapping[str, Mapping[str, str]]:
        rows = _read_csv(self.root.joinpath("sources.csv").read_text(encoding="utf-8"), "sources", self.version)
        out = {r["id"]: r.data for r in rows}
        for row in self.overlay.get("sources", ()):
            out[row["id"]] = row.data
        return out

    @property
    def year(self) -> int:
        return int(self.version.split(".")[0])

    def table_names(self) -> list[str]:
        return list(self.manifest["tables"])

    def key_columns(self, table: str) -> tuple[str, ...]:
        return tuple(self.manifest["tables"][table]["key"])

    def unit(self, table: str, column: str) -> str:
        """The unit of a column, as the manifest states it ("" for text columns)."""
        return self.manifest["tables"][table]["columns"][column]["unit"]

    def rows(self, table: str) -> tuple[Row, ...]:
        return self._tables[table] if table in self.manifest["tables"] else self._missing(table)

    def _missing(self, table: str) -> tuple[Row, ...]:
        raise FactorError(f"factor version {self.version} has no table {table!r}")

    @cached_property
    def _tables(self) -> _Tables:
        return _Tables(self)

    # --- indexes -----------------------------------------------------------------------

    @cached_property
    def accelerators(self) -> Mapping[str, Row]:
        return _alias_index(self.rows("accelerators"), ("id", "name"))

    @cached_property
    def servers(self) -> Mapping[str, Row]:
        return _alias_index(self.rows("servers"), ("id", "name"))

    @cached_property
    def base_models(self) -> Mapping[str, Row]:
        if "base_models" not in self.manifest["tables"]:
            return {}
        return _alias_index(self.rows("base_models"), ("id", "name"))

    @cached_property
    def services(self) -> Mapping[str, Row]:
        return _alias_index(self.rows("managed_services"), ("id", "name"))

    @cached_property
    def countries(self) -> Mapping[str, Row]:
        return _alias_index(self.rows("countries"), ("alpha2", "alpha3", "name"))

    @cached_property
    def zones(self) -> Mapping[str, Row]:
        return _alias_index(self.rows("zones"), ("zone", "name"))

    @cached_property
    def regions(self) -> Mapping[tuple[str, str], Row]:
        return {(normalise_name(r["provider"]), normalise_name(r["region"])): r for r in self.rows("cloud_regions")}

    @cached_property
    def grid(self) -> Mapping[str, Mapping[str, Mapping[int, Row]]]:
        """zone -> basis (lifecycle, direct; "" where a row does not say) -> year -> row.

        The shipped table's rows are grouped by zone as text and made into rows one zone at a
        time, when that zone is asked for: a file looks up one or two of some 300 zones, and
        making all 2,261 rows of 2026.2 cost a one-file run about 19 ms. An overlay's grid rows
        (or a ragged table) take the whole table at once.
        """
        lazy = None if "grid_intensity" in self.overlay else _ZoneIndex.of(self)
        if lazy is not None:
            return lazy
        return _by_zone(self.rows("grid_intensity"))

    @cached_property
    def water(self) -> Mapping[str, Mapping[int | None, Row]]:
        out: dict[str, dict[int | None, Row]] = {}
        for row in self.rows("electricity_water"):
            out.setdefault(row["zone"], {})[int(row["year"]) if row["year"] else None] = row
        return out

    @cached_property
    def efficiency(self) -> Mapping[str, Mapping[str, tuple[Row, ...]]]:
        """column (pue, wue) -> scope (region, provider, hyperscale, location, default) -> rows that give it."""
        out: dict[str, dict[str, list[Row]]] = {}
        for row in self.rows("datacenter_efficiency"):
            for column in ("pue", "wue"):
                if row[column]:
                    out.setdefault(column, {}).setdefault(row["scope"], []).append(row)
        return {column: {scope: tuple(rows) for scope, rows in scopes.items()} for column, scopes in out.items()}

    @cached_property
    def constants(self) -> Mapping[str, Row]:
        return {r["key"]: r for r in self.rows("constants")}

    @cached_property
    def methods(self) -> Mapping[str, Row]:
        return {r["method"]: r for r in self.rows("method_defaults")}

    @cached_property
    def default_accelerator(self) -> Mapping[int, Row]:
        return {int(r["year"]): r for r in self.rows("default_accelerator")}

    def has(self, table: str) -> bool:
        """Whether this version has ``table`` (tables are added in later versions)."""
        return table in self.manifest["tables"]

    @cached_property
    def power_fractions(self) -> Mapping[tuple[str, str], Row]:
        """(method, scale) -> measured average GPU power / TDP (from 2026.2)."""
        if not self.has("power_fraction"):
            return {}
        return {(r["method"], r["scale"]): r for r in self.rows("power_fraction")}

    @cached_property
    def throughputs(self) -> Mapping[tuple[str, str], Row]:
        """(generation, method) -> model FLOPs utilisation achieved (from 2026.2)."""
        if not self.has("throughput"):
            return {}
        return {(r["generation"], r["method"]): r for r in self.rows("throughput")}

    @cached_property
    def memory_per_parameter(self) -> Mapping[str, Row]:
        """method -> accelerator memory a fine-tune needs per base-model parameter (from 2026.2)."""
        if not self.has("memory_per_parameter"):
            return {}
        return {r["method"]: r for r in self.rows("memory_per_parameter")}

    def names(self, index: Mapping[str, Row], column: str = "name") -> list[str]:
        return sorted({r[column] for r in index.values() if r[column]})

    def replaces(self, row: Row) -> bool:
        """Whether ``row`` is an overlay row that stands in for a shipped row."""
        if not row.from_overlay:
            return False
        key = "/".join(row[k] for k in self.key_columns(row.table))
        return (row.table, key) in self.shadowed


def _by_zone(rows: Iterable[Row]) -> dict[str, dict[str, dict[int, Row]]]:
    """Grid rows as zone -> basis -> year -> row (a later row for the same key wins)."""
    out: dict[str, dict[str, dict[int, Row]]] = {}
    for row in rows:
        out.setdefault(row["zone"], {}).setdefault(row["basis"], {})[int(row["year"])] = row
    return out


class _ZoneIndex(Mapping[str, Mapping[str, Mapping[int, Row]]]):
    """The shipped grid table by zone, each zone's rows made on first use (``FactorSet.grid``)."""

    def __init__(self, version: str, header: list[str], records: dict[str, list[list[str]]]) -> None:
        self._version = version
        self._header = header
        self._records = records
        self._made: dict[str, dict[str, dict[int, Row]]] = {}

    @classmethod
    def of(cls, factors: FactorSet) -> _ZoneIndex | None:
        """The index of the shipped table, or None for a table that is not rectangular."""
        info = factors.manifest["tables"]["grid_intensity"]
        records = _records(factors.root.joinpath(info["file"]).read_text(encoding="utf-8"))
        if records is None:
            return None
        header, body = records
        column = header.index("zone")
        by_zone: dict[str, list[list[str]]] = {}
        for record in body:
            by_zone.setdefault(record[column], []).append(record)
        return cls(factors.version, header, by_zone)

    def __getitem__(self, zone: str) -> Mapping[str, Mapping[int, Row]]:
        made = self._made.get(zone)
        if made is None:
            header, version = self._header, self._version
            rows = (Row("grid_intensity", dict(zip(header, r, strict=True)), version) for r in self._records[zone])
            made = self._made[zone] = _by_zone(rows)[zone]
        return made

    def __iter__(self) -> Iterator[str]:
        return iter(self._records)

    def __len__(self) -> int:
        return len(self._records)


class _Tables(Mapping[str, tuple[Row, ...]]):
    """Each table parsed on first use: shipped rows, less those the overlay replaces, plus the overlay's."""

    def __init__(self, factors: FactorSet) -> None:
        self._factors = factors
        self._parsed: dict[str, tuple[Row, ...]] = {}

    def __getitem__(self, table: str) -> tuple[Row, ...]:
        if table not in self._parsed:
            self._parsed[table] = _merged(self._factors, table)
        return self._parsed[table]

    def __iter__(self) -> Iterator[str]:
        return iter(self._factors.manifest["tables"])

    def __len__(self) -> int:
        return len(self._factors.manifest["tables"])


def _shipped(root: Traversable, manifest: Manifest, table: str, version: str) -> list[Row]:
    info = manifest["tables"][table]
    return _read_csv(root.joinpath(info["file"]).read_text(encoding="utf-8"), table, version)


def _merged(factors: FactorSet, table: str) -> tuple[Row, ...]:
    rows = _shipped(factors.root, factors.manifest, table, factors.version)
    extra = factors.overlay.get(table, ())
    if not extra:
        return tuple(rows)
    keys = factors.key_columns(table)
    replaced = {tuple(r[k] for k in keys) for r in extra}
    return (*(r for r in rows if tuple(r[k] for k in keys) not in replaced), *extra)


def _alias_index(rows: Iterable[Row], columns: tuple[str, ...]) -> dict[str, Row]:
    index: dict[str, Row] = {}
    # overlay rows come last in a table but win: a private row stands in for a shipped one
    for row in sorted(rows, key=lambda r: not r.from_overlay):
        names = [row[c] for c in columns] + row["aliases"].split("|")
        for name in names:
            if name:
                index.setdefault(normalise_name(name), row)
    return index


# --- overlays ---------------------------------------------------------------------------

OVERLAY_MAX_BYTES = 2 * 1024 * 1024


def read_overlay(path: Path, version: str, manifest: Manifest) -> dict[str, tuple[Row, ...]]:
    """Rows of a private overlay: a folder of ``<table>.csv`` (+ sources.csv), or one such file.

    Every cell is checked now: unknown tables or columns, rows without a source, numbers
    that are not finite and non-negative, and keys given twice are ``OverlayError``. Only
    regular files inside the folder given are read: a link that leads out of it is refused.
    """
    files = overlay_files(path)
    origin = f"{OVERLAY_PREFIX}{path.name}"
    out: dict[str, tuple[Row, ...]] = {}
    tables = manifest["tables"]
    for file in files:
        table = file.stem
        if table != "sources" and table not in tables:
            raise OverlayError(
                f"{file.name}: no table {table!r} in factor version {version} (tables: {', '.join(tables)})"
            )
        rows = _read_overlay_file(file, table, origin)
        if table != "sources":
            _check_rows(file.name, rows, tables[table])
        out[table] = tuple(rows)
    _check_sources(out)
    return out


def overlay_files(path: Path) -> list[Path]:
    """The CSV files of an overlay folder (or the one file given), each inside the folder."""
    if not path.is_dir():
        return [path]
    folder = path.resolve()
    files = sorted(path.glob("*.csv"))
    for file in files:
        inside(folder, file)
    return files


def inside(folder: Path, file: Path) -> Path:
    """``file`` with its links followed, when that is inside ``folder``; OverlayError otherwise."""
    real = file.resolve()
    if not real.is_relative_to(folder):
        raise OverlayError(f"{file.name}: leads outside the folder {folder.name} (a link); it is not read")
    return real


def _read_overlay_file(file: Path, table: str, origin: str) -> list[Row]:
    try:
        raw = read_regular(file, OVERLAY_MAX_BYTES)
    except ReadRefusedError as exc:
        raise OverlayError(f"{file.name}: {exc.message}") from None
    try:
        reader = csv.reader(io.StringIO(raw.decode("utf-8-sig")))
        header = next(reader, [])
        if len(set(header)) != len(header):
            raise OverlayError(f"{file.name}: a column is named twice in the header")
        return [Row(table, dict(zip(header, cells, strict=False)), origin) for cells in reader]
    except (UnicodeDecodeError, csv.Error) as exc:
        raise OverlayError(f"{file.name}: {str(exc)[:200]}") from exc


def _check_rows(name: str, rows: list[Row], info: Table) -> None:
    columns = info["columns"]
    seen: dict[tuple[str, ...], int] = {}
    for number, row in enumerate(rows, start=2):
        unknown = set(row.data) - set(columns)
        if unknown:
            raise OverlayError(f"{name}:{number}: unknown columns {sorted(unknown)}")
        if not row["source"]:
            raise OverlayError(f"{name}:{number}: every row needs a source")
        for column, spec in columns.items():
            text = row[column].strip()
            if spec["unit"] and text and not _non_negative_number(text):
                raise OverlayError(
                    f"{name}:{number}: {column} {text[:40]!r} is not a finite, non-negative number ({spec['unit']})"
                )
        if any("\n" in value or "\r" in value for value in row.data.values()):
            raise OverlayError(f"{name}:{number}: a cell holds a line break")
        key = tuple(row[k] for k in info["key"])
        if key in seen:
            raise OverlayError(f"{name}:{number}: the key {'/'.join(key)} was given on line {seen[key]} too")
        seen[key] = number


def _non_negative_number(text: str) -> bool:
    try:
        value = float(text)
    except ValueError:
        return False
    return math.isfinite(value) and value >= 0


def _check_sources(overlay: Mapping[str, tuple[Row, ...]]) -> None:
    """Every source id an overlay row names is either shipped or defined in the overlay's sources.csv."""
    defined = {r["id"] for r in overlay.get("sources", ())}
    for table, rows in overlay.items():
        if table == "sources":
            continue
        for row in rows:
            unknown = [s for s in row.sources if s not in defined and s not in _shipped_source_ids()]
            if unknown:
                raise OverlayError(
                    f"{table}.csv: row {row.label or '?'} names source {unknown[0]!r}, which neither the overlay's "
                    "sources.csv nor the shipped tables define"
                )


@cache
def _shipped_source_ids() -> frozenset[str]:
    ids: set[str] = set()
    for version in available_versions():
        text = data_root("factors").joinpath(version, "sources.csv").read_text(encoding="utf-8")
        ids.update(r["id"] for r in _read_csv(text, "sources", version))
    return frozenset(ids)


def _shadowed(
    root: Traversable, manifest: Manifest, version: str, overlay: Mapping[str, tuple[Row, ...]]
) -> frozenset[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    for table, extra in overlay.items():
        if table == "sources":
            continue
        keys = manifest["tables"][table]["key"]
        shipped = {tuple(r[k] for k in keys) for r in _shipped(root, manifest, table, version)}
        out.update((table, "/".join(k)) for k in (tuple(r[c] for c in keys) for r in extra) if k in shipped)
        # a row named like a shipped accelerator or server replaces it too, though its id differs
        if table in ("accelerators", "servers"):
            index = _alias_index(_shipped(root, manifest, table, version), ("id", "name"))
            for row in extra:
                hit = next((index[n] for n in _names(row) if n in index), None)
                if hit is not None and hit["id"] != row["id"]:
                    raise OverlayError(
                        f"{table}.csv: row {row['id']} is named like the shipped row {hit['id']}; give it the "
                        f"id {hit['id']} to replace that row, or a name of its own"
                    )
    return frozenset(out)


def _manifest(root: Traversable, version: str) -> Manifest:
    try:
        return parse_manifest(json.loads(root.joinpath("manifest.json").read_text(encoding="utf-8")))
    except ManifestError as exc:
        raise FactorError(f"factor version {version}: manifest.json: {exc}") from None


def _names(row: Row) -> list[str]:
    return [normalise_name(n) for n in [row["id"], row["name"], *row["aliases"].split("|")] if n]


@cache
def load(version: str | None = None, overlay: str | None = None) -> FactorSet:
    """The factor set of ``version`` (default: the newest shipped) with an optional overlay, made once."""
    chosen = version or latest_version()
    if chosen not in available_versions():
        raise FactorError(f"factor version {chosen!r} is not shipped; shipped: {', '.join(available_versions())}")
    root = data_root("factors").joinpath(chosen)
    manifest = _manifest(root, chosen)
    if overlay is None:
        return FactorSet(chosen, manifest)
    path = Path(overlay)
    if not path.exists():
        raise OverlayError(f"overlay {overlay} does not exist")
    rows = read_overlay(path, chosen, manifest)
    return FactorSet(chosen, manifest, path.name, rows, _shadowed(root, manifest, chosen, rows))
