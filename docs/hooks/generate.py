"""Reference pages generated from the code at build time (an mkdocs hook).

mkdocs loads this module through ``hooks:`` in ``mkdocs.yml``. In ``on_files`` it adds
pages that exist only in memory, so nothing generated is committed and nothing can
drift from the code:

- ``reference/spec.md``     every field of each committed JSON Schema (``schema/``)
- ``reference/cli.md``      every command and flag of ``ftdisclose.cli.build_parser()``
- ``reference/codes.md``    every code of ``ftdisclose.findings.CATALOGUE``
- ``reference/factors.md``  every shipped factor version (``factors/<v>/manifest.json``, ``sources.csv``)
- ``reference/api.md``      mkdocstrings directives for ``API_MODULES`` below
- ``reference/crosswalk.md`` field by field: disclosures in BoAmps, DIA, the EU form and the Hub block
- ``changelog.md``          ``CHANGELOG.md`` and ``factors/CHANGELOG.md`` (when there is one)
- ``assets/bloom-split.svg`` the BLOOM example's carbon and water, split into parts

The page functions return plain Markdown and need no mkdocs, so tests can call them.
"""

from __future__ import annotations

import argparse
import csv
import html
import inspect
import json
import logging
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # a checkout without `pip install -e .`
    sys.path.insert(0, str(ROOT))

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files

log = logging.getLogger("mkdocs.hooks.ftdisclose")

# ---------------------------------------------------------------------------------------
# Python modules documented on reference/api.md, in the order a disclosure flows through
# them: (module, one line on what it is for). EXTEND THIS LIST when a module lands. A
# module listed here that does not exist fails the strict build, and a module of the
# package in neither this list nor API_EXCLUDED fails tests/test_docs.py.
API_MODULES: list[tuple[str, str]] = [
    ("ftdisclose.api", "The Python API: validate and compute a path, a text or a mapping; typed results."),
    ("ftdisclose.pipeline", "One file through the stages: load, validate, checks, resolve, compute."),
    ("ftdisclose.io.loader", "Load stage: files and model cards to data with line and column positions."),
    ("ftdisclose.io.discover", "Which files a command reads: named files, and folders walked by content."),
    ("ftdisclose.io.config", "Defaults for the command line from pyproject.toml's [tool.ftdisclose]."),
    ("ftdisclose.io.ignore", "Path patterns: .gitignore files and the include and exclude globs."),
    ("ftdisclose.io.yaml12", "YAML 1.2 read with bounded work: the composer, the builder, nesting checks."),
    ("ftdisclose.io.limits", "Caps on the work one file can cause (values, keys, runs, findings, bytes)."),
    ("ftdisclose.spec", "Spec versions, the converters between them, and the latest model."),
    ("ftdisclose.spec.validate", "Validate stage: data to the spec model of its version, and findings."),
    ("ftdisclose.spec.types", "Value types of the spec: quantities with units, ratios, counts, times."),
    ("ftdisclose.spec.v1_0", "The spec 1.0 models."),
    ("ftdisclose.spec.v1_1", "The spec 1.1 models: 1.0 plus optional fields."),
    ("ftdisclose.spec.inputs", "The names of the computation's inputs, and their origins."),
    ("ftdisclose.spec.schema", "The JSON Schema of each spec version."),
    ("ftdisclose.checks", "Checks of a valid disclosure (FTD4xx)."),
    ("ftdisclose.checks.disclosed", "Consistency of the disclosed fields with each other."),
    ("ftdisclose.checks.recomputed", "The disclosure's figures against its resolved inputs and recomputation."),
    ("ftdisclose.factors", "The versioned factor tables, and private overlays of your own rows."),
    ("ftdisclose.resolve", "Resolve stage: every input from the disclosure, a derivation or the factor tables."),
    ("ftdisclose.resolve.record", "Inputs, resolutions and the recorder the resolve steps write through."),
    ("ftdisclose.resolve.blocks", "The blocks of a disclosure, each present."),
    ("ftdisclose.resolve.place", "Resolve: the year, the method, the managed service and the location."),
    ("ftdisclose.resolve.hardware", "Resolve: the site, the server, the accelerator, and how many of each."),
    ("ftdisclose.resolve.power", "Resolve: power and embodied figures of the hardware, PUE and WUE."),
    ("ftdisclose.resolve.timing", "Resolve: measured energy, run time, start, utilisation and use."),
    ("ftdisclose.resolve.flops", "Resolve: training FLOPs, and the run time they take at the generation's MFU."),
    ("ftdisclose.resolve.grid", "Resolve: the grid's carbon and water intensity."),
    ("ftdisclose.engine.compute", "Compute stage: energy, carbon, water and the amortised share, with ranges."),
    ("ftdisclose.engine.formulas", "Every formula of the methodology, written once."),
    ("ftdisclose.engine.throughput", "Tokens and time: the FLOPs model."),
    ("ftdisclose.engine.quantity", "Quantities the formulas run on, and Measure, the value results keep."),
    ("ftdisclose.engine.span", "A low / central / high triple that does arithmetic bound by bound: the ranges."),
    ("ftdisclose.units", "The unit registry and dimension checks."),
    ("ftdisclose.units.grammar", "The bounded grammar of unit expressions, checked before pint sees them."),
    ("ftdisclose.findings", "Findings: what a check found, where, and how to fix it."),
    ("ftdisclose.findings.catalogue", "The catalogue of finding codes."),
    ("ftdisclose.findings.excerpt", "How findings quote what a file wrote: short excerpts only."),
    ("ftdisclose.output", "Report stage: one reporter protocol, one class per format."),
    ("ftdisclose.output.base", "The reporter protocol and the exit code."),
    ("ftdisclose.output.view", "What reporters receive: one file's findings and figures as plain data."),
    ("ftdisclose.output.text", "Text output."),
    ("ftdisclose.output.jsondoc", "JSON output (the command-line contract)."),
    ("ftdisclose.output.github", "GitHub workflow-command annotations."),
    ("ftdisclose.output.sarif", "SARIF 2.1.0 output."),
    ("ftdisclose.output.markdown", "Markdown output."),
    ("ftdisclose.output.html", "HTML output: one self-contained page with SVG charts (compute --format html)."),
    ("ftdisclose.output.numbers", "How numbers, ranges and result names read in human output."),
    ("ftdisclose.output.safe", "User and server text made safe for each output format."),
    ("ftdisclose.output.explain", "Every output with its formula and numbers, every input with its origin."),
    ("ftdisclose.output.fill", "The disclosure with every gap filled, each value marked with its origin."),
    (
        "ftdisclose.integrations.grid",
        "Hourly grid intensity: the time-weighted mean over the run window, with fallback.",
    ),
    (
        "ftdisclose.integrations.grid.providers",
        "The four grid-data providers behind one interface, and how one is chosen.",
    ),
    ("ftdisclose.integrations.grid.http", "HTTP for the providers: deadlines, size caps, safe redirects, scrubbing."),
    ("ftdisclose.integrations.grid.samples", "Samples, time helpers and the checks on what a service sends."),
    ("ftdisclose.integrations.grid.public", "Energi Data Service and the UK Carbon Intensity API."),
    ("ftdisclose.integrations.grid.commercial", "Electricity Maps and WattTime, with the user's credentials."),
    ("ftdisclose.integrations.grid.average", "The time-weighted mean of samples over a window, and its coverage."),
    ("ftdisclose.integrations.grid.cache", "The on-disk cache of fetched grid samples."),
    (
        "ftdisclose.integrations.pin",
        "Write a fetched grid intensity into a disclosure or card, changing nothing else.",
    ),
    (
        "ftdisclose.integrations.codecarbon",
        "CodeCarbon emissions.csv files to a disclosure: eras, flushes, runs, ranks.",
    ),
    ("ftdisclose.integrations.codecarbon.rows", "CodeCarbon rows to runs, streamed in bounded memory, cells checked."),
    ("ftdisclose.integrations.codecarbon.merge", "CodeCarbon ranks and runs merged into the disclosure's blocks."),
    ("ftdisclose.integrations.codecarbon.output", "The x-ftdisclose-import block and the YAML an import writes."),
    (
        "ftdisclose.integrations.hub",
        "The Hugging Face Hub's own co2_eq_emissions block: checks and the grams it states.",
    ),
    ("ftdisclose.integrations.card", "Write co2_eq_emissions and an Environmental impact section into a model card."),
    (
        "ftdisclose.integrations.crosswalk",
        "Field by field: a disclosure in BoAmps, DIA, the EU form extract and the Hub block (the crosswalk's data).",
    ),
    ("ftdisclose.integrations.interop", "What the converters to and from other formats share: sources and imports."),
    ("ftdisclose.integrations.schemas", "The vendored BoAmps and DIA schemas, and offline validation against them."),
    ("ftdisclose.integrations.boamps", "A disclosure and its computation as a BoAmps 1.1.0 report."),
    ("ftdisclose.integrations.boamps_import", "A BoAmps report to a disclosure, with a finding for every loss."),
    ("ftdisclose.integrations.dia", "DIA's dia_report block in a model card: checks, units and figures."),
    ("ftdisclose.integrations.dia_export", "A disclosure as a dia_report block, and writing it into a card."),
    ("ftdisclose.integrations.dia_import", "A dia_report block to a disclosure, with a finding for every loss."),
    ("ftdisclose.integrations.euform", "The EU AI Act documentation form's energy and compute items."),
    ("ftdisclose.integrations.exporting", "export: the targets, their formats, the Hub block, rendering."),
    ("ftdisclose.integrations.cardbody", "A card's Markdown body: marker lines outside code, the Hub template lines."),
    ("ftdisclose.io.yamledit", "Exact edits of block-style YAML text, used by card and pin."),
    ("ftdisclose.io.files", "Safe reads (regular files, bounded) and writes (atomic, links and owners kept)."),
    ("ftdisclose.io.frontmatter", "A model card's front matter: one split, shared by the loader, card and pin."),
    ("ftdisclose.cli.batch", "Many files at once (--jobs): ordered output from a process pool."),
]
# Modules of the package that reference/api.md leaves out on purpose, with the reason. A
# module in neither list fails tests/test_docs.py, so a new module gets a decision.
API_EXCLUDED: dict[str, str] = {
    "ftdisclose.cli": "documented as the command line, on reference/cli.md",
    "ftdisclose.cli.commands": "the commands, documented on reference/cli.md",
    "ftdisclose.cli.parser": "the command line's arguments, documented on reference/cli.md",
    "ftdisclose.cli.factors": "the `ftdisclose factors` commands, on reference/cli.md",
    "ftdisclose.cli.interop": "the `export` and `import boamps|dia` commands, on reference/cli.md",
    "ftdisclose.resources": "where the packaged data lives; internal",
    "ftdisclose.integrations.boamps_terms": "BoAmps' data types offered by `export --data-type`; internal",
    "ftdisclose.units.cache": "a script that regenerates the unit cache",
    "ftdisclose.io": "a namespace: its modules are listed one by one",
    "ftdisclose.engine": "a namespace: its modules are listed one by one",
    "ftdisclose.integrations": "a namespace: its modules are listed one by one",
}
# ---------------------------------------------------------------------------------------

