"""Resolve: training compute (FLOPs) and the run time it implies (methodology §1, tokens -> time).

FLOPs are ``model.training_flops`` when disclosed, else k x parameters x tokens. A run time
derived from FLOPs divides them by the GPUs' dense peak times the model FLOPs utilisation
the accelerator's generation reaches with the method (table ``throughput``): an older or
smaller card reaches a lower share of its peak on LLM fine-tuning.
"""

from __future__ import annotations

from ftdisclose.engine.span import Span
from ftdisclose.engine.throughput import run_time_from_flops, training_flops
from ftdisclose.factors import Row
from ftdisclose.findings import Code
from ftdisclose.resolve.blocks import Blocks
from ftdisclose.resolve.hardware import default_accelerator
from ftdisclose.resolve.power import METHOD_FALLBACK
from ftdisclose.resolve.record import Input, Recorder
from ftdisclose.spec.inputs import Name, Origin
from ftdisclose.units import convert

FLOPS_DETAIL = "FLOPs per parameter per token (6 full; 4 with frozen base weights)"


def total_flops(rec: Recorder, b: Blocks, method_row: Row) -> None:
    """The whole fine-tune's FLOPs: disclosed, or derived from the tokens of the run (or of all its runs)."""
    if b.model.training_flops is not None:
        rec.put(Name.TRAINING_FLOPS, float(b.model.training_flops), "FLOP", Origin.DISCLOSED, "disclosed")
        return
    tokens = b.op.tokens
    if tokens is None and b.op.runs and all(r.tokens is not None for r in b.op.runs):
        tokens = sum(r.tokens or 0 for r in b.op.runs)
    if tokens is None or Name.PARAMETERS not in rec.inputs:
        return
    rec.put(Name.TOKENS, float(tokens), None, Origin.DISCLOSED, "disclosed (padding included)")
    flops_of_tokens(rec, method_row, float(tokens), Name.TRAINING_FLOPS, (Name.TOKENS,))


def flops_of_tokens(rec: Recorder, method_row: Row, tokens: float, name: str, tokens_name: tuple[str, ...]) -> Input:
    """k x N x D for ``tokens`` tokens, recorded as ``name``."""
    params = rec.inputs[Name.PARAMETERS]
    k = rec.inputs.get(Name.FLOPS_FACTOR) or rec.from_table(Name.FLOPS_FACTOR, method_row, "flops_factor", FLOPS_DETAIL)
    assert k is not None, "every method row has a FLOPs factor"
    flops = training_flops(k.measure, params.measure, Span.of(tokens))
    detail = f"k x N x D: {k.number:g} x {params.number:.4g} parameters x {tokens:,.0f} tokens"
    return rec.put(
        name,
        flops.mid,
        "FLOP",
        Origin.DERIVED,
        detail,
        low=flops.low,
        high=flops.high,
        derived_from=(*tokens_name, Name.PARAMETERS, Name.FLOPS_FACTOR),
    )


def time_from_flops(rec: Recorder, flops: Input, n_gpu: float, name: str, method_row: Row) -> Input | None:
    """The run time ``flops`` take on the resolved accelerators, or None when no peak is known."""
    accel = rec.rows.get("accelerator")
    peak_row = accel if accel is not None and accel.number("bf16_dense") else default_accelerator(rec)
    if peak_row is None or not peak_row.number("bf16_dense"):
        return None
    own = peak_row is accel
    detail = (
        "dense BF16 peak of one accelerator"
        if own
        else "the accelerator has no dense BF16 peak in the tables: the year's default accelerator's peak is used, "
        "which shortens the estimated run"
    )
    peak = rec.inputs.get(Name.PEAK_FLOPS) or rec.from_table(Name.PEAK_FLOPS, peak_row, "bf16_dense", detail)
    mfu = rec.inputs.get(Name.MFU) or _mfu(rec, peak_row, method_row)
    if peak is None or mfu is None:
        return None
    hours = run_time_from_flops(flops.measure, n_gpu, peak.measure, mfu.measure)
    return rec.put(
        name,
        hours.mid,
        "h",
        Origin.DERIVED,
        f"FLOPs -> time: {flops.number:.4g} FLOP / ({n_gpu:g} GPUs x {peak.number:g} TFLOP/s x MFU {mfu.number:.3g})",
        low=hours.low,
        high=hours.high,
        derived_from=(flops_name(name), Name.GPU_COUNT, Name.PEAK_FLOPS, Name.MFU),
    )


def flops_name(duration_name: str) -> str:
    return Name.TRAINING_FLOPS if duration_name == Name.DURATION else duration_name.replace(".duration", ".flops")


def _mfu(rec: Recorder, accel: Row, method_row: Row) -> Input | None:
    """The managed service's own MFU, else the accelerator generation's for the method, else the method's."""
    service = rec.rows.get("service")
    if service is not None and service.number("mfu"):
        return rec.from_table(
            Name.MFU, service, "mfu", "the model FLOPs utilisation ftdisclose assumes for the service"
        )
    method = method_row["method"]
    table = rec.factors.throughputs
    generation = accel["generation"] or "other"
    for key in ((generation, method), (generation, METHOD_FALLBACK.get(method, "full")), ("other", method)):
        row = table.get(key)
        if row is not None:
            detail = f"model FLOPs utilisation measured for {row['generation']} accelerators with {row['method']}"
            return rec.from_table(Name.MFU, row, "mfu", detail)
    return rec.from_table(Name.MFU, method_row, "mfu", "model FLOPs utilisation")


def gpu_hours_estimate(rec: Recorder, b: Blocks, accel: Row | None, method: str) -> float | None:
    """A central estimate of the GPU-hours the fine-tune's FLOPs take, to size a cluster nothing else sizes
    (nothing is recorded: the run time itself is resolved later, with its range)."""
    params = rec.inputs.get(Name.PARAMETERS)
    peak = accel.number("bf16_dense") if accel is not None else None
    method_row = rec.factors.methods.get(method)
    if params is None or not peak or method_row is None or accel is None:
        return None
    if b.model.training_flops is not None:
        flops = float(b.model.training_flops)
    elif b.op.tokens is not None:
        flops = (method_row.number("flops_factor") or 6.0) * params.number * float(b.op.tokens)
    else:
        return None
    mfu = _mfu_row(rec, accel, method_row)
    utilisation = mfu.number("mfu") if mfu is not None else None
    if not utilisation:
        return None
    unit = rec.factors.unit("accelerators", "bf16_dense") or "TFLOP/s"
    return flops / (peak * convert(1.0, unit, "FLOP/s") * utilisation) / 3600


def _mfu_row(rec: Recorder, accel: Row, method_row: Row) -> Row | None:
    service = rec.rows.get("service")
    if service is not None and service.number("mfu"):
        return service
    method = method_row["method"]
    generation = accel["generation"] or "other"
    for key in ((generation, method), (generation, METHOD_FALLBACK.get(method, "full")), ("other", method)):
        row = rec.factors.throughputs.get(key)
        if row is not None:
            return row
    return method_row


def no_parameters(rec: Recorder) -> None:
    rec.warn(
        Code.NO_RUN_TIME,
        "tokens are disclosed but model.parameters is not: the run time cannot be estimated from tokens",
        ("model",),
        "disclose model.parameters (e.g. 7.24B)",
    )
