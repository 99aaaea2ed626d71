"""The Hugging Face Hub's own ``co2_eq_emissions`` key of a model card.

The Hub documents two shapes (hub-docs ``model-cards-co2.md``): a bare number of grams,
and a mapping with ``emissions`` (grams), ``source``, ``training_type`` ("pre-training or
fine-tuning"), ``geographical_location`` and ``hardware_used`` (free text). In the wild
there are also strings with a unit glued on ("57 g", "0.057 kg"), an ``emissions_unit``
key, the dashed list form of the spec's first draft (huggingface_hub#529), misspelt keys
and empty values. This module checks the block and reads its grams for the cross-check
with the disclosure's computed emissions (FTD409).

Positions: ``Document.locate`` prefixes ``doc.prefix`` (``("carbon_disclosure",)`` for a
card that has one), so front-matter paths are located with ``Document.where_in_front``.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterator, Mapping

import yaml

from ftdisclose import units
from ftdisclose.findings import Code, Finding, Severity, Where, make
from ftdisclose.findings.excerpt import excerpt
from ftdisclose.io.loader import Document, Path_, dotted
from ftdisclose.spec.types import as_float

HUB_KEY = "co2_eq_emissions"
HUB_FIELDS = ("emissions", "source", "training_type", "geographical_location", "hardware_used")
TEXT_FIELDS = HUB_FIELDS[1:]
TRAINING_TYPES = ("pre-training", "fine-tuning")
_UNIT_KEYS = {"emissions_unit", "emission_unit", "unit", "units", "emissions_units"}
# keys people write for the Hub's fields that string similarity alone would not find
_ALIASES = {
    "co2": "emissions",
    "co2_eq": "emissions",
    "co2e": "emissions",
    "value": "emissions",
    "amount": "emissions",
    "location": "geographical_location",
    "region": "geographical_location",
    "country": "geographical_location",
    "geo_location": "geographical_location",
    "hardware": "hardware_used",
    "gpu": "hardware_used",
    "gpus": "hardware_used",
    "compute": "hardware_used",
    "type": "training_type",
    "training": "training_type",
}
# keys people add that mean something real but are not Hub keys: never "did you mean"
_KNOWN_EXTRAS = {
    "training_time",
    "training_hours",
    "hours_used",
    "energy",
    "energy_consumed",
    "duration",
    "pue",
    "cloud_provider",
    "compute_region",
    "carbon_emitted",
    "emissions_kg",
    "intensity",
}
_E, _W = Severity.ERROR, Severity.WARNING


def _make(
    code: Code,
    message: str,
    doc: Document,
    path: Path_,
    *,
    key: bool = False,
    hint: str | None = None,
    severity: Severity | None = None,
) -> Finding:
    return make(code, message, doc.where_in_front(path, key=key), hint=hint, severity=severity)


def _grams_text(value: float) -> str:
    return f"{value:.6g}"


def _number_or_none(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return as_float(value)


def _check_emissions(doc: Document, path: Path_, value: object) -> list[Finding]:
    """Findings for the emissions figure at ``path`` (a bare number of grams when valid)."""
    where = dotted(path)
    number = _number_or_none(value)
    if number is not None:
        if not math.isfinite(number):
            return [_make(Code.HUB_EMISSIONS_NOT_NUMBER, f"{where} is not a finite number", doc, path)]
        if number < 0:
            return [_make(Code.HUB_EMISSIONS_NOT_NUMBER, f"{where} is negative ({_grams_text(number)} g)", doc, path)]
        return []
    if isinstance(value, str):
        return _check_emissions_text(doc, path, value)
    if value is None:
        return [_make(Code.HUB_EMISSIONS_NOT_NUMBER, f"{where} is empty", doc, path)]
    if isinstance(value, bool):
        return [
            _make(Code.HUB_EMISSIONS_NOT_NUMBER, f"{where} is {str(value).lower()}, not a number of grams", doc, path)
        ]
    if isinstance(value, list):
        return [_make(Code.HUB_EMISSIONS_NOT_NUMBER, f"{where} is a list, not a number of grams", doc, path)]
    return [
        _make(
            Code.HUB_EMISSIONS_NOT_NUMBER,
            f"{where} is a mapping, not a number of grams",
            doc,
            path,
            hint="write the grams as a plain number; ftdisclose's {value, unit} form belongs in carbon_disclosure",
        )
    ]


def _check_emissions_text(doc: Document, path: Path_, text: str) -> list[Finding]:
    where = dotted(path)
    try:
        parsed = units.split_quantity(text)
    except units.NumberError as exc:
        return [_make(Code.HUB_EMISSIONS_NOT_NUMBER, f"{where}: {excerpt(text)}: {exc}", doc, path)]
    if parsed is None:
        if text.strip() and _unit(text) is not None:
            return [
                _make(Code.HUB_EMISSIONS_NOT_NUMBER, f"{where}: {excerpt(text)} is a unit without a number", doc, path)
            ]
        return [_make(Code.HUB_EMISSIONS_NOT_NUMBER, f"{where}: {excerpt(text)} is not a number of grams", doc, path)]
    number, unit = parsed
    if not unit.strip():
        return [
            _make(
                Code.HUB_EMISSIONS_NOT_NUMBER,
                f"{where}: {excerpt(text)} is a number in quotes; the Hub expects a number",
                doc,
                path,
                hint=f"remove the quotes: {path[-1]}: {_grams_text(number)}",
            )
        ]
    grams = _to_grams(number, unit)
    if grams is None:
        info = _unit(unit)
        what = units.dimension_of(info) if info is not None else None
        kind = f"a {what}" if what else "not an emissions amount"
        return [
            _make(
                Code.HUB_EMISSIONS_UNIT,
                f"{where}: {excerpt(text)} is {kind}; the Hub reads a number of grams of CO2e",
                doc,
                path,
                hint="write the emissions in grams as a plain number (e.g. emissions: 57)",
            )
        ]
    return [
        _make(
            Code.HUB_EMISSIONS_UNIT,
            f"{where}: {excerpt(text)} has a unit; the Hub reads a bare number of grams",
            doc,
            path,
            hint=f"write {path[-1]}: {_grams_text(grams)}  # grams",
        )
    ]


def _unit(text: str) -> units.UnitInfo | None:
    try:
        return units.unit_info(text.strip())
    except units.UnitError:
        return None


def _to_grams(number: float, unit: str) -> float | None:
    """``number`` ``unit`` in grams (a mass, or a CO2e mass); None for another dimension."""
    plain = re.sub(
        r"\s*CO2(?:e|eq)?\b", "", unit.strip().replace("grams", "g").replace("gram", "g"), flags=re.IGNORECASE
    )
    info = _unit(unit) or (_unit(plain) if plain else None)
    if info is None:
        return None
    for target in ("gCO2e", "g"):
        try:
            return units.convert(number, info.text, target)
        except units.UnitError:
            continue
    return None


def check_hub_block(doc: Document) -> list[Finding]:
    """Findings for the card's ``co2_eq_emissions``; [] when the card has none."""
    front = doc.front_matter
    if not isinstance(front, dict) or HUB_KEY not in front:
        return []
    block: object = front[HUB_KEY]
    root: Path_ = (HUB_KEY,)
    if isinstance(block, dict):
        found = _check_mapping(doc, block)
    elif isinstance(block, list):
        found = [
            _make(
                Code.HUB_BLOCK_SHAPE,
                f"{HUB_KEY} is a list; the Hub reads a number of grams or a mapping",
                doc,
                root,
                hint=_list_hint(block),
            )
        ]
    else:
        found = _check_emissions(doc, root, block)
    if doc.data is None and not any(f.severity is Severity.ERROR for f in found):
        found.append(_no_disclosure(doc, block))
    return found


