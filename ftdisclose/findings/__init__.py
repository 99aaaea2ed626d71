"""Findings: what a check found, where, and how to fix it.

One way to build a located finding: ``make(code, message, where)``, where ``where`` is a
``Where`` (file, line, column and the JSON path), which ``io.loader.Document.where`` gives
for a path in the file. The codes and their rules are in ``catalogue``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from ftdisclose.findings.catalogue import CATALOGUE, DOCS_URL, Code, Rule, Severity

__all__ = ["CATALOGUE", "DOCS_URL", "Code", "Finding", "Rule", "Severity", "Tally", "Where", "make"]


@dataclass(frozen=True, slots=True)
class Where:
    """A place in a file: 1-based line and column (None when unknown) and the JSON path."""

    file: str
    line: int | None = None
    column: int | None = None
    path: str = ""


@dataclass(frozen=True, slots=True)
class Finding:
    code: Code
    rule: str
    severity: Severity
    message: str
    hint: str
    file: str
    line: int | None
    column: int | None
    path: str

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["code"] = str(self.code)
        data["severity"] = str(self.severity)
        return data

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.file, self.line or 0, self.column or 0, self.code)

    @property
    def where(self) -> Where:
        return Where(self.file, self.line, self.column, self.path)


def make(
    code: Code, message: str, where: Where, *, hint: str | None = None, severity: Severity | None = None
) -> Finding:
    """A finding of a catalogued code at ``where`` (the hint defaults to the rule's)."""
    rule = CATALOGUE[code]
    return Finding(
        code,
        rule.slug,
        severity or rule.severity,
        message,
        rule.hint if hint is None else hint,
        where.file,
        where.line,
        where.column,
        where.path,
    )


def finding(
    code: Code,
    message: str,
    *,
    file: str,
    line: int | None = None,
    column: int | None = None,
    path: str = "",
    hint: str | None = None,
    severity: Severity | None = None,
) -> Finding:
    """``make`` with the place spelt out (for places that are not a ``Where`` yet)."""
    return make(code, message, Where(file, line, column, path), hint=hint, severity=severity)


class Tally:
    """Counts over a file's findings, for any class that holds them as ``findings``."""

    findings: tuple[Finding, ...]

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.WARNING)

    @property
    def valid(self) -> bool:
        return self.errors == 0

    @property
    def unreadable(self) -> bool:
        return any(f.code is Code.UNREADABLE for f in self.findings)
