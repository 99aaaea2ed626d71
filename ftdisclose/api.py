"""The Python API: the commands' work as functions returning typed results.

``validate`` and ``compute`` take a path, the text of a disclosure, or its data as a
mapping, and return the pipeline's ``FileResult``: the findings, the disclosure as the
latest spec model, and (for ``compute``) the computation, whose results are ``Measure``
values with their units. Both can be called any number of times.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ftdisclose.io.loader import Document, load, loads
from ftdisclose.pipeline import FileResult, Goal, Options, run_document, run_file

__all__ = ["FileResult", "Options", "compute", "load", "loads", "validate"]

Source = str | Path | Mapping[str, Any]


def _document(source: Source, kind: str | None) -> Document | None:
    """A document for text or data; None when ``source`` is a path."""
    if isinstance(source, Mapping):
        return loads(json.dumps(source, default=str), "<data>", "json")
    if isinstance(source, str) and ("\n" in source or source.lstrip().startswith(("{", "spec_version"))):
        return loads(source, "<string>", kind or ("json" if source.lstrip().startswith("{") else "yaml"))
    return None


def validate(source: Source, *, kind: str | None = None, options: Options | None = None) -> FileResult:
    """Validate a disclosure: a path, its text (YAML or JSON; ``kind="card"`` for a model card), or a mapping."""
    doc = _document(source, kind)
    if doc is None:
        return run_file(Path(str(source)), options, goal=Goal.VALIDATE)
    return run_document(doc, options, goal=Goal.VALIDATE)


def compute(source: Source, *, kind: str | None = None, options: Options | None = None) -> FileResult:
    """Validate and compute a disclosure; ``FileResult.computation`` holds the results (None when invalid)."""
    doc = _document(source, kind)
    if doc is None:
        return run_file(Path(str(source)), options, goal=Goal.COMPUTE)
    return run_document(doc, options, goal=Goal.COMPUTE)