def _list_hint(block: list[object]) -> str:
    items: list[dict[object, object]] = [item for item in block if isinstance(item, dict) and len(item) == 1]
    if block and len(items) == len(block):
        keys = ", ".join(f"{k}: ..." for item in items for k in item)
        return f"drop the dashes: one mapping {{{keys}}} (the list form was the Hub spec's first draft)"
    return "write a number of grams, or a mapping with emissions, source, training_type, ..."


def _check_mapping(doc: Document, block: Mapping[str, object]) -> list[Finding]:
    found: list[Finding] = []
    misspelt_emissions = False
    for key, value in block.items():
        path: Path_ = (HUB_KEY, key)
        if key in HUB_FIELDS:
            continue
        if key.lower() in _UNIT_KEYS:
            found.append(_unit_key(doc, block, key, value))
            continue
        guess = None if key.lower() in _KNOWN_EXTRAS else _did_you_mean(key)
        if guess is not None:
            misspelt_emissions = misspelt_emissions or guess == "emissions"
            found.append(
                _make(
                    Code.HUB_MISSPELT_KEY,
                    f"{HUB_KEY}.{key} is not a Hub key; did you mean {guess!r}?",
                    doc,
                    path,
                    key=True,
                    hint=f"rename {key} to {guess}",
                )
            )
        else:
            found.append(
                _make(Code.HUB_UNKNOWN_KEY, f"{HUB_KEY}.{key} is not a key the Hub defines", doc, path, key=True)
            )
    if "emissions" in block:
        found.extend(_check_emissions(doc, (HUB_KEY, "emissions"), block["emissions"]))
    elif not misspelt_emissions:
        found.append(_make(Code.HUB_MISSING_EMISSIONS, f"{HUB_KEY} has no emissions", doc, (HUB_KEY,), key=True))
    for key in TEXT_FIELDS:
        if key in block:
            found.extend(_check_text(doc, key, block[key]))
    return found