GENERATED_NOTE = (
    '!!! note "Generated page"\n    This page is generated at build time from {source}; edit that, not this page.\n'
)

CODE_GROUPS = {
    "1": ("Structure", "The disclosure's shape: required fields, unknown keys, types, choices, versions."),
    "2": ("Units", "Physical values, their units and dimensions."),
    "3": (
        "Factors and gap-filling",
        "Names that must be found in the factor tables, and inputs that cannot be filled.",
    ),
    "4": ("Consistency", "Disclosed fields that disagree with each other or with physics."),
    "5": ("Input format", "Bytes, YAML, JSON and model-card front matter."),
}

EXIT_CODE_TEXT = {
    "EXIT_OK": "Success. For `validate`: every file is valid; warnings are allowed unless `--strict`.",
    "EXIT_FINDINGS": "At least one finding at error severity (or, with `--strict`, any warning).",
    "EXIT_USAGE": "The tool could not do its job: a usage error, an unreadable file, or an internal "
    "failure (reported in one line; `-vv` shows the traceback).",
}


# --- mkdocs events -------------------------------------------------------------------


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """`mkdocs serve` rebuilds when the sources of the generated pages change."""
    for name in ("ftdisclose", "factors", "schema", "CHANGELOG.md", "CONTRIBUTING.md", "tests/published"):
        path = str(ROOT / name)
        if (ROOT / name).exists() and path not in config.watch:
            config.watch.append(path)
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add the generated pages and pictures as in-memory files."""
    from mkdocs.structure.files import File

    for src_uri, render in PAGES.items():
        existing = files.get_file_from_path(src_uri)
        if existing is not None:
            log.warning("docs/%s is generated at build time; the committed copy is ignored", src_uri)
            files.remove(existing)
        files.append(File.generated(config, src_uri, content=render()))
    # the JSON Schemas, served at the address their $id names, for editors and check-jsonschema
    for schema_file in sorted((ROOT / "schema").glob("*.schema.json")):
        files.append(File.generated(config, f"schema/{schema_file.name}", content=schema_file.read_bytes()))
    return files


# --- Markdown helpers ------------------------------------------------------------------


def text(value: str) -> str:
    """Prose from the code, safe in Markdown: HTML escaped outside `code spans`."""
    parts = value.split("`")
    for i in range(0, len(parts), 2):
        parts[i] = html.escape(parts[i], quote=False)
    return "`".join(parts)


def cell(value: object) -> str:
    """A table cell: one line, pipes escaped."""
    return text(str(value)).replace("|", "\\|").replace("\r", " ").replace("\n", " ").strip()


def code(value: object) -> str:
    """An inline code span that survives backticks in the value."""
    raw = str(value).replace("\n", " ")
    fence = "``" if "`" in raw else "`"
    pad = " " if raw.startswith("`") or raw.endswith("`") else ""
    return f"{fence}{pad}{raw}{pad}{fence}"


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _flow(value: Any) -> str:
    """An example value the way it would be written in YAML."""
    if isinstance(value, str):
        return value
    import yaml

    dumped: str = yaml.safe_dump(value, default_flow_style=True, sort_keys=False, width=1000)
    return dumped.strip().removesuffix("...").strip()


# --- reference/spec.md -----------------------------------------------------------------


def _strip_null(prop: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """The schema of a field without its `null` branch, and whether it had one."""
    branches = prop.get("anyOf")
    if isinstance(branches, list) and any(b == {"type": "null"} for b in branches):
        rest = [b for b in branches if b != {"type": "null"}]
        inner = rest[0] if len(rest) == 1 else {"anyOf": rest}
        return inner, True
    return prop, False


def _unit_comment(node: dict[str, Any]) -> tuple[str, str] | None:
    """(dimension, canonical unit) from the schema's ``$comment`` annotation (spec.types.unit_comment)."""
    from ftdisclose.spec.types import UNIT_COMMENT

    match = UNIT_COMMENT.match(str(node.get("$comment", "")))
    return (match["dimension"], match["canonical"] or "") if match else None


