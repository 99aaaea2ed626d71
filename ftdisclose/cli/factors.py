"""``ftdisclose factors list | show TABLE | diff V1 V2``."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypedDict, final

from ftdisclose import factors as ft
from ftdisclose.cli.parser import Args
from ftdisclose.findings.excerpt import excerpt
from ftdisclose.io.files import ReadRefusedError, read_regular


class TableSummary(TypedDict):
    rows: int
    description: str


class Version(TypedDict):
    """One shipped version, as ``factors list`` shows it."""

    version: str
    released: str
    tables: dict[str, TableSummary]
    sources: list[dict[str, str]]
    licences: dict[str, int]


class RowChange(TypedDict):
    key: str
    cells: dict[str, list[str]]  # column -> [before, after]


@final
class TableChanges(TypedDict):
    added: list[str]
    removed: list[str]
    changed: list[RowChange]
    columns_added: list[str]
    columns_removed: list[str]


@final
class TableStatus(TypedDict):
    status: str  # added or removed


class Diff(TypedDict):
    """What ``factors diff`` found: per table, its status or its changes."""

    old: str
    new: str
    tables: dict[str, TableStatus | TableChanges]


@dataclass(frozen=True)
class _Entry:
    """A table as a folder's manifest.json names it."""

    file: str
    key: tuple[str, ...]
    columns: frozenset[str]


@dataclass(frozen=True)
class _Table:
    """One table of a version, as ``diff`` compares it."""

    key: tuple[str, ...]
    columns: frozenset[str]
    rows: list[dict[str, str]]


def run(args: Args) -> int:
    try:
        if args.factors_command == "list":
            return _list(args)
        if args.factors_command == "show":
            return _show(args)
        return _diff(args)
    except ft.FactorError as exc:
        sys.stderr.write(f"ftdisclose: {exc}\n")
        return 2


