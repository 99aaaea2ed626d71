"""Report stage for validation: findings -> text, JSON, GitHub annotations, SARIF, Markdown.

Each reporter receives results one file at a time (so a batch of thousands of files is
streamed, not held) and writes its closing part in ``finish``. Reporters are picked by
name from ``REPORTERS``.
"""

from __future__ import annotations

import json
import sys
from typing import IO, Any, ClassVar

from ftdisclose._version import __version__
from ftdisclose.findings import CATALOGUE, Finding, Severity
from ftdisclose.spec.validate import ValidationResult


class Reporter:
    """Base: count results; subclasses render them."""

    name: ClassVar[str] = ""

    def __init__(self, out: IO[str] | None = None, *, color: bool = False, verbosity: int = 0) -> None:
        self.out = out or sys.stdout
        self.color = color
        self.verbosity = verbosity
        self.files = self.valid = self.errors = self.warnings = 0

    def add(self, result: ValidationResult) -> None:
        self.files += 1
        self.valid += result.valid
        self.errors += result.errors
        self.warnings += result.warnings
        self.render(result)

    def render(self, result: ValidationResult) -> None:
        raise NotImplementedError

    def finish(self) -> None:
        """Write whatever comes after the last file."""

    def summary(self) -> dict[str, int]:
        return {"files": self.files, "valid": self.valid, "errors": self.errors, "warnings": self.warnings}


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _location(f: Finding) -> str:
    where = f.file
    if f.line is not None:
        where += f":{f.line}"
        if f.column is not None:
            where += f":{f.column}"
    return where


_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


class TextReporter(Reporter):
    """Compiler-style lines: ``file:line:col: CODE rule [severity] path: message``."""

    name = "text"

    def __init__(self, out: IO[str] | None = None, *, color: bool = False, verbosity: int = 0) -> None:
        super().__init__(out, color=color, verbosity=verbosity)
        self._console: Any = None
        if color:
            from rich.console import Console

            self._console = Console(file=self.out, highlight=False, soft_wrap=True, force_terminal=True)

    def _print(self, plain: str, markup: str | None = None) -> None:
        if self._console is not None:
            self._console.print(markup if markup is not None else plain)
        else:
            self.out.write(plain + "\n")

    def render(self, result: ValidationResult) -> None:
        from rich.markup import escape

        for f in result.findings:
            if f.severity is Severity.INFO and self.verbosity < 1:
                continue
            if self.verbosity < 0 and f.severity is not Severity.ERROR:
                continue
            subject = f"{f.path}: " if f.path else ""
            plain = f"{_location(f)}: {f.code} {f.rule} [{f.severity}] {subject}{f.message}"
            markup = (
                f"[bold]{escape(_location(f))}[/]: [{_STYLE[f.severity]}]{f.code}[/] {f.rule} "
                f"[{_STYLE[f.severity]}]\\[{f.severity}][/] {escape(subject + f.message)}"
            )
            self._print(plain, markup)
            if f.hint and self.verbosity >= 0:
                self._print(f"    hint: {f.hint}", f"    [dim]hint:[/] {escape(f.hint)}")
        if self.verbosity >= 1 and result.valid:
            self._print(f"{result.file}: valid", f"[green]{escape(result.file)}: valid[/]")

    def finish(self) -> None:
        if self.verbosity < 0:
            return
        invalid = self.files - self.valid
        text = (
            f"{_count(self.files, 'file')}: {self.valid} valid, {invalid} invalid "
            f"({_count(self.errors, 'error')}, {_count(self.warnings, 'warning')})"
        )
        self._print(text, f"[{'green' if invalid == 0 else 'red'}]{text}[/]")


class JsonReporter(Reporter):
    """The JSON document of the CLI contract."""

    name = "json"

    def __init__(self, out: IO[str] | None = None, *, color: bool = False, verbosity: int = 0) -> None:
        super().__init__(out, color=color, verbosity=verbosity)
        self._files: list[dict[str, Any]] = []

    def render(self, result: ValidationResult) -> None:
        self._files.append(
            {
                "file": result.file,
                "valid": result.valid,
                "spec_version": result.spec_version,
                "findings": [f.as_dict() for f in result.findings],
            }
        )

    def finish(self) -> None:
        doc = {"tool_version": __version__, "files": self._files, "summary": self.summary()}
        json.dump(doc, self.out, indent=2, ensure_ascii=False)
        self.out.write("\n")


