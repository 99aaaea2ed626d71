"""What the converters to and from other formats share.

An export starts from a computed pipeline result (``Source``: the disclosure, its
computation and where each field stands in the file) and ends as an ``Export``: the
document, or None when nothing can be written, and the findings of the way. An import
fills an ``Importing``: the disclosure's data, the findings, and what the source held
that the disclosure cannot (kept under ``x-ftdisclose-import``).
"""

from __future__ import annotations

import datetime as dt
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any, TypeGuard
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import ValidationError

from ftdisclose import spec
from ftdisclose._version import __version__
from ftdisclose.engine.compute import Computation, Result
from ftdisclose.engine.quantity import Measure
from ftdisclose.factors import FactorSet, normalise_name
from ftdisclose.factors import load as load_factors
from ftdisclose.findings import Code, Finding, Severity, Where, make
from ftdisclose.integrations.crosswalk import (
    How,
    Link,
    Path_,
    disclosed,
    export_value,
    get_path,
    import_value,
    result,
    set_path,
    simple,
    split,
)
from ftdisclose.io.loader import Document, dotted
from ftdisclose.output.numbers import fmt_number, fmt_range, json_quantity
from ftdisclose.pipeline import FileResult
from ftdisclose.resolve import Input
from ftdisclose.spec import Disclosure
from ftdisclose.spec.inputs import Name, Origin
from ftdisclose.spec.types import Quantity

IMPORT_KEY = "x-ftdisclose-import"
EXTENSION_KEY = "x-ftdisclose"


@dataclass(frozen=True)
class Source:
    """A computed disclosure, as the exporters read it."""

    disclosure: Disclosure
    computation: Computation
    document: Document

    @classmethod
    def of(cls, result: FileResult) -> Source:
        assert result.disclosure is not None and result.computation is not None
        return cls(result.disclosure, result.computation, result.document)

    @property
    def front(self) -> Mapping[str, Any]:
        """The model card's front matter ({} for a disclosure file)."""
        return self.document.front_matter or {}

    def where(self, path: str) -> Where:
        """Where a disclosure field stands in the file (results: the file's first line)."""
        if path.startswith("results") or not path:
            return self.document.where(())
        return self.document.where(split(path.replace("[]", "")))

    def input(self, name: str) -> Input | None:
        return self.computation.inputs.get(name)

    def stated(self, name: str) -> Input | None:
        """An input the publisher stated, follows from what they stated (not from a default), or fetched for the run."""
        item = self.input(name)
        if item is None or not (item.origin.stated or item.origin is Origin.FETCHED):
            return None
        inputs = self.computation.inputs
        if item.origin is Origin.DERIVED and any(
            part != name and part in inputs and self.stated(part) is None for part in item.derived_from
        ):
            return None
        return item

    def place(self) -> dict[str, str]:
        """The location the publisher stated: cloud_region, grid_zone, country (with a cloud region's country).

        A location the resolve stage filled from a default, or derived from one, is not stated.
        """
        infra = self.disclosure.infrastructure
        location = infra.location if infra is not None else None
        out = {
            key: value
            for key in ("cloud_region", "grid_zone", "country")
            if location is not None and (value := getattr(location, key)) is not None
        }
        country = self.input(Name.COUNTRY)
        if "country" not in out and "cloud_region" in out and country is not None and country.origin.stated:
            out["country"] = country.text
        return out

    def result(self, name: Result) -> Measure | None:
        return self.computation.results.get(name)

    def tokens(self) -> int | None:
        """Training tokens: the disclosure's total, or the sum of its runs' when every run says."""
        op = self.disclosure.operational
        if op is None:
            return None
        if op.tokens is not None:
            return op.tokens
        if op.runs and all(run.tokens is not None for run in op.runs):
            return sum(run.tokens or 0 for run in op.runs)
        return None


@dataclass
class Export:
    """A document in another format, or None when it cannot be written, and the findings."""

    document: dict[str, object] | None
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.ERROR)


def apply_links(src: Source, links: tuple[Link, ...], out: dict[str, Any]) -> None:
    """Write every SAME and UNIT link whose field the disclosure states into ``out``."""
    for link in simple(links):
        value = disclosed(src.disclosure, link.ours)
        if value is not None and link.theirs is not None:
            set_path(out, split(link.theirs), export_value(link, value))


def shown(value: Any) -> str:
    """A value in a finding's message."""
    if isinstance(value, Measure):
        unit = "" if value.unit == "1" else f" {value.unit}"
        if value.unit == "FLOP":  # counts of this size read best in powers of ten
            spread = "" if value.low == value.high else f" ({value.low:.3g} - {value.high:.3g})"
            return f"{value.mid:.3g}{unit}{spread}"
        spread = fmt_range(value)
        return f"{fmt_number(value.mid)}{unit}" + ("" if spread == "-" else f" ({spread})")
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str | int | float | Quantity):
        return str(value)
    return ""


