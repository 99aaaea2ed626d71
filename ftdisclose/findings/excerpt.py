"""How a finding quotes what a file wrote: never more than a short excerpt.

A hostile file can hold a 1 MB string or a 4,000-digit integer where a unit or a number
belongs; a finding names it by its start and its size, so messages stay one line long.
"""

from __future__ import annotations

LIMIT = 60  # characters of the offending text shown; the whole excerpt stays under ~80


def excerpt(value: object, limit: int = LIMIT) -> str:
    """``repr`` of ``value``, shortened: ``'aaaa…' (1,200,000 characters)``, ``an integer of 400 digits``."""
    if isinstance(value, str):
        if len(value) <= limit:
            return repr(value)
        return f"{value[:limit]!r}… ({len(value):,} characters)"
    if isinstance(value, bool) or value is None or isinstance(value, float):
        return repr(value)
    if isinstance(value, int):
        if value.bit_length() <= 190:  # up to 57 digits: shown whole
            return repr(value)
        return f"an integer of about {int(value.bit_length() * 0.30103) + 1:,} digits"
    if isinstance(value, dict):
        return f"a mapping of {len(value):,} keys"
    if isinstance(value, list | tuple):
        return f"a list of {len(value):,} items"
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}…"
