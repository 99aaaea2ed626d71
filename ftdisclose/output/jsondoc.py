"""JSON output (the cli.md contract).

``validate``: one document, ``{tool_version, files: [...], summary}``. ``compute``: one
indented object for one file; for several, an array written file by file, one compact
object a line, so memory stays flat however many. No wall-clock times: the same input
gives the same bytes. Numbers are strict JSON: a value that is not finite is never written.
"""

from __future__ import annotations

import json
from typing import IO, Any

from ftdisclose._version import __version__
from ftdisclose.engine.compute import RESULT_UNITS, Result
from ftdisclose.output.base import Command, Reporter
from ftdisclose.output.numbers import json_number, json_quantity
from ftdisclose.output.view import Figures, FileReport


def compute_document(report: FileReport) -> dict[str, Any]:
    """The ``compute --format json`` object of one file."""
    findings = [f.as_dict() for f in report.findings]
    figures = report.figures
    if figures is None:
        return {"tool_version": __version__, "file": report.file, "results": None, "inputs": None, "findings": findings}
    doc: dict[str, Any] = {
        "tool_version": __version__,
        "spec_version": report.spec_version or "",
        "factors_version": figures.factors_version,
        "file": report.file,
        "results": _nested(figures),
        "inputs": {name: item.as_dict() for name, item in sorted(figures.inputs.items())},
        "findings": findings,
    }
    if figures.stages:
        doc["stages"] = {
            stage: {str(name): json_quantity(measure) for name, measure in totals.items()}
            for stage, totals in figures.stages.items()
        }
    if figures.runs:
        doc["runs"] = [
            {"name": run.name, "share": json_number(run.share), "emissions": json_quantity(run.emissions.to("kgCO2e"))}
            for run in figures.runs
        ]
    return doc


def _nested(figures: Figures) -> dict[str, Any]:
    """Results by group and name; one not computed is null-valued, with the reason beside it."""
    out: dict[str, Any] = {}
    for name in Result:
        group, key = name.split(".")
        if name in figures.results:
            out.setdefault(group, {})[key] = json_quantity(figures.results[name])
        elif name in figures.missing:
            unit = RESULT_UNITS[name]
            empty = {"value": None, "unit": unit, "low": None, "high": None, "reason": figures.missing[name]}
            out.setdefault(group, {})[key] = empty
    return out


def dumps(data: Any, *, indent: int | None = None) -> str:
    """Strict JSON: NaN and infinities are refused (ValueError), never written as tokens."""
    separators = None if indent else (",", ":")
    return json.dumps(data, indent=indent, ensure_ascii=False, allow_nan=False, separators=separators)


class JsonReporter(Reporter):
    name = "json"

    def __init__(self, out: IO[str], *, command: Command = "validate", color: bool = False, verbosity: int = 0) -> None:
        super().__init__(out, command=command, color=color, verbosity=verbosity)
        self._files: list[dict[str, Any]] = []
        self._first: dict[str, Any] | None = None

    def render(self, report: FileReport) -> None:
        if self.command == "validate":
            findings = [f.as_dict() for f in report.findings]
            entry = {"file": report.file, "valid": report.valid, "spec_version": report.spec_version}
            self._files.append({**entry, "findings": findings})
            return
        doc = compute_document(report)
        if self.summary.files == 1:
            self._first = doc
            return
        if self.summary.files == 2:
            self.out.write("[\n" + dumps(self._first))
            self._first = None
        self.out.write(",\n" + dumps(doc))

    def finish(self) -> None:
        if self.command == "validate":
            skipped = [{"file": item.path, "reason": item.reason} for item in self.skipped]
            doc = {
                "tool_version": __version__,
                "files": self._files,
                "summary": self.summary.as_dict(),
                "skipped": skipped,
            }
            self.out.write(dumps(doc, indent=2) + "\n")
        elif self.summary.files == 1:
            self.out.write(dumps(self._first, indent=2) + "\n")
        elif self.summary.files > 1:
            self.out.write("\n]\n")
        else:
            self.out.write("[]\n")
