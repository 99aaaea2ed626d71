"""Markdown: a summary for ``$GITHUB_STEP_SUMMARY`` (validate) and a results table per file (compute)."""

from __future__ import annotations

from typing import IO

from ftdisclose._version import __version__
from ftdisclose.engine.compute import RESULT_UNITS, Result
from ftdisclose.findings import Severity
from ftdisclose.output.base import Command, Reporter, location
from ftdisclose.output.numbers import RESULT_LABELS, fmt_number, fmt_range
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
        for f in report.findings:
            if f.severity is Severity.INFO:
                continue
            message = (f"{markdown_code(f.path)}: " if f.path else "") + markdown(f.message)
            self._rows.append(f"| {markdown_code(location(f))} | {f.code} {f.rule} | {f.severity} | {message} |")

    def _computed(self, report: FileReport) -> None:
        out = self.out
        out.write(f"### Fine-tuning footprint: {markdown_code(report.file)}\n\n")
        figures = report.figures
        if figures is not None:
            out.write("| result | value | range | unit |\n|---|---:|---:|---|\n")
            for name in Result:
                if name in figures.results:
                    measure = figures.results[name]
                    value, spread = fmt_number(measure.mid), fmt_range(measure)
                elif name in figures.missing:
                    value, spread = f"not computed: {markdown(figures.missing[name])}", ""
                else:
                    continue
                out.write(f"| {RESULT_LABELS[name]} | {value} | {spread} | {RESULT_UNITS[name]} |\n")
            defaulted = len(figures.defaulted())
            out.write(
                f"\nComputed by ftdisclose {__version__} with factor tables {figures.factors_version}; "
                f"{defaulted} inputs were filled from defaults.\n"
            )
        problems = [f for f in report.findings if f.severity is not Severity.INFO]
        if problems:
            out.write("\n" + "\n".join(f"- **{f.code}** {f.rule}: {markdown(f.message)}" for f in problems) + "\n")
        out.write("\n")

    def finish(self) -> None:
        if self.command == "compute":
            return
        s = self.summary
        status = "nothing to check" if not s.files else "passed" if s.valid == s.files else "failed"
        self.out.write(f"### ftdisclose validate: {status}\n\n")
        line = s.line()
        self.out.write(f"{line[0].upper()}{line[1:]}.\n\n")
        if self._rows:
            self.out.write("| location | code | severity | message |\n|---|---|---|---|\n")
            self.out.write("\n".join(self._rows) + "\n")
