"""Defaults for the command line from ``[tool.ftdisclose]`` in ``pyproject.toml``, as ruff and mypy read theirs.

The nearest ``pyproject.toml`` at or above the working folder that has a
``[tool.ftdisclose]`` table is used (``--config FILE`` names one, ``--no-config`` uses
none). The command line wins over the file. Keys::

    [tool.ftdisclose]
    include = ["disclosures/*.yaml"]   # globs: always disclosures, whatever their content
    exclude = ["tests/fixtures/**"]    # globs: never looked at in folder walks
    strict = true                      # as --strict
    factors = "2026.1"                 # as --factors
    format = "github"                  # as --format, for validate and compute
    respect-gitignore = true           # skip what .gitignore ignores in folder walks

Globs are relative to the folder of the ``pyproject.toml`` and follow ``.gitignore``
rules (``ftdisclose.io.ignore``). A mistake in the table is a usage error (exit 2) that
names the key, never a silent default.
"""

from __future__ import annotations

import argparse
import difflib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from ftdisclose.io.ignore import Pattern, compile_pattern

__all__ = ["KEYS", "Config", "ConfigError", "find", "load", "parse"]

FILENAME = "pyproject.toml"
KEYS = ("include", "exclude", "strict", "factors", "format", "respect-gitignore")


class ConfigError(ValueError):
    """The configuration cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class Config:
    """What ``[tool.ftdisclose]`` says; None where it says nothing."""

    file: Path | None = None
    include: tuple[Pattern, ...] = ()
    exclude: tuple[Pattern, ...] = ()
    strict: bool | None = None
    factors: str | None = None
    format: str | None = None
    respect_gitignore: bool = True

    @property
    def root(self) -> Path | None:
        """The folder the globs are relative to."""
        return self.file.parent if self.file is not None else None

    def with_gitignore(self, respect: bool) -> Config:
        return replace(self, respect_gitignore=respect)


def find(start: Path) -> Path | None:
    """The nearest pyproject.toml at or above ``start`` with a [tool.ftdisclose] table."""
    for folder in (start, *start.parents):
        candidate = folder / FILENAME
        try:
            text = candidate.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if "ftdisclose" in text and _table(_toml(text, candidate), candidate) is not None:
            return candidate
    return None


def load(start: Path | None = None, file: Path | None = None) -> Config:
    """The configuration for a command run from ``start`` (default: the working folder), or from ``file``."""
    if file is None:
        file = find((start or Path.cwd()).resolve())
        if file is None:
            return Config()
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{file}: no such file") from None
    except IsADirectoryError:
        raise ConfigError(f"{file}: is a folder, not a pyproject.toml") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{file}: cannot be read ({exc})") from None
    table = _table(_toml(text, file), file)
    return parse(table or {}, file.resolve())


def _toml(text: str, file: Path) -> dict[str, object]:
    import tomllib  # read only where a pyproject.toml is found: a plain run does not pay for it

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{file}: not valid TOML ({exc})") from None


def _table(data: Mapping[str, object], file: Path) -> Mapping[str, object] | None:
    tool = data.get("tool")
    if not isinstance(tool, Mapping) or "ftdisclose" not in tool:
        return None
    tables: Mapping[str, object] = tool
    table = tables["ftdisclose"]
    if not isinstance(table, Mapping):
        raise ConfigError(f"{file}: [tool.ftdisclose] must be a table")
    return table


def parse(table: Mapping[str, object], file: Path) -> Config:
    """A Config from the ``[tool.ftdisclose]`` table of ``file``."""
    where = f"{file}: [tool.ftdisclose]"
    for key in table:
        if key not in KEYS:
            close = difflib.get_close_matches(key.replace("_", "-"), KEYS, n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else f"; known keys: {', '.join(KEYS)}"
            raise ConfigError(f"{where} has an unknown key {key!r}{hint}")
    return Config(
        file=file,
        include=_globs(table, "include", where),
        exclude=_globs(table, "exclude", where),
        strict=_bool(table, "strict", where),
        factors=_text(table, "factors", where),
        format=_text(table, "format", where),
        respect_gitignore=_bool(table, "respect-gitignore", where) is not False,
    )


def _globs(table: Mapping[str, object], key: str, where: str) -> tuple[Pattern, ...]:
    value = table.get(key, [])
    items: list[object] = value if isinstance(value, list) else [value]  # one glob may be written without brackets
    globs = [v for v in items if isinstance(v, str)]
    if len(globs) != len(items):
        raise ConfigError(f'{where} {key} must be a list of glob strings, e.g. {key} = ["disclosures/*.yaml"]')
    patterns = [compile_pattern(v, "", f"pyproject.toml {key} {v!r}") for v in globs]
    return tuple(p for p in patterns if p is not None)


def _bool(table: Mapping[str, object], key: str, where: str) -> bool | None:
    value = table.get(key)
    if value is not None and not isinstance(value, bool):
        raise ConfigError(f"{where} {key} must be true or false, not {value!r}")
    return value


def _text(table: Mapping[str, object], key: str, where: str) -> str | None:
    value = table.get(key)
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise ConfigError(f"{where} {key} must be a non-empty string, not {value!r}")
    return value


def settle(args: argparse.Namespace, config: Config) -> None:
    """Fill the options the command line left unset (None) from ``config``, then the commands' own defaults.

    ``args`` is the parsed command line: ``format`` with the command's ``formats`` beside it,
    ``strict``, ``factors``, ``respect_gitignore``.
    """
    given: dict[str, object] = vars(args)  # the namespace's own attributes: a key set here is the option set
    formats = given.get("formats", ())
    if isinstance(formats, tuple) and formats and given.get("format") is None:
        names = tuple(str(f) for f in formats)
        chosen = config.format
        if chosen is not None and chosen not in names:
            command = given.get("command", "")
            if command in ("validate", "compute"):
                raise ConfigError(
                    f"{config.file}: [tool.ftdisclose] format {chosen!r} is not a format of "
                    f"{command}; choose from {', '.join(names)}"
                )
            chosen = None
        given["format"] = chosen or names[0]
    if given.get("strict", False) is None:
        given["strict"] = bool(config.strict)
    if "factors" in given and given["factors"] is None:
        given["factors"] = config.factors
    if given.get("respect_gitignore", False) is None:
        given["respect_gitignore"] = config.respect_gitignore
