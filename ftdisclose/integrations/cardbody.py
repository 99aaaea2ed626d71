"""The Markdown body of a model card, as ``card`` edits it: its markers and the Hub template's lines.

Markers count only as whole lines outside fenced code blocks, so a README that quotes
them in prose or in an example is never taken for the section. The Hub's model-card
template has an "Environmental Impact" list whose ``Carbon Emitted`` line would go stale
beside ftdisclose's section; it is rewritten with the figures (and ``Hardware Type``,
``Hours used`` and ``Compute Region`` filled where they still hold the template's
placeholder). Every other byte of the body stays.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["TEMPLATE_FIELDS", "Markers", "find_markers", "prose_lines", "update_template_lines"]

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
# the template's list items, at any heading level or bullet style; the value after the bold label
_ITEM = re.compile(r"^(?P<lead>\s*[-*+]\s+\*\*(?P<label>[A-Za-z ]+?):?\*\*:?[ \t]*)(?P<value>[^\r\n]*)(?P<eol>\r?\n?)$")
_PLACEHOLDER = re.compile(r"^\s*\[?\s*more information needed\s*\]?\s*$", re.IGNORECASE)
TEMPLATE_FIELDS = ("Hardware Type", "Hours used", "Compute Region", "Carbon Emitted")


def prose_lines(body: str) -> list[tuple[int, str, bool]]:
    """(offset, line with its line end, whether it stands outside fenced code) of each line of ``body``."""
    out: list[tuple[int, str, bool]] = []
    fence: str | None = None
    offset = 0
    for line in body.splitlines(keepends=True):
        match = _FENCE.match(line)
        inside = fence is not None
        if match and fence is None:
            fence, inside = match.group(1), True
        elif (
            match
            and fence is not None
            and match.group(1)[0] == fence[0]
            and len(match.group(1)) >= len(fence)
            and not line.strip().strip(fence[0])
        ):
            fence, inside = None, True
        out.append((offset, line, not inside))
        offset += len(line)
    return out


@dataclass(frozen=True)
class Markers:
    """Where the section's marker lines start and end in the body (character offsets), if present."""

    start: int
    end: int  # just past the end marker's text (its line end stays)


def find_markers(body: str, start_marker: str, end_marker: str) -> tuple[Markers | None, int, int]:
    """The section's place, and how many start and end marker lines the body has outside code."""
    starts: list[int] = []
    ends: list[int] = []
    for offset, line, prose in prose_lines(body):
        if not prose:
            continue
        text = line.strip()
        lead = len(line) - len(line.lstrip())
        if text == start_marker:
            starts.append(offset + lead)
        elif text == end_marker:
            ends.append(offset + lead + len(end_marker))
    if len(starts) == 1 and len(ends) == 1 and ends[0] > starts[0]:
        return Markers(starts[0], ends[0]), 1, 1
    return None, len(starts), len(ends)


def update_template_lines(body: str, values: Mapping[str, str], *, outside: tuple[int, int] | None = None) -> str:
    """``body`` with the template's Environmental Impact items set: ``Carbon Emitted`` always, the others
    only where they hold the placeholder; lines in code blocks or in ``outside`` (the section) stay."""
    out: list[str] = []
    done: set[str] = set()
    for offset, line, prose in prose_lines(body):
        inside_section = outside is not None and outside[0] <= offset < outside[1]
        match = _ITEM.match(line) if prose and not inside_section else None
        label = match.group("label").strip() if match else ""
        key = next((f for f in TEMPLATE_FIELDS if f.lower() == label.lower()), None)
        if match is None or key is None or key in done or key not in values:
            out.append(line)
            continue
        done.add(key)
        if key != "Carbon Emitted" and not _PLACEHOLDER.match(match.group("value")):
            out.append(line)
            continue
        out.append(f"{match.group('lead')}{values[key]}{match.group('eol')}")
    return "".join(out)
