"""SARIF 2.1.0 for code-scanning upload: one rule per finding code."""

from __future__ import annotations

from typing import IO, Any, ClassVar

from ftdisclose._version import __version__
from ftdisclose.findings import CATALOGUE, Severity
from ftdisclose.output.base import Command, Reporter
from ftdisclose.output.jsondoc import dumps
from ftdisclose.output.view import FileReport


class SarifReporter(Reporter):
    name = "sarif"
    _LEVEL: ClassVar[dict[Severity, str]] = {
        Severity.ERROR: "error",
        Severity.WARNING: "warning",
        Severity.INFO: "note",
    }

    def __init__(self, out: IO[str], *, command: Command = "validate", color: bool = False, verbosity: int = 0) -> None:
        super().__init__(out, command=command, color=color, verbosity=verbosity)
        self._results: list[dict[str, Any]] = []
        self._index = {code: i for i, code in enumerate(CATALOGUE)}

    def render(self, report: FileReport) -> None:
        for f in report.findings:
            location: dict[str, Any] = {"artifactLocation": {"uri": f.file.replace("\\", "/")}}
            if f.line is not None:
                location["region"] = {"startLine": f.line, **({"startColumn": f.column} if f.column else {})}
            entry: dict[str, Any] = {
                "ruleId": str(f.code),
                "ruleIndex": self._index[f.code],
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
                "id": str(rule.code),
                "name": rule.slug,
                "shortDescription": {"text": rule.title},
                "fullDescription": {"text": rule.description},
                "helpUri": rule.url,
                "help": {"text": rule.hint or rule.description},
                "defaultConfiguration": {"level": self._LEVEL[rule.severity]},
            }
            for rule in CATALOGUE.values()
        ]
        driver = {
            "name": "ftdisclose",
            "version": __version__,
            "informationUri": "https://ftdisclose.github.io/ftdisclose/",
            "rules": rules,
        }
        doc = {
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{"tool": {"driver": driver}, "results": self._results}],
        }
        self.out.write(dumps(doc, indent=2) + "\n")