def _did_you_mean(key: str) -> str | None:
    lowered = key.strip().lower().replace("-", "_").replace(" ", "_")
    if lowered in HUB_FIELDS:
        return lowered
    if lowered in _ALIASES:
        return _ALIASES[lowered]
    close = difflib.get_close_matches(lowered, HUB_FIELDS, n=1, cutoff=0.6)
    return close[0] if close else None


def _unit_key(doc: Document, block: Mapping[str, object], key: str, value: object) -> Finding:
    path: Path_ = (HUB_KEY, key)
    emissions = _number_or_none(block.get("emissions"))
    if isinstance(value, str) and emissions is not None:
        grams = _to_grams(emissions, value)
        if grams is not None and grams != emissions:
            return _make(
                Code.HUB_EMISSIONS_UNIT,
                f"{HUB_KEY}.{key} is {excerpt(value)}, but the Hub ignores it and reads emissions as "
                f"grams: {_grams_text(emissions)} would be read as {_grams_text(emissions)} g",
                doc,
                path,
                key=True,
                hint=f"write emissions: {_grams_text(grams)} and remove {key}",
            )
        if grams is not None:
            return _make(
                Code.HUB_UNKNOWN_KEY,
                f"{HUB_KEY}.{key} is not a Hub key; emissions are always grams",
                doc,
                path,
                key=True,
                hint=f"remove {key}",
            )
    return _make(
        Code.HUB_EMISSIONS_UNIT,
        f"{HUB_KEY}.{key} is not a Hub key: the Hub reads emissions as grams",
        doc,
        path,
        key=True,
        hint=f"convert emissions to grams and remove {key}",
    )


