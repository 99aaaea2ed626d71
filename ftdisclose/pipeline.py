"""The whole flow for one file: load -> validate -> resolve -> compute.

The CLI and the Python API both call these; each stage stays in its own module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ftdisclose import factors as factor_tables
from ftdisclose.checks import computed_checks
from ftdisclose.engine.compute import Computation, compute
from ftdisclose.findings import Code, Finding, Severity, finding
from ftdisclose.resolve import GridOptions
from ftdisclose.spec.validate import ValidationResult, validate_path


@dataclass
class FileComputation:
    """A file's validation, and its computation when the file is valid."""

    validation: ValidationResult
    computation: Computation | None = None
    findings: list[Finding] = field(default_factory=list)

    @property
    def file(self) -> str:
        return self.validation.file

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.ERROR)


def factor_set(disclosure: object, version: str | None, overlay: str | None) -> factor_tables.FactorSet:
    """The tables to compute with: --factors, else the disclosure's pin, else the newest shipped."""
    chosen = version or getattr(disclosure, "factors_version", None)
    return factor_tables.load(chosen, overlay)


def compute_path(
    path: str | Path,
    *,
    display: str | None = None,
    factors_version: str | None = None,
    overlay: str | None = None,
    backend: str = "fast",
    grid: GridOptions | None = None,
) -> FileComputation:
    """Validate and, when valid, compute one disclosure file or model card."""
    validation = validate_path(path, display=display, with_tables=False)
    result = FileComputation(validation, findings=list(validation.findings))
    if not validation.valid or validation.disclosure is None:
        return result
    try:
        tables = factor_set(validation.disclosure, factors_version, overlay)
    except factor_tables.FactorError as exc:
        code = Code.INVALID_OVERLAY if isinstance(exc, factor_tables.OverlayError) else Code.UNKNOWN_FACTORS_VERSION
        line, col = validation.document.locate(("factors_version",))
        result.findings.append(
            finding(
                code,
                str(exc),
                file=validation.file,
                line=line,
                column=col,
                path="factors_version" if code == Code.UNKNOWN_FACTORS_VERSION else "",
            )
        )
        return result
    result.computation = compute(validation.disclosure, tables, validation.document, backend=backend, grid=grid)
    result.findings.extend(result.computation.findings)
    result.findings.extend(
        computed_checks(
            validation.disclosure,
            validation.document,
            result.computation.resolution,
            result.computation.results,
            result.findings,
        )
    )
    for table, key in tables.shadowed:
        result.findings.append(
            finding(Code.OVERLAY_SHADOWS, f"the overlay replaces {table} row {key}", file=validation.file)
        )
    result.findings.sort(key=Finding.sort_key)
    return result
