"""Resolve: the measured energy, the run time (and each run's), the start, utilisation and use."""

from __future__ import annotations

import datetime as dt

from ftdisclose.engine.span import Span
from ftdisclose.engine.throughput import run_time_from_tokens
from ftdisclose.factors import Row
from ftdisclose.findings import Code
from ftdisclose.resolve.blocks import Blocks
from ftdisclose.resolve.hardware import default_accelerator
from ftdisclose.resolve.record import Input, Recorder, RunSlice
from ftdisclose.spec import v1_1
from ftdisclose.spec.inputs import Name, Origin, RunField, run_input

_RunLike = v1_1.Operational | v1_1.Run


def energy(rec: Recorder, b: Blocks) -> None:
    measured = b.op.energy
    if measured is None:
        return
    rec.energy_measured = True
    rec.includes_pue = bool(measured.includes_pue)
    boundary = f", boundary {'+'.join(measured.boundary)}" if measured.boundary else ""
    overhead = "; includes datacenter overhead (PUE)" if measured.includes_pue else ""
    rec.put(
        Name.ENERGY,
        measured.value.to("kWh"),
        "kWh",
        Origin.MEASURED,
        f"measured by {measured.source or 'an unnamed meter'}{boundary}{overhead}",
    )
    if measured.correction is not None:
        rec.disclosed(Name.ENERGY_CORRECTION, measured.correction)


def times(rec: Recorder, b: Blocks, method_row: Row) -> None:
    n_gpu = rec.inputs[Name.GPU_COUNT].number
    if b.op.runs:
        _runs(rec, b, b.op.runs, n_gpu, method_row)
        return
    duration = _duration(rec, b, b.op, n_gpu, ("operational",), "operational", method_row)
    reserved: Input | None
    if b.op.reserved_time is not None:
        reserved = rec.disclosed(Name.RESERVED_TIME, b.op.reserved_time.to("h"), "h")
    elif duration is not None:
        reserved = rec.put(
            Name.RESERVED_TIME,
            duration.number,
            "h",
            Origin.DERIVED,
            "= the run time (operational.duration)",
            low=duration.low,
            high=duration.high,
            derived_from=(Name.DURATION,),
        )
    else:
        reserved = None
    rec.runs.append(RunSlice("run", duration, reserved, rec.inputs.get(Name.ENERGY)))
    _start(rec, b, reserved)


def _duration(
    rec: Recorder, b: Blocks, run: _RunLike, n_gpu: float, where: tuple[str, ...], prefix: str, method_row: Row
) -> Input | None:
    name = f"{prefix}.duration"
    if run.duration is not None:
        return rec.disclosed(name, run.duration.to("h"), "h")
    start, end = getattr(run, "start", None), getattr(run, "end", None)
    if start is not None and end is not None:
        hours = (end - start).total_seconds() / 3600
        return rec.put(name, hours, "h", Origin.DERIVED, "operational.end - operational.start")
    if run.gpu_hours is not None:
        return rec.put(
            name,
            run.gpu_hours.to("h") / n_gpu,
            "h",
            Origin.DERIVED,
            f"{prefix}.gpu_hours / GPU count ({n_gpu:g})",
            derived_from=(f"{prefix}.gpu_hours", Name.GPU_COUNT),
        )
    if run.tokens is not None:
        found = _tokens_time(rec, b, run.tokens, n_gpu, name, prefix, method_row)
        if found is not None:
            return found
    if run.reserved_time is not None:
        # seed 001's example states only the reserved time: the hardware ran for as long as it was held
        return rec.put(
            name,
            run.reserved_time.to("h"),
            "h",
            Origin.DERIVED,
            f"= {prefix}.reserved_time: nothing else gives the run time, so the hardware is taken to have run "
            "for as long as it was reserved",
            derived_from=(f"{prefix}.reserved_time",),
        )
    _no_run_time(rec, b, where)
    return None


def _no_run_time(rec: Recorder, b: Blocks, where: tuple[str, ...]) -> None:
    measured = b.op.energy is not None
    lost = "embodied emissions and water" if measured else "energy, emissions and water"
    rec.warn(
        Code.NO_RUN_TIME,
        f"nothing gives the run time, so {lost} are not computed",
        where,
        "disclose operational.duration, start and end, gpu_hours, reserved_time, or tokens with model.parameters",
    )