def _check_text(doc: Document, key: str, value: object) -> list[Finding]:
    path: Path_ = (HUB_KEY, key)
    if value is None or (isinstance(value, str) and not value.strip()):
        return [
            _make(
                Code.HUB_FIELD_TYPE,
                f"{HUB_KEY}.{key} is empty",
                doc,
                path,
                key=True,
                hint=f"fill in {key}, or remove the key",
            )
        ]
    if not isinstance(value, str):
        kind = {bool: "a boolean", int: "a number", float: "a number", list: "a list", dict: "a mapping"}.get(
            type(value), type(value).__name__
        )
        hint = f'quote it: {key}: "{value}"' if isinstance(value, int | float) else None
        return [_make(Code.HUB_FIELD_TYPE, f"{HUB_KEY}.{key} is {kind}, not text", doc, path, hint=hint)]
    if key == "training_type" and value.strip() not in TRAINING_TYPES:
        close = difflib.get_close_matches(value.strip().lower(), TRAINING_TYPES, n=1, cutoff=0.5)
        hint = f"did you mean {close[0]!r}?" if close else None
        return [
            _make(
                Code.HUB_TRAINING_TYPE,
                f"{HUB_KEY}.training_type {excerpt(value)} is not pre-training or fine-tuning",
                doc,
                path,
                hint=hint,
            )
        ]
    return []


def _no_disclosure(doc: Document, block: object) -> Finding:
    grams = hub_emissions_grams(doc)
    stated = f" ({_grams_text(grams)} g)" if grams is not None else ""
    missing = [
        "the energy (operational.energy) or the hardware and run time (infrastructure.cluster.gpu, "
        "operational.duration)",
        "the country (infrastructure.location.country)",
    ]
    if isinstance(block, dict):
        carry = [
            f"{k} -> {dest}"
            for k, dest in (
                ("hardware_used", "infrastructure.cluster.gpu"),
                ("geographical_location", "infrastructure.location"),
            )
            if k in block
        ]
        if carry:
            missing.append(f"in structured form what the Hub block says as text ({'; '.join(carry)})")
    message = (
        f"the card states {HUB_KEY}{stated} but has no carbon_disclosure, so the figure cannot be "
        f"recomputed or checked; missing: {', '.join(missing)}"
    )
    rule_hint = "add a carbon_disclosure block (ftdisclose init prints a template)"
    return _make(Code.NO_DISCLOSURE, message, doc, (HUB_KEY,), key=True, hint=rule_hint)


def hub_emissions_grams(doc: Document) -> float | None:
    """The card's co2_eq_emissions in grams when it is a valid number; None otherwise."""
    front = doc.front_matter
    if not isinstance(front, dict):
        return None
    block: object = front.get(HUB_KEY)
    extras: Mapping[str, object] = block if isinstance(block, dict) else {}
    number = _number_or_none(extras.get("emissions") if isinstance(block, dict) else block)
    if number is None or not math.isfinite(number) or number < 0:
        return None
    for key, unit in extras.items():
        # a unit the Hub ignores: the figure is grams only when that unit says grams
        if key.lower() in _UNIT_KEYS and (not isinstance(unit, str) or _to_grams(number, unit) != number):
            return None
    return number


# --- the front matter as huggingface_hub reads it ---------------------------------------

# huggingface_hub's repocard.REGEX_YAML_BLOCK ("exact same regex as in the Hub server")
HUB_FRONT_MATTER = re.compile(r"^(\s*---(?:\r\n|\r|\n))([\S\s]*?)((?:\r\n|\r|\n)---[ \t]*(\r\n|\n|$))")
_Yaml11Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def hub_reading(text: str) -> tuple[int | None, object]:
    """(closing line, data): the front matter as huggingface_hub reads it (PyYAML ``safe_load``, YAML 1.1).

    The closing line is the 0-based index of the ``---`` line the Hub's pattern ends at, or
    None when it finds no front matter; data is None when PyYAML cannot read what it found
    (the Hub then fails to load the card).
    """
    match = HUB_FRONT_MATTER.search(text)
    if match is None:
        return None, None
    closing = text.count("\n", 0, match.end(2)) + 1 if "\n" in text else text.count("\r", 0, match.end(2)) + 1
    try:
        return closing, yaml.load(match.group(2), Loader=_Yaml11Loader)  # noqa: S506 - a safe loader, as the Hub's
    except (yaml.YAMLError, RecursionError, ValueError):
        return closing, None


