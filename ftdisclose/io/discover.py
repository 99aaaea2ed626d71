"""Which files a command reads: named files as given, folders walked in sorted order."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from ftdisclose.io.loader import SUFFIXES

CARD_MARKERS = (b"carbon_disclosure", b"co2_eq_emissions", b"dia_report")


def iter_paths(paths: Sequence[str], *, only_carbon_cards: bool = False) -> Iterator[tuple[Path, str]]:
    """(path, name to show) of every file to read."""
    for raw in paths:
        path = Path(raw)
        if not path.is_dir():
            if not (
                only_carbon_cards and path.suffix.lower() == ".md" and path.is_file() and not looks_like_card(path)
            ):
                yield path, raw
            continue
        for child in sorted(path.rglob("*")):
            rel = child.relative_to(path)
            if any(part.startswith(".") for part in rel.parts) or not child.is_file():
                continue
            suffix = child.suffix.lower()
            if suffix not in SUFFIXES or (suffix == ".md" and not looks_like_card(child)):
                continue
            yield child, str(child)


def looks_like_card(path: Path) -> bool:
    """A Markdown file counts when its front matter speaks of carbon."""
    try:
        with path.open("rb") as fh:
            head = fh.read(64 * 1024)
    except OSError:
        return True
    head = head.removeprefix(b"\xef\xbb\xbf")
    if not head.startswith(b"---"):
        return False
    return any(marker in head for marker in CARD_MARKERS)
