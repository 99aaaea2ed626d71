"""Command line: parse arguments, call a command, return its exit code.

Exit codes: 0 all valid (warnings allowed unless --strict), 1 findings at error
severity, 2 usage error, unreadable input or internal failure. No traceback reaches
the user: an unexpected exception is reported in one line (``-vv`` shows it whole).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from ftdisclose.cli import commands
from ftdisclose.cli.parser import EXIT_USAGE, Args, build_parser
from ftdisclose.io.config import Config, ConfigError, settle
from ftdisclose.io.config import load as load_config

COMMANDS: dict[str, Callable[[Args], int]] = {
    "validate": commands.cmd_validate,
    "compute": commands.cmd_compute,
    "explain": commands.cmd_explain,
    "fill": commands.cmd_fill,
    "pin": commands.cmd_pin,
    "card": commands.cmd_card,
    "factors": commands.cmd_factors,
    "import": commands.cmd_import,
    "export": commands.cmd_export,
    "schema": commands.cmd_schema,
    "init": commands.cmd_init,
}

__all__ = ["COMMANDS", "build_parser", "main"]


def _settle(namespace: argparse.Namespace) -> Args:
    """Options the command line left unset, from pyproject.toml's [tool.ftdisclose] (the command line wins)."""
    given: dict[str, object] = vars(namespace)
    if given.get("no_config", False):
        config = Config()
    else:
        named = given.get("config")
        config = load_config(file=Path(named) if isinstance(named, str) and named else None)
    settle(namespace, config)
    return Args.of(namespace, config)


def main(argv: Sequence[str] | None = None) -> int:
    # The command line runs no pydantic plugins: looking for them reads the metadata of every
    # installed package, about 10 ms of each run. A user who sets the variable keeps their choice.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    parser = build_parser()
    try:
        namespace = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code) if isinstance(exc.code, int) else EXIT_USAGE
    if vars(namespace).get("command") is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        args = _settle(namespace)
    except ConfigError as exc:
        sys.stderr.write(f"ftdisclose: {exc}\n")
        return EXIT_USAGE
    version = args.factors
    if version is not None:
        from ftdisclose.factors import available_versions

        if version not in available_versions():
            shipped = ", ".join(available_versions())
            sys.stderr.write(f"ftdisclose: --factors {version}: no such factor version; shipped: {shipped}\n")
            return EXIT_USAGE
    try:
        return COMMANDS[args.command](args)
    except KeyboardInterrupt:
        sys.stderr.write("ftdisclose: interrupted\n")
        return 130
    except BrokenPipeError:
        return 0
    except OSError as exc:  # a file or folder the user named cannot be read or written: their mistake, not ours
        filename: object = exc.filename
        name = Path(str(filename)) if filename else None
        if name is not None and name.name.startswith(".") and name.suffix == ".tmp":  # an atomic write's temp file
            where = f"{name.parent}: cannot write a file there: "
        else:
            where = f"{filename}: " if filename else ""
        sys.stderr.write(f"ftdisclose: {where}{exc.strerror or exc}\n")
        return EXIT_USAGE
    except Exception as exc:  # noqa: BLE001 - the one place that turns any failure into exit 2
        if args.verbose >= 2:
            import traceback

            traceback.print_exc()
        sys.stderr.write(
            f"ftdisclose: internal error: {type(exc).__name__}: {exc} (please report it; -vv shows details)\n"
        )
        return EXIT_USAGE
