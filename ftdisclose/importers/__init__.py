"""Importers: other tools' output -> a spec disclosure (plain data) and findings.

Each importer reads its format by name and by its documented semantics, fills in only
what the input states, and records the origin of every value it wrote under the
extension key ``x-ftdisclose-import``, so the result validates and explains itself.
"""

from __future__ import annotations

from ftdisclose.importers.codecarbon import ImportResult, dump_yaml, import_codecarbon

__all__ = ["ImportResult", "dump_yaml", "import_codecarbon"]
