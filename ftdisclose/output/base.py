"""The reporter protocol: every output format of every command implements it.

A reporter gets one ``FileReport`` per file, in the order the files were given
(``file``), then ``finish``. It counts what it saw; the exit code comes from those counts
(``Summary.exit_code``), not from the reporter's output.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, ClassVar, Literal

from ftdisclose.findings import Finding, Severity
from ftdisclose.io.discover import Skipped
from ftdisclose.output.view import FileReport

Command = Literal["validate", "compute"]
EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


@dataclass
class Summary:
    """Counts over the files of one command."""

    files: int = 0
    valid: int = 0
    errors: int = 0
    warnings: int = 0
    unreadable: int = 0
    skipped: int = 0

    def add(self, report: FileReport) -> None:
        self.files += 1
        self.valid += report.valid
        self.errors += report.errors
        self.warnings += report.warnings
        self.unreadable += report.unreadable

    def exit_code(self, *, strict: bool = False, require: bool = False) -> int:
        """2 when a file could not be read, 1 on errors (or warnings with ``strict``, or no file with ``require``)."""
        if self.unreadable:
            return EXIT_USAGE
        if self.errors or (strict and self.warnings) or (require and not self.files):
            return EXIT_FINDINGS
        return EXIT_OK

    def as_dict(self) -> dict[str, int]:
        return {
            "files": self.files,
            "valid": self.valid,
            "errors": self.errors,
            "warnings": self.warnings,
            "skipped": self.skipped,
        }

    def line(self) -> str:
        """The one-line summary every human-read format ends with (the same words in each)."""
        if not self.files:
            skipped = f"; {count(self.skipped, 'file')} skipped" if self.skipped else ""
            return f"nothing to check: no disclosure or model card with carbon metadata found{skipped}"
        invalid = self.files - self.valid
        text = (
            f"{count(self.files, 'file')} checked: {self.valid} valid, {invalid} invalid "
            f"({count(self.errors, 'error')}, {count(self.warnings, 'warning')})"
        )
        return text + (f"; {self.skipped} skipped" if self.skipped else "")


class Reporter:
    """Base of every format: counts the files; subclasses render them."""

    name: ClassVar[str] = ""

    def __init__(self, out: IO[str], *, command: Command = "validate", color: bool = False, verbosity: int = 0) -> None:
        self.out = out
        self.command = command
        self.color = color
        self.verbosity = verbosity
        self.summary = Summary()
        self.skipped: list[Skipped] = []

    def skip(self, items: Sequence[Skipped]) -> None:
        """Paths a folder walk did not check (before the first file); counted, and listed by -v where shown."""
        self.skipped.extend(items)
        self.summary.skipped += len(items)

    def file(self, report: FileReport) -> None:
        self.summary.add(report)
        self.render(report)

    def render(self, report: FileReport) -> None:
        raise NotImplementedError

    def finish(self) -> None:
        """Write whatever comes after the last file."""

    def shown(self, finding: Finding) -> bool:
        """Whether a finding is shown at this verbosity: notes with -v, only errors with -q."""
        if finding.severity is Severity.INFO and self.verbosity < 1:
            return False
        return not (self.verbosity < 0 and finding.severity is not Severity.ERROR)


def count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def location(f: Finding) -> str:
    where = f.file
    if f.line is not None:
        where += f":{f.line}"
        if f.column is not None:
            where += f":{f.column}"
    return where
