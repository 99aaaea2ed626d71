"""GitHub Actions workflow commands: findings as annotations on the pull request's files."""

from __future__ import annotations

from typing import ClassVar

from ftdisclose.findings import Severity
from ftdisclose.output.base import Reporter
from ftdisclose.output.safe import github_data, github_property
from ftdisclose.output.view import FileReport


class GithubReporter(Reporter):
    name = "github"
    _LEVEL: ClassVar[dict[Severity, str]] = {
        Severity.ERROR: "error",
        Severity.WARNING: "warning",
        Severity.INFO: "notice",
    }

    def render(self, report: FileReport) -> None:
        for f in report.findings:
            props = [f"file={github_property(f.file)}"]
            if f.line is not None:
                props.append(f"line={f.line}")
            if f.column is not None:
                props.append(f"col={f.column}")
            props.append(f"title={github_property(f'{f.code} {f.rule}')}")
            message = (f"{f.path}: " if f.path else "") + f.message + (f" (hint: {f.hint})" if f.hint else "")
            self.out.write(f"::{self._LEVEL[f.severity]} {','.join(props)}::{github_data(message)}\n")

    def finish(self) -> None:
        if not self.summary.files:
            self.out.write(f"::notice title=ftdisclose::{github_data(self.summary.line())}\n")
        self.out.write(self.summary.line() + "\n")
