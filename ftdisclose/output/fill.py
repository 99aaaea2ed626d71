"""``fill``: the disclosure with every gap filled, each filled value marked with its origin.

The output is YAML that validates: filled values are written in the spec's own forms
(quantities with units, ratios, whole counts), each followed by a comment naming its
origin and source. Zero and fractional counts are never written (a disclosure never
says 0); such inputs and the method's own constants are listed in a closing comment.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ftdisclose import spec
from ftdisclose.engine.compute import Computation
from ftdisclose.output.safe import terminal
from ftdisclose.spec.inputs import Name, Origin

_COUNTS = {
    Name.GPU_COUNT,
    Name.SERVERS,
    Name.CPU_COUNT,
    Name.INFERENCES_PER_DAY,
    Name.PARAMETERS,
    Name.TOKENS,
    Name.TRAINING_FLOPS,
}
_RATIOS = {Name.PUE, Name.GPU_UTILIZATION, Name.CPU_UTILIZATION, Name.RESERVED_SHARE}
_PLAIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._/+()-]*$")
_BREAKS = re.compile(r"[\x7f-\x9f\u2028\u2029\ufeff]")
_AMBIGUOUS = {"yes", "no", "on", "off", "true", "false", "null", "y", "n", "~"}


def _spec_value(path: str, value: float | str, unit: str | None) -> Any:
    """The value in a form the spec accepts, or None when it must not be written."""
    if isinstance(value, str):
        return value
    if path in _COUNTS:
        if value >= 1e12:  # FLOPs and the like: six significant digits, as a number
            return float(f"{value:.6g}")
        return round(value) if value >= 1 and abs(value - round(value)) < 1e-9 else None
    if path in _RATIOS:
        return round(value, 6)
    if value == 0 or unit is None:
        return None
    return f"{value:.6g} {unit}"


def filled_tree(raw: dict[str, Any], computation: Computation) -> tuple[dict[str, Any], dict[str, str], list[str]]:
    """The raw disclosure with filled values set; comments by dotted path; inputs not written.

    The filled disclosure is written in the latest spec version, whose fields the filled values may use.
    """
    tree = spec.migrate(json.loads(json.dumps(raw, default=str)))
    comments: dict[str, str] = {}
    skipped: list[str] = []
    for path, item in sorted(computation.inputs.items()):
        if item.origin in (Origin.DISCLOSED, Origin.MEASURED) or path.startswith(("method.", "operational.runs")):
            if path.startswith("method."):
                unit = f" {item.unit}" if item.unit and item.unit != "1" else ""
                skipped.append(f"{path} = {item.value}{unit} ({item.origin})")
            continue
        value = _spec_value(path, item.value, item.unit)
        if value is None:
            skipped.append(f"{path}: not written ({item.detail})")
            continue
        node = tree
        parts = path.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                break
        else:
            if parts[-1] in node:
                continue
            node[parts[-1]] = value
            comments[path] = terminal(f"{item.origin}: {item.detail}")  # a comment stays one line
    return tree, comments, skipped


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, int | float):
        return repr(value) if isinstance(value, float) else str(value)
    text = str(value)
    if (
        _PLAIN.match(text)
        and text.lower() not in _AMBIGUOUS
        and not re.match(r"^[-+.\d]", text)
        and ": " not in text
        and " #" not in text
    ):
        return text
    # JSON escapes C0 controls; YAML also breaks lines at NEL and the Unicode separators, and C1 is refused
    return _BREAKS.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(text, ensure_ascii=False))


def _emit(node: Any, indent: int, path: str, comments: dict[str, str], out: list[str]) -> None:
    pad = "  " * indent
    if isinstance(node, dict):
        for key, value in node.items():
            child = f"{path}.{key}" if path else key
            note = f"  # {comments[child]}" if child in comments else ""
            if (isinstance(value, dict) and value) or (isinstance(value, list) and value):
                out.append(f"{pad}{_scalar(key)}:{note}")
                _emit(value, indent + 1, child, comments, out)
            else:
                scalar = "{}" if value == {} else "[]" if value == [] else _scalar(value)
                if key == "country" or (isinstance(value, str) and value.upper() in ("NO", "ON", "YES")):
                    scalar = json.dumps(value)
                out.append(f"{pad}{_scalar(key)}: {scalar}{note}")
    elif isinstance(node, list):
        for i, item in enumerate(node):
            if isinstance(item, dict | list) and item:
                inner: list[str] = []
                _emit(item, indent + 1, f"{path}.{i}", comments, inner)
                first = inner[0].lstrip()
                out.append(f"{pad}- {first}")
                out.extend(inner[1:])
            else:
                out.append(f"{pad}- {_scalar(item)}")


def fill_yaml(raw: dict[str, Any], computation: Computation, *, file: str) -> str:
    """The filled disclosure as commented YAML."""
    tree, comments, skipped = filled_tree(raw, computation)
    out = [
        f"# {terminal(file)}, every gap filled by ftdisclose (factor tables {computation.factors_version}).",
        "# Each filled value is marked with its origin: derived (from other disclosed fields) or",
        "# default (a factor table row, named with its source).",
    ]
    body: list[str] = []
    _emit(tree, 0, "", comments, body)
    out.extend(body)
    if skipped:
        out.append("# Also used in the computation, not spec fields or not writable here:")
        out.extend(f"#   {terminal(line)}" for line in skipped)
    return "\n".join(out) + "\n"
