"""Factor table of base models: the parameter counts behind `model.base_model`.

One table comes out of this area:

- `base_models`: the open-weight models people fine-tune, each with the parameter count
  Epoch AI records for it (column `Parameters` of Epoch's "All AI models" database), and
  the spellings users write in a disclosure's `model.base_model` (Hugging Face repository
  ids such as `meta-llama/Llama-2-7b-hf`). Family rows (`family-llama-2`, ...) answer a
  disclosure that names only the family: their range spans the family's sizes and their
  central value is the smallest size, so that an undisclosed size is never inflated
  silently.

Which Epoch rows are kept, their aliases and the families are curated in
`curated/models_aliases.csv`; every number is read from the Epoch file here, so that a
newer snapshot changes it through this script and nowhere else. An alias goes on a row
only where the mapping is certain: the repository ids of that release (a base checkpoint
and its instruct or chat checkpoint share the architecture, hence the parameter count).
A family gets a row only when Epoch lists its smallest and its largest released size.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from tablebuild import Table, read_csv

HERE = Path(__file__).resolve().parent
CURATED = HERE / "curated"

SRC_EPOCH = "epoch-ai-models"
SRC_ALIASES = "ftdisclose-model-aliases"

EPOCH_FILE = Path("epoch-ai") / "training-cost-trends" / "all_ml_systems_full_view.csv"


def normalise(text: str) -> str:
    """The form names are matched in (as ftdisclose.factors.normalise_name): lower case,
    spaces, hyphens, underscores and dots removed."""
    return re.sub(r"[\s\-_.]+", "", text.strip().lower())


def _slug(name: str) -> str:
    """Row id from an Epoch model name: lower case, runs of other characters -> '-'."""
    slug = re.sub(r"[^a-z0-9.]+", "-", name.strip().lower()).strip("-.")
    if not slug:
        raise ValueError(f"no id can be made from model name {name!r}")
    return slug


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split("|") if part.strip()]


def _parameters(text: str, model: str) -> int:
    """Epoch writes counts as floats ("7000000000.0"); they must be whole and positive."""
    value = float(text)
    if not value.is_integer() or value <= 0:
        raise ValueError(f"Epoch model {model!r}: parameter count {text!r} is not a positive whole number")
    return int(value)


def _published(text: str, model: str) -> str:
    text = text.strip()
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise ValueError(f"Epoch model {model!r}: publication date {text!r} is not YYYY-MM-DD") from None


# --- data ------------------------------------------------------------------------------


def _epoch_models(data_dir: Path) -> dict[str, list[dict[str, str]]]:
    """Epoch rows that have a parameter count, by model name (surrounding whitespace,
    which Epoch leaves on a few names, removed)."""
    path = data_dir / EPOCH_FILE
    by_name: dict[str, list[dict[str, str]]] = {}
    for row in read_csv(path):
        name = (row.get("Model") or "").strip()
        if name and (row.get("Parameters") or "").strip():
            by_name.setdefault(name, []).append(row)
    if len(by_name) < 500:
        raise ValueError(f"{path}: only {len(by_name)} models with a parameter count, expected over a thousand")
    return by_name


def _epoch_row(models: dict[str, list[dict[str, str]]], name: str) -> dict[str, str]:
    rows = models.get(name, [])
    if len(rows) != 1:
        found = "no row" if not rows else f"{len(rows)} rows"
        raise ValueError(f"models_aliases.csv: Epoch has {found} named {name!r} with a parameter count")
    row = rows[0]
    if not row.get("Model accessibility", "").startswith("Open weights"):
        raise ValueError(
            f"models_aliases.csv: Epoch model {name!r} is not open-weight ({row.get('Model accessibility')!r})"
        )
    return row


# --- table -----------------------------------------------------------------------------


def _table() -> Table:
    return Table(
        name="base_models",
        description=(
            "Parameter counts of open-weight base models that are fine-tuned, as Epoch AI "
            "records them, with the spellings disclosures use for them (model.base_model). "
            "A model row has parameters_low = parameters = parameters_high = Epoch's count "
            "(total parameters; for a mixture-of-experts model all experts). A family row "
            "(id family-...) answers a disclosure that names only the family: when only the "
            "family is named, the range spans its sizes (parameters_low = the smallest, "
            "parameters_high = the largest size Epoch lists) and the central value is the "
            "smallest, so that an undisclosed size is never inflated silently. A family gets "
            "a row only when Epoch lists both its smallest and its largest released size."
        ),
        key=["id"],
        columns={
            "id": ("", "slug of the Epoch model name; family-<family> for a family row"),
            "name": ("", "model name as Epoch writes it; the family name for a family row"),
            "aliases": (
                "",
                "other spellings ('|'-separated): Hugging Face repository ids and "
                "names of the same release; matched after lower-casing and removing "
                "spaces, hyphens, underscores and dots",
            ),
            "family": ("", "model family (a family row's family is the row itself)"),
            "organization": ("", "developer(s) as Epoch writes them"),
            "published": ("", "publication date (YYYY-MM-DD); for a family row its first member's"),
            "parameters_low": ("1", "low end of the parameter count (smallest size for a family)"),
            "parameters": ("1", "central parameter count (smallest size for a family)"),
            "parameters_high": ("1", "high end of the parameter count (largest size for a family)"),
            "source": ("", "source ids, ';'-separated"),
        },
    )


def _base_models(data_dir: Path) -> Table:
    table = _table()
    models = _epoch_models(data_dir)
    curated = read_csv(CURATED / "models_aliases.csv")
    kinds = {row["kind"] for row in curated}
    if not kinds <= {"model", "family"}:
        raise ValueError(f"models_aliases.csv: unknown kinds {sorted(kinds - {'model', 'family'})}")

    family_of: dict[str, str] = {}  # Epoch name -> family
    epoch_row: dict[str, dict[str, str]] = {}  # Epoch name -> its Epoch row
    for entry in curated:
        if entry["kind"] != "model":
            continue
        name = entry["epoch_name"].strip()
        if name in family_of:
            raise ValueError(f"models_aliases.csv: {name!r} listed twice")
        row = _epoch_row(models, name)
        count = _parameters(row["Parameters"], name)
        aliases = [a for a in _split(entry["aliases"]) if a != name]
        family_of[name] = entry["family"].strip()
        epoch_row[name] = row
        table.add(
            id=_slug(name),
            name=name,
            aliases="|".join(aliases) or None,
            family=entry["family"].strip() or None,
            organization=row["Organization"].strip() or None,
            published=_published(row["Publication date"], name),
            parameters_low=count,
            parameters=count,
            parameters_high=count,
            source=f"{SRC_EPOCH};{SRC_ALIASES}" if aliases else SRC_EPOCH,
        )

    for entry in curated:
        if entry["kind"] != "family":
            continue
        family = entry["family"].strip()
        members = _split(entry["members"])
        if len(members) < 2:
            raise ValueError(f"models_aliases.csv: family {family!r} needs two or more members")
        rows = []
        for member in members:
            if family_of.get(member) != family:
                raise ValueError(
                    f"models_aliases.csv: family {family!r} member {member!r} is not a model row of that family"
                )
            rows.append(epoch_row[member])
        counts = [_parameters(r["Parameters"], r["Model"].strip()) for r in rows]
        organizations = {r["Organization"].strip() for r in rows}
        if len(organizations) != 1:
            raise ValueError(f"models_aliases.csv: family {family!r} spans organizations {sorted(organizations)}")
        expected_id = "family-" + _slug(family)
        if entry["id"] != expected_id:
            raise ValueError(f"models_aliases.csv: family {family!r} should have id {expected_id!r}")
        table.add(
            id=expected_id,
            name=family,
            aliases="|".join(a for a in _split(entry["aliases"]) if a != family) or None,
            family=family,
            organization=organizations.pop() or None,
            published=min(_published(r["Publication date"], r["Model"].strip()) for r in rows),
            parameters_low=min(counts),
            parameters=min(counts),
            parameters_high=max(counts),
            source=f"{SRC_EPOCH};{SRC_ALIASES}",
        )
    _check_unique_spellings(table)
    return table


def _check_unique_spellings(table: Table) -> None:
    """No spelling (id, name or alias, normalised) may lead to two rows."""
    owner: dict[str, str] = {}
    for row in table.rows:
        row_id = str(row["id"])
        spellings = [row_id, str(row["name"]), *_split(str(row.get("aliases") or ""))]
        for spelling in spellings:
            key = normalise(spelling)
            if not key:
                raise ValueError(f"base_models: row {row_id} has an empty spelling")
            other = owner.setdefault(key, row_id)
            if other != row_id:
                raise ValueError(f"base_models: {spelling!r} ({key}) names both {other} and {row_id}")


def build(data_dir: Path) -> dict[str, Table]:
    table = _base_models(data_dir)
    return {table.name: table}