def _escape_property(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A").replace(":", "%3A").replace(",", "%2C")


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


class GithubReporter(Reporter):
    """GitHub Actions workflow commands: annotations on the pull request's files."""

    name = "github"
    _LEVEL: ClassVar[dict[Severity, str]] = {
        Severity.ERROR: "error",
        Severity.WARNING: "warning",
        Severity.INFO: "notice",
    }

    def render(self, result: ValidationResult) -> None:
        for f in result.findings:
            props = [f"file={_escape_property(f.file)}"]
            if f.line is not None:
                props.append(f"line={f.line}")
            if f.column is not None:
                props.append(f"col={f.column}")
            props.append(f"title={f.code} {f.rule}")
            message = (f"{f.path}: " if f.path else "") + f.message + (f" (hint: {f.hint})" if f.hint else "")
            self.out.write(f"::{self._LEVEL[f.severity]} {','.join(props)}::{_escape_data(message)}\n")

    def finish(self) -> None:
        self.out.write(
            f"{_count(self.files, 'file')}: {self.valid} valid, {_count(self.errors, 'error')}, "
            f"{_count(self.warnings, 'warning')}\n"
        )


class SarifReporter(Reporter):
    """SARIF 2.1.0 for code-scanning upload: one rule per finding code."""

    name = "sarif"
    _LEVEL: ClassVar[dict[Severity, str]] = {
        Severity.ERROR: "error",
        Severity.WARNING: "warning",
        Severity.INFO: "note",
    }

    def __init__(self, out: IO[str] | None = None, *, color: bool = False, verbosity: int = 0) -> None:
        super().__init__(out, color=color, verbosity=verbosity)
        self._results: list[dict[str, Any]] = []

    def render(self, result: ValidationResult) -> None:
        for f in result.findings:
            location: dict[str, Any] = {"artifactLocation": {"uri": f.file.replace("\\", "/")}}
            if f.line is not None:
                location["region"] = {"startLine": f.line, **({"startColumn": f.column} if f.column else {})}
            entry: dict[str, Any] = {
                "ruleId": f.code,
                "ruleIndex": list(CATALOGUE).index(f.code),
                "level": self._LEVEL[f.severity],
                "message": {
                    "text": (f"{f.path}: " if f.path else "") + f.message + (f" Hint: {f.hint}." if f.hint else "")
                },
                "locations": [{"physicalLocation": location}],
            }
            if f.path:
                entry["properties"] = {"path": f.path}
            self._results.append(entry)

    def finish(self) -> None:
        rules = [
            {
                "id": rule.code,
                "name": rule.slug,
                "shortDescription": {"text": rule.title},
                "fullDescription": {"text": rule.description},
                "helpUri": rule.url,
                "help": {"text": rule.hint or rule.description},
                "defaultConfiguration": {"level": self._LEVEL[rule.severity]},
            }
            for rule in CATALOGUE.values()
        ]
        doc = {
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {
                        "driver": {
                            "name": "ftdisclose",
                            "version": __version__,
                            "informationUri": "https://ftdisclose.github.io/ftdisclose/",
                            "rules": rules,
                        }
                    },
                    "results": self._results,
                }
            ],
        }
        json.dump(doc, self.out, indent=2, ensure_ascii=False)
        self.out.write("\n")


class MarkdownReporter(Reporter):
    """A summary table for ``$GITHUB_STEP_SUMMARY``."""

    name = "markdown"

    def __init__(self, out: IO[str] | None = None, *, color: bool = False, verbosity: int = 0) -> None:
        super().__init__(out, color=color, verbosity=verbosity)
        self._rows: list[str] = []

    def render(self, result: ValidationResult) -> None:
        for f in result.findings:
            if f.severity is Severity.INFO:
                continue
            message = (f"`{f.path}`: " if f.path else "") + f.message.replace("|", "\\|")
            self._rows.append(f"| `{_location(f)}` | {f.code} {f.rule} | {f.severity} | {message} |")

    def finish(self) -> None:
        status = "passed" if self.valid == self.files else "failed"
        self.out.write(f"### ftdisclose validate: {status}\n\n")
        self.out.write(
            f"{_count(self.files, 'file')}, {self.valid} valid, {_count(self.errors, 'error')}, "
            f"{_count(self.warnings, 'warning')}.\n\n"
        )
        if self._rows:
            self.out.write("| location | code | severity | message |\n|---|---|---|---|\n")
            self.out.write("\n".join(self._rows) + "\n")


REPORTERS: dict[str, type[Reporter]] = {
    r.name: r for r in (TextReporter, JsonReporter, GithubReporter, SarifReporter, MarkdownReporter)
}
