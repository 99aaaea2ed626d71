"""How much work one file may cause: the caps that keep every file under the size limit fast.

A disclosure is a few kilobytes with a few hundred values. The caps are far above that and
far below what a hostile file under the size limit could otherwise ask for (45,000 runs,
99,000 unknown keys, a million list items): with them, reading, validating, computing and
explaining any file take well under 2 s and 300 MB. Each cap hit is a finding; nothing is
cut silently.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Per-file caps (``pipeline.Options.limits``; the Python API and tests can set their own)."""

    max_bytes: int = MAX_BYTES  # the file's size; checked from stat before reading, and while reading
    max_values: int = 50_000  # keys, items and scalars, aliases expanded
    max_keys: int = 5_000  # mapping keys in the whole document
    max_key_chars: int = 128  # characters of one key
    max_runs: int = 500  # entries of operational.runs (each is computed on its own)
    max_findings: int = 1_000  # findings reported for one file; the rest are counted
