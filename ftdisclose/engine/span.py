"""A low / central / high triple that does arithmetic bound by bound.

Every formula of the methodology is monotone in each input, so its range is the formula
evaluated at the low ends and at the high ends of its inputs. A ``Span`` does arithmetic
with spans and plain numbers only; anything else is a ``TypeError``, never a silent
conversion. A ``Span`` carries the
three evaluations through one expression; an input that lowers the result when it
grows (hardware life, reserved share, MFU) enters flipped (``Span.inverse``), so that
``low`` stays the lowest result. Spans live inside pint quantities, so units are
checked once per operation, not once per bound.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Span:
    low: float
    mid: float
    high: float

    @classmethod
    def of(cls, value: float, low: float | None = None, high: float | None = None) -> Span:
        return cls(value if low is None else low, value, value if high is None else high)

    def inverse(self) -> Span:
        """The same values with the ends swapped: for inputs the result falls with."""
        return Span(self.high, self.mid, self.low)

    def ordered(self) -> Span:
        return Span(min(self.low, self.mid, self.high), self.mid, max(self.low, self.mid, self.high))

    def _op(self, other: Span | float, op: Callable[[float, float], float]) -> Span:
        if isinstance(other, Span):
            return Span(op(self.low, other.low), op(self.mid, other.mid), op(self.high, other.high))
        if isinstance(other, int | float) and not isinstance(other, bool):
            return Span(op(self.low, other), op(self.mid, other), op(self.high, other))
        return NotImplemented  # type: ignore[no-any-return]

    def _rop(self, other: Span | float, op: Callable[[float, float], float]) -> Span:
        if isinstance(other, int | float) and not isinstance(other, bool):
            return Span(op(other, self.low), op(other, self.mid), op(other, self.high))
        return NotImplemented  # type: ignore[no-any-return]

    def map(self, fn: Callable[[float], float]) -> Span:
        """Each bound through ``fn`` (a monotone increasing function keeps the order)."""
        return Span(fn(self.low), fn(self.mid), fn(self.high))

    @property
    def exact(self) -> bool:
        """No range: the three values are one."""
        return self.low == self.mid == self.high

    def finite(self) -> bool:
        return all(math.isfinite(v) for v in (self.low, self.mid, self.high))

    def __mul__(self, other: Span | float) -> Span:
        return self._op(other, operator.mul)

    def __rmul__(self, other: Span | float) -> Span:
        return self._rop(other, operator.mul)

    def __truediv__(self, other: Span | float) -> Span:
        return self._op(other, operator.truediv)

    def __rtruediv__(self, other: Span | float) -> Span:
        return self._rop(other, operator.truediv)

    def __add__(self, other: Span | float) -> Span:
        return self._op(other, operator.add)

    def __radd__(self, other: Span | float) -> Span:
        return self._rop(other, operator.add)

    def __sub__(self, other: Span | float) -> Span:
        return self._op(other, operator.sub)

    def __rsub__(self, other: Span | float) -> Span:
        return self._rop(other, operator.sub)

    def __neg__(self) -> Span:
        return Span(-self.high, -self.mid, -self.low)