def _ref_name(node: dict[str, Any]) -> str | None:
    ref = node.get("$ref")
    return ref.rsplit("/", 1)[-1] if isinstance(ref, str) else None


def _bounds(node: dict[str, Any]) -> list[str]:
    out = []
    for key, sign in (("minimum", ">="), ("exclusiveMinimum", ">"), ("maximum", "<="), ("exclusiveMaximum", "<")):
        if key in node:
            out.append(f"{sign} {node[key]:g}")
    if "minLength" in node:
        out.append(f"at least {node['minLength']} character{'s' * (node['minLength'] != 1)}")
    if "minItems" in node:
        out.append(f"at least {node['minItems']} item{'s' * (node['minItems'] != 1)}")
    if "maxItems" in node:
        out.append(f"at most {node['maxItems']} items")
    return out


class Field:
    """One field of the schema, described for a reader."""

    def __init__(self, path: str, prop: dict[str, Any], required: bool) -> None:
        self.path = path
        self.required = required
        self.description = prop.get("description", "")
        examples = prop.get("examples") or []
        self.example = examples[0] if examples else None
        inner, _ = _strip_null(prop)
        if "$comment" in prop and "$comment" not in inner:
            inner = {**inner, "$comment": prop["$comment"]}
        self.child: str | None = None  # $defs name of a nested block
        self.dimension = ""
        self.unit = ""
        self.constraints: list[str] = []
        self.kind = self._kind(inner)

    def _kind(self, node: dict[str, Any]) -> str:
        name = _ref_name(node)
        if name:
            self.child = name
            return "mapping"
        unit = _unit_comment(node)
        shorthand = [b for b in node.get("anyOf", []) if _ref_name(b)]
        if shorthand:  # a block that may also be written as a bare quantity (operational.energy: 0.694 kWh)
            self.child = _ref_name(shorthand[0])
            if unit:
                self.dimension, self.unit = unit
            return 'mapping, or a quantity written `"<number> <unit>"` or `{value: <number>, unit: <unit>}`'
        if "const" in node:
            return f"the constant {code(json.dumps(node['const']))}"
        if "enum" in node:
            return "one of " + ", ".join(code(v) for v in node["enum"])
        dimension = unit[0] if unit else None
        if dimension == "ratio":
            number = next((b for b in node.get("anyOf", []) if b.get("type") == "number"), {})
            self.dimension = "ratio"
            self.constraints += _bounds(number)
            return 'ratio: a number, or a percentage such as `"47%"`'
        if dimension:
            self.dimension, self.unit = unit or ("", "")
            return 'quantity: `"<number> <unit>"` or `{value: <number>, unit: <unit>}`'
        if node.get("type") == "array":
            items = node.get("items", {})
            self.constraints += _bounds(node)
            item_ref = _ref_name(items)
            if item_ref:
                self.child = item_ref
                return "list of mappings"
            if "enum" in items:
                return "list, each one of " + ", ".join(code(v) for v in items["enum"])
            return f"list of {items.get('type', 'values')}"
        branches = node.get("anyOf")
        if isinstance(branches, list):
            types = {b.get("type") for b in branches}
            string = next((b for b in branches if b.get("type") == "string"), {})
            number = next((b for b in branches if b.get("type") in {"number", "integer"}), {})
            if types == {"number", "string"} and _accepts(string.get("pattern"), "7.24B"):
                self.dimension = "count"
                self.constraints += _bounds(number)
                return 'count: a whole number, written `48123`, `7.24e9` or `"7.24B"`'
            return " or ".join(sorted(str(t) for t in types))
        kind = node.get("type", "any value")
        self.constraints += _bounds(node)
        if node.get("format") == "date-time":
            return "timestamp: RFC 3339, with seconds and a time zone (`2024-07-06T17:01:00Z`, `...+02:00`)"
        if node.get("format") == "date":
            return "date: `YYYY-MM-DD`"
        if "pattern" in node:
            self.constraints.append(f"matches {code(node['pattern'])}")
        return {"string": "string", "number": "number", "integer": "integer", "boolean": "boolean"}.get(
            str(kind), str(kind)
        )


def _accepts(pattern: str | None, sample: str) -> bool:
    return bool(pattern) and re.search(str(pattern), sample) is not None


