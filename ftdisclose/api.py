r"""The Python API: the commands' work as functions returning typed results.

``validate`` and ``compute`` take a path, the text of a disclosure, or its data as a
mapping, and return the pipeline's ``FileResult``: the findings, the disclosure as the
latest spec model (``FileResult.disclosure``, a ``Disclosure``), and (for ``compute``)
the computation, whose results are ``Measure`` values with their units. Both can be
called any number of times, and never raise for a bad disclosure: what is wrong is in
``findings``.

```python
import ftdisclose

checked = ftdisclose.validate({"spec_version": "1.1", "model": {"name": "m"}, "operational": {"duration": "4 kg"}})
print(checked.valid, [(str(f.code), f.path) for f in checked.findings])  # False, unit-dimension at operational.duration

result = ftdisclose.compute('spec_version: "1.1"\nmodel: {name: m}\noperational: {energy: 0.694 kWh}\n')
assert result.computation is not None and result.disclosure is not None
energy = result.computation.results[ftdisclose.Result.ENERGY_IT]
print(result.disclosure.model.name, energy.to("Wh").mid, "Wh")  # m 694.0 Wh
```
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from ftdisclose.engine.compute import Result
from ftdisclose.engine.quantity import Measure
from ftdisclose.findings import Code, Finding, Severity
from ftdisclose.io.loader import Document, load, loads
from ftdisclose.pipeline import FileResult, Goal, Options, run_document, run_file
from ftdisclose.spec import Disclosure

__all__ = [
    "Code",
    "Disclosure",
    "FileResult",
    "Finding",
    "Kind",
    "Measure",
    "Options",
    "Result",
    "Severity",
    "Source",
    "compute",
    "load",
    "loads",
    "validate",
]

Source = str | Path | Mapping[str, Any]
Kind = Literal["yaml", "json", "card"]


def _document(source: Source, kind: Kind | None) -> Document | None:
    """A document for text or data; None when ``source`` is a path.

    A string is text when ``kind`` is given, or when it has a line break, starts with ``{``,
    ``---`` or ``spec_version``, or is empty; otherwise it is a path.
    """
    if isinstance(source, Mapping):
        return loads(json.dumps(source, default=str), "<data>", "json")
    if not isinstance(source, str):
        return None
    head = source.lstrip()
    if kind is not None or "\n" in source or not head or head.startswith(("{", "---", "spec_version")):
        guessed: Kind = "json" if head.startswith("{") else "card" if head.startswith("---") else "yaml"
        return loads(source, "<string>", kind or guessed)
    return None


def validate(source: Source, *, kind: Kind | None = None, options: Options | None = None) -> FileResult:
    """Validate a disclosure: a path, its text (YAML or JSON; ``kind="card"`` for a model card), or a mapping."""
    doc = _document(source, kind)
    if doc is None:
        return run_file(Path(str(source)), options, goal=Goal.VALIDATE)
    return run_document(doc, options, goal=Goal.VALIDATE)


def compute(source: Source, *, kind: Kind | None = None, options: Options | None = None) -> FileResult:
    """Validate and compute a disclosure; ``FileResult.computation`` holds the results (None when invalid)."""
    doc = _document(source, kind)
    if doc is None:
        return run_file(Path(str(source)), options, goal=Goal.COMPUTE)
    return run_document(doc, options, goal=Goal.COMPUTE)
