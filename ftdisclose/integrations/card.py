"""Writing a computation into a Hugging Face model card, changing nothing else.

Two things are written: the Hub's own ``co2_eq_emissions`` key in the front matter (a
mapping with the central total in grams, ``source``, ``training_type: fine-tuning``,
``geographical_location`` and ``hardware_used``), edited in place by ``yamledit``; and an
"Environmental impact" Markdown section in the body, between
``<!-- ftdisclose:start -->`` and ``<!-- ftdisclose:end -->``. Every other byte of the
card (a BOM, CRLF, comments, key order, quoting, indentation, a missing final newline)
stays as it was, and writing the same computation again gives the same bytes.

The section carries no findings and no timestamps, so that it depends only on the
computation: a second write changes nothing even when the first fixed what a finding
was about.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

from ftdisclose._version import __version__
from ftdisclose.engine.compute import RESULT_UNITS, Computation, Result
from ftdisclose.engine.quantity import Measure
from ftdisclose.factors import FactorSet, normalise_name
from ftdisclose.integrations.cardbody import find_markers, update_template_lines
from ftdisclose.integrations.hub import HUB_KEY
from ftdisclose.io.loader import CARD_KEY
from ftdisclose.io.yamledit import YamlEditError, set_value
from ftdisclose.output.numbers import RESULT_LABELS, readable
from ftdisclose.output.view import defaulted_inputs
from ftdisclose.resolve import Input
from ftdisclose.spec.inputs import Name, Origin
from ftdisclose.spec.v1_0 import EXTENSION_PREFIX

__all__ = [
    "END_MARKER",
    "START_MARKER",
    "CardError",
    "emissions_grams",
    "hardware_label",
    "hub_block",
    "location_label",
    "public_disclosure",
    "render_section",
    "same_but_names",
    "template_values",
    "write_card",
]

START_MARKER = "<!-- ftdisclose:start -->"
END_MARKER = "<!-- ftdisclose:end -->"
HEADING = "## Environmental impact"
UTF8_BOM = b"\xef\xbb\xbf"
_PER_INFERENCE = "per_inference."


class CardError(ValueError):
    """The card cannot be written without touching bytes it should not (or is not text)."""


# --- the Hub block --------------------------------------------------------------------


def emissions_grams(computation: Computation) -> int | float:
    """The Hub's figure: the operational, location-based emissions of the fine-tuning in grams, 4 significant digits.

    That is what the Hub's documentation asks for and what other cards report (CodeCarbon's
    figure, AutoTrain's): the electricity's emissions, without embodied emissions. The total
    and its parts are in the section.
    """
    operational = computation.results.get(Result.EMISSIONS_OPERATIONAL)
    if operational is None:
        reason = computation.missing.get(Result.EMISSIONS_OPERATIONAL, "not computed")
        raise CardError(f"the operational emissions are not computed ({reason}); the card is not written")
    grams = operational.to("gCO2e").mid
    if not math.isfinite(grams) or grams < 0:
        raise CardError(f"the computed operational emissions ({grams!r} g) cannot be written as co2_eq_emissions")
    if grams == 0:
        raise CardError(
            "the operational emissions are 0 g, which the Hub reads as no figure at all; the card is not written"
        )
    rounded = float(f"{grams:.4g}")
    if rounded.is_integer() and abs(rounded) < 1e15:
        return int(rounded)
    return rounded


def hub_block(
    computation: Computation, *, disclosure_file: str, hardware: str | None = None, location: str | None = None
) -> dict[str, object]:
    """The ``co2_eq_emissions`` mapping, keys in the Hub's documented order."""
    block: dict[str, object] = {
        "emissions": emissions_grams(computation),
        "source": f"ftdisclose {__version__}, factor tables {computation.factors_version} ({disclosure_file})",
        "training_type": "fine-tuning",
    }
    if location:
        block["geographical_location"] = location
    if hardware:
        block["hardware_used"] = hardware
    return block


def _known(item: Input | None) -> bool:
    return item is not None and item.origin is not Origin.DEFAULT