def _walk(schema: dict[str, Any], node: dict[str, Any], prefix: str) -> Iterator[Field]:
    required = set(node.get("required", []))
    for name, prop in node.get("properties", {}).items():
        field = Field(f"{prefix}{name}", prop, name in required)
        yield field
        if field.child:
            child = schema["$defs"][field.child]
            list_suffix = "[]" if field.kind.startswith("list") else ""
            yield from _walk(schema, child, f"{field.path}{list_suffix}.")


def _anchor(path: str, version: str, latest: str) -> str:
    slug = path.replace("[]", "")
    return slug if version == latest else f"v{version}-{slug}"


def spec_fields(version: str | None = None) -> list[Field]:
    """Every field of a spec version's committed schema, depth first."""
    from ftdisclose import spec
    from ftdisclose.spec import schema as schema_mod

    body = json.loads(schema_mod.packaged(version or spec.LATEST))
    return list(_walk(body, body, ""))


def _field_section(f: Field, anchor: str, level: str) -> str:
    lines = [f"{level} {code(f.path)} {{ #{anchor} }}", ""]
    if f.description:
        lines += [text(f.description), ""]
    lines.append(f"- **Type:** {f.kind}")
    if f.dimension:
        unit = f", reported in {code(f.unit)}" if f.unit else ""
        lines.append(f"- **Unit dimension:** {f.dimension}{unit}")
    lines.append(f"- **Required:** {'yes' if f.required else 'no'}")
    if f.constraints:
        lines.append(f"- **Constraints:** {'; '.join(f.constraints)}")
    if f.example is not None:
        lines.append(f"- **Example:** {code(_flow(f.example))}")
    return "\n".join(lines) + "\n"


def spec_page() -> str:
    from ftdisclose import spec
    from ftdisclose.spec import schema as schema_mod

    versions = sorted(spec.VERSIONS, key=lambda v: tuple(int(x) for x in v.split(".")), reverse=True)
    out = [
        "# Spec reference",
        "",
        GENERATED_NOTE.format(source="the committed JSON Schema (`schema/ftdisclose-<version>.schema.json`)"),
        "Every field a disclosure may hold, with its type, unit dimension, constraints and an "
        'example. A quantity can be written in any unit of its dimension (`"2500 Wh"` is an '
        "energy); the unit named here is the one results are reported in. Unknown keys are errors "
        "([FTD102](codes.md#ftd102)), except keys that start with `x-`, which are kept for extensions "
        "and ignored. A field that is not known is left out, never written as 0.",
        "",
        "The schema also works on its own, in editors and in check-jsonschema: `ftdisclose schema` prints it.",
        "",
    ]
    for version in versions:
        body = json.loads(schema_mod.packaged(version))
        fields = list(_walk(body, body, ""))
        out += [
            f"## Spec {version} {{ #spec-{version.replace('.', '-')} }}",
            "",
            text(body.get("description", "")),
            "",
            f"`$id`: {code(body.get('$id', ''))}",
            "",
            "### All fields",
            "",
        ]
        rows = []
        for f in fields:
            depth = f.path.count(".")
            label = "&nbsp;&nbsp;" * depth + f"[{code(f.path)}](#{_anchor(f.path, version, spec.LATEST)})"
            unit = f.dimension + (f" ({code(f.unit)})" if f.unit else "")
            rows.append([label, cell(f.kind.split(":")[0]), unit, "yes" if f.required else ""])
        out += [table(["Field", "Type", "Unit dimension", "Required"], rows), ""]
        for f in fields:
            level = "###" if "." not in f.path else "####"
            out.append(_field_section(f, _anchor(f.path, version, spec.LATEST), level))
    return "\n".join(out)


# --- reference/cli.md ------------------------------------------------------------------


def _subcommands(parser: argparse.ArgumentParser) -> Iterator[tuple[str, str, argparse.ArgumentParser]]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {a.dest: a.help or "" for a in action._choices_actions}
            for name, sub in action.choices.items():
                yield name, helps.get(name, ""), sub


def _help_text(action: argparse.Action, parser: argparse.ArgumentParser) -> str:
    raw = action.help or ""
    if raw == argparse.SUPPRESS:
        return ""
    params = {**vars(action), "prog": parser.prog}
    params = {k: (", ".join(map(str, v)) if isinstance(v, list | tuple) else v) for k, v in params.items()}
    try:
        return raw % params
    except (KeyError, TypeError, ValueError):
        return raw


def _argument_rows(parser: argparse.ArgumentParser) -> list[list[str]]:
    rows = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction) or action.help == argparse.SUPPRESS:
            continue
        if action.option_strings:
            names = ", ".join(code(o) for o in action.option_strings)
            if action.nargs != 0:
                metavar = action.metavar or (action.dest.upper() if not action.choices else None)
                names += f" {code(metavar)}" if metavar else ""
        else:
            names = code(action.metavar or action.dest)
        values = ""
        if action.choices is not None:
            values = ", ".join(code(c) for c in action.choices)
        elif action.nargs in ("+", "*"):
            values = "one or more" if action.nargs == "+" else "any number"
        default = ""
        if isinstance(action, argparse._CountAction):
            default = "repeatable"
        elif action.option_strings and action.default not in (None, False, argparse.SUPPRESS) and action.nargs != 0:
            default = code(action.default)
        rows.append([names, cell(_help_text(action, parser)), values, default])
    return rows


def _usage(parser: argparse.ArgumentParser) -> str:
    formatter = argparse.HelpFormatter(parser.prog, width=88)
    formatter.add_usage(parser.usage, parser._actions, parser._mutually_exclusive_groups, prefix="")
    return formatter.format_help().strip()


def _sentence(value: str) -> str:
    """A help string (``print one table``) as a sentence (``Print one table.``)."""
    value = value.strip()
    if not value:
        return ""
    value = value[0].upper() + value[1:]
    return value if value.endswith((".", "!", "?")) else value + "."


def cli_commands() -> list[tuple[str, str, argparse.ArgumentParser]]:
    """Every command as (full name, help, parser), nested commands included, in parser order."""
    from ftdisclose.cli import build_parser

    found: list[tuple[str, str, argparse.ArgumentParser]] = []

    def visit(parser: argparse.ArgumentParser, prefix: str) -> None:
        for name, help_, sub in _subcommands(parser):
            full = f"{prefix} {name}".strip()
            found.append((full, help_, sub))
            visit(sub, full)

    visit(build_parser(), "")
    return found


