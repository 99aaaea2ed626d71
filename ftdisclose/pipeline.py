"""One file through the stages: load -> validate -> checks -> resolve -> compute -> checks.

``run_file`` is what every command and the Python API use. Each stage is a function of the
previous stage's output; none calls back up. ``validate`` asks for ``Goal.VALIDATE``: it
resolves (so unknown names and missing run times are reported) and computes only when the
disclosure states figures to compare with a recomputation; ``compute`` asks for
``Goal.COMPUTE``. For the same file and options both report the same findings, except the
compute-only ones (hourly grid data, which validate never fetches).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from ftdisclose import factors as factor_tables
from ftdisclose.checks import consistency, figures, plausibility
from ftdisclose.engine.compute import Computation, compute
from ftdisclose.findings import Code, Finding, Severity, Tally, make
from ftdisclose.io.limits import Limits
from ftdisclose.io.loader import Document, load, loads
from ftdisclose.resolve import GridOptions, Resolution, resolve
from ftdisclose.spec import Disclosure, upgrade
from ftdisclose.spec.validate import validate_document


class Goal(Enum):
    VALIDATE = "validate"
    COMPUTE = "compute"


# Findings only ``compute`` can give: hourly grid data (validate never fetches) and results that
# overflow (validate computes only when the file states figures to check against a recomputation).
COMPUTE_ONLY = frozenset(
    {
        Code.GRID_UNAVAILABLE,
        Code.GRID_REQUEST_REJECTED,
        Code.GRID_INVALID_RESPONSE,
        Code.GRID_NO_DATA,
        Code.GRID_PARTIAL_COVERAGE,
        Code.GRID_NO_PROVIDER,
        Code.GRID_OFFLINE,
        Code.GRID_ESTIMATED_VALUES,
        Code.GRID_WINDOW_LIMIT,
        Code.GRID_FETCH_LIMIT,
        Code.GRID_IMPLAUSIBLE_VALUE,
        Code.RESULT_NOT_FINITE,
    }
)


@dataclass(frozen=True)
class Options:
    """What a run of the pipeline may use: factor tables, an overlay, grid data, the units engine."""

    factors_version: str | None = None  # --factors: overrides the disclosure's own pin
    overlay: str | None = None  # --factors-overlay
    grid: GridOptions = field(default_factory=GridOptions)
    engine: str = "fast"  # --units-engine
    limits: Limits = field(default_factory=Limits)  # caps on the work one file can cause


@dataclass(frozen=True)
class FileResult(Tally):
    """What the stages made of one file, as far as they got."""

    document: Document
    findings: tuple[Finding, ...]
    spec_version: str | None = None
    disclosure: Disclosure | None = None
    resolution: Resolution | None = None
    computation: Computation | None = None

    @property
    def file(self) -> str:
        return self.document.file


def run_file(
    path: str | Path, options: Options | None = None, *, goal: Goal = Goal.COMPUTE, display: str | None = None
) -> FileResult:
    """Load one disclosure file or model card and take it through the stages ``goal`` needs."""
    limits = options.limits if options is not None else None
    return run_document(load(path, display=display, limits=limits), options, goal=goal)


def run_text(
    text: str | bytes,
    kind: str = "yaml",
    options: Options | None = None,
    *,
    goal: Goal = Goal.COMPUTE,
    name: str = "<string>",
) -> FileResult:
    """``run_file`` for a disclosure already in memory (``kind``: yaml, json or card)."""
    limits = options.limits if options is not None else None
    return run_document(loads(text, name, kind, limits=limits), options, goal=goal)


def run_document(doc: Document, options: Options | None = None, *, goal: Goal = Goal.COMPUTE) -> FileResult:
    """The stages after loading, for an already loaded document."""
    options = options or Options()
    checked = validate_document(doc)
    if not checked.valid or checked.disclosure is None:
        return FileResult(doc, _sorted(checked.findings, doc.limits.max_findings), checked.spec_version)
    disclosure = upgrade(checked.disclosure)
    found = [*checked.findings, *consistency(disclosure, doc)]
    tables = _tables(disclosure, doc, options, found)
    if tables is None:
        return FileResult(doc, _sorted(found, doc.limits.max_findings), checked.spec_version, disclosure)
    grid = options.grid if goal is Goal.COMPUTE else GridOptions()
    resolution = resolve(disclosure, tables, doc.where, grid)
    computation = None
    if goal is Goal.COMPUTE or _has_figures(disclosure, doc):
        computation = compute(resolution, options.engine)
    found.extend(resolution.findings)
    if computation is not None:
        found.extend(_overflows(computation, doc))
    flagged = {f.path for f in found if f.code is Code.INTENSITY_IMPLAUSIBLE}
    found.extend(figures(disclosure, doc, resolution, computation, flagged))
    found.extend(plausibility(disclosure, doc, resolution))
    findings = _sorted(found, doc.limits.max_findings)
    return FileResult(doc, findings, checked.spec_version, disclosure, resolution, computation)


def _tables(
    disclosure: Disclosure, doc: Document, options: Options, found: list[Finding]
) -> factor_tables.FactorSet | None:
    """The tables to compute with: --factors, else the disclosure's pin, else the newest shipped."""
    chosen = options.factors_version or disclosure.factors_version
    try:
        return factor_tables.load(chosen, options.overlay)
    except factor_tables.OverlayError as exc:
        found.append(make(Code.INVALID_OVERLAY, str(exc), doc.where()))
    except factor_tables.FactorError:
        shipped = ", ".join(factor_tables.available_versions())
        message = f"factor version {chosen!r} is not shipped with this ftdisclose; shipped: {shipped}"
        found.append(make(Code.UNKNOWN_FACTORS_VERSION, message, doc.where(("factors_version",))))
    return None