def not_held(src: Source, links: tuple[Link, ...], target: str, extension: bool) -> list[Finding]:
    """FTD542 for every field of the disclosure (or result) that ``target`` has no field for."""
    found = []
    kept = f"; written under {EXTENSION_KEY}, which {target} readers ignore" if extension else ""
    for link in links:
        if link.theirs is not None:
            continue
        value: object = result(src.computation, link.ours) if link.ours.startswith("results.") else None
        if not link.ours.startswith("results."):
            value = disclosed(src.disclosure, link.ours)
        if value is None:
            continue
        text = shown(value)
        what = f"{link.ours} = {text}" if text else link.ours
        note = f" ({link.note})" if link.note else ""
        where_kept = kept if link.ours.startswith("results.") else ""
        found.append(
            make(Code.EXPORT_NOT_HELD, f"{target} has no field for {what}{note}{where_kept}", src.where(link.ours))
        )
    return found


def results_extension(src: Source) -> dict[str, Any]:
    """ftdisclose's results with their ranges, for an ``x-ftdisclose`` key that other readers ignore."""
    comp = src.computation
    out: dict[str, Any] = {
        "generator": f"ftdisclose {__version__}",
        "factors_version": comp.factors_version,
        "file": src.document.file,
        "results": {str(name): json_quantity(measure) for name, measure in comp.results.items()},
    }
    if comp.missing:
        out["not_computed"] = {str(name): reason for name, reason in comp.missing.items()}
    if comp.stages:
        out["stages"] = {
            stage: {str(name): json_quantity(m) for name, m in totals.items()} for stage, totals in comp.stages.items()
        }
    return out


def report_time() -> dt.datetime:
    """When a report is written: SOURCE_DATE_EPOCH when set (reproducible output), else now; UTC."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def needs(message: str, where: Where, hint: str) -> Finding:
    return make(Code.EXPORT_NEEDS_VALUE, message, where, hint=hint)


def energy_is_measured(src: Source) -> bool:
    item = src.input(Name.ENERGY)
    return item is not None and item.origin in (Origin.DISCLOSED, Origin.MEASURED)


# --- importing ----------------------------------------------------------------------------


@dataclass
class Importing:
    """A disclosure being built from another format, with what could not be carried over."""

    doc: Document  # the source, for the places of findings
    root: Path_ = ()  # where the format's block sits in the source (a card's dia_report)
    data: dict[str, Any] = field(default_factory=lambda: {"spec_version": "1.1"})
    findings: list[Finding] = field(default_factory=list)
    kept: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, Path_] = field(default_factory=dict)  # disclosure field -> where in the source it came from

    def where(self, path: Path_) -> Where:
        return self.locate(path)

    def locate(self, path: Path_, *, key: bool = False) -> Where:
        full = self.root + tuple(path)
        if self.doc.kind == "card":
            return self.doc.where_in_front(full, key=key)
        return self.doc.where(full, key=key)

    def add(self, code: Code, message: str, path: Path_, hint: str | None = None) -> None:
        self.findings.append(make(code, message, self.where(path), hint=hint))

    def keep(self, path: Path_, value: Any, why: str, *, code: Code = Code.IMPORT_LOSS) -> None:
        """Keep a source value under x-ftdisclose-import and say why it is not in the disclosure."""
        self.kept[dotted(path)] = value
        self.add(code, f"{why}; kept under {IMPORT_KEY}", path)

    def put(self, path: str, value: Any, source: Path_ | None = None) -> None:
        set_path(self.data, split(path), value)
        if source is not None:
            self.sources[path] = source

    def done(self, fmt: str, file: str) -> dict[str, Any]:
        """The disclosure, in the spec's order, with every value the spec rejects taken out again and named."""
        self._drop_invalid()
        order = ("spec_version", "model", "infrastructure", "operational", "usage", "reported")
        data = {key: self.data[key] for key in order if key in self.data}
        data.update((k, v) for k, v in self.data.items() if k not in data)
        data[IMPORT_KEY] = {"from": fmt, "file": file, "by": f"ftdisclose {__version__}", **self.kept}
        return data

    def _drop_invalid(self) -> None:
        model = spec.model_for(spec.LATEST)
        for _ in range(20):  # each pass removes at least one value
            try:
                model.model_validate(self.data)
            except ValidationError as exc:
                error = exc.errors(include_url=False)[0]
                loc = tuple(error["loc"])
                if not loc or not self._drop(loc, str(error.get("ctx", {}).get("message") or error["msg"])):
                    return
                continue
            return

    def _drop(self, loc: tuple[str | int, ...], why: str) -> bool:
        value = get_path(self.data, loc)
        parent = get_path(self.data, loc[:-1]) if len(loc) > 1 else self.data
        if value is None or not isinstance(parent, dict | list):
            return False
        dotted_loc = ".".join(str(p) for p in loc)  # a disclosure path, as crosswalk writes them
        source = next((self.sources[p] for p in _prefixes(dotted_loc) if p in self.sources), ())
        del parent[loc[-1]]  # type: ignore[arg-type]
        self.kept[dotted_loc] = value
        self.add(Code.IMPORT_LOSS, f"{value!r} is not valid as {dotted_loc} ({why}); kept under {IMPORT_KEY}", source)
        return True


