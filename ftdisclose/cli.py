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

from ftdisclose._version import __version__

FORMATS = ["text", "json", "github", "sarif", "markdown"]
EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"ftdisclose: error: {message}\n")
        raise SystemExit(EXIT_USAGE)


def _common(parser: argparse.ArgumentParser, formats: list[str]) -> None:
    parser.add_argument("--format", choices=formats, default="text", help="output format (default: text)")
    parser.add_argument("--color", choices=["auto", "always", "never"], default="auto",
                        help="colour in text output (default: auto; NO_COLOR is respected)")
    parser.add_argument("-q", "--quiet", action="count", default=0, help="less output (errors only)")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more output (notes, valid files)")
    parser.add_argument("--offline", action="store_true", help="never use the network (validate never does)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="ftdisclose", description="Validate, gap-fill and compute fine-tuning carbon "
                     "disclosures and Hugging Face model cards.")
    parser.add_argument("--version", action="version", version=f"ftdisclose {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser("validate", help="check disclosures and model cards: schema, units, consistency",
                       description="Check disclosure files (.yaml, .yml, .json) and model cards (.md front "
                       "matter). Folders are walked.")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders")
    _common(p, FORMATS)
    p.add_argument("--strict", action="store_true", help="exit 1 on warnings too")

    p = sub.add_parser("schema", help="print the JSON Schema of the spec")
    p.add_argument("--spec-version", default=None, help="spec version (default: the latest)")
    return parser


def _use_color(choice: str, stream: object) -> bool:
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def iter_paths(paths: Sequence[str]) -> Iterator[tuple[Path, str]]:
    """Files to validate: named files as given, folders walked in sorted order."""
    from ftdisclose.loader import SUFFIXES

    for raw in paths:
        path = Path(raw)
        if not path.is_dir():
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
    from ftdisclose.report import REPORTERS
    from ftdisclose.validate import validate_path

    verbosity = args.verbose - args.quiet
    reporter = REPORTERS[args.format](sys.stdout, color=_use_color(args.color, sys.stdout), verbosity=verbosity)
    unreadable = False
    for path, display in iter_paths(args.paths):
        result = validate_path(path, display=display)
        unreadable |= any(f.code == "FTD516" for f in result.findings)
        reporter.add(result)
    reporter.finish()
    if unreadable:
        return EXIT_USAGE
    if reporter.errors or (args.strict and reporter.warnings):
        return EXIT_FINDINGS
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    from ftdisclose import schema, spec

    version = args.spec_version or spec.LATEST
    if version not in spec.VERSIONS:
        sys.stderr.write(f"ftdisclose: unknown spec version {version!r}; known: {', '.join(spec.VERSIONS)}\n")
        return EXIT_USAGE
    sys.stdout.write(schema.packaged(version))
    return EXIT_OK


COMMANDS = {"validate": cmd_validate, "schema": cmd_schema}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code) if isinstance(exc.code, int) else EXIT_USAGE
    if args.command is None:
        parser.print_help(sys.stderr)
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
        sys.stderr.write(f"ftdisclose: internal error: {type(exc).__name__}: {exc} "
                         "(please report it; -vv shows details)\n")
        return EXIT_USAGE
