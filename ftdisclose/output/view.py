"""What reporters receive: one file's findings and, for ``compute``, its figures, as plain data.

A ``FileReport`` is made from a pipeline result in the process that ran the file (it is
small and picklable, so ``--jobs`` sends it between processes), and every reporter renders
only this: results are data; reporters render them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ftdisclose.engine.compute import Computation, Result, RunResult
from ftdisclose.engine.quantity import Measure
from ftdisclose.findings import Code, Finding, Severity
from ftdisclose.pipeline import FileResult
from ftdisclose.resolve import Input
from ftdisclose.spec.inputs import Origin

EQUIVALENCE_LABELS: dict[str, str] = {
    "car_km_eu": "km driven by an average European car",
    "car_km_us": "km driven by an average US car",
    "person_year_dk": "years of an average Dane's emissions",
    "tree_year": "tree-years of CO2 uptake",
    "flight_paris_london": "passenger flights Paris-London",
    "flight_new_york_san_francisco": "passenger flights New York-San Francisco",
    "us_home_energy_year": "years of an average US home's energy use",
}


@dataclass(frozen=True)
class Equivalence:
    """The central total beside an everyday amount (never mixed into the results)."""

    key: str
    label: str
    amount: float


@dataclass(frozen=True)
class Figures:
    """A computation's results and inputs, as the reports show them."""

    factors_version: str
    results: Mapping[Result, Measure]
    missing: Mapping[Result, str]
    inputs: Mapping[str, Input]
    used: frozenset[str]
    runs: tuple[RunResult, ...] = ()
    equivalences: tuple[Equivalence, ...] = ()
    stages: Mapping[str, Mapping[Result, Measure]] = field(default_factory=dict)

    def defaulted(self) -> list[tuple[str, Input]]:
        return defaulted_inputs(self.inputs, self.used)


def defaulted_inputs(inputs: Mapping[str, Input], used: frozenset[str]) -> list[tuple[str, Input]]:
    """The inputs filled from defaults that the computation used, by name: every format counts these."""
    return [
        (name, item)
        for name, item in sorted(inputs.items())
        if item.origin is Origin.DEFAULT and (name in used or isinstance(item.value, str))
    ]


@dataclass(frozen=True)
class FileReport:
    """One file's outcome: its findings, and its figures when it was computed."""

    file: str
    kind: str
    spec_version: str | None
    findings: tuple[Finding, ...]
    figures: Figures | None = None

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.WARNING)

    @property
    def valid(self) -> bool:
        return self.errors == 0

    @property
    def unreadable(self) -> bool:
        return any(f.code is Code.UNREADABLE for f in self.findings)


def report_of(result: FileResult, *, with_figures: bool) -> FileReport:
    """The report of a pipeline result (``with_figures``: the command shows the computation)."""
    figures = _figures(result.computation) if with_figures and result.computation is not None else None
    return FileReport(result.file, result.document.kind, result.spec_version, result.findings, figures)


def _figures(computation: Computation) -> Figures:
    return Figures(
        computation.factors_version,
        computation.results,
        computation.missing,
        computation.inputs,
        computation.used,
        computation.runs,
        equivalences(computation),
        computation.stages,
    )


def equivalences(computation: Computation) -> tuple[Equivalence, ...]:
    """The total beside everyday amounts from the equivalences table."""
    total = computation.results.get(Result.EMISSIONS_TOTAL)
    energy = computation.results.get(Result.ENERGY_FACILITY)
    if total is None or energy is None:
        return ()
    out = []
    for row in computation.resolution.factors.rows("equivalences"):
        value = row.number("value")
        if not value:
            continue
        unit, key = row["unit"], row["key"]
        label = EQUIVALENCE_LABELS.get(key, key.replace("_", " "))
        if unit == "gCO2e/km":
            out.append(Equivalence(key, label, total.to("gCO2e").mid / value))
        elif unit == "kgCO2e":
            out.append(Equivalence(key, label, total.to("kgCO2e").mid / value))
        elif unit == "kWh" and key == "image_generation":
            out.append(Equivalence(key, "images generated, for the same energy", energy.to("kWh").mid / value))
    return tuple(out)
