"""Quantities the formulas run on, and ``Measure``, the unit-carrying value results are kept in.

Two engines evaluate the same formulas: pint's own ``Quantity`` (``--units-engine pint``),
and ``FastQuantity``, which checks dimensions at every operation like pint, from the same
registry, without pint's per-operation cost. A ``FastQuantity`` combines with another
``FastQuantity`` or a plain number; anything else is a ``TypeError``.

A ``Measure`` is what leaves the engine: a low / central / high span and its unit. It
converts between units of the same dimension (``Measure.to``), so results keep their units
until a reporter chooses how to show them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any, Protocol

from ftdisclose.engine.span import Span
from ftdisclose.units import UnitError, convert, registry, unit_info

Dims = tuple[tuple[str, float], ...]


class Quantity(Protocol):
    """What the formulas need of a value: arithmetic that keeps and checks units (FastQuantity, pint's Quantity)."""

    def __mul__(self, other: Quantity, /) -> Quantity: ...

    def __truediv__(self, other: Quantity, /) -> Quantity: ...

    def __add__(self, other: Quantity, /) -> Quantity: ...

    def __sub__(self, other: Quantity, /) -> Quantity: ...


@dataclass(frozen=True, slots=True)
class Measure:
    """A span of values in a unit."""

    span: Span
    unit: str

    @classmethod
    def of(cls, value: float, unit: str, low: float | None = None, high: float | None = None) -> Measure:
        return cls(Span.of(value, low, high), unit)

    @property
    def mid(self) -> float:
        return self.span.mid

    @property
    def low(self) -> float:
        return self.span.low

    @property
    def high(self) -> float:
        return self.span.high

    def to(self, unit: str) -> Measure:
        """The same amount in ``unit`` (UnitError when the dimensions differ)."""
        if unit == self.unit:
            return self
        factor = convert(1.0, self.unit, unit)
        return Measure(self.span * factor, unit)

    def finite(self) -> bool:
        return self.span.finite()


@cache
def _combine_dims(a: Dims, b: Dims, sign: float) -> Dims:
    """Dimension exponents of a product (sign 1) or quotient (sign -1); few distinct pairs occur."""
    out = dict(a)
    for dim, exp in b:
        out[dim] = out.get(dim, 0.0) + sign * exp
    return tuple(sorted((d, e) for d, e in out.items() if e != 0))


class FastQuantity:
    """A span with a unit, checked at every operation like a pint quantity."""

    __slots__ = ("dims", "factor", "magnitude")

    def __init__(self, magnitude: Span, factor: float, dims: Dims) -> None:
        self.magnitude, self.factor, self.dims = magnitude, factor, dims

    @classmethod
    def of(cls, magnitude: Span, unit: str) -> FastQuantity:
        info = unit_info(unit)
        return cls(magnitude, info.factor, info.dims)

    @staticmethod
    def _other(other: object) -> FastQuantity:
        if isinstance(other, FastQuantity):
            return other
        if isinstance(other, int | float) and not isinstance(other, bool):
            return FastQuantity(Span.of(float(other)), 1.0, ())
        raise TypeError(f"a quantity does not combine with {type(other).__name__}")

    def __mul__(self, other: object) -> FastQuantity:  # a Quantity, or a plain number
        o = self._other(other)
        return FastQuantity(self.magnitude * o.magnitude, self.factor * o.factor, _combine_dims(self.dims, o.dims, 1))

    __rmul__ = __mul__

    def __truediv__(self, other: object) -> FastQuantity:
        o = self._other(other)
        return FastQuantity(self.magnitude / o.magnitude, self.factor / o.factor, _combine_dims(self.dims, o.dims, -1))

    def __rtruediv__(self, other: object) -> FastQuantity:
        return self._other(other) / self

    def _same(self, other: object) -> FastQuantity:
        o = self._other(other)
        if o.dims != self.dims:
            raise UnitError(f"cannot add {o.dims} to {self.dims}")
        return o

    def __add__(self, other: object) -> FastQuantity:
        o = self._same(other)
        return FastQuantity(self.magnitude + o.magnitude * (o.factor / self.factor), self.factor, self.dims)

    def __sub__(self, other: object) -> FastQuantity:
        o = self._same(other)
        return FastQuantity(self.magnitude - o.magnitude * (o.factor / self.factor), self.factor, self.dims)

    def to(self, unit: str) -> FastQuantity:
        info = unit_info(unit)
        if info.dims != self.dims:
            raise UnitError(f"cannot convert {self.dims} to {unit}")
        return FastQuantity(self.magnitude * (self.factor / info.factor), info.factor, info.dims)


class Engine(Protocol):
    """How the formulas' values are made and read back: a quantity type and its unit handling."""

    name: str

    def quantity(self, span: Span, unit: str) -> Quantity: ...

    def measure(self, value: Quantity, unit: str) -> Measure: ...


class FastEngine:
    name = "fast"

    def quantity(self, span: Span, unit: str) -> Quantity:
        return FastQuantity.of(span, unit)

    def measure(self, value: Quantity, unit: str) -> Measure:
        if not isinstance(value, FastQuantity):
            raise TypeError(f"the fast engine measures its own quantities, not {type(value).__name__}")
        return Measure(value.to(unit).magnitude.ordered(), unit)


class PintEngine:
    name = "pint"

    def __init__(self) -> None:
        self._quantity: Callable[..., Any] = registry().Quantity

    def quantity(self, span: Span, unit: str) -> Quantity:
        quantity: Quantity = self._quantity(span, _pint_unit(unit))
        return quantity

    def measure(self, value: Quantity, unit: str) -> Measure:
        converted: Any = value
        magnitude: Span = converted.to(_pint_unit(unit)).magnitude
        return Measure(magnitude.ordered(), unit)


@cache
def _pint_unit(text: str) -> Any:
    """A pint Unit, parsed once per process for each unit string the formulas use."""
    return registry().Unit(text)


ENGINES: dict[str, Callable[[], Engine]] = {"fast": FastEngine, "pint": PintEngine}
