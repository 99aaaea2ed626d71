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
from ftdisclose.findings import Finding, Tally
from ftdisclose.output.numbers import readable
from ftdisclose.pipeline import FileResult
from ftdisclose.resolve import Input
from ftdisclose.spec.inputs import Origin

# Each equivalence in the units it may be read in: (how many per table unit, label), most natural first.
# A total is set beside an everyday amount only when that amount reads naturally, between
# EQUIVALENCE_RANGE's bounds, in one of these; otherwise that equivalence is left out.
EQUIVALENCE_UNITS: dict[str, tuple[tuple[float, str], ...]] = {
    "car_km_eu": ((1, "km driven by an average European car"), (1000, "m driven by an average European car")),
    "car_km_us": ((1, "km driven by an average US car"), (1000, "m driven by an average US car")),
    "person_year_dk": (
        (1, "years of an average Dane's emissions"),
        (365.25, "days of an average Dane's emissions"),
        (8766, "hours of an average Dane's emissions"),
        (525960, "minutes of an average Dane's emissions"),
    ),
    "tree_year": ((1, "tree-years of CO2 uptake"), (365.25, "tree-days of CO2 uptake")),
    "flight_paris_london": ((1, "passenger flights Paris-London"),),
    "flight_new_york_san_francisco": ((1, "passenger flights New York-San Francisco"),),
    "us_home_energy_year": (
        (1, "years of an average US home's energy use"),
        (365.25, "days of an average US home's energy use"),
        (8766, "hours of an average US home's energy use"),
        (525960, "minutes of an average US home's energy use"),
    ),
    "image_generation": ((1, "images generated, for the same energy"),),
}
EQUIVALENCE_RANGE = (0.1, 10_000.0)


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
    sources: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # the used rows' sources, by id

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
class FileReport(Tally):
    """One file's outcome: its findings, and its figures when it was computed."""

    file: str
    kind: str
    spec_version: str | None
    findings: tuple[Finding, ...]
    figures: Figures | None = None


def input_text(item: Input) -> str:
    """An input's value as people read it: ``700 W``, ``1.56 (1.0 - 1.56)``, a name as it is (not yet made safe)."""
    if isinstance(item.value, str):
        return item.value
    shown = readable(Measure(item.span, item.unit or "1"))
    unit = "" if shown.unit in ("", "1") else f" {shown.unit}"
    return f"{shown.value}{unit}" if shown.exact else f"{shown.value}{unit} ({shown.range})"


def report_of(result: FileResult, *, with_figures: bool) -> FileReport:
    """The report of a pipeline result (``with_figures``: the command shows the computation)."""
    figures = _figures(result.computation) if with_figures and result.computation is not None else None
    return FileReport(result.file, result.document.kind, result.spec_version, result.findings, figures)


def _figures(computation: Computation) -> Figures:
    tables = computation.resolution.factors
    used = sorted({sid for item in computation.inputs.values() for sid in item.sources})
    return Figures(
        computation.factors_version,
        computation.results,
        computation.missing,
        computation.inputs,
        computation.used,
        computation.runs,
        equivalences(computation),
        computation.stages,
        {sid: dict(tables.sources[sid]) for sid in used if sid in tables.sources},
    )


def _natural(key: str, amount: float) -> tuple[float, str] | None:
    """The amount and label of ``key`` in the unit where it reads naturally; None when none does."""
    low, high = EQUIVALENCE_RANGE
    options = EQUIVALENCE_UNITS.get(key, ((1, key.replace("_", " ")),))
    readable = [(amount * per, label) for per, label in options if low <= amount * per <= high]
    at_least_one = [(value, label) for value, label in readable if value >= 1]
    chosen = at_least_one or readable
    return chosen[0] if chosen else None


def equivalences(computation: Computation) -> tuple[Equivalence, ...]:
    """The total beside everyday amounts from the equivalences table, each where it reads naturally."""
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
        if unit == "gCO2e/km":
            amount = total.to("gCO2e").mid / value
        elif unit == "kgCO2e":
            amount = total.to("kgCO2e").mid / value
        elif unit == "kWh" and key == "image_generation":
            amount = energy.to("kWh").mid / value
        else:
            continue
        natural = _natural(key, amount)
        if natural is not None:
            out.append(Equivalence(key, natural[1], natural[0]))
    return tuple(out)
