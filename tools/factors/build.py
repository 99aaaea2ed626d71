"""Build the current factor-table version from public data and curated rows.

Usage: python tools/factors/build.py [--data DIR] [--version 2026.2] [--out factors/]

The curated rows in ``curated/`` describe one version, ``CURRENT``. A released version
other than that one is never rewritten: its files stay as released (the build would no
longer reproduce them), so asking for one is an error.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import importlib
import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from tablebuild import SOURCE_COLUMNS, Table, fmt, read_csv, render_csv  # noqa: E402

AREAS = ["hardware", "geography", "methods", "models"]
RELEASED = {"2026.1": "2026-11-22", "2026.2": "2026-11-30"}
CURRENT = "2026.2"  # the version the curated rows describe

# Rows whose central value may sit on an end of its range, and why (the quantity is bounded there).
BOUNDED = {
    ("constants", "workstation_pue"): "PUE is at least 1 by definition",
    ("constants", "workstation_wue"): "on-site water is at least 0, and a room has no evaporative cooling",
    ("constants", "workstation_reserved_share"): "a share of life is at most 1",
}


def load_sources() -> dict[str, dict[str, str]]:
    sources: dict[str, dict[str, str]] = {}
    for path in sorted((HERE / "curated").glob("sources_*.csv")):
        for row in read_csv(path):
            if row["id"] in sources and sources[row["id"]] != row:
                raise SystemExit(f"source {row['id']} defined twice with different text ({path.name})")
            if None in row or len(row) != len(SOURCE_COLUMNS):
                raise SystemExit(
                    f"{path.name}: source {row.get('id')} has {len(row)} cells, not "
                    f"{len(SOURCE_COLUMNS)} (an unquoted comma?)"
                )
            missing = [c for c in SOURCE_COLUMNS if not row.get(c)]
            if missing:
                raise SystemExit(f"{path.name}: source {row['id']} lacks {missing}")
            sources[row["id"]] = row
    return sources


def check_ranges(table: Table) -> None:
    """low <= central <= high on every row; central strictly inside unless the row is BOUNDED.

    base_models is exempt from the strict part: a model's parameter count is an exact fact,
    and a family's central value is its smallest size on purpose (never inflate an undisclosed size).
    Every quantity in these tables is non-negative, so a central value of 0 may be its low end.
    """
    triples = [c for c in table.columns if f"{c}_low" in table.columns and f"{c}_high" in table.columns]
    if table.name == "constants":
        triples = ["value"]
    for row in table.rows:
        key = fmt(row.get(table.key[0]))
        for column in triples:
            low_col, high_col = ("low", "high") if column == "value" else (f"{column}_low", f"{column}_high")
            low, mid, high = row.get(low_col), row.get(column), row.get(high_col)
            if mid is None or (low is None and high is None):
                continue
            lo = float(low) if low is not None else float(mid)  # type: ignore[arg-type]
            hi = float(high) if high is not None else float(mid)  # type: ignore[arg-type]
            m = float(mid)  # type: ignore[arg-type]
            if not lo <= m <= hi:
                raise SystemExit(f"{table.name} {key}: {column} {lo} / {m} / {hi} is not ordered")
            strict = (lo < m or m == lo == 0) and m < hi
            exempt = table.name == "base_models" or (table.name, key) in BOUNDED
            if not strict and not exempt:
                raise SystemExit(f"{table.name} {key}: {column} {m} is not strictly inside {lo} .. {hi}")


def build(data_dir: Path, version: str, out_root: Path) -> Path:
    if version in RELEASED and version != CURRENT:
        raise SystemExit(
            f"{version} is released and frozen in factors/{version}; the curated rows now describe {CURRENT}"
        )
    tables: dict[str, Table] = {}
    for area in AREAS:
        module = importlib.import_module(area)
        for name, table in module.build(data_dir).items():
            if name in tables:
                raise SystemExit(f"table {name} built by two areas")
            tables[name] = table
    sources = load_sources()
    used: set[str] = set()
    for table in tables.values():
        check_ranges(table)
        for row in table.rows:
            for sid in str(row["source"]).split(";"):
                if sid not in sources:
                    raise SystemExit(f"{table.name}: unknown source id {sid!r}")
                used.add(sid)

    out = out_root / version
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.glob("*.csv"):  # a table dropped since the last build must not linger
        stale.unlink()
    manifest: dict[str, object] = {
        "version": version,
        "released": RELEASED.get(version, dt.date.today().isoformat()),
        "tables": {},
    }
    for name in sorted(tables):
        table = tables[name]
        text = render_csv(table)
        (out / f"{name}.csv").write_text(text, encoding="utf-8", newline="\n")
        manifest["tables"][name] = {  # type: ignore[index]
            "file": f"{name}.csv",
            "description": table.description,
            "key": table.key,
            "rows": len(table.rows),
            "columns": {c: {"unit": u, "description": d} for c, (u, d) in table.columns.items()},
            "sha256": hashlib.sha256(text.encode()).hexdigest(),
        }
    with (out / "sources.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, SOURCE_COLUMNS, lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        for sid in sorted(used):
            writer.writerow(sources[sid])
    src_text = (out / "sources.csv").read_text(encoding="utf-8")
    manifest["sources"] = {"file": "sources.csv", "sha256": hashlib.sha256(src_text.encode()).hexdigest()}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    repo = HERE.parent.parent
    default_data = os.environ.get("FTDISCLOSE_REFERENCE_DATA") or repo.parent / "shared" / "reference" / "data"
    parser.add_argument("--data", type=Path, default=Path(default_data))
    parser.add_argument("--version", default=CURRENT)
    parser.add_argument("--out", type=Path, default=repo / "factors")
    args = parser.parse_args()
    out = build(args.data, args.version, args.out)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
