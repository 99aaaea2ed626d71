"""Consistency checks of a valid disclosure (methodology §7, codes FTD4xx).

These compare disclosed fields with each other. They run inside ``validate`` and need
no factor tables: what needs tables (plausibility against a GPU's TDP, FLOPs
utilisation, reported totals against the recomputed range) is checked by ``compute``.
"""

from __future__ import annotations

from typing import Any

from ftdisclose.findings import Finding, finding
from ftdisclose.loader import Document, _dotted

DURATION_TOLERANCE = 0.05
GPU_HOURS_TOLERANCE = 0.10
MAX_INTENSITY = 1500.0  # gCO2e/kWh: above every real grid's annual average


def consistency(disclosure: Any, doc: Document) -> list[Finding]:
    """FTD4xx findings for a validated spec-1.0 disclosure."""
    found: list[Finding] = []

    def add(code: str, message: str, path: tuple[str, ...], hint: str | None = None) -> None:
        line, col = doc.locate(path)
        found.append(finding(code, message, file=doc.file, line=line, column=col, path=_dotted(path), hint=hint))

    op = disclosure.operational
    run_h: float | None = None
    if op is not None:
        if op.duration is not None:
            run_h = op.duration.to("h")
        if op.start is not None and op.end is not None:
            span_h = (op.end - op.start).total_seconds() / 3600
            if span_h < 0:
                add("FTD401", f"end {op.end.isoformat()} is before start {op.start.isoformat()}",
                    ("operational", "end"))
            elif run_h is not None and span_h > 0 and abs(run_h - span_h) > DURATION_TOLERANCE * span_h:
                add("FTD402", f"duration {op.duration} differs from end - start ({span_h:.4g} h)",
                    ("operational", "duration"))
            elif run_h is None:
                run_h = span_h
        if op.reserved_time is not None and run_h is not None and op.reserved_time.to("h") < run_h * 0.999:
            add("FTD403", f"reserved_time {op.reserved_time} is shorter than the run time ({run_h:.4g} h)",
                ("operational", "reserved_time"))
        gpus = _gpu_count(disclosure)
        if op.gpu_hours is not None and gpus is not None and run_h:
            expected = gpus * run_h
            if abs(op.gpu_hours.to("h") - expected) > GPU_HOURS_TOLERANCE * expected:
                add("FTD404", f"gpu_hours {op.gpu_hours} but {gpus} GPUs x {run_h:.4g} h = {expected:.4g} h",
                    ("operational", "gpu_hours"))
        if op.energy is not None and op.energy.value.value == 0:
            add("FTD405", "the measured energy is zero", ("operational", "energy", "value"),
                "leave the field out when there is no measurement")
    found.extend(_reported_intensity(disclosure, add))
    return found


def _gpu_count(disclosure: Any) -> int | None:
    infra = disclosure.infrastructure
    if infra is None or infra.cluster is None or infra.cluster.gpu is None:
        return None
    count: int | None = infra.cluster.gpu.count
    return count


def _reported_intensity(disclosure: Any, add: Any) -> list[Finding]:
    reported = disclosure.reported
    if reported is None or reported.emissions is None:
        return []
    energy = reported.energy
    if energy is None and disclosure.operational is not None and disclosure.operational.energy is not None:
        energy = disclosure.operational.energy.value
    if energy is None or energy.to("kWh") == 0:
        return []
    intensity = reported.emissions.to("gCO2e") / energy.to("kWh")
    if intensity > MAX_INTENSITY or intensity <= 0:
        add("FTD406", f"reported emissions {reported.emissions} over {energy} imply {intensity:,.4g} gCO2e/kWh, "
            f"outside 0..{MAX_INTENSITY:,.0f}", ("reported", "emissions"),
            "a factor of 1000 usually means g and kg were swapped")
    return []
