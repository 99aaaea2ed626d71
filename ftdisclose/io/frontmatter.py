"""A model card's front matter: where it starts and ends, as the loader and the writers find it.

One definition of the lines, so that what ``card`` and ``pin`` edit is what ``validate`` reads.
"""

from __future__ import annotations

from dataclasses import dataclass

CLOSERS = ("---", "...")


class FrontMatterError(ValueError):
    """The front matter opened on line 1 is never closed."""


@dataclass(frozen=True)
class Parts:
    opening: str  # the first line, "---" and its line ending
    front: str  # the YAML between the markers
    closing: str  # the closing line, with its line ending (none at the end of the file)
    body: str  # everything after


def split(text: str) -> Parts | None:
    """The card's parts, or None for a card without front matter (FrontMatterError when never closed)."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip("\r\n").rstrip() != "---":
        return None
    for i, line in enumerate(lines[1:], 1):
        if line.rstrip("\r\n").rstrip() in CLOSERS:
            return Parts(lines[0], "".join(lines[1:i]), line, "".join(lines[i + 1 :]))
    raise FrontMatterError("the front matter opened on line 1 is never closed with ---")