def check_hub_reading(doc: Document) -> list[Finding]:
    """Findings where huggingface_hub would read the card's front matter differently from ftdisclose."""
    if doc.kind != "card" or not isinstance(doc.front_matter, dict) or not doc.text:
        return []
    ours = _closing_line(doc.text)
    hub_closing, theirs = hub_reading(doc.text)
    if ours is not None and hub_closing != ours:
        closer = doc.text.splitlines()[ours].strip()
        if hub_closing is None:
            seen = "finds no front matter in this card, so no metadata"
        elif theirs is None:
            seen = f"reads on to the --- on line {hub_closing + 1} and cannot parse what it read"
        else:
            seen = f"reads on to the --- on line {hub_closing + 1}: the lines between are front matter there, not text"
        message = f"the front matter is closed with {closer!r}; huggingface_hub {seen}"
        where = Where(doc.file, ours + 1, 1)
        return [make(Code.HUB_FRONT_MATTER, message, where, hint="close the front matter with a line ---")]
    if not isinstance(theirs, dict):
        return []
    differences = _differences(doc.front_matter, theirs, ())
    return [_yaml11_finding(doc, path, mine, hub, key) for path, mine, hub, key in differences]


def _closing_line(text: str) -> int | None:
    """The 0-based index of the line that closes the front matter as ftdisclose reads it."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        return None
    return next((i for i, line in enumerate(lines[1:], 1) if line.rstrip() in ("---", "...")), None)


def _same(ours: object, theirs: object) -> bool:
    return type(ours) is type(theirs) and ours == theirs


def _differences(ours: object, theirs: object, path: Path_) -> Iterator[tuple[Path_, object, object, bool]]:
    """(path, value here, value on the Hub, whether the key itself differs) wherever the readings part."""
    if isinstance(ours, dict) and isinstance(theirs, dict):
        mine: dict[str, object] = ours  # ftdisclose's YAML reader keeps string keys only
        hub: dict[object, object] = theirs
        for key, value in mine.items():
            if key in hub:
                yield from _differences(value, hub[key], (*path, key))
            else:
                other = next((k for k in hub if str(k).lower() == str(key).lower() or k in (True, False)), None)
                yield (*path, key), key, other, True
    elif isinstance(ours, list) and isinstance(theirs, list) and len(ours) == len(theirs):
        mine_items: list[object] = ours
        hub_items: list[object] = theirs
        for i, (a, b) in enumerate(zip(mine_items, hub_items, strict=True)):
            yield from _differences(a, b, (*path, i))
    elif not _same(ours, theirs) and not (isinstance(ours, dict | list) and type(ours) is type(theirs)):
        yield path, ours, theirs, False


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if value is None:
        return "null"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    return f"a {type(value).__name__} ({value!s})"


def _both_read(value: object) -> str:
    """A form of ``value`` that YAML 1.1 and 1.2 read alike."""
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, float):
        mantissa, _, exponent = f"{value:.6e}".partition("e")
        mantissa = mantissa.rstrip("0").rstrip(".")
        mantissa += "" if "." in mantissa else ".0"
        return f"{mantissa}e{int(exponent):+d}" if abs(value) >= 1e6 or 0 < abs(value) < 1e-4 else repr(value)
    return str(value)


def _yaml11_finding(doc: Document, path: Path_, ours: object, theirs: object, key: bool) -> Finding:
    where = doc.where_in_front(path, key=key)
    if key:
        message = f"the key {ours!r} is read by huggingface_hub (YAML 1.1) as {_shown(theirs)}"
        hint = f"quote the key: {_both_read(ours)}:"
    else:
        message = f"huggingface_hub (YAML 1.1) reads {_shown(theirs)}; ftdisclose (YAML 1.2) reads {_shown(ours)}"
        hint = f"write {path[-1] if path else 'it'}: {_both_read(ours)}, which both read alike"
    return make(Code.HUB_YAML_1_1, message, where, hint=hint)
