"""The unit expressions ftdisclose reads: a small grammar, checked before pint sees anything.

::

    expression := term (separator term)*        at most MAX_TERMS terms, MAX_CHARS characters
    separator  := "*" | "/" | " "               a space is a product, as in "kW h"
    term       := name [power] | "1"
    power      := ("^" | "**") integer          a whole number, 1 <= |n| <= MAX_POWER
    name       := a letter, "µ", "_" or "%", then letters, digits and "_"   (a unit with its prefix)

Operators apply left to right to the next term only, as pint reads them: ``g/kW*h`` is
``(g / kW) * h`` and ``a/b/c`` is ``a / (b * c)``. Only printable ASCII (and ``µ``) is
accepted, so look-alike digits, zero-width spaces and control characters never reach a
parser. A name is looked up on its own; pint never evaluates an expression, so no string
can make it compute ``3600 ** 387420489``.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_CHARS = 64
MAX_TERMS = 6
MAX_POWER = 4
MAX_NAME = 32

_NAME_START = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZµ_")
_NAME_REST = _NAME_START | frozenset("0123456789")
_DIGITS = frozenset("0123456789")


class UnitError(ValueError):
    """A unit string that the registry does not know, or that the grammar does not accept."""


class UnitSyntaxError(UnitError):
    """A unit string outside the grammar (too long, too many factors, a power beyond the limit...)."""


@dataclass(frozen=True, slots=True)
class Term:
    """One factor of a unit expression: a unit name (with its prefix) raised to ``power``."""

    name: str
    power: int


def parse(text: str) -> tuple[Term, ...]:
    """The terms of a unit expression, or UnitError saying what the grammar refuses.

    ``text`` is already normalised (``units.normalise_unit``). The work is linear in the
    length, which is checked first.
    """
    if len(text) > MAX_CHARS:
        raise UnitSyntaxError(f"a unit has at most {MAX_CHARS} characters, this one {len(text):,}")
    if not text.strip():
        raise UnitError("empty unit")
    return tuple(_Scanner(text).expression())


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def _skip(self) -> bool:
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] == " ":
            self.pos += 1
        return self.pos > start

    def _peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def _fail(self, what: str) -> UnitSyntaxError:
        return UnitSyntaxError(f"{what} at character {self.pos + 1}")

    def expression(self) -> list[Term]:
        terms: list[Term] = []
        sign = 1
        self._skip()
        while True:
            term = self._term(sign)
            if term is not None:
                terms.append(term)
            if len(terms) > MAX_TERMS:
                raise UnitSyntaxError(f"a unit has at most {MAX_TERMS} factors")
            spaced = self._skip()
            ch = self._peek()
            if not ch:
                return terms
            if ch in "*/" and not self.text.startswith("**", self.pos):
                sign = -1 if ch == "/" else 1
                self.pos += 1
                self._skip()
            elif spaced:
                sign = 1
            else:
                raise self._fail(_unexpected(ch))

    def _term(self, sign: int) -> Term | None:
        ch = self._peek()
        if ch == "1" and not self._digit_at(self.pos + 1):
            self.pos += 1
            return None  # "1/h": the one contributes nothing
        if ch == "%":
            self.pos += 1
            return Term("%", sign * self._power())
        if ch not in _NAME_START:
            raise self._fail("a unit name is missing" if not ch else _unexpected(ch))
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] in _NAME_REST:
            self.pos += 1
        name = self.text[start : self.pos]
        if len(name) > MAX_NAME:
            raise UnitSyntaxError(f"a unit name has at most {MAX_NAME} characters")
        return Term(name, sign * self._power())

    def _digit_at(self, index: int) -> bool:
        return index < len(self.text) and self.text[index] in _DIGITS

    def _power(self) -> int:
        save = self.pos
        self._skip()
        if self.text.startswith("**", self.pos):
            self.pos += 2
        elif self._peek() == "^":
            self.pos += 1
        else:
            self.pos = save
            return 1
        self._skip()
        start = self.pos
        if self._peek() in ("-", "+"):
            self.pos += 1
        digits = self.pos
        while self._digit_at(self.pos):
            self.pos += 1
        if self.pos == digits:
            raise self._fail("a power is a whole number")
        if self.pos - digits > 2 or not 1 <= abs(int(self.text[start : self.pos])) <= MAX_POWER:
            raise UnitSyntaxError(f"a power is a whole number between -{MAX_POWER} and {MAX_POWER} (not 0)")
        if self._peek() in ("*", "^") and self.text.startswith(("**", "^"), self.pos):
            raise self._fail("a power of a power")
        if self._peek() == ".":
            raise self._fail("a power is a whole number")
        return int(self.text[start : self.pos])


def _unexpected(ch: str) -> str:
    if ch.isprintable() and ch.isascii():
        return f"{ch!r} is not allowed in a unit"
    return f"the character U+{ord(ch):04X} is not allowed in a unit"
