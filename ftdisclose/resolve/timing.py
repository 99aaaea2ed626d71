"""Resolve: the measured energy, the run time (and each run's), the start, utilisation and use."""

from __future__ import annotations

import dataclasses
import datetime as dt

from ftdisclose.engine.span import Span
from ftdisclose.factors import Row
from ftdisclose.findings import Code
from ftdisclose.resolve.blocks import Blocks
from ftdisclose.resolve.flops import flops_name, flops_of_tokens, no_parameters, time_from_flops, total_flops
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
    total_flops(rec, b, method_row)
    n_gpu = rec.inputs[Name.GPU_COUNT].number
    if b.op.runs:
        _runs(rec, b, b.op.runs, n_gpu, method_row)
    else:
        _single_run(rec, b, n_gpu, method_row)
    if b.op.idle_energy is not None:
        idle = rec.put(
            Name.IDLE_ENERGY,
            b.op.idle_energy.to("kWh"),
            "kWh",
            Origin.DISCLOSED,
            "disclosed: energy counted outside the run's devices (idle nodes, network)",
        )
        rec.runs.append(RunSlice("idle energy", None, None, idle, "other", idle=True))


def _single_run(rec: Recorder, b: Blocks, n_gpu: float, method_row: Row) -> None:
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
    found = _time_from_flops(rec, b, run, n_gpu, name, prefix, method_row)
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


def _time_from_flops(
    rec: Recorder, b: Blocks, run: _RunLike, n_gpu: float, name: str, prefix: str, method_row: Row
) -> Input | None:
    """The run time from the fine-tune's FLOPs (the whole run) or from this run's tokens."""
    if prefix == "operational":
        flops = rec.inputs.get(Name.TRAINING_FLOPS)
        if flops is None and b.op.tokens is not None:
            no_parameters(rec)
    elif run.tokens is not None and Name.PARAMETERS in rec.inputs:
        index = int(prefix.rsplit(".", 1)[-1])
        tokens_name = run_input(index, RunField.TOKENS)
        rec.put(tokens_name, float(run.tokens), None, Origin.DISCLOSED, "disclosed (padding included)")
        flops = flops_of_tokens(rec, method_row, float(run.tokens), flops_name(name), (tokens_name,))
    else:
        if run.tokens is not None:
            no_parameters(rec)
        flops = None
    return time_from_flops(rec, flops, n_gpu, name, method_row) if flops is not None else None


def _no_run_time(rec: Recorder, b: Blocks, where: tuple[str, ...]) -> None:
    measured = b.op.energy is not None
    lost = "embodied emissions and manufacturing water" if measured else "energy, emissions and water"
    rec.warn(
        Code.NO_RUN_TIME,
        f"nothing gives the run time, so {lost} are not computed",
        where,
        "disclose operational.duration, start and end, gpu_hours, reserved_time, or tokens with model.parameters",
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
    if b.op.reserved_time is not None:
        total_r = _share_reservation(rec, b.op.reserved_time.to("h"), total_r)
    _run_totals(rec, b, total_d, total_r)


def _share_reservation(rec: Recorder, job_hours: float, total_r: Span) -> Span:
    """A job's disclosed reservation beyond its runs' own is shared among the runs whose reserved time was not
    disclosed, in proportion to their run time, so the embodied share follows the hours the hardware was held."""
    extra = job_hours - total_r.mid
    open_runs = [
        (i, r)
        for i, r in enumerate(rec.runs)
        if not r.idle and r.reserved is not None and r.reserved is r.duration and r.duration.number
    ]
    hours = sum(float(r.duration.number) for _, r in open_runs if r.duration is not None)
    if extra <= 0 or not hours:
        return total_r
    for index, run in open_runs:
        assert run.duration is not None
        share = float(run.duration.number) / hours
        reserved = rec.put(
            run_input(index, RunField.RESERVED_TIME),
            float(run.duration.number) + extra * share,
            "h",
            Origin.DERIVED,
            f"the run's time plus {share:.0%} of operational.reserved_time beyond the runs' own",
            derived_from=(Name.RESERVED_TIME,),
        )
        rec.runs[index] = dataclasses.replace(run, reserved=reserved)
    return Span.of(job_hours)


def _run_totals(rec: Recorder, b: Blocks, total_d: Span, total_r: Span) -> None:
    """The whole job's times: as disclosed at the top level (checked against the runs elsewhere), else the runs'
    sums."""
    if b.op.duration is not None:
        rec.disclosed(Name.DURATION, b.op.duration.to("h"), "h")
    else:
        rec.put(
            Name.DURATION,
            total_d.mid,
            "h",
            Origin.DERIVED,
            "sum of operational.runs durations",
            low=total_d.low,
            high=total_d.high,
        )
    if b.op.reserved_time is not None:
        reserved_in = rec.disclosed(Name.RESERVED_TIME, b.op.reserved_time.to("h"), "h")
    else:
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


LATEST_DERIVED_SPAN = dt.timedelta(days=365 * 200)  # beyond this a derived run is not placed in time


def _start(rec: Recorder, b: Blocks, reserved: Input | None) -> None:
    op = b.op
    if op.start is not None:
        rec.disclosed(Name.START, op.start.isoformat())
    elif op.end is not None and Name.DURATION in rec.inputs:
        start = _before(op.end, rec.inputs[Name.DURATION].number)
        if start is not None:
            rec.put(Name.START, start.isoformat(), None, Origin.DERIVED, "operational.end - duration")
    elif b.model.published is not None and reserved is not None:
        published = dt.datetime.combine(b.model.published, dt.time(), dt.UTC)
        start = _before(published, reserved.number)
        if start is not None:
            rec.put(
                Name.START,
                start.isoformat(),
                None,
                Origin.DERIVED,
                "model.published - reserved time (Scope3 fine-tuning methodology)",
            )


def _before(moment: dt.datetime, hours: float) -> dt.datetime | None:
    """``moment`` less ``hours``, or None when that is not a time a run can have started (checks say so)."""
    if not 0 <= hours < LATEST_DERIVED_SPAN.total_seconds() / 3600:
        return None
    try:
        return moment - dt.timedelta(hours=hours)
    except OverflowError:
        return None


def utilisation(rec: Recorder, b: Blocks, method_row: Row) -> None:
    """CPU utilisation (the GPUs' load is resolved with their power, in ``resolve.power``)."""
    if b.op.cpu_utilization is not None:
        rec.disclosed(Name.CPU_UTILIZATION, float(b.op.cpu_utilization))
    else:
        detail = f"the {method_row['method']} row of the method table"
        rec.from_table(Name.CPU_UTILIZATION, method_row, "cpu_utilization", detail)


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
