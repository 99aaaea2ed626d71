"""The command line's arguments: one parser per command, shared flags from parent parsers.

A command gets only the flags that do something for it: ``-j`` where several files are
read, ``--offline`` and ``--grid-data`` where grid data may be fetched, ``--format`` with
the formats the command writes. ``Args`` holds what was parsed, each flag with its type,
and the value a command without the flag assumes.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NoReturn, TypeVar

from ftdisclose._version import __version__
from ftdisclose.io.config import Config

if TYPE_CHECKING:
    from ftdisclose.resolve.grid import Basis, GridMode

REPORT_FORMATS = ["text", "json", "github", "sarif", "markdown"]
COMPUTE_FORMATS = [*REPORT_FORMATS, "html"]  # html: one self-contained page with charts
EXIT_USAGE = 2
GRID_MODES: tuple[GridMode, ...] = ("annual", "hourly")
GRID_BASES: tuple[Basis, ...] = ("lifecycle", "direct")

T = TypeVar("T", bound=str)


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        sys.stderr.write(f"ftdisclose: error: {message}\n")
        raise SystemExit(EXIT_USAGE)


def _parent() -> Parser:
    return Parser(add_help=False)


def _output(formats: list[str] | None) -> Parser:
    p = _parent()
    if formats:
        # None until settled: pyproject.toml's [tool.ftdisclose] format, else the first choice
        p.add_argument("--format", choices=formats, default=None, help=f"output format (default: {formats[0]})")
        p.set_defaults(formats=tuple(formats))
    p.add_argument(
        "--color",
        choices=["auto", "always", "never"],
        default="auto",
        help="colour in text output (default: auto; NO_COLOR is respected)",
    )
    p.add_argument("-q", "--quiet", action="count", default=0, help="less output (errors only)")
    p.add_argument("-v", "--verbose", action="count", default=0, help="more output (notes, valid files)")
    return p


def _tables(*, overlay: bool = True) -> Parser:
    p = _parent()
    p.add_argument(
        "--factors",
        metavar="VERSION",
        default=None,
        help="factor-table version (default: the disclosure's factors_version, else the newest)",
    )
    if overlay:
        p.add_argument(
            "--factors-overlay",
            metavar="FILE",
            default=None,
            help="private factor rows (a <table>.csv file or a folder of them), shown as an overlay",
        )
    return p


def _grid(*, choice: bool = True) -> Parser:
    p = _parent()
    if choice:
        p.add_argument(
            "--grid-data",
            choices=GRID_MODES,
            default="annual",
            help="grid carbon intensity when the disclosure gives none: the annual factor table (default; never "
            "fetches), or the run window's hourly values from a grid-data service",
        )
        p.add_argument(
            "--grid-basis",
            choices=GRID_BASES,
            default="lifecycle",
            help="which annual intensities to use: life-cycle (default: generation, fuel supply and plant "
            "construction) or direct (combustion at the plant only, as most Scope 2 location-based inventories)",
        )
    p.add_argument("--offline", action="store_true", help="never use the network (a cached window is still used)")
    return p


def _jobs() -> Parser:
    p = _parent()
    p.add_argument(
        "-j",
        "--jobs",
        type=int,
        default=1,
        metavar="N",
        help="work on files in N processes (0: one per CPU); output keeps the given order",
    )
    return p


def _strict() -> Parser:
    p = _parent()
    p.add_argument(
        "--strict",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="exit 1 on warnings too (default: pyproject.toml's [tool.ftdisclose] strict, else off)",
    )
    return p


def _discovery() -> Parser:
    """How folders are walked and what an empty result means."""
    p = _parent()
    p.add_argument(
        "--require",
        action="store_true",
        help="exit 1 when no disclosure or carbon model card is found (for CI that must check one)",
    )
    p.add_argument(
        "--by-content",
        action="store_true",
        help="judge named files as folder walks do: check only disclosures and carbon model cards, skip the rest "
        "(for hooks that pass every changed file)",
    )
    p.add_argument(
        "--respect-gitignore",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="in folder walks, skip what .gitignore ignores (default: on)",
    )
    p.add_argument(
        "--config",
        metavar="PYPROJECT",
        default=None,
        help="the pyproject.toml whose [tool.ftdisclose] table to use (default: the nearest one above the "
        "working folder that has the table)",
    )
    p.add_argument("--no-config", action="store_true", help="use no pyproject.toml")
    return p


def build_parser() -> Parser:
    parser = Parser(
        prog="ftdisclose",
        description="Validate, gap-fill and compute fine-tuning carbon disclosures and Hugging Face model cards.",
    )
    parser.add_argument("--version", action="version", version=f"ftdisclose {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    _validate(sub)
    _compute(sub)
    _single_file(sub)
    _writers(sub)
    _factors(sub)
    _import(sub)
    _export(sub)
    p = sub.add_parser("schema", help="print the JSON Schema of the spec")
    p.add_argument("--spec-version", default=None, help="spec version (default: the latest)")
    sub.add_parser("init", help="print a commented disclosure template to fill in")
    return parser


def _validate(sub: argparse._SubParsersAction[Parser]) -> None:
    p = sub.add_parser(
        "validate",
        parents=[_output(REPORT_FORMATS), _tables(), _jobs(), _strict(), _discovery()],
        help="check disclosures and model cards: schema, units, consistency",
        description="Check disclosure files (.yaml, .yml, .json) and model cards (.md front matter). Folders are "
        "walked: a file is checked when its content makes it a disclosure (top-level spec_version) or a model card "
        "with carbon metadata, or a configured include glob names it; the rest is skipped and counted (-v lists "
        "it). A file named here is always checked. Defaults come from pyproject.toml's [tool.ftdisclose]. validate "
        "never uses the network.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders")
    p.add_argument(
        "--only-carbon-cards",
        action="store_true",
        help="skip Markdown files whose front matter has neither carbon_disclosure nor co2_eq_emissions "
        "(as when walking folders); for hooks that see every README.md",
    )


def _compute(sub: argparse._SubParsersAction[Parser]) -> None:
    p = sub.add_parser(
        "compute",
        parents=[_output(COMPUTE_FORMATS), _tables(), _grid(), _jobs(), _strict(), _discovery()],
        help="gap-fill, then energy, carbon, water and amortisation, with ranges",
        description="Fill every gap from the factor tables, then compute energy, operational and embodied "
        "emissions, water and the amortised share per inference, each with a range.",
    )
    p.add_argument(
        "paths",
        nargs="+",
        metavar="FILE",
        help="disclosure files or model cards (with --format json: one object for one file, an array of objects, "
        "one a line, for several)",
    )
    p.add_argument(
        "--units-engine",
        choices=["fast", "pint"],
        default="fast",
        help="the quantity type the formulas run on: ftdisclose's unit-checked fast type (default) or pint's own "
        "Quantity; both use the same registry and agree",
    )


def _single_file(sub: argparse._SubParsersAction[Parser]) -> None:
    p = sub.add_parser(
        "explain",
        parents=[_output(["text", "json"]), _tables(), _grid()],
        help="how every output and every filled input was reached",
    )
    p.add_argument("path", metavar="FILE", help="a disclosure file or model card")
    p = sub.add_parser(
        "fill",
        parents=[_output(None), _tables(), _grid()],
        help="print the disclosure with every gap filled, marked with its origin",
    )
    p.add_argument("path", metavar="FILE", help="a disclosure file or model card")


def _writers(sub: argparse._SubParsersAction[Parser]) -> None:
    p = sub.add_parser(
        "pin",
        parents=[_output(None), _tables(overlay=False), _grid(choice=False)],
        help="fetch the run window's hourly grid intensity and write it into the file",
        description="Fetch the grid's hourly carbon intensity over the run window and write its average into "
        "operational.carbon_intensity and carbon_intensity_source, changing nothing else in the file, so that CI "
        "recomputes offline and reproducibly.",
    )
    p.add_argument("path", metavar="FILE", help="a YAML disclosure or a model card")
    p = sub.add_parser(
        "card",
        parents=[_output(None), _tables(), _grid()],
        help="write co2_eq_emissions and an Environmental impact section into a model card",
        description="Compute a disclosure and write the card's co2_eq_emissions (grams) and an 'Environmental "
        "impact' section between markers; every other byte of the card stays.",
    )
    p.add_argument("path", metavar="DISCLOSURE", help="the disclosure (a file, or the card itself)")
    p.add_argument("--card", required=True, metavar="README.md", help="the model card to write into")
    p.add_argument("--check", action="store_true", help="write nothing; exit 1 if the card is not up to date")
    p.add_argument(
        "--embed",
        action="store_true",
        help="also write the disclosure into the card's carbon_disclosure, so the card carries what its figures "
        "come from and validate can check them (x- extensions and local file paths are left out)",
    )
    p.add_argument(
        "--svg",
        action="store_const",
        const="ftdisclose-footprint.svg",
        default=None,
        help="also write the emissions and water chart as ftdisclose-footprint.svg beside the card, and show it "
        "in the section",
    )
    p.add_argument(
        "--dia",
        action="store_true",
        help="also write DIA's dia_report block (and dia_version) into the front matter, with the same byte-safety",
    )


def _factors(sub: argparse._SubParsersAction[Parser]) -> None:
    p = sub.add_parser("factors", help="the shipped factor tables, their versions, sources and licences")
    fsub = p.add_subparsers(dest="factors_command", metavar="ACTION", parser_class=Parser, required=True)
    q = fsub.add_parser("list", help="versions, tables and sources")
    q.add_argument("--format", choices=["text", "json"], default="text", help="output format (default: text)")
    q = fsub.add_parser("show", help="print one table")
    q.add_argument("table", metavar="TABLE", help="a table name, as `factors list` shows them")
    q.add_argument("--factors", metavar="VERSION", default=None, help="factor version (default: the newest)")
    q.add_argument("--format", choices=["text", "csv", "json"], default="text", help="output format (default: text)")
    q = fsub.add_parser("diff", help="rows added, removed and changed between two versions")
    q.add_argument("old", metavar="V1", help="a shipped version, or a folder in the same format")
    q.add_argument("new", metavar="V2", help="a shipped version, or a folder in the same format")
    q.add_argument("--format", choices=["text", "json"], default="text", help="output format (default: text)")


def _import(sub: argparse._SubParsersAction[Parser]) -> None:
    p = sub.add_parser("import", help="a disclosure from another tool's output (CodeCarbon, BoAmps, DIA)")
    isub = p.add_subparsers(dest="import_format", metavar="FORMAT", parser_class=Parser, required=True)
    q = isub.add_parser(
        "codecarbon",
        parents=[_output(None)],
        help="from CodeCarbon emissions.csv files (any header version, several rows, runs, files or ranks)",
    )
    q.add_argument("paths", nargs="+", metavar="CSV", help="emissions.csv files; several files are parallel ranks")
    q.add_argument("-o", "--output", metavar="FILE", default=None, help="write the disclosure here (default: stdout)")
    q.add_argument(
        "--combine",
        choices=["runs", "last", "sum"],
        default="runs",
        help="several runs: sum and list them (runs, default), keep the last, or sum without listing",
    )
    q.add_argument(
        "--timezone",
        metavar="TZ",
        default=None,
        help="IANA zone of the machine's clock (CodeCarbon's timestamps are local time without a zone)",
    )
    q.add_argument("--model-name", metavar="NAME", default=None, help="model.name of the disclosure")
    q = isub.add_parser(
        "boamps",
        parents=[_output(None)],
        help="from a Boavizta BoAmps report (JSON)",
        description="Read a BoAmps 1.1.0 report into a spec-1.1 disclosure. What the report holds that a disclosure "
        "cannot is kept under x-ftdisclose-import and named in a finding at its line.",
    )
    q.add_argument("path", metavar="FILE", help="the BoAmps report (JSON)")
    q.add_argument("-o", "--output", metavar="FILE", default=None, help="write the disclosure here (default: stdout)")
    q.add_argument("--model-name", metavar="NAME", default=None, help="model.name (default: algorithmName)")
    q.add_argument(
        "--timezone",
        metavar="TZ",
        default=None,
        help="IANA zone of the clock that wrote the report's date-times (BoAmps writes them without a zone)",
    )
    q = isub.add_parser(
        "dia",
        parents=[_output(None)],
        help="from a DIA dia_report block (a model card, or a YAML or JSON file)",
        description="Read a DIA Report v0.1 block into a spec-1.1 disclosure: from a model card's front matter, a "
        "file holding dia_report (as export --to dia writes it), or the block itself.",
    )
    q.add_argument("path", metavar="FILE", help="a model card (.md), or a .yaml, .yml or .json file")
    q.add_argument("-o", "--output", metavar="FILE", default=None, help="write the disclosure here (default: stdout)")
    q.add_argument("--model-name", metavar="NAME", default=None, help="model.name (default: the card's folder)")


def _export(sub: argparse._SubParsersAction[Parser]) -> None:
    from ftdisclose.integrations.boamps_terms import DATA_TYPES

    p = sub.add_parser(
        "export",
        parents=[_output(None), _tables(), _grid()],
        help="the disclosure and its computation as BoAmps, DIA, the EU form extract or the Hub block",
        description="Compute a disclosure and write it in another format: a BoAmps 1.1.0 report (JSON), DIA's "
        "dia_report block (JSON or YAML), the EU AI Act documentation form's energy and compute items (Markdown or "
        "JSON) or the Hub's co2_eq_emissions block (YAML or JSON). Every export is validated against the format's "
        "own schema first; what the format cannot hold is reported on stderr. Exit 0: written; 1: written, with "
        "error findings; 2: nothing written.",
    )
    p.add_argument("path", metavar="FILE", help="a disclosure file or model card")
    p.add_argument("--to", required=True, choices=["boamps", "dia", "eu-form", "hub"], help="the format to write")
    p.add_argument("-o", "--output", metavar="OUT", default=None, help="write here (default: stdout)")
    p.add_argument(
        "--format",
        choices=["json", "markdown", "yaml"],
        default=None,
        help="boamps: json; dia: json (default) or yaml; eu-form: markdown (default) or json; hub: yaml (default) "
        "or json",
    )
    p.add_argument(
        "--task-family",
        metavar="TEXT",
        default=None,
        help="BoAmps' required task.taskFamily, e.g. 'text generation' (default: from the card's pipeline_tag)",
    )
    p.add_argument(
        "--data-type",
        choices=DATA_TYPES,
        default=None,
        help="BoAmps' required dataset dataType (default: from the card's pipeline_tag; token when only tokens are "
        "disclosed)",
    )


@dataclass(frozen=True)
class Args:
    """The parsed command line, each flag typed; a flag the command does not have holds its default."""

    command: str
    factors_command: str = ""  # factors list|show|diff
    import_format: str = ""  # import codecarbon|boamps|dia
    config: Config = field(default_factory=Config)  # [tool.ftdisclose], already settled into the flags below
    # files
    paths: tuple[str, ...] = ()
    path: str = ""
    output: str | None = None
    # output
    format: str | None = None
    color: str = "auto"
    quiet: int = 0
    verbose: int = 0
    # tables, grid, engine
    factors: str | None = None
    factors_overlay: str | None = None
    grid_data: GridMode = "annual"
    grid_basis: Basis = "lifecycle"
    offline: bool = False
    units_engine: str = "fast"
    # batches
    jobs: int = 1
    strict: bool = False
    require: bool = False
    by_content: bool = False
    respect_gitignore: bool = True
    only_carbon_cards: bool = False
    # card
    card: str = ""
    check: bool = False
    embed: bool = False
    svg: str | None = None
    dia: bool = False
    # import and export
    combine: str = "runs"
    timezone: str | None = None
    model_name: str | None = None
    to: str = ""
    task_family: str | None = None
    data_type: str | None = None
    # schema, factors show|diff
    spec_version: str | None = None
    table: str = ""
    old: str = ""
    new: str = ""

    @classmethod
    def of(cls, namespace: argparse.Namespace, config: Config) -> Args:
        """The flags of ``namespace``, as ``settle`` left them, each checked against its type."""
        given = _Given(namespace)
        return cls(
            command=given.text("command"),
            factors_command=given.text("factors_command"),
            import_format=given.text("import_format"),
            config=config,
            paths=given.texts("paths"),
            path=given.text("path"),
            output=given.optional("output"),
            format=given.optional("format"),
            color=given.text("color", "auto"),
            quiet=given.number("quiet", 0),
            verbose=given.number("verbose", 0),
            factors=given.optional("factors"),
            factors_overlay=given.optional("factors_overlay"),
            grid_data=given.choice("grid_data", GRID_MODES),
            grid_basis=given.choice("grid_basis", GRID_BASES),
            offline=given.flag("offline"),
            units_engine=given.text("units_engine", "fast"),
            jobs=given.number("jobs", 1),
            strict=given.flag("strict"),
            require=given.flag("require"),
            by_content=given.flag("by_content"),
            respect_gitignore=given.flag("respect_gitignore", default=True),
            only_carbon_cards=given.flag("only_carbon_cards"),
            card=given.text("card"),
            check=given.flag("check"),
            embed=given.flag("embed"),
            svg=given.optional("svg"),
            dia=given.flag("dia"),
            combine=given.text("combine", "runs"),
            timezone=given.optional("timezone"),
            model_name=given.optional("model_name"),
            to=given.text("to"),
            task_family=given.optional("task_family"),
            data_type=given.optional("data_type"),
            spec_version=given.optional("spec_version"),
            table=given.text("table"),
            old=given.text("old"),
            new=given.text("new"),
        )


class _Given:
    """argparse's namespace, read flag by flag; a value of another type than its parser gives is a bug here."""

    def __init__(self, namespace: argparse.Namespace) -> None:
        self._values: Mapping[str, object] = vars(namespace)

    def text(self, name: str, default: str = "") -> str:
        value = self._values.get(name, default)
        if isinstance(value, str):
            return value
        raise self._wrong(name, value)

    def optional(self, name: str) -> str | None:
        value = self._values.get(name)
        if value is None or isinstance(value, str):
            return value
        raise self._wrong(name, value)

    def flag(self, name: str, *, default: bool = False) -> bool:
        value = self._values.get(name, default)
        if isinstance(value, bool):
            return value
        raise self._wrong(name, value)

    def number(self, name: str, default: int) -> int:
        value = self._values.get(name, default)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise self._wrong(name, value)

    def texts(self, name: str) -> tuple[str, ...]:
        value = self._values.get(name, [])
        items: list[object] = value if isinstance(value, list) else [value]
        texts = tuple(item for item in items if isinstance(item, str))
        if len(texts) == len(items):
            return texts
        raise self._wrong(name, value)

    def choice(self, name: str, choices: tuple[T, ...]) -> T:
        value = self._values.get(name, choices[0])
        for choice in choices:
            if value == choice:
                return choice
        raise self._wrong(name, value)

    @staticmethod
    def _wrong(name: str, value: object) -> TypeError:
        return TypeError(f"the flag {name} holds {value!r}, not a value its parser gives")
