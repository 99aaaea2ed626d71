"""Consistency of a disclosure with itself (methodology §7): what needs no factor tables.

Times against each other, GPU-hours against count and time, and the intensity that the
reported emissions and energy imply.
"""

from __future__ import annotations

from collections.abc import Callable

from ftdisclose.findings import Code, Finding, make
from ftdisclose.io.loader import Document
from ftdisclose.spec import Disclosure

DURATION_TOLERANCE = 0.05
GPU_HOURS_TOLERANCE = 0.10
MAX_INTENSITY = 1500.0  # gCO2e/kWh: above every real grid's annual average

Add = Callable[..., None]


def consistency(disclosure: Disclosure, doc: Document) -> list[Finding]:
    """FTD401-FTD406 for a validated disclosure."""
    found: list[Finding] = []

    def add(code: Code, message: str, path: tuple[str, ...], hint: str | None = None) -> None:
        found.append(make(code, message, doc.where(path), hint=hint))

    op = disclosure.operational
    if op is not None:
        run_h = _times(disclosure, add)
        gpus = _gpu_count(disclosure)
        if op.gpu_hours is not None and gpus is not None and run_h:
            expected = gpus * run_h
            if abs(op.gpu_hours.to("h") - expected) > GPU_HOURS_TOLERANCE * expected:
                add(
                    Code.GPU_HOURS_MISMATCH,
                    f"gpu_hours {op.gpu_hours} but {gpus} GPUs x {run_h:.4g} h = {expected:.4g} h",
                    ("operational", "gpu_hours"),
                )
        if op.energy is not None and op.energy.value.value == 0:
            add(
                Code.ENERGY_IMPLAUSIBLE,
                "the measured energy is zero",
                ("operational", "energy", "value"),
                "leave the field out when there is no measurement",
            )
    _reported_intensity(disclosure, add)
    return found


def _times(disclosure: Disclosure, add: Add) -> float | None:
    """FTD401-FTD403; the run time in hours that duration, or else start and end, give."""
    op = disclosure.operational
    assert op is not None
    run_h = op.duration.to("h") if op.duration is not None else None
    if op.start is not None and op.end is not None:
        span_h = (op.end - op.start).total_seconds() / 3600
        if span_h < 0:
            add(
                Code.END_BEFORE_START,
                f"end {op.end.isoformat()} is before start {op.start.isoformat()}",
                ("operational", "end"),
            )
        elif run_h is not None and span_h > 0 and abs(run_h - span_h) > DURATION_TOLERANCE * span_h:
            add(
                Code.DURATION_MISMATCH,
                f"duration {op.duration} differs from end - start ({span_h:.4g} h)",
                ("operational", "duration"),
            )
        elif run_h is None:
            run_h = span_h
    if op.reserved_time is not None and run_h is not None and op.reserved_time.to("h") < run_h * 0.999:
        add(
            Code.RESERVED_BELOW_RUN,
            f"reserved_time {op.reserved_time} is shorter than the run time ({run_h:.4g} h)",
            ("operational", "reserved_time"),
        )
    return run_h


def _gpu_count(disclosure: Disclosure) -> int | None:
    infra = disclosure.infrastructure
    if infra is None or infra.cluster is None or infra.cluster.gpu is None:
        return None
    return infra.cluster.gpu.count


def _reported_intensity(disclosure: Disclosure, add: Add) -> None:
    reported = disclosure.reported
    if reported is None or reported.emissions is None:
        return
    energy = reported.energy
    if energy is None and disclosure.operational is not None and disclosure.operational.energy is not None:
        energy = disclosure.operational.energy.value
    if energy is None or energy.to("kWh") == 0:
        return
    intensity = reported.emissions.to("gCO2e") / energy.to("kWh")
    if intensity > MAX_INTENSITY or intensity <= 0:
        add(
            Code.INTENSITY_IMPLAUSIBLE,
            f"reported emissions {reported.emissions} over {energy} imply {intensity:,.4g} gCO2e/kWh, "
            f"outside 0..{MAX_INTENSITY:,.0f}",
            ("reported", "emissions"),
            "a factor of 1000 usually means g and kg were swapped",
        )
