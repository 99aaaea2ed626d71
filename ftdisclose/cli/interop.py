"""The commands that convert to and from other formats: ``export``, ``import boamps|dia``, ``card --dia``.

Findings go to stderr as ``validate`` prints them; the document goes to ``-o`` (written
atomically) or stdout. Exit codes: 0 written, 1 written with error-severity findings,
2 nothing could be written.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ftdisclose.cli.commands import options, use_color, verbosity
from ftdisclose.cli.parser import Args
from ftdisclose.findings import Code, Finding, Severity
from ftdisclose.integrations.codecarbon import ImportResult, dump_yaml
from ftdisclose.io.files import write_atomic
from ftdisclose.output.base import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE
from ftdisclose.output.text import TextReporter
from ftdisclose.output.view import FileReport
from ftdisclose.pipeline import FileResult, Goal, run_file


def _show(findings: list[Finding] | tuple[Finding, ...], name: str, kind: str, args: Args) -> None:
    reporter = TextReporter(
        sys.stderr, command="compute", color=use_color(args.color, sys.stderr), verbosity=verbosity(args)
    )
    reporter.file(FileReport(name, kind, None, tuple(sorted(findings, key=Finding.sort_key))))


def _write(text: str, output: str | None) -> bool:
    """Write to ``output`` atomically (or stdout); False, with a message, when the file cannot be written."""
    if not output:
        sys.stdout.write(text)
        return True
    try:
        write_atomic(output, text.encode("utf-8"))
    except OSError as exc:
        sys.stderr.write(f"ftdisclose: {output}: {exc.strerror or exc}; nothing written\n")
        return False
    return True


def cmd_export(args: Args) -> int:
    from ftdisclose.integrations.exporting import TARGETS, export, render
    from ftdisclose.integrations.interop import Source

    formats = TARGETS[args.to]
    fmt = args.format or formats[0]
    if fmt not in formats:
        sys.stderr.write(f"ftdisclose: --to {args.to} writes {' or '.join(formats)}, not {fmt}\n")
        return EXIT_USAGE
    result = run_file(Path(args.path), options(args), goal=Goal.COMPUTE, display=args.path)
    if result.computation is None or result.disclosure is None:
        _show(result.findings, result.file, result.document.kind, args)
        sys.stderr.write(f"ftdisclose: {args.path} cannot be computed; nothing written\n")
        return EXIT_USAGE
    done = export(Source.of(result), args.to, task_family=args.task_family, data_type=args.data_type)
    findings = [*result.findings, *done.findings]
    _show(findings, result.file, result.document.kind, args)
    if done.document is None:
        sys.stderr.write(f"ftdisclose: nothing written for --to {args.to}\n")
        return EXIT_USAGE
    if not _write(render(args.to, fmt, done.document), args.output):
        return EXIT_USAGE
    return EXIT_FINDINGS if any(f.severity is Severity.ERROR for f in findings) else EXIT_OK


def cmd_import_other(args: Args) -> int:
    """``import boamps`` and ``import dia``."""
    path = Path(args.path)
    if args.import_format == "boamps":
        from ftdisclose.integrations.boamps_import import import_boamps
        from ftdisclose.integrations.interop import time_zone

        try:
            zone = time_zone(args.timezone)
        except ValueError as exc:
            sys.stderr.write(f"ftdisclose: {exc}\n")
            return EXIT_USAGE
        result: ImportResult = import_boamps(path, model_name=args.model_name, timezone=zone)
    else:
        from ftdisclose.integrations.dia_import import import_dia

        result = import_dia(path, model_name=args.model_name)
    _show(result.findings, args.path, "json", args)
    if not result.disclosure:
        sys.stderr.write("ftdisclose: nothing could be imported; no disclosure written\n")
        return EXIT_USAGE
    if not _write(dump_yaml(result.disclosure), args.output):
        return EXIT_USAGE
    unreadable = any(f.code is Code.UNREADABLE for f in result.findings)
    if unreadable:
        return EXIT_USAGE
    return EXIT_FINDINGS if result.errors else EXIT_OK


def with_dia(card: bytes, result: FileResult, args: Args) -> bytes:
    """``card --dia``: the card with the dia_report block of the computation written into its front matter."""
    from ftdisclose.integrations.dia_export import DiaWriteError, export_dia, write_dia
    from ftdisclose.integrations.interop import Source

    done = export_dia(Source.of(result))
    _show([f for f in done.findings if f.severity is Severity.ERROR], result.file, result.document.kind, args)
    if done.document is None:
        raise DiaWriteError("the dia_report block could not be made; see the findings above")
    return write_dia(card, done.document)