def cli_page() -> str:
    from ftdisclose import cli

    root = cli.build_parser()
    commands = cli_commands()
    out = [
        "# Command-line reference",
        "",
        GENERATED_NOTE.format(source="`ftdisclose.cli.build_parser()`"),
        text(root.description or ""),
        "",
        "```text",
        _usage(root).replace("\n", " ").replace("  ", " "),
        "```",
        "",
        "## Commands",
        "",
    ]
    rows = [[f"[{code('ftdisclose ' + name)}](#{name.replace(' ', '-')})", cell(help_)] for name, help_, _ in commands]
    out += [table(["Command", "What it does"], rows), ""]
    out += ["## Global options", "", table(["Option", "Meaning", "Values", "Default"], _argument_rows(root)), ""]
    for name, help_, parser in commands:
        anchor = name.replace(" ", "-")
        out += [f"## `ftdisclose {name}` {{ #{anchor} }}", ""]
        description = parser.description or _sentence(help_)
        if description:
            out += [text(description), ""]
        out += ["```text", _usage(parser), "```", ""]
        rows = _argument_rows(parser)
        if rows:
            out += [table(["Argument", "Meaning", "Values", "Default"], rows), ""]
        nested = [n for n, _, _ in commands if n.startswith(name + " ") and n.count(" ") == name.count(" ") + 1]
        if nested:
            out += [
                "Subcommands: "
                + ", ".join(f"[{code('ftdisclose ' + n)}](#{n.replace(' ', '-')})" for n in nested)
                + ".",
                "",
            ]
    out += [
        "## Exit codes",
        "",
        "The same for every command. A run that finds problems at error severity exits 1; a run "
        "that could not read its input or was called wrongly exits 2, so CI can tell a bad "
        "disclosure from a broken job. Bad input never produces a Python traceback.",
        "",
    ]
    constants = [n for n in dir(cli) if n.startswith("EXIT_") and isinstance(getattr(cli, n), int)]
    codes = sorted((getattr(cli, n), n) for n in constants)
    rows = [[code(value), code(name), cell(EXIT_CODE_TEXT.get(name, ""))] for value, name in codes]
    if "return 130" in inspect.getsource(cli.main):
        rows.append([code(130), "", "Interrupted (Ctrl-C)."])
    out += [table(["Exit code", "Constant in `ftdisclose.cli`", "Meaning"], rows), ""]
    return "\n".join(out)


# --- reference/crosswalk.md -------------------------------------------------------------


def _link_rows(links: tuple[Any, ...], *, held: bool) -> list[list[str]]:
    from ftdisclose.integrations.crosswalk import crosswalk_rows

    rows = []
    for ours, theirs, how, note in crosswalk_rows(tuple(link for link in links if bool(link.theirs) == held)):
        rows.append([code(ours), code(theirs) if theirs else "", cell(how), cell(note)])
    return rows


def _eu_form_section() -> list[str]:
    from ftdisclose.integrations.crosswalk import EU_FORM

    rows = []
    for i in EU_FORM:
        source = code(i.source) if i.source else "not filled"
        rows.append([code(i.key), cell(i.item), cell(i.recipients), cell(i.unit), source, cell(i.note)])
    return [
        "## EU AI Act GPAI Model Documentation Form (extract)",
        "",
        "The energy and compute items of the Code of Practice's form (July 2025). The item names follow "
        "secondary sources; check them against the official form. JSON keys are those of "
        "`export --to eu-form --format json`.",
        "",
        table(["key", "item", "recipients", "unit", "from", "note"], rows),
        "",
    ]


def crosswalk_page() -> str:
    """Field-by-field tables of every format ``export`` writes and ``import`` reads, from the converters' data."""
    from ftdisclose.integrations import crosswalk as cw
    from ftdisclose.integrations.schemas import BOAMPS_SPEC_URI

    out = [
        "# Crosswalk",
        "",
        GENERATED_NOTE.format(source="`ftdisclose.integrations.crosswalk`, the tables the converters run on"),
        "How each field of a disclosure (or each result ftdisclose computes, `results.*`) maps to the other "
        "formats. *as it is*: the value is copied both ways; *number in a unit*: a quantity written as a bare "
        "number in that unit, converted through ftdisclose's unit registry; *converted*: the converter translates "
        "it (the note says how); *export only*: the other format's field holds ftdisclose's figure, which an "
        "import reads back as a stated figure, not as a disclosed fact. The fields each format does not hold are "
        "listed after it: `export` names every one the disclosure states (FTD534), never dropping it silently.",
        "",
        "See [Convert to and from other formats](../howto/interop.md) for the commands.",
        "",
    ]
    sections = (
        (
            "BoAmps 1.1.0",
            cw.BOAMPS,
            f"Boavizta's energy measurement report; schemas of [{BOAMPS_SPEC_URI}]"
            f"({BOAMPS_SPEC_URI}), CC BY 4.0, vendored in the package.",
        ),
        (
            "DIA Report v0.1",
            cw.DIA,
            "The `dia_report` block of a Hugging Face card (VectorInstitute/"
            "ai-impact-accounting, Apache-2.0). Paths are inside the block.",
        ),
        ("Hugging Face co2_eq_emissions", cw.HUB, "The Hub's own block, as `export --to hub` and `card` write it."),
    )
    header = ["ftdisclose", "other format", "how", "note"]
    for title, links, blurb in sections:
        out += [f"## {title}", "", blurb, "", table(header, _link_rows(links, held=True)), ""]
        missing = _link_rows(links, held=False)
        if missing:
            out += [f"Not held by {title}:", "", table(["ftdisclose", "", "", "note"], missing), ""]
    out += _eu_form_section()
    return "\n".join(out)


# --- reference/codes.md ----------------------------------------------------------------


def _compute_only() -> frozenset[str]:
    from ftdisclose.pipeline import COMPUTE_ONLY

    return frozenset(str(c) for c in COMPUTE_ONLY)


