"""Path patterns: ``.gitignore`` files and the include/exclude globs of ``[tool.ftdisclose]``.

Both use git's wildmatch rules, so a pattern means the same in both places: a pattern
without a slash matches a name at any depth, one with a slash is anchored to the folder
that states it, ``*`` and ``?`` stay within one path segment, ``**`` spans segments, a
trailing ``/`` matches folders only and ``!`` re-includes. Git itself is not needed (a
repository may be an unpacked archive); a test compares these rules with
``git check-ignore``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

__all__ = ["IgnoreRules", "Pattern", "compile_pattern", "repository_root"]


@dataclass(frozen=True)
class Pattern:
    """One pattern, relative to the folder ``base`` (a POSIX path relative to the walk's root, "" for the root)."""

    text: str
    regex: re.Pattern[str]
    base: str
    negated: bool
    dir_only: bool
    source: str  # where the pattern was written, for -v

    def matches(self, rel: str, *, is_dir: bool) -> bool:
        """Whether the POSIX path ``rel`` (relative to the walk's root) matches."""
        if self.dir_only and not is_dir:
            return False
        if self.base:
            if not rel.startswith(self.base + "/"):
                return False
            rel = rel[len(self.base) + 1 :]
        return self.regex.match(rel) is not None


def _class(pattern: str, i: int) -> tuple[str, int] | None:
    """A ``[...]`` character class starting at ``i`` as a regex, and the index after it; None if unclosed."""
    j = i + 1
    if j < len(pattern) and pattern[j] in "!^":
        j += 1
    if j < len(pattern) and pattern[j] == "]":
        j += 1
    while j < len(pattern) and pattern[j] != "]":
        j += 1
    if j >= len(pattern):
        return None
    body = pattern[i + 1 : j]
    negate = body[:1] in ("!", "^")
    body = body[1:] if negate else body
    body = body.replace("\\", "\\\\").replace("[", "\\[")
    return ("[^/" if negate else "[") + body + "]", j + 1


@cache
def _translate(pattern: str, anchored: bool) -> re.Pattern[str]:
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "*":
            j = i
            while j < n and pattern[j] == "*":
                j += 1
            stars = j - i
            at_start = i == 0 or pattern[i - 1] == "/"
            if stars >= 2 and at_start and j < n and pattern[j] == "/":
                out.append("(?:.*/)?")  # "**/": zero or more folders
                j += 1
            elif stars >= 2 and at_start and j == n:
                out.append(".*")  # trailing "/**": everything inside
            else:
                out.append("[^/]*")
            i = j
        elif c == "?":
            out.append("[^/]")
            i += 1
        elif c == "[" and (cls := _class(pattern, i)) is not None:
            out.append(cls[0])
            i = cls[1]
        elif c == "\\" and i + 1 < n:
            out.append(re.escape(pattern[i + 1]))
            i += 2
        else:
            out.append(re.escape(c))
            i += 1
    prefix = "" if anchored else "(?:.*/)?"
    return re.compile(f"^{prefix}{''.join(out)}$", re.DOTALL)


def compile_pattern(line: str, base: str = "", source: str = "") -> Pattern | None:
    """A pattern from one line of a .gitignore (or one glob); None for blanks and comments."""
    text = line.rstrip("\n").rstrip("\r")
    stripped = re.sub(r"(?<!\\)[ \t]+$", "", text)  # trailing blanks, unless escaped
    if not stripped or stripped.startswith("#"):
        return None
    negated = stripped.startswith("!")
    body = stripped[1:] if negated else stripped
    if body.startswith(("\\#", "\\!")):
        body = body[1:]
    dir_only = body.endswith("/") and not body.endswith("\\/")
    body = body.rstrip("/")
    if not body:
        return None
    anchored = "/" in body
    body = body.removeprefix("/")
    return Pattern(stripped, _translate(body, anchored), base, negated, dir_only, source or stripped)


@dataclass(frozen=True)
class IgnoreRules:
    """Patterns in order of precedence (later wins), as git applies them."""

    patterns: tuple[Pattern, ...] = ()

    def extended(self, patterns: Iterable[Pattern]) -> IgnoreRules:
        return IgnoreRules((*self.patterns, *patterns))

    def match(self, rel: str, *, is_dir: bool) -> Pattern | None:
        """The pattern that decides for ``rel``: the last one matching; None when none does or it re-includes."""
        for pattern in reversed(self.patterns):
            if pattern.matches(rel, is_dir=is_dir):
                return None if pattern.negated else pattern
        return None

    @classmethod
    def read(cls, file: Path, base: str, label: str) -> list[Pattern]:
        """The patterns of one ignore file (``base``: its folder relative to the walk's root)."""
        try:
            text = file.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return []
        found = []
        for number, line in enumerate(text.splitlines(), 1):
            pattern = compile_pattern(line, base, f"{label}:{number}")
            if pattern is not None:
                found.append(pattern)
        return found


def repository_root(folder: Path) -> Path | None:
    """The nearest folder at or above ``folder`` holding ``.git`` (a folder, or a file for worktrees)."""
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return None