def _list(args: Args) -> int:
    versions: list[Version] = []
    for version in ft.available_versions():
        tables = ft.load(version)
        licences = Counter(src["license"] for src in tables.sources.values())
        versions.append(
            {
                "version": version,
                "released": tables.manifest["released"],
                "tables": {
                    name: {"rows": info["rows"], "description": info["description"]}
                    for name, info in tables.manifest["tables"].items()
                },
                "sources": [
                    {k: src[k] for k in ("id", "title", "publisher", "url", "license", "attribution")}
                    for src in tables.sources.values()
                ],
                "licences": dict(sorted(licences.items())),
            }
        )
    if args.format == "json":
        json.dump({"versions": versions, "latest": ft.latest_version()}, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    for v in versions:
        latest = " (latest)" if v["version"] == ft.latest_version() else ""
        sys.stdout.write(f"factor tables {v['version']}{latest}, released {v['released']}\n\n")
        for name, info in v["tables"].items():
            sys.stdout.write(f"  {name:<24}{info['rows']:>6} rows  {info['description'][:70]}\n")
        sys.stdout.write(
            f"\n  {len(v['sources'])} sources; licences: "
            + ", ".join(f"{k} ({n})" for k, n in v["licences"].items())
            + "\n\n"
        )
        for src in v["sources"]:
            sys.stdout.write(f"  {src['id']}: {src['publisher']}, {src['license']}\n      {src['attribution'][:150]}\n")
    return 0


def _show(args: Args) -> int:
    tables = ft.load(args.factors)
    if args.table not in tables.manifest["tables"]:
        sys.stderr.write(
            f"ftdisclose: no table {args.table!r} in {tables.version}; tables: {', '.join(tables.table_names())}\n"
        )
        return 2
    info = tables.manifest["tables"][args.table]
    rows = tables.rows(args.table)
    columns = list(info["columns"])
    if args.format == "csv":
        writer = csv.DictWriter(sys.stdout, columns, lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(r.data for r in rows)
        return 0
    if args.format == "json":
        json.dump(
            {
                "version": tables.version,
                "table": args.table,
                "columns": info["columns"],
                "rows": [r.data for r in rows],
            },
            sys.stdout,
            indent=2,
            ensure_ascii=False,
        )
        sys.stdout.write("\n")
        return 0
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from ftdisclose.output.safe import terminal

    # markup off: table text (units in brackets, overlay rows) is printed as it is, never read as markup
    console = Console(highlight=False, markup=False, width=max(120, Console().width))
    console.print(Text.assemble((args.table, "bold"), f" ({tables.version}, {len(rows)} rows): {info['description']}"))
    units = ", ".join(f"{c} [{m['unit']}]" for c, m in info["columns"].items() if m["unit"])
    console.print(f"units: {units}", soft_wrap=True)
    table = Table(show_edge=False, header_style="bold")
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*(terminal(row[c]) for c in columns))
    console.print(table)
    return 0


def _load_any(name: str) -> tuple[str, dict[str, _Table]]:
    """A shipped version or a folder in the same format: its tables with their rows."""
    folder = Path(name)
    if folder.is_dir() and (folder / "manifest.json").is_file():
        entries = _folder_manifest(folder)
        return str(folder), {t: _Table(e.key, e.columns, _folder_rows(folder, e.file)) for t, e in entries.items()}
    tables = ft.load(name)
    shipped = {
        t: _Table(tuple(info["key"]), frozenset(info["columns"]), [dict(r.data) for r in tables.rows(t)])
        for t, info in tables.manifest["tables"].items()
    }
    return tables.version, shipped


def _folder_manifest(folder: Path) -> dict[str, _Entry]:
    try:
        manifest: object = json.loads(_read_inside(folder, "manifest.json"))
    except ValueError as exc:
        raise ft.FactorError(f"{folder}: manifest.json is not JSON ({str(exc)[:80]})") from None
    tables = _mapping(manifest).get("tables")
    entries = {t: _table_entry(info) for t, info in _mapping(tables).items()}
    checked = {t: entry for t, entry in entries.items() if entry is not None}
    if not isinstance(tables, dict) or len(checked) != len(entries):
        raise ft.FactorError(f"{folder}: manifest.json has no 'tables' mapping of file, key and columns")
    return checked


def _table_entry(info: object) -> _Entry | None:
    fields = _mapping(info)
    file, key, columns = fields.get("file"), fields.get("key"), fields.get("columns")
    if not isinstance(file, str) or not isinstance(key, list) or not isinstance(columns, dict):
        return None
    names: list[object] = key
    key_columns = tuple(k for k in names if isinstance(k, str))
    column_names: dict[str, object] = columns
    return _Entry(file, key_columns, frozenset(column_names)) if len(key_columns) == len(names) else None


def _mapping(value: object) -> Mapping[str, object]:
    return value if isinstance(value, dict) else {}


def _folder_rows(folder: Path, file: str) -> list[dict[str, str]]:
    try:
        return list(csv.DictReader(io.StringIO(_read_inside(folder, file))))
    except csv.Error as exc:
        raise ft.FactorError(f"{folder}: {excerpt(file)}: {str(exc)[:80]}") from None


def _read_inside(folder: Path, name: str) -> str:
    """A file named by a manifest, read only when it lies inside ``folder`` (links followed)."""
    path = folder / name
    if not path.resolve().is_relative_to(folder.resolve()):
        raise ft.FactorError(f"{folder}: {excerpt(name)} lies outside the folder; it is not read")
    try:
        return read_regular(path, ft.OVERLAY_MAX_BYTES).decode("utf-8-sig")
    except ReadRefusedError as exc:
        raise ft.FactorError(f"{folder}: {excerpt(name)}: {exc.message}") from None
    except UnicodeDecodeError:
        raise ft.FactorError(f"{folder}: {excerpt(name)} is not UTF-8") from None


def diff(old: str, new: str) -> Diff:
    """Per table: rows added, removed and changed (by key), and columns added or removed."""
    old_name, old_tables = _load_any(old)
    new_name, new_tables = _load_any(new)
    out: Diff = {"old": old_name, "new": new_name, "tables": {}}
    for table in sorted(set(old_tables) | set(new_tables)):
        if table not in old_tables or table not in new_tables:
            out["tables"][table] = {"status": "added" if table in new_tables else "removed"}
            continue
        entry = _table_diff(old_tables[table], new_tables[table])
        if any(entry.values()):
            out["tables"][table] = entry
    return out


def _table_diff(old: _Table, new: _Table) -> TableChanges:
    key = new.key
    before = {tuple(r.get(k, "") for k in key): r for r in old.rows}
    after = {tuple(r.get(k, "") for k in key): r for r in new.rows}
    changed: list[RowChange] = []
    for k in sorted(set(before) & set(after)):
        cells = {
            c: [before[k].get(c, ""), after[k].get(c, "")]
            for c in sorted(set(before[k]) | set(after[k]))
            if before[k].get(c, "") != after[k].get(c, "")
        }
        if cells:
            changed.append({"key": "/".join(k), "cells": cells})
    return {
        "added": ["/".join(k) for k in sorted(set(after) - set(before))],
        "removed": ["/".join(k) for k in sorted(set(before) - set(after))],
        "changed": changed,
        "columns_added": sorted(new.columns - old.columns),
        "columns_removed": sorted(old.columns - new.columns),
    }


def _diff(args: Args) -> int:
    result = diff(args.old, args.new)
    if args.format == "json":
        json.dump(result, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    sys.stdout.write(f"factor tables {result['old']} -> {result['new']}\n")
    if not result["tables"]:
        sys.stdout.write("no changes\n")
    for table, entry in result["tables"].items():
        if "status" in entry:
            sys.stdout.write(f"\n{table}: table {entry['status']}\n")
            continue
        sys.stdout.write(
            f"\n{table}: {len(entry['added'])} added, {len(entry['removed'])} removed, "
            f"{len(entry['changed'])} changed\n"
        )
        for key in entry["added"]:
            sys.stdout.write(f"  + {key}\n")
        for key in entry["removed"]:
            sys.stdout.write(f"  - {key}\n")
        for change in entry["changed"]:
            cells = "; ".join(f"{c}: {a or '(empty)'} -> {b or '(empty)'}" for c, (a, b) in change["cells"].items())
            sys.stdout.write(f"  ~ {change['key']}: {cells}\n")
        for column in entry["columns_added"]:
            sys.stdout.write(f"  + column {column}\n")
        for column in entry["columns_removed"]:
            sys.stdout.write(f"  - column {column}\n")
    return 0