def codes_page() -> str:
    from ftdisclose.findings import CATALOGUE, DOCS_URL

    out = [
        "# Finding codes",
        "",
        GENERATED_NOTE.format(source="`ftdisclose.findings.CATALOGUE`"),
        "Every finding carries a stable code and a readable rule name (`FTD203 unit-dimension`). "
        "A code never changes meaning; new problems get new codes. The hundreds group them: "
        + ", ".join(f"`FTD{k}xx` {v[0].lower()}" for k, v in CODE_GROUPS.items())
        + ".",
        "",
        f"Each code's entry has a stable address, {code(DOCS_URL + '#ftd203')} for "
        "[FTD203](#ftd203); SARIF output links every rule to its entry.",
        "",
        "Severity decides the exit code: an **error** makes `validate` exit 1; a **warning** does "
        "so only with `--strict`; **info** is shown with `-v` and never fails a run.",
        "",
        "`validate` and `compute` run the same pipeline and report the same findings for the same file "
        "and options, except the codes only `compute` can give (hourly grid data, which `validate` never "
        "fetches, and results that overflow): "
        + ", ".join(f"[{c}](#{c.lower()})" for c in sorted(_compute_only()))
        + ".",
        "",
        "## All codes",
        "",
    ]
    rows = [
        [f"[{r.code}](#{r.code.lower()})", code(r.slug), str(r.severity), cell(r.title)] for r in CATALOGUE.values()
    ]
    out += [table(["Code", "Rule", "Severity", "Title"], rows), ""]
    group = None
    for rule in CATALOGUE.values():
        digit = rule.code[3:4]
        if digit != group:
            group = digit
            title, blurb = CODE_GROUPS.get(digit, (f"FTD{digit}xx", ""))
            out += [f"## FTD{digit}xx: {title} {{ #ftd{digit}xx }}", ""]
            if blurb:
                out += [blurb, ""]
        out += [
            f"### {rule.code} {rule.slug} {{ #{rule.code.lower()} }}",
            "",
            f"**{text(rule.title)}** · severity **{rule.severity}** · rule {code(rule.slug)}"
            + (" · reported by `compute` only" if str(rule.code) in _compute_only() else ""),
            "",
            text(rule.description),
            "",
        ]
        if rule.example:
            out += ["Example that triggers it:", "", "```yaml", rule.example, "```", ""]
        if rule.hint:
            out += [f"**Fix:** {text(rule.hint)}", ""]
    return "\n".join(out)


# --- reference/factors.md --------------------------------------------------------------


def factor_versions() -> list[tuple[str, Path, dict[str, Any]]]:
    """Every shipped factor version under factors/, newest first: (version, folder, manifest)."""
    found = []
    for folder in (ROOT / "factors").iterdir():
        manifest = folder / "manifest.json"
        if folder.is_dir() and re.fullmatch(r"\d{4}\.\d+", folder.name) and manifest.is_file():
            found.append((folder.name, folder, json.loads(manifest.read_text(encoding="utf-8"))))
    return sorted(found, key=lambda item: tuple(int(x) for x in item[0].split(".")), reverse=True)


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


SMALL_TABLE = 12  # tables with at most this many rows are shown in full


def factors_page() -> str:
    out = [
        "# Factor tables",
        "",
        GENERATED_NOTE.format(source="`factors/<version>/manifest.json` and `sources.csv`"),
        "The defaults behind gap-filling, one folder per released version. A released version is "
        "never edited: corrections go into the next one, so a disclosure pinned to a version "
        "(`factors_version`) gives the same numbers years later. Every row names its sources; the "
        "sources table gives each one's publisher, licence and the attribution its licence asks for. "
        "See [how defaults are chosen](../explanation/defaults.md) and "
        "[recomputing with an older version](../howto/factor-versions.md).",
        "",
        "Column units are given once per column, in the manifest; `1` is a plain ratio, and a blank "
        "unit is a name, an id or a year. Tables whose rows carry their own `unit` column say so.",
        "",
    ]
    versions = factor_versions()
    out += [
        table(
            ["Version", "Released", "Tables", "Sources"],
            [
                [
                    f"[{v}](#factors-{v.replace('.', '-')})",
                    cell(m.get("released", "")),
                    str(len(m.get("tables", {}))),
                    str(len(_csv_rows(folder / m.get("sources", {}).get("file", "sources.csv")))),
                ]
                for v, folder, m in versions
            ],
        ),
        "",
    ]
    for version, folder, manifest in versions:
        vslug = version.replace(".", "-")
        out += [
            f"## Version {version} {{ #factors-{vslug} }}",
            "",
            f"Released {manifest.get('released', 'unknown')}. Folder `factors/{version}/`.",
            "",
        ]
        tables = manifest.get("tables", {})
        rows = []
        for name, info in tables.items():
            count = len(_csv_rows(folder / info["file"]))
            rows.append([f"[{code(name)}](#{name}-{vslug})", str(count), cell(info.get("description", ""))])
        out += [table(["Table", "Rows", "Holds"], rows), ""]
        for name, info in tables.items():
            data = _csv_rows(folder / info["file"])
            key = ", ".join(code(k) for k in info.get("key", []))
            out += [
                f"### `{name}` {{ #{name}-{vslug} }}",
                "",
                text(info.get("description", "")),
                "",
                f"File {code(info['file'])} · key {key} · {len(data)} rows · sha256 {code(info.get('sha256', ''))}",
                "",
            ]
            if info.get("rows") is not None and info["rows"] != len(data):
                out += [f"The manifest says {info['rows']} rows; the file holds {len(data)}.", ""]
            columns = info.get("columns", {})
            out += [
                table(
                    ["Column", "Unit", "Meaning"],
                    [
                        [code(c), code(meta["unit"]) if meta.get("unit") else "", cell(meta.get("description", ""))]
                        for c, meta in columns.items()
                    ],
                ),
                "",
            ]
            if 0 < len(data) <= SMALL_TABLE:
                header = list(data[0])
                out += [f'??? info "All {len(data)} rows of `{name}`"', ""]
                body = table([code(h) for h in header], [[cell(row[h] or "") for h in header] for row in data])
                out += ["    " + line for line in body.splitlines()] + [""]
        sources_file = manifest.get("sources", {}).get("file", "sources.csv")
        sources = _csv_rows(folder / sources_file)
        licences: dict[str, int] = {}
        for s in sources:
            licences[s.get("license", "")] = licences.get(s.get("license", ""), 0) + 1
        out += [
            f"### Sources of {version} {{ #sources-{vslug} }}",
            "",
            f"{len(sources)} sources. Licences (SPDX ids; `LicenseRef-` ids are explained in the "
            "factor-table notes): " + ", ".join(f"{code(k)} ({n})" for k, n in sorted(licences.items())) + ".",
            "",
            "Figures from sources under CC BY 4.0 and similar licences need the attribution line "
            "when you republish them.",
            "",
        ]
        rows = []
        for s in sources:
            title = cell(s.get("title", ""))
            url = s.get("url", "")
            linked = f"[{title}]({url})" if url.startswith(("http://", "https://")) else title
            rows.append(
                [
                    code(s.get("id", "")),
                    linked,
                    cell(s.get("publisher", "")),
                    code(s.get("license", "")),
                    cell(s.get("retrieved", "")),
                    cell(s.get("attribution", "")),
                ]
            )
        out += [
            table(["Id", "Title (linked to the source)", "Publisher", "Licence", "Retrieved", "Attribution"], rows),
            "",
        ]
    return "\n".join(out)


