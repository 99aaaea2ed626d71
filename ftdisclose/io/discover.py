"""Which files a command reads: named files as given, folders walked for what their content says they are.

In a folder walk a file is checked when

- it is a disclosure: YAML or JSON whose top level has ``spec_version`` beside at least one
  spec block (``model``, ``infrastructure``, ``operational``, ``usage``, ``reported``), or
  a configured ``include`` glob names it; or
- it is a model card: Markdown whose front matter has ``carbon_disclosure`` or
  ``co2_eq_emissions``.

Everything else is skipped with a reason (``-v`` lists them): ``mkdocs.yml``,
``package.json``, workflows and plain READMEs never fail a walk. Hidden files and
folders are not entered; neither are paths that ``.gitignore`` ignores (by default) or
that a configured ``exclude`` glob names. A path named on the command line is always
checked, unless ``by_content`` asks for the walk's rules (for hooks that pass every
changed file). Reading a file's content to decide is bounded and never parses YAML
(a file that is broken YAML but meant as a disclosure is still found, and reported).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ftdisclose.io.config import Config
from ftdisclose.io.ignore import IgnoreRules, Pattern, repository_root
from ftdisclose.io.loader import SUFFIXES

__all__ = [
    "Discovery",
    "Skipped",
    "discover",
    "is_disclosure_text",
    "iter_paths",
    "looks_like_card",
    "looks_like_disclosure",
]

CARD_KEYS = ("carbon_disclosure", "co2_eq_emissions", "dia_report")
SPEC_BLOCKS = ("model", "infrastructure", "operational", "usage", "reported")
SNIFF_BYTES = 2 * 1024 * 1024  # the loader's size limit: a larger file is read only this far to decide
CARD_SNIFF_BYTES = 256 * 1024
# folders of installed dependencies: never a project's own disclosures, and often huge
DEPENDENCY_FOLDERS = frozenset({"node_modules", "__pycache__", "site-packages", "__pypackages__"})

_KEY = r"""^(?:"{0}"|'{0}'|{0})[ \t]*:"""
_SPEC_VERSION = re.compile(_KEY.format("spec_version"), re.MULTILINE)
_SPEC_BLOCK = re.compile(_KEY.format(f"(?:{'|'.join(SPEC_BLOCKS)})"), re.MULTILINE)
_CARD_KEY = re.compile(_KEY.format(f"(?:{'|'.join(CARD_KEYS)})"), re.MULTILINE)
NOT_A_DISCLOSURE = "not a disclosure: no top-level spec_version beside a spec block"
NOT_A_CARD = "Markdown without carbon_disclosure, co2_eq_emissions or dia_report in its front matter"


@dataclass(frozen=True)
class Skipped:
    """A path a walk did not check, and why."""

    path: str
    reason: str


@dataclass
class Discovery:
    """What a command reads (path, name to show), what it skipped, and folders it could not read."""

    files: list[tuple[Path, str]] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (name to show, why)


def is_disclosure_text(text: str, kind: str) -> bool:
    """Whether a YAML or JSON text's top level has spec_version and a spec block (broken files judged by their keys)."""
    if kind == "json":
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            return '"spec_version"' in text  # a broken disclosure is still a disclosure: its error is reported
        return isinstance(data, dict) and "spec_version" in data and any(k in data for k in SPEC_BLOCKS)
    if _SPEC_VERSION.search(text):
        return _SPEC_BLOCK.search(text) is not None
    # a flow mapping at the top: {spec_version: "1.0", model: {...}}
    first = next((ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")), "")
    return first.lstrip().startswith("{") and "spec_version" in text and any(b in text for b in SPEC_BLOCKS)


def _head(path: Path, limit: int) -> str | None:
    try:
        with path.open("rb") as fh:
            raw = fh.read(limit)
    except OSError:
        return None
    return raw.removeprefix(b"\xef\xbb\xbf").decode("utf-8", errors="replace")


def looks_like_disclosure(path: Path) -> bool:
    """A YAML or JSON file that says it is a disclosure (an unreadable one counts: its error is reported)."""
    text = _head(path, SNIFF_BYTES)
    if text is None:
        return True
    return "spec_version" in text and is_disclosure_text(text, SUFFIXES.get(path.suffix.lower(), "yaml"))


def looks_like_card(path: Path) -> bool:
    """A Markdown file counts when its front matter has carbon_disclosure or co2_eq_emissions."""
    text = _head(path, CARD_SNIFF_BYTES)
    if text is None:
        return True
    lines = text.lstrip("\r\n\t ").splitlines()
    if not lines or lines[0].rstrip() != "---":
        return False
    front: list[str] = []
    for line in lines[1:]:
        if line.rstrip() in ("---", "..."):
            break
        front.append(line)
    return _CARD_KEY.search("\n".join(front)) is not None


class _Walk:
    """One folder walk: the rules in force, and what it found."""

    def __init__(self, root: Path, config: Config, found: Discovery) -> None:
        self.config = config
        self.found = found
        repo = repository_root(root.resolve()) if config.respect_gitignore else None
        self.top = repo or root.resolve()
        self.rules = IgnoreRules()
        if config.respect_gitignore:
            self.rules = self.rules.extended(self._ancestor_rules(root.resolve()))

    def _ancestor_rules(self, folder: Path) -> list[Pattern]:
        """The ignore files from the repository's top down to the walked folder (not inside it)."""
        rules: list[Pattern] = []
        if (self.top / ".git" / "info" / "exclude").is_file():
            rules += IgnoreRules.read(self.top / ".git" / "info" / "exclude", "", ".git/info/exclude")
        chain = [folder, *folder.parents]
        for ancestor in reversed(chain[1 : chain.index(self.top) + 1] if self.top in chain else []):
            rules += self.rules_of(ancestor)
        return rules

    def rules_of(self, folder: Path) -> list[Pattern]:
        rel = self._rel(folder)
        label = f"{rel}/.gitignore" if rel else ".gitignore"
        return IgnoreRules.read(folder / ".gitignore", rel, label)

    def _rel(self, path: Path) -> str:
        try:
            rel = path.resolve().relative_to(self.top).as_posix()
        except ValueError:
            return path.as_posix()
        return "" if rel == "." else rel

    def walk(self, folder: Path, rules: IgnoreRules) -> None:
        if self.config.respect_gitignore:
            rules = rules.extended(self.rules_of(folder))
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            self.found.unreadable.append((str(folder), f"the folder cannot be read: {exc.strerror or exc}"))
            return
        for entry in entries:
            path = Path(folder, entry.name)
            if entry.name.startswith("."):
                continue
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
                is_file = entry.is_file()
            except OSError:
                continue
            why = self.excluded(path, is_dir=is_dir, rules=rules)
            if why is not None:
                if is_dir or SUFFIXES.get(path.suffix.lower()):
                    self.found.skipped.append(Skipped(f"{path}/" if is_dir else str(path), why))
                continue
            if is_dir:
                self.walk(path, rules)
            elif is_file:
                self.consider(path, str(path))

    def excluded(self, path: Path, *, is_dir: bool, rules: IgnoreRules) -> str | None:
        """Why a walk does not look at ``path``; None when it does."""
        if is_dir and path.name in DEPENDENCY_FOLDERS:
            return "a folder of installed dependencies"
        pattern = self._configured(path, self.config.exclude, is_dir=is_dir)
        if pattern is not None:
            return f"excluded by {pattern.source}"
        ignored = rules.match(self._rel(path), is_dir=is_dir)
        if ignored is not None:
            return f"ignored by {ignored.source} ({ignored.text})"
        return None

    def _configured(self, path: Path, patterns: Sequence[Pattern], *, is_dir: bool) -> Pattern | None:
        if not patterns:
            return None
        rel = _relative(path, self.config.root)
        return next((p for p in patterns if p.matches(rel, is_dir=is_dir)), None)

    def consider(self, path: Path, display: str) -> None:
        """Check ``path`` if it is a disclosure or a carbon card; record why not otherwise."""
        kind = SUFFIXES.get(path.suffix.lower())
        if self._configured(path, self.config.include, is_dir=False) is not None:
            self.found.files.append((path, display))
        elif kind is None:
            return
        elif kind == "card":
            self._keep(path, display, looks_like_card(path), NOT_A_CARD)
        else:
            self._keep(path, display, looks_like_disclosure(path), NOT_A_DISCLOSURE)

    def _keep(self, path: Path, display: str, keep: bool, reason: str) -> None:
        if keep:
            self.found.files.append((path, display))
        else:
            self.found.skipped.append(Skipped(display, reason))


def _relative(path: Path, root: Path | None) -> str:
    """``path`` relative to ``root`` as a POSIX path; the path as given when it lies outside."""
    if root is not None:
        try:
            return path.resolve().relative_to(root).as_posix()
        except ValueError:
            pass
    return path.as_posix()


def discover(
    paths: Sequence[str],
    config: Config | None = None,
    *,
    only_carbon_cards: bool = False,
    by_content: bool = False,
) -> Discovery:
    """The files to check among ``paths`` (files, folders), in the order given, folders in sorted order.

    ``only_carbon_cards``: a named Markdown file without carbon metadata is skipped (as in
    walks); ``by_content``: every named file is judged as a walk would judge it.
    """
    config = config or Config()
    found = Discovery()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            if not os.access(path, os.R_OK | os.X_OK):
                found.unreadable.append((raw, "the folder cannot be read: permission denied"))
                continue
            walk = _Walk(path, config, found)
            walk.walk(path, walk.rules)
            continue
        named_card = path.suffix.lower() == ".md" and path.is_file()
        if by_content and path.is_file():
            walk = _Walk(path.parent, config, found)
            rules = walk.rules.extended(walk.rules_of(path.parent)) if config.respect_gitignore else walk.rules
            why = walk.excluded(path, is_dir=False, rules=rules)
            if why is None:
                walk.consider(path, raw)
            else:
                found.skipped.append(Skipped(raw, why))
        elif only_carbon_cards and named_card and not looks_like_card(path):
            found.skipped.append(Skipped(raw, NOT_A_CARD))
        else:
            found.files.append((path, raw))
    return found


def iter_paths(paths: Sequence[str], *, only_carbon_cards: bool = False) -> Iterator[tuple[Path, str]]:
    """(path, name to show) of every file to read, with the default configuration."""
    yield from discover(paths, only_carbon_cards=only_carbon_cards).files
