"""Markdown: a summary for ``$GITHUB_STEP_SUMMARY`` (validate) and a results table per file (compute)."""

from __future__ import annotations

from typing import IO

from ftdisclose._version import __version__
from ftdisclose.engine.compute import RESULT_UNITS, Result
from ftdisclose.findings import Finding, Severity
from ftdisclose.output.base import Command, Reporter, location
from ftdisclose.output.numbers import RESULT_LABELS, readable
from ftdisclose.output.safe import markdown, markdown_code
from ftdisclose.output.view import FileReport


class MarkdownReporter(Reporter):
    name = "markdown"

    def __init__(self, out: IO[str], *, command: Command = "validate", color: bool = False, verbosity: int = 0) -> None:
        super().__init__(out, command=command, color=color, verbosity=verbosity)
        self._rows: list[str] = []

    def render(self, report: FileReport) -> None:
        if self.command == "compute":
            self._computed(report)
            return
        self._rows.extend(finding_row(f) for f in report.findings if f.severity is not Severity.INFO and self.shown(f))

    def _computed(self, report: FileReport) -> None:
        out = self.out
        out.write(f"### Fine-tuning footprint: {markdown_code(report.file)}\n\n")
        figures = report.figures
        if figures is not None:
            out.write("| result | value | range | unit |\n|---|---:|---:|---|\n")
            for name in Result:
                if name in figures.results:
                    shown = readable(figures.results[name])
                    value, spread, unit = shown.value, shown.range, shown.unit
                elif name in figures.missing:
                    value, spread, unit = f"not computed: {markdown(figures.missing[name])}", "", RESULT_UNITS[name]
                else:
                    continue
                out.write(f"| {RESULT_LABELS[name]} | {value} | {spread} | {unit} |\n")
            defaulted = len(figures.defaulted())
            out.write(
                f"\nComputed by ftdisclose {__version__} with factor tables {figures.factors_version}; "
                f"{defaulted} {'input was' if defaulted == 1 else 'inputs were'} filled from defaults.\n"
            )
        problems = [finding_row(f) for f in report.findings if f.severity is not Severity.INFO and self.shown(f)]
        if problems:
            out.write(f"\n{TABLE_HEAD}" + "\n".join(problems) + "\n")
        out.write("\n")

    def finish(self) -> None:
        s = self.summary
        if self.command == "compute":
            if not s.files:
                self.out.write(f"### ftdisclose compute: nothing to check\n\n{_sentence(s.line())}\n")
            return
        status = "nothing to check" if not s.files else "passed" if s.valid == s.files else "failed"
        self.out.write(f"### ftdisclose validate: {status}\n\n{_sentence(s.line())}\n\n")
        if self._rows:
            self.out.write(TABLE_HEAD + "\n".join(self._rows) + "\n")


TABLE_HEAD = "| location | code | severity | message | hint |\n|---|---|---|---|---|\n"


def finding_row(f: Finding) -> str:
    """One finding as a table row; every piece of user text escaped."""
    message = (f"{markdown_code(f.path, cell=True)}: " if f.path else "") + markdown(f.message)
    hint = markdown(f.hint) if f.hint else ""
    return f"| {markdown_code(location(f), cell=True)} | {f.code} {f.rule} | {f.severity} | {message} | {hint} |"


def _sentence(line: str) -> str:
    return f"{line[0].upper()}{line[1:]}."