def location_label(inputs: Mapping[str, Input], factors: FactorSet | None = None) -> str | None:
    """``geographical_location`` from the resolved inputs: "Oregon, United States (aws us-west-2)".

    Only what was disclosed or follows from a disclosure is named; a defaulted location
    (the United States when nothing is said, a managed service's assumed region) gives None.
    """
    country = inputs.get(Name.COUNTRY)
    region = inputs.get(Name.CLOUD_REGION)
    zone = inputs.get(Name.GRID_ZONE)
    provider = inputs.get(Name.PROVIDER)
    if not _known(region):
        region = None
    if not _known(country) or (
        country is not None
        and country.origin is Origin.DERIVED
        and region is None
        and Name.CLOUD_REGION in country.derived_from
    ):
        country = None
    name = None
    if country is not None:
        code = str(country.value)
        row = factors.countries.get(normalise_name(code)) if factors is not None else None
        name = row["name"] if row is not None and row["name"] else code
    extra: list[str] = []
    city = None
    if region is not None:
        where = f"{provider.value} {region.value}" if provider is not None else str(region.value)
        extra.append(where)
        if factors is not None and provider is not None:
            row = factors.regions.get((normalise_name(str(provider.value)), normalise_name(str(region.value))))
            city = row["city"] if row is not None and row["city"] else None
    elif (
        zone is not None
        and zone.origin not in (Origin.DEFAULT, Origin.DERIVED)
        and country is not None
        and str(zone.value) != str(country.value)
    ):
        extra.append(f"grid zone {zone.value}")
    if name is None and not extra:
        return None
    label = name or ""
    if city and city != name:
        label = f"{city}, {label}" if label else city
    if extra:
        label = f"{label} ({', '.join(extra)})" if label else extra[0]
    return label


def hardware_label(inputs: Mapping[str, Input], factors: FactorSet | None = None) -> str | None:
    """``hardware_used`` from the resolved inputs: "4 x A100 SXM4 80GB", the factor table's row name.

    None when the accelerator was not disclosed (a year's default, or the instance a
    managed service is assumed to run on).
    """
    model = inputs.get(Name.GPU_MODEL)
    if model is None or not _known(model):
        return None
    if model.origin is Origin.DERIVED and any(
        (item := inputs.get(name)) is not None and item.origin is Origin.DEFAULT
        for name in (Name.INSTANCE_TYPE, Name.SERVER_MODEL)
    ):
        return None
    name = str(model.value)
    if factors is not None:
        row = factors.accelerators.get(normalise_name(name))
        if row is not None and row["name"]:
            name = row["name"]
    count = inputs.get(Name.GPU_COUNT)
    if count is None or not _known(count) or not isinstance(count.value, int | float):
        return name
    number = float(count.value)
    shown = str(int(number)) if number.is_integer() else f"{number:g}"
    return f"{shown} x {name}"


# --- the Markdown section -------------------------------------------------------------


def _table(computation: Computation, names: list[Result]) -> list[str]:
    lines = ["| result | value | range (low - high) | unit |", "|---|---:|---:|---|"]
    for name in names:
        shown = readable(computation.results[name])
        label = RESULT_LABELS.get(name, name)
        value = f"**{shown.value}**" if name == "emissions.total" else shown.value
        lines.append(f"| {label} | {value} | {shown.range} | {shown.unit} |")
    return lines


def _link(target: str) -> str:
    """A relative link target: spaces and parentheses encoded, so the Markdown link stays one link."""
    return target.replace("%", "%25").replace(" ", "%20").replace("(", "%28").replace(")", "%29")


