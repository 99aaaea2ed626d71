"""The commands: each turns parsed arguments into pipeline options, runs, reports, and returns an exit code."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import IO

from ftdisclose.cli.batch import Job, deliver, failed, failed_report, run_job, run_many, workers
from ftdisclose.cli.parser import Args
from ftdisclose.findings import Code, Where, make
from ftdisclose.io.discover import discover
from ftdisclose.io.loader import Document
from ftdisclose.output import REPORTERS
from ftdisclose.output.base import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, Command, Reporter
from ftdisclose.output.text import TextReporter
from ftdisclose.output.view import FileReport, report_of
from ftdisclose.pipeline import FileResult, Goal, Options, run_file
from ftdisclose.resolve import GridOptions
from ftdisclose.spec.inputs import Name, Origin


def use_color(choice: str, stream: IO[str]) -> bool:
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def verbosity(args: Args) -> int:
    return args.verbose - args.quiet


def options(args: Args) -> Options:
    """Pipeline options from whichever of the shared flags the command has."""
    return Options(
        factors_version=args.factors,
        overlay=args.factors_overlay,
        grid=GridOptions(args.grid_data, args.offline, args.grid_basis),
        engine=args.units_engine,
    )


def reporter(args: Args, command: Command, stream: IO[str] | None = None) -> Reporter:
    out = stream or sys.stdout
    cls = REPORTERS[args.format or "text"]
    return cls(out, command=command, color=use_color(args.color, out), verbosity=verbosity(args))


def _batch(args: Args, command: Command, goal: Goal, *, only_carbon_cards: bool = False) -> int:
    report = reporter(args, command)
    opts = options(args)
    found = discover(
        args.paths,
        args.config.with_gitignore(args.respect_gitignore),
        only_carbon_cards=only_carbon_cards,
        by_content=args.by_content,
    )
    report.skip(found.skipped)
    for display, why in found.unreadable:
        report.file(FileReport(display, "unknown", None, (make(Code.UNREADABLE, why, Where(display)),)))
    jobs = [Job(str(path), display, opts, goal, command == "compute") for path, display in found.files]
    label = "validating" if command == "validate" else "computing"
    worst = EXIT_OK
    for job, item in zip(jobs, run_many(run_job, jobs, workers(args.jobs), label, failed_report), strict=True):
        if failed(deliver(report, item, job)):
            worst = EXIT_USAGE
    report.finish()
    code = max(worst, report.summary.exit_code(strict=args.strict, require=args.require))
    if args.require and not report.summary.files:
        sys.stderr.write("ftdisclose: --require: no disclosure or model card with carbon metadata was found\n")
    return code


def cmd_validate(args: Args) -> int:
    return _batch(args, "validate", Goal.VALIDATE, only_carbon_cards=args.only_carbon_cards)


def cmd_compute(args: Args) -> int:
    return _batch(args, "compute", Goal.COMPUTE)


def show_findings(result: FileResult, args: Args) -> None:
    """A file's findings on stderr, as validate prints them."""
    text = TextReporter(
        sys.stderr, command="compute", color=use_color(args.color, sys.stderr), verbosity=verbosity(args)
    )
    text.file(report_of(result, with_figures=False))


def output_problem(path: Path, *, create: bool = True) -> str | None:
    """Why ``path`` cannot be written as a file (None when it can); missing parent folders are created."""
    if path.is_dir():
        return f"{path}: is a folder, not a file; name a file to write"
    parent = path.parent
    blocker = next((p for p in (parent, *parent.parents) if p.exists() and not p.is_dir()), None)
    if blocker is not None:
        return f"{path}: {blocker} is a file, not a folder"
    if not parent.exists() and create:
        try:
            parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            return f"{path}: the folder {parent} cannot be created ({exc.strerror or exc})"
    if parent.exists() and not os.access(parent, os.W_OK):
        return f"{path}: the folder {parent} is read-only"
    return None


def _single(args: Args, options_: Options | None = None) -> tuple[FileResult, int]:
    """Run one file; on failure its findings are shown and the exit code is returned beside it."""
    if Path(args.path).is_dir():
        sys.stderr.write(f"ftdisclose: {args.path}: is a folder; {args.command} reads one file\n")
        return FileResult(Document(args.path, "unknown"), ()), EXIT_USAGE
    result = run_file(Path(args.path), options_ or options(args), display=args.path)
    if result.computation is None or result.errors:
        show_findings(result, args)
        return result, EXIT_USAGE if result.unreadable else EXIT_FINDINGS
    return result, EXIT_OK


