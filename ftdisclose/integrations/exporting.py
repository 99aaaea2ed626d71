"""``export``: a computed disclosure in another format, rendered as text.

The targets and the formats each is written in:

- ``boamps``: a BoAmps 1.1.0 report, JSON;
- ``dia``: ``{dia_version, dia_report}``, JSON, or YAML to paste into a card's front matter;
- ``eu-form``: the EU AI Act form's energy and compute items, Markdown or JSON;
- ``hub``: the Hub's ``co2_eq_emissions`` block, YAML (with ftdisclose's other results as
  comments) or JSON.

JSON documents carry ftdisclose's results under ``x-ftdisclose``, which the target's own
readers ignore; what the target cannot hold is a finding (FTD542) either way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from ftdisclose.engine.compute import Result
from ftdisclose.engine.quantity import Measure
from ftdisclose.findings import Code, make
from ftdisclose.integrations import crosswalk as cw
from ftdisclose.integrations.boamps import export_boamps
from ftdisclose.integrations.card import CardError, hardware_label, hub_block, location_label
from ftdisclose.integrations.dia import DIA_KEY, VERSION_KEY
from ftdisclose.integrations.dia_export import export_dia
from ftdisclose.integrations.euform import export_eu_form, render_markdown
from ftdisclose.integrations.hub import HUB_KEY, check_hub_block
from ftdisclose.integrations.interop import EXTENSION_KEY, Export, Source, not_held, results_extension, shown
from ftdisclose.io.loader import loads
from ftdisclose.io.yamledit import set_value
from ftdisclose.output.jsondoc import dumps

TARGETS: dict[str, tuple[str, ...]] = {
    "boamps": ("json",),
    "dia": ("json", "yaml"),
    "eu-form": ("markdown", "json"),
    "hub": ("yaml", "json"),
}


def export_hub(src: Source) -> Export:
    """``{co2_eq_emissions: {...}}`` as ``card`` writes it, and ftdisclose's results beside it."""
    comp = src.computation
    factors = comp.resolution.factors
    try:
        block = hub_block(
            comp,
            disclosure_file=src.document.file,
            hardware=hardware_label(comp.inputs, factors),
            location=location_label(comp.inputs, factors),
        )
    except CardError as exc:
        return Export(None, [make(Code.EXPORT_NEEDS_VALUE, str(exc), src.where(""))])
    found = not_held(src, cw.HUB, "the Hub block", extension=False)
    # the Hub has no schema: the block is checked as validate checks a card's
    card = loads("---\n" + set_value("", (HUB_KEY,), block) + "---\n", src.document.file, "card")
    problems = [f for f in check_hub_block(card) if f.code is not Code.NO_DISCLOSURE]
    if problems:
        found += [make(Code.EXPORT_SCHEMA, f"{f.path}: {f.message}", src.where("")) for f in problems]
        return Export(None, found)
    return Export({HUB_KEY: block, EXTENSION_KEY: results_extension(src)}, found)


EXPORTERS: dict[str, Callable[..., Export]] = {
    "boamps": export_boamps,
    "dia": export_dia,
    "eu-form": export_eu_form,
    "hub": export_hub,
}


def export(src: Source, target: str, *, task_family: str | None = None, data_type: str | None = None) -> Export:
    if target == "boamps":
        return export_boamps(src, task_family=task_family, data_type=data_type)
    return EXPORTERS[target](src)


def render(target: str, fmt: str, document: Mapping[str, object]) -> str:
    """The document as the text ``export`` writes (``fmt`` one of ``TARGETS[target]``)."""
    if fmt == "json":
        return dumps(document, indent=2) + "\n"
    if target == "eu-form":
        return render_markdown(document)
    if target == "dia":
        return _yaml(document, (VERSION_KEY, DIA_KEY))
    return _yaml(document, (HUB_KEY,)) + _comments(_mapping(document.get(EXTENSION_KEY)))


def _yaml(document: Mapping[str, object], keys: tuple[str, ...]) -> str:
    """The document's ``keys``, in this order, as YAML to paste into a card's front matter."""
    text = ""
    for key in keys:
        value = document[key]
        if not isinstance(value, str | Mapping):
            raise TypeError(f"{key} is neither text nor a mapping")
        text = set_value(text, (key,), value)
    return text.rstrip("\n") + "\n"


def _comments(extension: Mapping[str, object]) -> str:
    """ftdisclose's other results as YAML comments under the Hub block (the Hub reads only the block)."""
    results = _mapping(extension.get("results"))
    lines = [f"# {extension.get('generator', 'ftdisclose')}, factor tables {extension.get('factors_version', '')}:"]
    for name in (Result.ENERGY_FACILITY, Result.EMISSIONS_TOTAL, Result.WATER_TOTAL, Result.TRAINING_FLOPS):
        measure = _measure(results.get(str(name)))
        if measure is not None:
            lines.append(f"#   {name}: {shown(measure)}")
    return "\n".join(lines) + "\n" if len(lines) > 1 else ""


def _mapping(value: object) -> Mapping[str, object]:
    return value if isinstance(value, Mapping) else {}


def _measure(value: object) -> Measure | None:
    """A result as ``json_quantity`` wrote it into the document; None where it wrote none."""
    fields = _mapping(value)
    mid, unit, low, high = (fields.get(key) for key in ("value", "unit", "low", "high"))
    number = int | float
    if isinstance(mid, number) and isinstance(unit, str) and isinstance(low, number) and isinstance(high, number):
        return Measure.of(mid, unit, low, high)
    return None