def _code(text: str) -> str:
    text = " ".join(text.split())
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def render_section(
    computation: Computation, *, disclosure_file: str, newline: str = "\n", chart: str | None = None
) -> str:
    """The section between (and including) the markers, without a final newline (``chart``: an SVG to show)."""
    names = [n for n in RESULT_UNITS if n in computation.results]
    main = [n for n in names if not n.startswith(_PER_INFERENCE)]
    per_inference = [n for n in names if n.startswith(_PER_INFERENCE)]
    defaulted = len(defaulted_inputs(computation.inputs, computation.used))
    lines = [
        START_MARKER,
        HEADING,
        "",
        "Footprint of the fine-tuning run: central values, with the range the inputs allow.",
        "",
        *_table(computation, main),
    ]
    if chart:
        lines += ["", f"![Emissions and water of the fine-tuning, with their ranges]({_link(chart)})"]
    if per_inference:
        lines += [
            "",
            "Amortised per inference, a separate view: the fine-tune's footprint spread over the "
            "declared use, not part of the totals above nor of an inference's own footprint.",
            "",
            *_table(computation, per_inference),
        ]
    lines += [
        "",
        f"Computed by ftdisclose {__version__} with factor tables {computation.factors_version} "
        f"from the carbon disclosure in {_code(disclosure_file)}; {defaulted} "
        f"{'input was' if defaulted == 1 else 'inputs were'} filled from defaults. "
        f"The card's `{HUB_KEY}` holds the operational, location-based emissions of the fine-tuning in grams, "
        "as the Hub's other cards report them; the total above adds the embodied emissions of the hardware.",
        "",
        END_MARKER,
    ]
    return newline.join(lines)


# --- the card -------------------------------------------------------------------------


def _split(text: str) -> tuple[str, str, str, str] | None:
    """(opening line, front-matter YAML, closing line, body), or None for a card without front matter.

    The lines are found as ``ftdisclose.io.loader`` finds them, so what is edited is what is validated.
    """
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip("\r\n").rstrip() != "---":
        return None
    for i, line in enumerate(lines[1:], 1):
        closer = line.rstrip("\r\n").rstrip()
        if closer == "...":
            raise CardError(
                f"the front matter is closed with '...' on line {i + 1}, which huggingface_hub does not read; "
                "close it with --- and run again"
            )
        if closer == "---":
            return lines[0], "".join(lines[1:i]), line, "".join(lines[i + 1 :])
    raise CardError("the front matter opened on line 1 is never closed with ---")


def _put_section(body: str, section: str, newline: str, *, closed: bool) -> str:
    """``body`` with ``section`` between the existing markers, or appended after one blank line.

    Markers count only as whole lines outside fenced code (``cardbody.find_markers``).
    """
    markers, starts, ends = find_markers(body, START_MARKER, END_MARKER)
    if markers is not None:
        return body[: markers.start] + section + body[markers.end :]
    if starts or ends:
        raise CardError(
            f"the card has {starts} {START_MARKER} and {ends} {END_MARKER} marker lines; "
            "expected one of each, in that order"
        )
    if not closed:  # the closing --- is the card's last line, with no newline
        return newline + section
    if not body:
        return section + newline
    if not body.endswith("\n"):
        return body + newline + newline + section
    if not body.splitlines()[-1].strip():
        return body + section + newline
    return body + newline + section + newline


def write_card(
    card: bytes,
    computation: Computation,
    *,
    disclosure_file: str,
    hardware: str | None = None,
    location: str | None = None,
    embed: Mapping[str, object] | None = None,
    chart: str | None = None,
) -> bytes:
    """The card with ``co2_eq_emissions`` and the "Environmental impact" section written.

    ``disclosure_file`` names the disclosure in ``source`` and in the section; ``hardware``
    and ``location`` (see ``hardware_label`` and ``location_label``) are omitted when None.
    ``embed``: the disclosure's data, written under ``carbon_disclosure`` so that the card
    carries what its figures were computed from (and ``validate`` can check them); pass it
    through ``public_disclosure`` first. ``chart``: the relative path of an SVG chart to
    show in the section. The Hub template's "Carbon Emitted" line, where the card has it,
    is set to the same figures. Raises ``CardError`` when the card is not UTF-8, its front
    matter is never closed (or closed in a way the Hub does not read) or cannot be edited
    exactly, or its markers are unbalanced.
    """
    bom = UTF8_BOM if card.startswith(UTF8_BOM) else b""
    try:
        text = card[len(bom) :].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CardError(
            f"the card is not UTF-8 (byte 0x{card[len(bom) + exc.start]:02x} at offset {len(bom) + exc.start})"
        ) from exc
    first = text.find("\n")
    newline = "\r\n" if first > 0 and text[first - 1] == "\r" else "\n"
    block = hub_block(computation, disclosure_file=disclosure_file, hardware=hardware, location=location)
    section = render_section(computation, disclosure_file=disclosure_file, newline=newline, chart=chart)
    parts = _split(text)
    opening, front, closing, body = parts if parts is not None else ("---" + newline, "", "---" + newline, text)
    try:
        front = set_value(front, (HUB_KEY,), block, newline=newline)
        if embed is not None:
            front = set_value(front, (CARD_KEY,), dict(embed), newline=newline)
    except YamlEditError as exc:
        raise CardError(f"the front matter cannot be edited exactly: {exc}") from exc
    body = _put_section(body, section, newline, closed=parts is None or closing.endswith("\n"))
    markers, _, _ = find_markers(body, START_MARKER, END_MARKER)
    span = (markers.start, markers.end) if markers is not None else None
    body = update_template_lines(body, template_values(computation, hardware, location), outside=span)
    return bom + (opening + front + closing + body).encode("utf-8")


