"""Command line: parse arguments, call the stages, return an exit code.

Exit codes: 0 all valid (warnings allowed unless --strict), 1 findings at error
severity, 2 usage error, unreadable input or internal failure. No traceback reaches
the user: an unexpected exception is reported in one line (``-v`` shows it whole).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ftdisclose._version import __version__
from ftdisclose.findings import Code

if TYPE_CHECKING:
    from ftdisclose.engine.compute import Computation
    from ftdisclose.pipeline import FileComputation

FORMATS = ["text", "json", "github", "sarif", "markdown"]
EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"ftdisclose: error: {message}\n")
        raise SystemExit(EXIT_USAGE)


def _common(parser: argparse.ArgumentParser, formats: list[str]) -> None:
    parser.add_argument("--format", choices=formats, default="text", help="output format (default: text)")
    parser.add_argument(
        "--color",
        choices=["auto", "always", "never"],
        default="auto",
        help="colour in text output (default: auto; NO_COLOR is respected)",
    )
    parser.add_argument("-q", "--quiet", action="count", default=0, help="less output (errors only)")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more output (notes, valid files)")
    parser.add_argument("--offline", action="store_true", help="never use the network (validate never does)")
    parser.add_argument(
        "-j",
        "--jobs",
        type=int,
        default=1,
        metavar="N",
        help="work on files in N processes (0: one per CPU); output keeps the given order",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="ftdisclose",
        description="Validate, gap-fill and compute fine-tuning carbon disclosures and Hugging Face model cards.",
    )
    parser.add_argument("--version", action="version", version=f"ftdisclose {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser(
        "validate",
        help="check disclosures and model cards: schema, units, consistency",
        description="Check disclosure files (.yaml, .yml, .json) and model cards (.md front "
        "matter). Folders are walked.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders")
    _common(p, FORMATS)
    p.add_argument("--strict", action="store_true", help="exit 1 on warnings too")
    p.add_argument(
        "--factors",
        metavar="VERSION",
        default=None,
        help="factor-table version for the checks that use the tables (default: the disclosure's "
        "factors_version, else the newest)",
    )
    p.add_argument(
        "--only-carbon-cards",
        action="store_true",
        help="skip Markdown files whose front matter has neither carbon_disclosure nor co2_eq_emissions "
        "(as when walking folders); for hooks that see every README.md",
    )

    p = sub.add_parser(
        "compute",
        help="gap-fill, then energy, carbon, water and amortisation, with ranges",
        description="Fill every gap from the factor tables, then compute energy, operational and "
        "embodied emissions, water and the amortised share per inference, each with a range.",
    )
    p.add_argument(
        "paths",
        nargs="+",
        metavar="FILE",
        help="disclosure files or model cards (with --format json: one object for one file, an array "
        "of objects, one a line, for several)",
    )
    _common(p, ["text", "json", "markdown"])
    _factor_flags(p)
    p.add_argument("--strict", action="store_true", help="exit 1 on warnings too")
    p.add_argument(
        "--units-engine",
        choices=["fast", "pint"],
        default="fast",
        help="the quantity type the formulas run on: ftdisclose's unit-checked fast type (default) or "
        "pint's own Quantity; both use the same registry and agree",
    )

    p = sub.add_parser("explain", help="how every output and every filled input was reached")
    p.add_argument("path", metavar="FILE", help="a disclosure file or model card")
    _common(p, ["text", "json"])
    _factor_flags(p)

    p = sub.add_parser("fill", help="print the disclosure with every gap filled, marked with its origin")
    p.add_argument("path", metavar="FILE", help="a disclosure file or model card")
    _common(p, ["text"])
    _factor_flags(p)

    p = sub.add_parser(
        "pin",
        help="fetch the run window's hourly grid intensity and write it into the file",
        description="Fetch the grid's hourly carbon intensity over the run window and write its "
        "average into operational.carbon_intensity and carbon_intensity_source, changing nothing "
        "else in the file, so that CI recomputes offline and reproducibly.",
    )
    p.add_argument("path", metavar="FILE", help="a YAML disclosure or a model card")
    p.add_argument("--offline", action="store_true", help="use only the cache, never the network")
    p.add_argument("--factors", metavar="VERSION", default=None, help="factor-table version for the annual fallback")
    p.add_argument("--color", choices=["auto", "always", "never"], default="auto", help="colour in findings")
    p.add_argument("-q", "--quiet", action="count", default=0, help="less output (errors only)")
    p.add_argument("-v", "--verbose", action="count", default=0, help="more output")

    p = sub.add_parser(
        "card",
        help="write co2_eq_emissions and an Environmental impact section into a model card",
        description="Compute a disclosure and write the card's co2_eq_emissions (grams) and an "
        "'Environmental impact' section between markers; every other byte of the card stays.",
    )
    p.add_argument("path", metavar="DISCLOSURE", help="the disclosure (a file, or the card itself)")
    p.add_argument("--card", required=True, metavar="README.md", help="the model card to write into")
    p.add_argument("--check", action="store_true", help="write nothing; exit 1 if the card is not up to date")
    p.add_argument(
        "--embed",
        action="store_true",
        help="also write the disclosure into the card's carbon_disclosure, so the card carries what its "
        "figures come from and validate can check them",
    )
    _factor_flags(p)
    p.add_argument("--offline", action="store_true", help="never use the network")
    p.add_argument("--color", choices=["auto", "always", "never"], default="auto", help="colour in findings")
    p.add_argument("-q", "--quiet", action="count", default=0, help="less output (errors only)")
    p.add_argument("-v", "--verbose", action="count", default=0, help="more output")

    p = sub.add_parser("factors", help="the shipped factor tables, their versions, sources and licences")
    fsub = p.add_subparsers(dest="factors_command", metavar="ACTION", parser_class=_Parser, required=True)
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

    p = sub.add_parser("import", help="a disclosure from another tool's output (CodeCarbon)")
    isub = p.add_subparsers(dest="import_format", metavar="FORMAT", parser_class=_Parser, required=True)
    q = isub.add_parser(
        "codecarbon",
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
    q.add_argument("--color", choices=["auto", "always", "never"], default="auto", help="colour in findings")
    q.add_argument("-q", "--quiet", action="count", default=0, help="less output (errors only)")
    q.add_argument("-v", "--verbose", action="count", default=0, help="more output")

    p = sub.add_parser("schema", help="print the JSON Schema of the spec")
    p.add_argument("--spec-version", default=None, help="spec version (default: the latest)")

    sub.add_parser("init", help="print a commented disclosure template to fill in")
    return parser


def _factor_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--grid-data",
        choices=["annual", "hourly"],
        default="annual",
        help="grid carbon intensity when the disclosure gives none: the annual factor table "
        "(default; never fetches), or the run window's hourly values from a grid-data service",
    )
    parser.add_argument(
        "--factors",
        metavar="VERSION",
        default=None,
        help="factor-table version (default: the disclosure's factors_version, else the newest)",
    )
    parser.add_argument(
        "--factors-overlay",
        metavar="FILE",
        default=None,
        help="private factor rows (a <table>.csv file or a folder of them), shown as an overlay",
    )


def _use_color(choice: str, stream: object) -> bool:
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def iter_paths(paths: Sequence[str], *, only_carbon_cards: bool = False) -> Iterator[tuple[Path, str]]:
    """Files to validate: named files as given, folders walked in sorted order."""
    from ftdisclose.io.loader import SUFFIXES

    for raw in paths:
        path = Path(raw)
        if not path.is_dir():
            if not (
                only_carbon_cards and path.suffix.lower() == ".md" and path.is_file() and not _looks_like_card(path)
            ):
                yield path, raw
            continue
        for child in sorted(path.rglob("*")):
            rel = child.relative_to(path)
            if any(part.startswith(".") for part in rel.parts) or not child.is_file():
                continue
            suffix = child.suffix.lower()
            if suffix not in SUFFIXES or (suffix == ".md" and not _looks_like_card(child)):
                continue
            yield child, str(child)


def _looks_like_card(path: Path) -> bool:
    """A Markdown file found by walking counts when its front matter speaks of carbon."""
    try:
        with path.open("rb") as fh:
            head = fh.read(64 * 1024)
    except OSError:
        return True
    head = head.removeprefix(b"\xef\xbb\xbf")
    if not head.startswith(b"---"):
        return False
    return b"carbon_disclosure" in head or b"co2_eq_emissions" in head


def cmd_validate(args: argparse.Namespace) -> int:
    from ftdisclose.cli.batch import Job, run_many, validate_job, workers
    from ftdisclose.output.validation import REPORTERS

    verbosity = args.verbose - args.quiet
    reporter = REPORTERS[args.format](sys.stdout, color=_use_color(args.color, sys.stdout), verbosity=verbosity)
    unreadable = False
    jobs = (
        Job(str(path), display, {"factors": args.factors})
        for path, display in iter_paths(args.paths, only_carbon_cards=args.only_carbon_cards)
    )
    for result in run_many(validate_job, jobs, workers(args.jobs), "validating"):
        unreadable |= any(f.code == Code.UNREADABLE for f in result.findings)
        reporter.add(result)
    reporter.finish()
    if unreadable:
        return EXIT_USAGE
    if reporter.errors or (args.strict and reporter.warnings):
        return EXIT_FINDINGS
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    from ftdisclose import spec
    from ftdisclose.spec import schema

    version = args.spec_version or spec.LATEST
    if version not in spec.VERSIONS:
        sys.stderr.write(f"ftdisclose: unknown spec version {version!r}; known: {', '.join(spec.VERSIONS)}\n")
        return EXIT_USAGE
    sys.stdout.write(schema.packaged(version))
    return EXIT_OK


def _computations(args: argparse.Namespace, paths: Sequence[str]) -> Iterator[FileComputation]:
    from ftdisclose.pipeline import compute_path
    from ftdisclose.resolve import GridOptions

    for path, display in iter_paths(paths):
        yield compute_path(
            path,
            display=display,
            factors_version=args.factors,
            overlay=args.factors_overlay,
            backend=getattr(args, "units_engine", "fast"),
            grid=GridOptions(args.grid_data, args.offline),
        )


def _print_findings(results: list[FileComputation], args: argparse.Namespace) -> None:
    from ftdisclose.output.validation import TextReporter

    reporter = TextReporter(sys.stderr, color=_use_color(args.color, sys.stderr), verbosity=args.verbose - args.quiet)
    for item in results:
        validation = item.validation
        validation.findings = item.findings
        reporter.render(validation)


def cmd_compute(args: argparse.Namespace) -> int:
    from ftdisclose.cli.batch import Job, compute_job, run_many, workers
    from ftdisclose.output import computation as rc
    from ftdisclose.output.validation import TextReporter

    options = {
        "format": args.format,
        "color": _use_color(args.color, sys.stdout),
        "factors": args.factors,
        "overlay": args.factors_overlay,
        "backend": args.units_engine,
        "grid_data": args.grid_data,
        "offline": args.offline,
        "verbosity": args.verbose - args.quiet,
    }
    problems = TextReporter(sys.stderr, color=_use_color(args.color, sys.stderr), verbosity=args.verbose - args.quiet)
    failed = warned = unreadable = False
    stream = rc.JsonStream(sys.stdout) if args.format == "json" else None
    jobs = (Job(str(path), display, options) for path, display in iter_paths(args.paths))
    for outcome in run_many(compute_job, jobs, workers(args.jobs), "computing"):
        failed |= outcome.failed
        warned |= outcome.warned
        unreadable |= outcome.unreadable
        if stream is not None and outcome.document is not None:
            stream.add(outcome.document)
        elif outcome.rendered:
            sys.stdout.write(outcome.rendered)
        if outcome.problems is not None and stream is None:
            problems.render(outcome.problems)
    if stream is not None:
        stream.close()
    if unreadable:
        return EXIT_USAGE
    return EXIT_FINDINGS if failed or (args.strict and warned) else EXIT_OK


def _single(args: argparse.Namespace) -> tuple[FileComputation, Computation] | None:
    (item,) = list(_computations(args, [args.path]))
    if item.computation is None:
        _print_findings([item], args)
        return None
    return item, item.computation


def cmd_explain(args: argparse.Namespace) -> int:
    import json

    from ftdisclose.output.explain import explain_dict, explain_text

    single = _single(args)
    if single is None:
        return EXIT_FINDINGS
    item, comp = single
    file = item.file
    if args.format == "json":
        json.dump(explain_dict(comp, file=file), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(explain_text(comp, file=file))
    return EXIT_OK


def cmd_fill(args: argparse.Namespace) -> int:
    from ftdisclose.output.fill import fill_yaml

    single = _single(args)
    if single is None:
        return EXIT_FINDINGS
    item, comp = single
    sys.stdout.write(fill_yaml(item.validation.document.data, comp, file=item.file))
    return EXIT_OK


def cmd_pin(args: argparse.Namespace) -> int:
    from ftdisclose.integrations.pin import PinError, pin_bytes
    from ftdisclose.io.files import write_atomic
    from ftdisclose.pipeline import compute_path
    from ftdisclose.resolve import GridOptions

    path = Path(args.path)
    item = compute_path(path, display=args.path, factors_version=args.factors, grid=GridOptions("hourly", args.offline))
    if item.computation is None or item.errors:
        _print_findings([item], args)
        return EXIT_USAGE if any(f.code == Code.UNREADABLE for f in item.findings) else EXIT_FINDINGS
    intensity = item.computation.inputs.get("operational.carbon_intensity")
    if intensity is not None and intensity.origin == "disclosed":
        sys.stdout.write(
            f"{args.path}: operational.carbon_intensity is already disclosed "
            f"({intensity.value:g} gCO2e/kWh); nothing to pin\n"
        )
        return EXIT_OK
    if intensity is None or intensity.origin != "fetched":
        _print_findings([item], args)
        sys.stderr.write(f"ftdisclose: no hourly intensity could be fetched for {args.path}; nothing written\n")
        return EXIT_FINDINGS
    try:
        new = pin_bytes(path.read_bytes(), item.validation.document.kind, float(intensity.value), intensity.detail)
    except (PinError, UnicodeDecodeError) as exc:
        sys.stderr.write(f"ftdisclose: {args.path}: {exc}\n")
        return EXIT_USAGE
    write_atomic(path, new)
    sys.stdout.write(
        f"{args.path}: pinned operational.carbon_intensity = {float(intensity.value):.4g} gCO2e/kWh "
        f"({intensity.detail})\n"
    )
    return EXIT_OK


def cmd_card(args: argparse.Namespace) -> int:
    from ftdisclose.integrations.card import CardError, hardware_label, location_label, write_card
    from ftdisclose.io.files import write_atomic
    from ftdisclose.pipeline import compute_path
    from ftdisclose.resolve import GridOptions

    item = compute_path(
        Path(args.path),
        display=args.path,
        factors_version=args.factors,
        overlay=args.factors_overlay,
        grid=GridOptions(args.grid_data, args.offline),
    )
    if item.computation is None or item.errors:  # never write figures from an incomplete computation
        _print_findings([item], args)
        return EXIT_USAGE if any(f.code == Code.UNREADABLE for f in item.findings) else EXIT_FINDINGS
    comp = item.computation
    card = Path(args.card)
    try:
        old = card.read_bytes() if card.exists() else b""
        # the disclosure named relative to the card, so that the text is the same from any folder
        named = os.path.relpath(Path(args.path).resolve(), card.resolve().parent)
        same = card.exists() and card.resolve() == Path(args.path).resolve()
        embed = item.validation.document.data if args.embed and not same else None
        new = write_card(
            old,
            comp,
            disclosure_file=Path(named).as_posix(),
            hardware=hardware_label(comp.inputs, comp.resolution.factors),
            location=location_label(comp.inputs, comp.resolution.factors),
            embed=embed,
        )
    except (CardError, OSError) as exc:
        sys.stderr.write(f"ftdisclose: {args.card}: {exc}\n")
        return EXIT_USAGE
    if args.check:
        if new != old:
            sys.stdout.write(f"{args.card}: not up to date; run ftdisclose card {args.path} --card {args.card}\n")
            return EXIT_FINDINGS
        sys.stdout.write(f"{args.card}: up to date\n")
        return EXIT_OK
    if new != old:
        write_atomic(card, new)
    sys.stdout.write(f"{args.card}: {'written' if new != old else 'already up to date'}\n")
    return EXIT_OK


def cmd_factors(args: argparse.Namespace) -> int:
    from ftdisclose.cli import factors

    return factors.run(args)


def cmd_import(args: argparse.Namespace) -> int:
    from ftdisclose.integrations.codecarbon import dump_yaml, import_codecarbon
    from ftdisclose.io.files import write_atomic
    from ftdisclose.io.loader import Document
    from ftdisclose.output.validation import TextReporter
    from ftdisclose.spec.validate import ValidationResult

    try:
        result = import_codecarbon(
            [Path(p) for p in args.paths], combine=args.combine, timezone=args.timezone, model_name=args.model_name
        )
    except ValueError as exc:
        sys.stderr.write(f"ftdisclose: {exc}\n")
        return EXIT_USAGE
    reporter = TextReporter(sys.stderr, color=_use_color(args.color, sys.stderr), verbosity=args.verbose - args.quiet)
    reporter.render(ValidationResult(Document("import", "csv"), result.findings))
    if "operational" not in result.disclosure:  # nothing was read: write no empty disclosure
        sys.stderr.write("ftdisclose: nothing could be imported; no disclosure written\n")
        return EXIT_USAGE if any(f.code == Code.UNREADABLE for f in result.findings) else EXIT_FINDINGS
    text = dump_yaml(result.disclosure)
    if args.output:
        write_atomic(args.output, text.encode("utf-8"))
    else:
        sys.stdout.write(text)
    if any(f.code == Code.UNREADABLE for f in result.findings):
        return EXIT_USAGE
    return EXIT_FINDINGS if result.errors else EXIT_OK


def cmd_init(args: argparse.Namespace) -> int:
    from ftdisclose.resources import data_root

    del args
    sys.stdout.write(data_root("schema").joinpath("template.yaml").read_text(encoding="utf-8"))
    return EXIT_OK


COMMANDS = {
    "validate": cmd_validate,
    "compute": cmd_compute,
    "explain": cmd_explain,
    "fill": cmd_fill,
    "pin": cmd_pin,
    "card": cmd_card,
    "factors": cmd_factors,
    "import": cmd_import,
    "schema": cmd_schema,
    "init": cmd_init,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code) if isinstance(exc.code, int) else EXIT_USAGE
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    version = getattr(args, "factors", None)
    if version is not None:
        from ftdisclose.factors import available_versions

        if version not in available_versions():
            sys.stderr.write(
                f"ftdisclose: --factors {version}: no such factor version; shipped: {', '.join(available_versions())}\n"
            )
            return EXIT_USAGE
    try:
        return COMMANDS[args.command](args)
    except KeyboardInterrupt:
        sys.stderr.write("ftdisclose: interrupted\n")
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # noqa: BLE001 - the one place that turns any failure into exit 2
        if getattr(args, "verbose", 0) >= 2:
            import traceback

            traceback.print_exc()
        sys.stderr.write(
            f"ftdisclose: internal error: {type(exc).__name__}: {exc} (please report it; -vv shows details)\n"
        )
        return EXIT_USAGE
