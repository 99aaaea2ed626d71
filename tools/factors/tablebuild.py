"""Shared pieces of the factor-table build: the Table container and CSV helpers."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

SOURCE_COLUMNS = ["id", "title", "publisher", "url", "retrieved", "license", "attribution"]


@dataclass
class Table:
    """One factor table: column order, units, description, and its rows."""

    name: str
    description: str
    key: list[str]
    columns: dict[str, tuple[str, str]]  # column -> (unit or "", description)
    rows: list[dict[str, object]] = field(default_factory=list)

    def add(self, **row: object) -> None:
        unknown = set(row) - set(self.columns)
        if unknown:
            raise ValueError(f"{self.name}: unknown columns {sorted(unknown)}")
        if not row.get("source"):
            raise ValueError(f"{self.name}: row without source: {row}")
        self.rows.append(row)


def fmt(value: object) -> str:
    """Render a cell: empty for None, shortest exact repr for floats."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(round(value, 10))
    return str(value)


def render_csv(table: Table) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    cols = list(table.columns)
    writer.writerow(cols)

    def sort_key(row: dict[str, object]) -> tuple[str, ...]:
        return tuple(fmt(row.get(k)).zfill(12) if isinstance(row.get(k), int) else fmt(row.get(k)) for k in table.key)

    for row in sorted(table.rows, key=sort_key):
        writer.writerow([fmt(row.get(c)) for c in cols])
    return buf.getvalue()


def read_csv(path: Path, *, skip_rows: int = 0, encoding: str = "utf-8-sig") -> list[dict[str, str]]:
    with path.open(encoding=encoding, newline="") as fh:
        for _ in range(skip_rows):
            fh.readline()
        return list(csv.DictReader(fh))