def cmd_explain(args: Args) -> int:
    from ftdisclose.output.explain import explain_dict, explain_text

    result, code = _single(args)
    if result.computation is None:
        return code
    if args.format == "json":
        json.dump(explain_dict(result.computation, file=result.file), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(explain_text(result.computation, file=result.file))
    return code


def cmd_fill(args: Args) -> int:
    from ftdisclose.output.fill import fill_yaml

    result, code = _single(args)
    if result.computation is None:
        return code
    sys.stdout.write(fill_yaml(result.document.data, result.computation, file=result.file))
    return code


def refused_write(path: str, writes: str, *, check_only: bool = False) -> bool:
    """True (with the reason on stderr) when ``path`` cannot take what the command writes: a usage error."""
    from ftdisclose.io.files import WriteError, check_kind, check_writable

    try:
        check_kind(path, writes)
    except WriteError as exc:
        sys.stderr.write(f"ftdisclose: {exc}\n")
        return True
    problem = output_problem(Path(path), create=not check_only)  # creates missing folders
    if problem is None and not check_only:
        try:
            check_writable(path)
        except WriteError as exc:
            problem = f"{path}: {exc}"
    if problem is not None:
        sys.stderr.write(f"ftdisclose: {problem}\n")
    return problem is not None


def cmd_pin(args: Args) -> int:
    from ftdisclose.integrations.pin import PinError, pin_bytes
    from ftdisclose.io.files import ReadRefusedError, read_regular, write_atomic

    path = Path(args.path)
    if path.exists() and refused_write(args.path, "card" if path.suffix.lower() == ".md" else "disclosure"):
        return EXIT_USAGE
    result, code = _single(args, Options(factors_version=args.factors, grid=GridOptions("hourly", args.offline)))
    if result.computation is None or code:
        return code
    intensity = result.computation.inputs.get(Name.CARBON_INTENSITY)
    if intensity is not None and intensity.origin is Origin.DISCLOSED:
        sys.stdout.write(
            ""
            if args.quiet
            else (
                f"{args.path}: operational.carbon_intensity is already disclosed "
                f"({intensity.number:g} gCO2e/kWh); nothing to pin\n"
            )
        )
        return EXIT_OK
    if intensity is None or intensity.origin is not Origin.FETCHED:
        show_findings(result, args)
        sys.stderr.write(f"ftdisclose: no hourly intensity could be fetched for {args.path}; nothing written\n")
        return EXIT_FINDINGS
    try:
        new = pin_bytes(read_regular(path), result.document.kind, intensity.number, intensity.detail)
        write_atomic(path, new)
    except (PinError, UnicodeDecodeError, ReadRefusedError, OSError) as exc:
        sys.stderr.write(f"ftdisclose: {args.path}: {exc}\n")
        return EXIT_USAGE
    sys.stdout.write(
        ""
        if args.quiet
        else f"{args.path}: pinned operational.carbon_intensity = {intensity.number:.4g} gCO2e/kWh "
        f"({intensity.detail})\n"
    )
    return EXIT_OK


def cmd_card(args: Args) -> int:
    from ftdisclose.integrations.card import same_but_names

    if refused_write(args.card, "card", check_only=args.check):
        return EXIT_USAGE
    result, code = _single(args)
    if result.computation is None or code:  # never write figures from an incomplete computation
        return code
    card = Path(args.card)
    svg = card.parent / args.svg if args.svg else None
    problem = next(filter(None, (output_problem(p, create=not args.check) for p in (card, svg) if p)), None)
    if problem is not None:
        sys.stderr.write(f"ftdisclose: {problem}\n")
        return EXIT_USAGE
    texts = _card_texts(args, result, card, svg)
    if texts is None:
        return EXIT_USAGE
    old, new, old_chart, chart = texts
    if args.check:
        if not (same_but_names(old, new) and chart == old_chart):
            sys.stdout.write(f"{args.card}: not up to date; run ftdisclose card {args.path} --card {args.card}\n")
            return EXIT_FINDINGS
        if args.quiet < 1:
            sys.stdout.write(f"{args.card}: up to date\n")
        return EXIT_OK
    writes = [(card, new)] if new != old else []
    writes += [(svg, chart)] if svg is not None and chart != old_chart else []
    if not _write_all(writes):
        return EXIT_USAGE
    if args.quiet < 1:
        sys.stdout.write(f"{args.card}: {'written' if new != old else 'already up to date'}\n")
    return EXIT_OK


def _card_texts(
    args: Args, result: FileResult, card: Path, svg: Path | None
) -> tuple[bytes, bytes, bytes, bytes] | None:
    """The card and chart as they are and as ``card`` writes them; None (reason on stderr) when they cannot be."""
    from ftdisclose.integrations.card import CardError, hardware_label, location_label, public_disclosure, write_card
    from ftdisclose.integrations.dia_export import DiaWriteError
    from ftdisclose.io.files import ReadRefusedError, read_regular
    from ftdisclose.output.html import charts_document

    comp = result.computation
    assert comp is not None
    try:
        old = read_regular(card) if card.exists() else b""
        # the disclosure named relative to the card, so that the text is the same from any folder
        named = os.path.relpath(Path(args.path).resolve(), card.resolve().parent)
        same = card.exists() and card.resolve() == Path(args.path).resolve()
        embed, dropped = public_disclosure(result.document.data) if args.embed and not same else (None, [])
        if dropped and args.quiet < 1:
            sys.stderr.write(f"ftdisclose: left out of the card (they stay in the disclosure): {', '.join(dropped)}\n")
        factors = comp.resolution.factors
        new = write_card(
            old,
            comp,
            disclosure_file=Path(named).as_posix(),
            hardware=hardware_label(comp.inputs, factors),
            location=location_label(comp.inputs, factors),
            embed=embed,
            chart=Path(os.path.relpath(svg, card.parent)).as_posix() if svg is not None else None,
        )
        if args.dia:
            from ftdisclose.cli.interop import with_dia

            new = with_dia(new, result, args)
        chart = charts_document(comp.results).encode("utf-8") if svg is not None else b""
        old_chart = read_regular(svg) if svg is not None and svg.is_file() else b""
    except (CardError, DiaWriteError, OSError, ReadRefusedError) as exc:
        sys.stderr.write(f"ftdisclose: {args.card}: {exc}\n")
        return None
    return old, new, old_chart, chart


def _write_all(writes: list[tuple[Path, bytes]]) -> bool:
    """Write each file in turn; False (with the reason on stderr) at the first that cannot be written."""
    from ftdisclose.io.files import write_atomic

    for path, data in writes:
        try:
            write_atomic(path, data)
        except OSError as exc:
            sys.stderr.write(f"ftdisclose: {path}: {exc}\n")
            return False
    return True


def cmd_import(args: Args) -> int:
    if args.import_format != "codecarbon":
        from ftdisclose.cli.interop import cmd_import_other

        return cmd_import_other(args)
    from ftdisclose.integrations.codecarbon import dump_yaml, import_codecarbon
    from ftdisclose.io.files import write_atomic

    if args.output and refused_write(args.output, "disclosure"):
        return EXIT_USAGE
    try:
        result = import_codecarbon(
            [Path(p) for p in args.paths], combine=args.combine, timezone=args.timezone, model_name=args.model_name
        )
    except ValueError as exc:
        sys.stderr.write(f"ftdisclose: {exc}\n")
        return EXIT_USAGE
    text_reporter = TextReporter(
        sys.stderr, command="compute", color=use_color(args.color, sys.stderr), verbosity=verbosity(args)
    )
    text_reporter.file(FileReport("import", "csv", None, tuple(result.findings)))
    unreadable = any(f.code is Code.UNREADABLE for f in result.findings)
    if "operational" not in result.disclosure:  # nothing was read: write no empty disclosure
        sys.stderr.write("ftdisclose: nothing could be imported; no disclosure written\n")
        return EXIT_USAGE if unreadable else EXIT_FINDINGS
    text = dump_yaml(result.disclosure)
    if args.output:
        problem = output_problem(Path(args.output))
        if problem is not None:
            sys.stderr.write(f"ftdisclose: {problem}\n")
            return EXIT_USAGE
        try:
            write_atomic(args.output, text.encode("utf-8"))
        except OSError as exc:
            sys.stderr.write(f"ftdisclose: {args.output}: {exc}\n")
            return EXIT_USAGE
    else:
        sys.stdout.write(text)
    if unreadable:
        return EXIT_USAGE
    return EXIT_FINDINGS if result.errors else EXIT_OK


def cmd_schema(args: Args) -> int:
    from ftdisclose import spec
    from ftdisclose.spec import schema

    version = args.spec_version or spec.LATEST
    if version not in spec.VERSIONS:
        sys.stderr.write(f"ftdisclose: unknown spec version {version!r}; known: {', '.join(spec.VERSIONS)}\n")
        return EXIT_USAGE
    sys.stdout.write(schema.packaged(version))
    return EXIT_OK


def cmd_init(args: Args) -> int:
    from ftdisclose.resources import data_root

    del args
    sys.stdout.write(data_root("schema").joinpath("template.yaml").read_text(encoding="utf-8"))
    return EXIT_OK


def cmd_export(args: Args) -> int:
    from ftdisclose.cli.interop import cmd_export as export

    return export(args)


def cmd_factors(args: Args) -> int:
    from ftdisclose.cli import factors

    return factors.run(args)
