"""What the resolve stage produces, and the recorder its steps write through.

An ``Input`` is one resolved value with its range, unit, origin and where it came from;
a ``Resolution`` is every input of one disclosure, its runs and the table rows it used.
The ``Recorder`` is local to one ``resolve`` call: each step adds inputs and findings to
it, and ``Recorder.done`` hands back the frozen ``Resolution``.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ftdisclose.engine.quantity import Measure
from ftdisclose.engine.span import Span
from ftdisclose.factors import FactorSet, Row
from ftdisclose.findings import Code, Finding, Where, make
from ftdisclose.spec.inputs import Origin

Locate = Callable[[tuple[str, ...]], Where]


@dataclass(frozen=True, slots=True)
class Input:
    """One resolved input: value (central), range, unit, origin and where it came from."""

    value: float | str
    unit: str | None
    origin: Origin
    detail: str
    low: float | None = None
    high: float | None = None
    table: str | None = None
    row: str | None = None
    sources: tuple[str, ...] = ()
    factors_version: str | None = None
    derived_from: tuple[str, ...] = ()  # the inputs a derived value was computed from

    @property
    def number(self) -> float:
        """The central value of a numeric input (TypeError for a name)."""
        if isinstance(self.value, str):
            raise TypeError(f"{self.value!r} is not a number")
        return float(self.value)

    @property
    def span(self) -> Span:
        return Span.of(self.number, self.low, self.high)

    @property
    def measure(self) -> Measure:
        return Measure(self.span, self.unit or "1")

    @property
    def text(self) -> str:
        return str(self.value)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"value": _round(self.value)}
        if self.unit is not None:
            out["unit"] = self.unit
        if self.low is not None and self.high is not None and (self.low != self.value or self.high != self.value):
            out["low"], out["high"] = _round(self.low), _round(self.high)
        out["origin"] = str(self.origin)
        out["detail"] = self.detail
        return out


def _round(value: float | str) -> float | str:
    if isinstance(value, float):
        return float(f"{value:.10g}")
    return value


@dataclass(frozen=True)
class RunSlice:
    """One run's own times and measured energy (the whole fine-tune, or one of `runs`)."""

    name: str
    duration: Input | None  # None: nothing gives this run's time
    reserved: Input | None
    energy: Input | None = None
    stage: str | None = None
    idle: bool = False  # energy counted outside the run's devices (operational.idle_energy): no embodied share


@dataclass(frozen=True)
class Resolution:
    """Everything the compute stage needs: inputs by name, the runs, the rows used."""

    factors: FactorSet
    inputs: Mapping[str, Input]
    runs: tuple[RunSlice, ...] = ()
    findings: tuple[Finding, ...] = ()
    accelerator: Row | None = None
    server: Row | None = None
    service: Row | None = None
    base_model: Row | None = None
    includes_pue: bool = False
    energy_measured: bool = False

    def __getitem__(self, name: str) -> Input:
        return self.inputs[name]

    def get(self, name: str) -> Input | None:
        return self.inputs.get(name)


@dataclass
class Recorder:
    """The inputs and findings of one resolution as its steps add them."""

    factors: FactorSet
    locate: Locate
    inputs: dict[str, Input] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    runs: list[RunSlice] = field(default_factory=list)
    rows: dict[str, Row] = field(default_factory=dict)  # accelerator, server, service
    includes_pue: bool = False
    energy_measured: bool = False
    _overlay_noted: set[tuple[str, str]] = field(default_factory=set)

    def put(
        self,
        name: str,
        value: float | str,
        unit: str | None,
        origin: Origin,
        detail: str,
        *,
        low: float | None = None,
        high: float | None = None,
        row: Row | None = None,
        derived_from: tuple[str, ...] = (),
    ) -> Input:
        sources: tuple[str, ...] = ()
        version = None
        if row is not None:
            sources = row.sources
            version = None if row.from_overlay else row.origin
            where = row.provenance
            detail = f"{detail} ({where})" if detail else where
            if row.from_overlay:
                detail = f"private {row.origin}: {detail}"
                self._note_overlay(row)
        item = Input(
            value,
            unit,
            origin,
            detail,
            low,
            high,
            row.table if row is not None else None,
            row.label if row is not None else None,
            sources,
            version or (self.factors.version if row is not None and not row.from_overlay else None),
            derived_from,
        )
        self.inputs[name] = item
        return item

    def _note_overlay(self, row: Row) -> None:
        key = (row.table, row.label)
        if key in self._overlay_noted or not self.factors.replaces(row):
            return
        self._overlay_noted.add(key)
        self.findings.append(
            make(
                Code.OVERLAY_SHADOWS,
                f"the overlay's row {row.label} replaces the shipped {row.table} row",
                self.locate(()),
            )
        )

    def disclosed(self, name: str, value: float | str, unit: str | None = None) -> Input:
        return self.put(name, value, unit, Origin.DISCLOSED, "disclosed")

    def from_table(
        self,
        name: str,
        row: Row,
        column: str,
        detail: str = "",
        *,
        origin: Origin = Origin.DEFAULT,
        scale: float = 1.0,
    ) -> Input | None:
        """The row's ``column`` (with its ``_low``/``_high`` columns as the range), in the manifest's unit."""
        central = row.number(column)
        if central is None:
            return None
        low, high = row.number(f"{column}_low"), row.number(f"{column}_high")
        unit = self.factors.unit(row.table, column) or "1"
        return self.put(
            name,
            central * scale,
            unit,
            origin,
            detail,
            low=None if low is None else low * scale,
            high=None if high is None else high * scale,
            row=row,
        )

    def constant(self, key: str, name: str | None = None, detail: str = "") -> Input:
        """A row of the constants table, in the unit the row states."""
        row = self.factors.constants[key]
        value = row.number("value")
        if value is None:
            raise ValueError(f"constant {key} has no value")
        return self.put(
            name or f"method.{key}",
            value,
            row["unit"] or None,
            Origin.DEFAULT,
            detail,
            low=row.number("low"),
            high=row.number("high"),
            row=row,
        )

    def warn(self, code: Code, message: str, path: tuple[str, ...], hint: str | None = None) -> None:
        self.findings.append(make(code, message, self.locate(path), hint=hint))

    def done(self) -> Resolution:
        return Resolution(
            self.factors,
            dict(self.inputs),
            tuple(self.runs),
            tuple(self.findings),
            self.rows.get("accelerator"),
            self.rows.get("server"),
            self.rows.get("service"),
            self.rows.get("base_model"),
            self.includes_pue,
            self.energy_measured,
        )


def closest(name: str, choices: list[str]) -> str:
    """A "closest known" hint for a name that is not in the tables ("" when nothing is close)."""
    close = difflib.get_close_matches(name, choices, n=3, cutoff=0.5)
    if not close:
        lowered = {c.lower(): c for c in choices}
        close = [lowered[c] for c in difflib.get_close_matches(name.lower(), list(lowered), n=3, cutoff=0.4)]
    return f"closest known: {', '.join(close)}" if close else ""