# --- reference/api.md ------------------------------------------------------------------


def api_page() -> str:
    out = [
        "# Python API",
        "",
        GENERATED_NOTE.format(source="the docstrings of the modules listed in `docs/hooks/generate.py`"),
        "The commands are functions too. `ftdisclose.validate` and `ftdisclose.compute` take a path, the "
        "text of a disclosure, or its data as a mapping, and return a typed result (`FileResult`: the "
        "findings, the disclosure as the latest spec model, the computation with results in units); call "
        "them as often as you like. They never raise for a bad disclosure: what is wrong is in `findings`. "
        "The examples below run as they are, from a checkout of the repository (a test runs them):",
        "",
        "```python",
        "import ftdisclose",
        "",
        'checked = ftdisclose.validate("examples/munin-7b-lora.yaml")',
        "print(checked.valid, [str(f.code) for f in checked.findings])",
        "",
        'result = ftdisclose.compute("examples/munin-7b-lora.yaml")',
        "assert result.computation is not None",
        "total = result.computation.results[ftdisclose.Result.EMISSIONS_TOTAL]",
        'print(total.to("gCO2e").mid, total.unit)  # a Measure keeps its unit until you choose one',
        "",
        "# the same work on data in memory: a mapping, or the text of a disclosure or model card",
        "data = {",
        '    "spec_version": "1.1",',
        '    "model": {"name": "my-model"},',
        '    "operational": {"energy": "0.694 kWh", "carbon_intensity": "82.5 gCO2e/kWh"},',
        "}",
        "again = ftdisclose.compute(data)",
        "assert again.computation is not None and again.disclosure is not None",
        "print(again.disclosure.model.name, again.computation.results[ftdisclose.Result.EMISSIONS_OPERATIONAL])",
        "wrong = ftdisclose.validate('spec_version: \"1.1\"\\nmodel: {name: m}\\noperational: {duration: 4 kg}\\n')",
        'assert [(str(f.code), f.path) for f in wrong.findings] == [("FTD203", "operational.duration")]',
        "```",
        "",
        "Below them, every stage is a module of its own, in the order a disclosure flows through them.",
        "",
        "| Module | For |",
        "|---|---|",
    ]
    out += [f"| [{code(m)}](#{m}) | {cell(blurb)} |" for m, blurb in API_MODULES]
    out.append("")
    for module, _ in API_MODULES:
        out += [f"::: {module}", "    options:", "      heading_level: 2", "      show_root_heading: true", ""]
    return "\n".join(out)


# --- contributing.md and explanation/accuracy.md ---------------------------------------------


def contributing_page() -> str:
    """CONTRIBUTING.md as a page (its architecture diagram is rendered by mkdocs-material's mermaid)."""
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    return GENERATED_NOTE.format(source="`CONTRIBUTING.md`") + "\n" + text