def _tokens_time(
    rec: Recorder, b: Blocks, tokens: int, n_gpu: float, name: str, prefix: str, method_row: Row
) -> Input | None:
    params = rec.inputs.get(Name.PARAMETERS)
    if params is None:
        rec.warn(
            Code.NO_RUN_TIME,
            "tokens are disclosed but model.parameters is not: the run time cannot be estimated from tokens",
            ("model",),
            "disclose model.parameters (e.g. 7.24B)",
        )
        return None
    accel = rec.rows.get("accelerator")
    peak_row = accel if accel is not None and accel.number("bf16_dense") else default_accelerator(rec)
    if peak_row is None or not peak_row.number("bf16_dense"):
        return None
    peak = rec.from_table(
        Name.PEAK_FLOPS,
        peak_row,
        "bf16_dense",
        "dense BF16 peak of one accelerator"
        if peak_row is accel
        else "the accelerator has no dense BF16 peak in the tables: the year's default "
        "accelerator's peak is used, which shortens the estimated run",
    )
    k = rec.from_table(
        Name.FLOPS_FACTOR,
        method_row,
        "flops_factor",
        "FLOPs per parameter per token (6 full; 4 with frozen base weights)",
    )
    service = rec.rows.get("service")
    mfu_row = service if service is not None and service.number("mfu") else method_row
    mfu = rec.from_table(Name.MFU, mfu_row, "mfu", "model FLOPs utilisation")
    if peak is None or k is None or mfu is None:
        return None
    token_name = run_input(int(prefix.rsplit(".", 1)[-1]), RunField.TOKENS) if prefix != "operational" else Name.TOKENS
    rec.put(token_name, float(tokens), None, Origin.DISCLOSED, "disclosed (padding included)")
    hours = run_time_from_tokens(k.measure, params.measure, Span.of(float(tokens)), n_gpu, peak.measure, mfu.measure)
    return rec.put(
        name,
        hours.mid,
        "h",
        Origin.DERIVED,
        f"tokens -> time: {k.number:g} x {params.number:.4g} parameters x {tokens:,} tokens "
        f"/ ({n_gpu:g} GPUs x {peak.number:g} TFLOP/s x MFU {mfu.number:.3g})",
        low=hours.low,
        high=hours.high,
        derived_from=(token_name, Name.PARAMETERS, Name.FLOPS_FACTOR, Name.GPU_COUNT, Name.PEAK_FLOPS, Name.MFU),
    )


def _runs(rec: Recorder, b: Blocks, runs: list[v1_1.Run], n_gpu: float, method_row: Row) -> None:
    total_d = Span.of(0.0)
    total_r = Span.of(0.0)
    complete = True
    for index, run in enumerate(runs):
        prefix = f"operational.runs.{index}"
        duration = _duration(rec, b, run, n_gpu, ("operational", "runs", str(index)), prefix, method_row)
        reserved: Input | None = duration
        if run.reserved_time is not None:
            reserved = rec.disclosed(run_input(index, RunField.RESERVED_TIME), run.reserved_time.to("h"), "h")
        energy = (
            rec.put(run_input(index, RunField.ENERGY), run.energy.to("kWh"), "kWh", Origin.MEASURED, "measured")
            if run.energy is not None
            else None
        )
        rec.runs.append(RunSlice(run.name or f"run {index + 1}", duration, reserved, energy, run.stage))
        if duration is None or reserved is None:
            complete = False
            continue
        total_d = total_d + duration.span
        total_r = total_r + reserved.span
    if not complete:
        return
    rec.put(
        Name.DURATION,
        total_d.mid,
        "h",
        Origin.DERIVED,
        "sum of operational.runs durations",
        low=total_d.low,
        high=total_d.high,
    )
    reserved_in = rec.put(
        Name.RESERVED_TIME,
        total_r.mid,
        "h",
        Origin.DERIVED,
        "sum of operational.runs reserved times",
        low=total_r.low,
        high=total_r.high,
    )
    _start(rec, b, reserved_in)


def _start(rec: Recorder, b: Blocks, reserved: Input | None) -> None:
    op = b.op
    if op.start is not None:
        rec.disclosed(Name.START, op.start.isoformat())
    elif op.end is not None and Name.DURATION in rec.inputs:
        start = op.end - dt.timedelta(hours=rec.inputs[Name.DURATION].number)
        rec.put(Name.START, start.isoformat(), None, Origin.DERIVED, "operational.end - duration")
    elif b.model.published is not None and reserved is not None:
        published = dt.datetime.combine(b.model.published, dt.time(), dt.UTC)
        start = published - dt.timedelta(hours=reserved.number)
        rec.put(
            Name.START,
            start.isoformat(),
            None,
            Origin.DERIVED,
            "model.published - reserved time (Scope3 fine-tuning methodology)",
        )


def utilisation(rec: Recorder, b: Blocks, method_row: Row) -> None:
    for name, value, column in (
        (Name.GPU_UTILIZATION, b.op.gpu_utilization, "gpu_utilization"),
        (Name.CPU_UTILIZATION, b.op.cpu_utilization, "cpu_utilization"),
    ):
        if value is not None:
            rec.disclosed(name, float(value))
        else:
            rec.from_table(name, method_row, column, f"the {method_row['method']} row of the method table")


def usage(rec: Recorder, b: Blocks) -> None:
    if b.usage.inferences_per_day is not None:
        rec.disclosed(Name.INFERENCES_PER_DAY, float(b.usage.inferences_per_day), "1/d")
    if b.usage.use_life is not None:
        rec.disclosed(Name.USE_LIFE, b.usage.use_life.to("d"), "d")
    elif b.usage.refresh_interval is not None:
        rec.put(
            Name.USE_LIFE,
            b.usage.refresh_interval.to("d"),
            "d",
            Origin.DERIVED,
            "continuous fine-tuning: the use life is usage.refresh_interval",
        )