def _overflows(computation: Computation, doc: Document) -> list[Finding]:
    out = []
    for overflow in computation.overflows:
        place = doc.where(input_path(overflow.inputs[0]) if overflow.inputs else ())
        inputs = ", ".join(overflow.inputs) or "its inputs"
        message = f"{overflow.step} = {overflow.numbers} is not a finite number (from {inputs})"
        out.append(make(Code.RESULT_NOT_FINITE, message, place))
    return out


def input_path(name: str) -> tuple[str | int, ...]:
    """Where an input stands in a disclosure: ``operational.runs.0.energy`` -> ("operational", "runs", 0, "energy")."""
    if name.startswith("method."):
        return ()
    return tuple(int(part) if part.isdigit() else part for part in name.split("."))


def _has_figures(disclosure: Disclosure, doc: Document) -> bool:
    """Whether the file states figures that only a recomputation can check."""
    if disclosure.reported is not None:
        return True
    front = doc.front_matter or {}
    return doc.kind == "card" and any(key in front for key in ("co2_eq_emissions", "dia_report"))


MAX_MESSAGE = 1000  # characters of a finding's message or hint; every stage should quote with findings.excerpt


def _bounded(finding: Finding) -> Finding:
    """The finding with its message and hint cut to MAX_MESSAGE: no stage can flood a report."""
    if len(finding.message) <= MAX_MESSAGE and len(finding.hint) <= MAX_MESSAGE:
        return finding
    return dataclasses.replace(finding, message=_cut(finding.message), hint=_cut(finding.hint))


def _cut(text: str) -> str:
    return text if len(text) <= MAX_MESSAGE else f"{text[: MAX_MESSAGE - 40]}… (cut from {len(text):,} characters)"


def _sorted(found: list[Finding] | tuple[Finding, ...], limit: int | None = None) -> tuple[Finding, ...]:
    """The findings in file order, each bounded; past ``limit``, the first ones and one FTD537 counting the rest."""
    ordered = sorted((_bounded(f) for f in found), key=Finding.sort_key)
    if limit is None or len(ordered) <= limit:
        return tuple(ordered)
    chosen = set(sorted(range(len(ordered)), key=lambda i: ordered[i].severity is not Severity.ERROR)[:limit])
    kept = [f for i, f in enumerate(ordered) if i in chosen]
    first_left = next(f for i, f in enumerate(ordered) if i not in chosen)
    message = f"{len(ordered) - limit:,} more findings are not reported (the limit is {limit:,})"
    return (*kept, make(Code.FINDING_LIMIT, message, first_left.where))
