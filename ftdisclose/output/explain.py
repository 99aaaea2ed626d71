"""``explain``: every step with its formula and numbers, every input with its provenance."""

from __future__ import annotations

from typing import Any

from ftdisclose.engine.compute import RESULT_UNITS, Computation, Result
from ftdisclose.engine.formulas import number_text
from ftdisclose.output.numbers import RESULT_LABELS, json_quantity, plain_decimals, readable
from ftdisclose.output.safe import terminal
from ftdisclose.resolve import Input


def _input_text(item: Input) -> str:
    if isinstance(item.value, str):
        return terminal(item.value)
    return plain_decimals(number_text(item.span, item.unit or "1"))


def explain_text(computation: Computation, *, file: str) -> str:
    """The explanation as plain text, so that a reader can redo every number by hand."""
    factors = computation.resolution.factors
    lines = [f"{terminal(file)}: how each number was reached (factor tables {factors.version})", ""]
    lines += ["Outputs", "======="]
    for step in computation.steps:
        name = step.label.split(" ")[0]
        label = RESULT_LABELS.get(Result(name)) if name in Result._value2member_map_ else None
        lines.append(f"{terminal(step.label)}  ({label})" if label else terminal(step.label))
        lines.append(f"    = {step.symbols}")
        lines.append(f"    = {plain_decimals(step.numbers)}")
        lines.append(f"    = {plain_decimals(number_text(step.result.span, step.result.unit))}")
        if label:
            lines.append(f"    ~ {readable(step.result)}")
    lines += [
        "",
        "Results are the sums of the steps above over the runs; each range is the formula evaluated",
        "at the inputs' low and high ends (hardware life, reserved share and MFU enter inversely).",
        "A line starting with ~ is the result as the other reports show it: scaled to its size and",
        "rounded to the figures its range supports.",
        "",
        "Inputs",
        "======",
    ]
    for name, item in sorted(computation.inputs.items()):
        lines.append(f"{name} = {_input_text(item)}")
        lines.append(f"    origin: {item.origin}; {terminal(plain_decimals(item.detail))}")
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
    used_sources = sorted({s for i in computation.inputs.values() for s in i.sources})
    return {
        "file": file,
        "factors_version": factors.version,
        "steps": [
            {
                "output": step.label,
                "formula": step.symbols,
                "numbers": step.numbers,
                **json_quantity(step.result),
                "inputs": {name: json_quantity(value) for name, value in step.values.items()},
            }
            for step in computation.steps
        ],
        "results": {str(k): json_quantity(v.to(RESULT_UNITS[k])) for k, v in computation.results.items()},
        "inputs": {
            name: {
                **item.as_dict(),
                "table": item.table,
                "row": item.row,
                "factors_version": item.factors_version,
                "sources": list(item.sources),
            }
            for name, item in sorted(computation.inputs.items())
        },
        "sources": {sid: dict(factors.sources[sid]) for sid in used_sources if sid in factors.sources},
    }
