"""SARIF 2.1.0 for code-scanning upload: one rule per finding code.

Artifact locations are URIs relative to the repository root (``%SRCROOT%``, the nearest
folder above the working folder that holds ``.git``, else the working folder), percent-
encoded so that a ``#``, ``%`` or space in a file name is part of the path; a file outside
that root gets an absolute ``file:`` URI. The message is the finding; the hint is a
separate paragraph (and ``properties.hint``). Control characters in user text are made
visible, as in every other format.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any, ClassVar
from urllib.parse import quote

from ftdisclose._version import __version__
from ftdisclose.findings import CATALOGUE, Finding, Severity
from ftdisclose.io.ignore import repository_root
from ftdisclose.output.base import Command, Reporter
from ftdisclose.output.jsondoc import dumps
from ftdisclose.output.safe import terminal
from ftdisclose.output.view import FileReport

SRCROOT = "%SRCROOT%"


def artifact_location(file: str, root: Path) -> dict[str, str]:
    """A SARIF artifactLocation for the file a finding names (its display name, as given on the command line)."""
    path = Path(file)
    try:
        absolute = (path if path.is_absolute() else Path.cwd() / path).resolve()
        relative = absolute.relative_to(root)
    except (OSError, ValueError):
        if path.is_absolute():
            return {"uri": path.as_uri()}
        return {"uri": quote(file.replace("\\", "/"), safe="/")}  # not a path (an API name such as <string>)
    return {"uri": quote(relative.as_posix(), safe="/"), "uriBaseId": SRCROOT}


def message_text(f: Finding) -> str:
    """The finding's message, then its hint as a paragraph of its own."""
    text = (f"{f.path}: " if f.path else "") + f.message
    return terminal(text) + (f"\n\nHint: {terminal(f.hint)}" if f.hint else "")


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
        cwd = Path.cwd().resolve()
        self._root = repository_root(cwd) or cwd

    def render(self, report: FileReport) -> None:
        for f in report.findings:
            location: dict[str, Any] = {"artifactLocation": artifact_location(f.file, self._root)}
            if f.line is not None:
                location["region"] = {"startLine": f.line, **({"startColumn": f.column} if f.column else {})}
            entry: dict[str, Any] = {
                "ruleId": str(f.code),
                "ruleIndex": self._index[f.code],
                "level": self._LEVEL[f.severity],
                "message": {"text": message_text(f)},
                "locations": [{"physicalLocation": location}],
            }
            properties = {k: v for k, v in (("path", f.path), ("hint", f.hint)) if v}
            if properties:
                entry["properties"] = properties
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
            "runs": [
                {
                    "tool": {"driver": driver},
                    "originalUriBaseIds": {SRCROOT: {"uri": self._root.as_uri().rstrip("/") + "/"}},
                    "results": self._results,
                }
            ],
        }
        self.out.write(dumps(doc, indent=2) + "\n")