def leftovers(imp: Importing, node: Any, path: Path_, used: set[Path_]) -> None:
    """Every field of ``node`` that no step read (``used``), kept and named: one finding per object."""
    if not isinstance(node, dict | list):
        return
    items = node.items() if isinstance(node, dict) else enumerate(node)
    unread: list[Any] = []
    for key, value in items:
        here = (*path, key)
        if here in used:
            continue
        if any(p[: len(here)] == here for p in used):
            leftovers(imp, value, here, used)
            continue
        imp.kept[dotted(here)] = value
        unread.append(key)
    if not unread:
        return
    if isinstance(node, list):
        what = "this item has" if len(unread) == 1 else f"items {', '.join(f'[{k}]' for k in unread)} have"
    else:
        what = f"{', '.join(str(k) for k in unread)} {'has' if len(unread) == 1 else 'have'}"
    message = f"{what} no field in a disclosure; kept under {IMPORT_KEY}"
    imp.findings.append(make(Code.IMPORT_LOSS, message, imp.where((*path, unread[0]))))


def _prefixes(path: str) -> list[str]:
    parts = path.split(".")
    return [".".join(parts[:n]) for n in range(len(parts), 0, -1)]


def import_links(imp: Importing, links: tuple[Link, ...], source: Any, used: set[Path_], *, under: str = "") -> None:
    """Read the SAME and UNIT links (of fields under ``under``) from ``source`` into the disclosure.

    A value of the wrong kind is kept aside and named; what the spec then rejects is dropped by ``done``.
    """
    for link in simple(links):
        assert link.theirs is not None
        path = split(link.theirs)
        value = get_path(source, path)
        if value is None or path in used or not link.theirs.startswith(under):
            continue
        used.add(path)
        text = isinstance(value, str) and bool(value.strip())
        if not (is_number(value) or (text and link.how is How.SAME)):
            imp.keep(path, value, f"{value!r} cannot be read as {link.ours}")
            continue
        imp.put(link.ours, import_value(link, value), path)


def is_number(value: Any) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


@cache
def _factors() -> FactorSet:
    return load_factors()


def country_code(name: str) -> str | None:
    """An ISO 3166-1 alpha-2 code for a country code or name in any case ("france", "United States")."""
    row = _factors().countries.get(normalise_name(name))
    return row["alpha2"] if row is not None else None


def country_name(code: str) -> str:
    row = _factors().countries.get(normalise_name(code))
    return row["name"] if row is not None and row["name"] else code


def region_place(label: str, provider: str | None = None) -> tuple[str, str] | None:
    """(provider, region) for a cloud region id the tables know ("us-east-1" -> aws), of ``provider`` if given."""
    rows = [r for r in _factors().regions.values() if provider is None or r["provider"] == provider]
    for same in (
        lambda r: r["region"].lower() == label.strip().lower(),
        lambda r: normalise_name(r["region"]) == normalise_name(label),
    ):
        found = [r for r in rows if same(r)]
        if len(found) == 1:
            return found[0]["provider"], found[0]["region"]
    return None


def zone_known(label: str) -> bool:
    return normalise_name(label) in _factors().zones


def time_zone(name: str | None) -> dt.tzinfo | None:
    """An IANA zone name (or UTC) as a tzinfo; None for None; ValueError for an unknown name."""
    if name is None:
        return None
    if name.strip().upper() in {"UTC", "Z", "ETC/UTC"}:
        return dt.UTC
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError) as exc:
        from ftdisclose.spec.suggest import time_zone as guess_zone

        guess = guess_zone(name)
        mean = f"did you mean {guess}? " if guess else ""
        raise ValueError(f"unknown time zone {name!r}: {mean}use an IANA name such as Europe/Paris, or UTC") from exc


def parse_time(text: str) -> dt.datetime | None:
    """A date-time as BoAmps writes it ("2024-09-30 09:09:40", with or without a T, zone or fraction)."""
    try:
        return dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