def _published_runner() -> Any:
    import importlib.util

    spec = importlib.util.spec_from_file_location("ftdisclose_published_runner", ROOT / "benchmarks" / "published.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def accuracy_page() -> str:
    """The published-figures table, computed now by the code being documented."""
    runner = _published_runner()
    outcomes = runner.run_all()
    cases = {(o.case.case, o.case.title, o.case.source, o.case.url) for o in outcomes}
    met = runner.targets(outcomes)
    out = [
        "# How accurate is it?",
        "",
        GENERATED_NOTE.format(source="the files in `tests/published/` and `benchmarks/published.py`"),
        "ftdisclose is checked against real disclosures from papers and model cards of training and "
        "fine-tuning runs. Each is computed twice: **as published**, with every input the publisher gave "
        "(their power, PUE and grid intensity), which shows that ftdisclose's arithmetic reproduces theirs; "
        "and **bare**, with only the hardware, counts, times, location and provider, which shows how close "
        "ftdisclose's defaults come when a publisher says no more than that. The table is computed when "
        "this site is built, by the version of ftdisclose it documents.",
        "",
        "The ratio is ftdisclose's central value over the published figure. A bare row is *ok* when the "
        "published figure lies inside ftdisclose's low-high range and the central value within 1.5 times; "
        "*range* when only the first holds.",
        "",
        runner.markdown(outcomes),
        "",
        "## Targets",
        "",
        *[f"- {'met' if ok else '**not met**'}: {name}" for name, ok in met.items()],
        "",
        "## Sources",
        "",
        *[f"- **{title}**: {text(source)} ([link]({url}))" for _, title, source, url in sorted(cases)],
        "",
        "Reproduce the table with `python benchmarks/published.py`; the test suite asserts the targets "
        "(`tests/test_published.py`).",
    ]
    return "\n".join(out) + "\n"


# --- changelog.md ----------------------------------------------------------------------


def _rebase_headings(markdown: str, top: int) -> str:
    """Drop the first H1 and shift the remaining headings so the highest one is at ``top``."""
    lines = markdown.splitlines()
    fence = False
    levels = []
    for line in lines:
        if line.startswith("```"):
            fence = not fence
        elif not fence and (m := re.match(r"^(#{1,6}) ", line)):
            levels.append(len(m.group(1)))
    body: list[str] = []
    dropped = False
    fence = False
    rest = [lv for lv in levels if lv > 1] if levels and levels[0] == 1 else levels
    shift = top - min(rest) if rest else 0
    for line in lines:
        if line.startswith("```"):
            fence = not fence
        m = None if fence else re.match(r"^(#{1,6}) (.*)$", line)
        if m and len(m.group(1)) == 1 and not dropped:
            dropped = True
            continue
        body.append("#" * min(6, len(m.group(1)) + shift) + " " + m.group(2) if m else line)
    return "\n".join(body).strip() + "\n"


def changelog_page() -> str:
    out = [
        "# Changelog",
        "",
        "What changed in the package, in the spec and in the factor tables. Package versions follow "
        "semantic versioning; spec versions are `MAJOR.MINOR` and older minor versions keep "
        "validating; factor versions are CalVer (`2026.1`) and are never edited once released.",
        "",
    ]
    main = ROOT / "CHANGELOG.md"
    if main.is_file():
        out += [_rebase_headings(main.read_text(encoding="utf-8"), 2)]
    factors = ROOT / "factors" / "CHANGELOG.md"
    if factors.is_file():
        out += ["## Factor tables", "", _rebase_headings(factors.read_text(encoding="utf-8"), 3)]
    else:
        out += ["## Factor tables", ""]
        for version, _, manifest in factor_versions():
            out += [
                f"- `{version}` (released {manifest.get('released', 'unknown')}): "
                f"{len(manifest.get('tables', {}))} tables; see the "
                f"[factor reference](reference/factors.md#factors-{version.replace('.', '-')}).",
                "",
            ]
    return "\n".join(out)


# --- assets/bloom-split.svg ------------------------------------------------------------


def bloom_numbers() -> dict[str, float]:
    """The BLOOM example (examples/scope3-bloom-cluster.yaml) worked with the methodology's formulas.

    Everything it needs is disclosed, so no factor table enters and the result has no range.
    """
    from ftdisclose.io.loader import load
    from ftdisclose.spec.validate import validate_document

    result = validate_document(load(ROOT / "examples" / "scope3-bloom-cluster.yaml"))
    d: Any = result.disclosure
    if d is None:
        raise ValueError("examples/scope3-bloom-cluster.yaml does not validate")
    cluster, op, dc = d.infrastructure.cluster, d.operational, d.infrastructure.datacenter
    n_gpu, n_srv = cluster.gpu.count, cluster.servers
    t_run = op.gpu_hours.to("h") / n_gpu
    t_res = op.reserved_time.to("h")
    e_it = n_srv * cluster.server_power.to("kW") * t_run
    e_fac = e_it * dc.pue
    life = cluster.hardware_life.to("h") * cluster.hardware_reserved_share
    c_op = e_fac * op.carbon_intensity.to("kgCO2e/kWh")
    c_emb = (n_gpu * cluster.gpu.embodied.to("kgCO2e") + n_srv * cluster.server_embodied.to("kgCO2e")) * t_res / life
    w_on = e_it * dc.wue.to("L/kWh")
    w_off = e_fac * op.electricity_water_intensity.to("L/kWh")
    w_emb = n_gpu * cluster.gpu.embodied_water.to("L") * t_res / life
    return {
        "t_run_h": t_run,
        "t_res_h": t_res,
        "e_it_kwh": e_it,
        "e_fac_kwh": e_fac,
        "life_h": life,
        "c_op_kg": c_op,
        "c_emb_kg": c_emb,
        "c_tot_kg": c_op + c_emb,
        "w_on_l": w_on,
        "w_off_l": w_off,
        "w_emb_l": w_emb,
        "w_tot_l": w_on + w_off + w_emb,
    }


def _bar(y: int, label: str, total_text: str, parts: list[tuple[str, float, str, str]]) -> list[str]:
    x0, width, height = 170, 560, 34
    total = sum(value for _, value, _, _ in parts)
    out = [
        f'<text x="{x0 - 12}" y="{y + 22}" text-anchor="end" class="label">{html.escape(label)}</text>',
        f'<text x="{x0 + width + 10}" y="{y + 22}" class="total">{html.escape(total_text)}</text>',
    ]
    x = float(x0)
    for i, (name, value, shown, colour) in enumerate(parts):
        w = width * value / total
        out.append(
            f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{height}" fill="{colour}">'
            f"<title>{html.escape(name)}: {html.escape(shown)} ({100 * value / total:.1f} %)</title></rect>"
        )
        share = 100 * value / total
        caption = f"{name}: {shown} ({share:.1f} %)" if share < 1 else f"{name}: {shown} ({share:.0f} %)"
        below = y + height + 17 + 15 * (i % 2 if w < 150 else 0)
        anchor_x = x if w >= 150 else x + w / 2
        anchor = "start" if w >= 150 else "middle"
        out.append(
            f'<text x="{anchor_x + (4 if anchor == "start" else 0):.1f}" y="{below}" text-anchor="{anchor}" '
            f'class="part">{html.escape(caption)}</text>'
        )
        x += w
    return out


def bloom_svg() -> str:
    n = bloom_numbers()
    carbon = [
        ("operational", n["c_op_kg"], f"{n['c_op_kg'] / 1000:,.1f} t", "#1f6f8b"),
        ("embodied", n["c_emb_kg"], f"{n['c_emb_kg'] / 1000:,.1f} t", "#99c24d"),
    ]
    water = [
        ("on-site", n["w_on_l"], f"{n['w_on_l'] / 1000:,.0f} m³", "#4a90d9"),
        ("off-site", n["w_off_l"], f"{n['w_off_l'] / 1000:,.0f} m³", "#7fb3e6"),
        ("manufacturing", n["w_emb_l"], f"{n['w_emb_l'] / 1000:,.0f} m³", "#c2593f"),
    ]
    body = [
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 860 250" width="860" height="250" role="img" '
        'aria-labelledby="bloom-title bloom-desc">',
        '<title id="bloom-title">BLOOM example: carbon and water split into parts</title>',
        f'<desc id="bloom-desc">Carbon {n["c_tot_kg"] / 1000:,.1f} tCO2e: operational {n["c_op_kg"] / 1000:,.1f} t, '
        f"embodied {n['c_emb_kg'] / 1000:,.1f} t. Water {n['w_tot_l'] / 1000:,.0f} m3: on-site "
        f"{n['w_on_l'] / 1000:,.0f}, off-site {n['w_off_l'] / 1000:,.0f}, manufacturing {n['w_emb_l'] / 1000:,.0f}."
        "</desc>",
        "<style>text{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;font-size:13px;fill:#333}"
        ".label{font-weight:600}.total{font-weight:600}.part{font-size:12px}.head{font-size:15px;font-weight:600}"
        "</style>",
        '<rect width="860" height="250" fill="#fff"/>',
        '<text x="20" y="28" class="head">BLOOM example (Scope3 Training page), recomputed with the methodology '
        "of ftdisclose</text>",
    ]
    body += _bar(50, "Carbon (tCO2e)", f"{n['c_tot_kg'] / 1000:,.1f} t", carbon)
    body += _bar(150, "Water (m³)", f"{n['w_tot_l'] / 1000:,.0f} m³", water)
    body.append("</svg>")
    return "\n".join(body) + "\n"


PAGES: dict[str, Callable[[], str]] = {
    "reference/spec.md": spec_page,
    "reference/cli.md": cli_page,
    "reference/codes.md": codes_page,
    "reference/factors.md": factors_page,
    "reference/api.md": api_page,
    "reference/crosswalk.md": crosswalk_page,
    "changelog.md": changelog_page,
    "contributing.md": contributing_page,
    "explanation/accuracy.md": accuracy_page,
    "assets/bloom-split.svg": bloom_svg,
}