def template_values(computation: Computation, hardware: str | None, location: str | None) -> dict[str, str]:
    """What the Hub template's Environmental Impact items say, from the computation."""
    operational = readable(computation.results[Result.EMISSIONS_OPERATIONAL])
    values = {"Carbon Emitted": f"{operational.value} {operational.unit} operational (location-based, as in {HUB_KEY})"}
    total = computation.results.get(Result.EMISSIONS_TOTAL)
    if total is not None:
        shown = readable(total)
        values["Carbon Emitted"] += f"; {shown.value} {shown.unit} in total with embodied emissions (see below)"
    if hardware:
        values["Hardware Type"] = hardware
    if location:
        values["Compute Region"] = location
    duration = computation.inputs.get(Name.DURATION)
    if _known(duration) and duration is not None and duration.unit:
        hours = readable(Measure.of(duration.number, duration.unit).to("h"), unit="h")
        values["Hours used"] = f"{hours.value} h"
    return values


# --- what goes public ------------------------------------------------------------------

_LOCAL_PATH = re.compile(r"^(?:/|~[/\\]|[A-Za-z]:[/\\]|\\\\|file:)")


def public_disclosure(data: Mapping[str, object]) -> tuple[dict[str, object], list[str]]:
    """The disclosure as it may go into a public card, and the dotted paths left out.

    Extensions (``x-`` keys: import metadata such as run ids and the files read) and values
    that are local file paths stay in the disclosure file only.
    """
    dropped: list[str] = []

    def clean(node: object, path: str) -> object:
        if isinstance(node, Mapping):
            out: dict[str, object] = {}
            for key, value in node.items():
                where = f"{path}.{key}" if path else str(key)
                if str(key).startswith(EXTENSION_PREFIX) or (isinstance(value, str) and _LOCAL_PATH.match(value)):
                    dropped.append(where)
                    continue
                out[str(key)] = clean(value, where)
            return out
        if isinstance(node, list):
            return [clean(item, f"{path}[{i}]") for i, item in enumerate(node)]
        return node

    cleaned = clean(data, "")
    assert isinstance(cleaned, dict)
    return cleaned, dropped


# the two places a card names its disclosure file: the Hub block's source, and the section's sentence
_NAMED = (
    re.compile(r"^(\s*source:\s*[\"']?ftdisclose [^\r\n(]*\()[^\r\n]*(\)[\"']?[ \t]*)$", re.MULTILINE),
    re.compile(r"(from the carbon disclosure in )(`+)[^\r\n]*?\2(;)"),
)


def same_but_names(old: bytes, new: bytes) -> bool:
    """Whether two cards differ at most in the name of the disclosure file (``card --check`` from elsewhere)."""
    if old == new:
        return True
    try:
        texts = [raw.decode("utf-8") for raw in (old, new)]
    except UnicodeDecodeError:
        return False
    for pattern in _NAMED:
        texts = [pattern.sub(lambda m: m.group(1) + "*" + m.group(m.lastindex or 1), t) for t in texts]
    return texts[0] == texts[1]
