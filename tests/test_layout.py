"""The layout shows the flow (issue 12): stages in packages, small modules and functions, no stage calling a
later one, and public helpers instead of private imports across modules."""

from __future__ import annotations

import ast
from pathlib import Path

from .conftest import ROOT

PACKAGE = ROOT / "ftdisclose"
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 60
# declarative tables, not logic: one entry per code
DECLARATIVE = {"ftdisclose/findings/catalogue.py"}
# what each stage may import: a stage never imports a later one. The engine's arithmetic (spans,
# quantities, formulas) comes before the stages that use it; its compute module is the compute stage.
ORDER = ["units", "math", "findings", "io", "spec", "factors", "resolve", "compute", "checks", "pipeline", "output"]
LATE = {"api", "cli", "integrations"}  # the edges: they may use any stage


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _name(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_no_module_over_600_lines() -> None:
    long = {_name(p): p.read_text().count("\n") for p in _modules() if _name(p) not in DECLARATIVE}
    assert not {k: v for k, v in long.items() if v > MAX_MODULE_LINES}


def test_no_function_over_60_lines() -> None:
    long = []
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long.append(f"{_name(path)}:{node.lineno} {node.name} ({length} lines)")
    assert not long


def _stage(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "ftdisclose" or len(parts) < 2:
        return None
    if parts[1] == "engine":
        return "compute" if parts[2:3] == ["compute"] else "math"
    if parts[1] == "pipeline":
        return "pipeline"
    return parts[1] if parts[1] in ORDER else None


def test_stages_never_import_later_stages_at_module_level() -> None:
    wrong = []
    for path in _modules():
        own = _stage(".".join(path.relative_to(ROOT).with_suffix("").parts))
        if own is None:
            continue
        for node in ast.parse(path.read_text()).body:  # module level only: a lazy import inside a function is a hook
            if isinstance(node, ast.ImportFrom) and node.module:
                other = _stage(node.module)
                if other is not None and ORDER.index(other) > ORDER.index(own):
                    wrong.append(f"{_name(path)} imports {node.module}")
    assert not wrong


def test_no_private_names_imported_across_modules() -> None:
    wrong = []
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("ftdisclose"):
                private = [a.name for a in node.names if a.name.startswith("_") and not a.name.startswith("__")]
                wrong += [f"{_name(path)}: {node.module}.{name}" for name in private]
    assert not wrong
