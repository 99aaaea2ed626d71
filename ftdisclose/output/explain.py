"""``explain``: every output with its formula and numbers, every input with its provenance."""

from __future__ import annotations

from typing import Any

from ftdisclose.engine.compute import RESULT_UNITS, Computation
from ftdisclose.output.computation import RESULT_LABELS, quantity


def _span_text(low: float, mid: float, high: float, unit: str) -> str:
    unit = "" if unit in ("1", "") else f" {unit}"
    if low == mid == high:
        return f"{mid:.6g}{unit}"
    return f"{mid:.6g}{unit} (low {low:.6g}, high {high:.6g})"


def explain_text(computation: Computation, *, file: str) -> str:
    """The explanation as plain text, so that a reader can redo every number by hand."""
    factors = computation.resolution.factors
    lines = [f"{file}: how each number was reached (factor tables {factors.version})", "", "Outputs", "======="]
    for step in computation.steps:
        label = RESULT_LABELS.get(step.output.split(" ")[0], step.output)
        lines.append(f"{step.output}  ({label})" if label != step.output else step.output)
        lines.append(f"    = {step.formula}")
        lines.append(f"    = {step.numbers}")
        lines.append(f"    = {_span_text(step.result.low, step.result.mid, step.result.high, step.unit)}")
    lines += [
        "",
        "Results are the sums of the steps above over the runs; each range is the formula evaluated",
        "at the inputs' low and high ends (hardware life, reserved share and MFU enter inversely).",
        "",
        "Inputs",
        "======",
    ]
    for path, item in sorted(computation.inputs.items()):
        value = (
            item.value
            if isinstance(item.value, str)
            else _span_text(
                item.low if item.low is not None else float(item.value),
                float(item.value),
                item.high if item.high is not None else float(item.value),
                item.unit or "",
            )
        )
        lines.append(f"{path} = {value}")
        lines.append(f"    origin: {item.origin}; {item.detail}")
        for sid in item.sources:
            src = factors.sources.get(sid)
            if src is not None:
                lines.append(
                    f"    source {sid}: {src['title'][:140]} - {src['publisher']}, {src['url']} ({src['license']})"
                )
    return "\n".join(lines) + "\n"


def explain_dict(computation: Computation, *, file: str) -> dict[str, Any]:
    """The explanation as data (``explain --format json``)."""
    factors = computation.resolution.factors
    return {
        "file": file,
        "factors_version": factors.version,
        "steps": [
            {"output": s.output, "formula": s.formula, "numbers": s.numbers, **quantity(s.result, s.unit)}
            for s in computation.steps
        ],
        "results": {k: quantity(v, RESULT_UNITS[k]) for k, v in computation.results.items()},
        "inputs": {
            path: {
                **item.as_dict(),
                "table": item.table,
                "row": item.row,
                "factors_version": item.factors_version,
                "sources": list(item.sources),
            }
            for path, item in sorted(computation.inputs.items())
        },
        "sources": {
            sid: factors.sources[sid]
            for sid in sorted({s for i in computation.inputs.values() for s in i.sources})
            if sid in factors.sources
        },
    }
