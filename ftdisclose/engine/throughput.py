"""Tokens and time: the one place the FLOPs model is evaluated (methodology §1).

``FLOPs = k x N x D`` (k = 6 for full fine-tuning, 4 when the base weights are frozen);
a run of ``n_gpu`` accelerators of peak ``F_peak`` at utilisation ``MFU`` takes
``FLOPs / (n_gpu x F_peak x MFU)``. The resolve stage derives a run time from tokens with
``run_time_from_tokens``; the checks ask what utilisation a disclosed time implies with
``implied_mfu``. Both evaluate the formulas of ``engine.formulas``.
"""

from __future__ import annotations

from ftdisclose.engine import formulas as f
from ftdisclose.engine.quantity import FastEngine, Measure, Quantity
from ftdisclose.engine.span import Span

_ENGINE = FastEngine()


# k is FLOPs per parameter per token: parameters and tokens are counts, so FLOPs = k x N x D carries k's unit
_K_UNIT = "FLOP"


def _q(measure: Measure, *, inverse: bool = False) -> Quantity:
    span = measure.span.inverse() if inverse else measure.span
    return _ENGINE.quantity(span, measure.unit)


def _value(quantity: Quantity | None) -> Quantity:
    if quantity is None:  # every symbol of these formulas is bound
        raise ValueError("a formula of the FLOPs model lacks a value")
    return quantity


def run_time_from_tokens(
    k: Measure, parameters: Measure, tokens: Span, n_gpu: float, peak: Measure, mfu: Measure
) -> Span:
    """The run time in hours (low, central, high) of ``tokens`` tokens on ``n_gpu`` accelerators."""
    env = {
        "k": _ENGINE.quantity(k.span, _K_UNIT if k.unit in ("", "1") else k.unit),
        "N": _q(parameters),
        "D": _ENGINE.quantity(tokens, "1"),
        "n_gpu": _ENGINE.quantity(Span.of(n_gpu), "1"),
        "F_peak": _q(peak, inverse=True),
        "MFU": _q(mfu, inverse=True),
    }
    return _ENGINE.measure(_value(f.RUN_TIME_FROM_TOKENS.evaluate(env)), "h").span


def training_flops(k: Measure, parameters: Measure, tokens: Span) -> Span:
    """FLOPs of a fine-tune: k x N x D (low, central, high)."""
    env = {
        "k": _ENGINE.quantity(k.span, _K_UNIT if k.unit in ("", "1") else k.unit),
        "N": _q(parameters),
        "D": _ENGINE.quantity(tokens, "1"),
    }
    return _ENGINE.measure(_value(f.TRAINING_FLOPS.evaluate(env)), "FLOP").span


def run_time_from_flops(flops: Measure, n_gpu: float, peak: Measure, mfu: Measure) -> Span:
    """The run time in hours of ``flops`` FLOPs on ``n_gpu`` accelerators."""
    env = {
        "FLOPs": _ENGINE.quantity(flops.span, flops.unit if flops.unit not in ("", "1") else "FLOP"),
        "n_gpu": _ENGINE.quantity(Span.of(n_gpu), "1"),
        "F_peak": _q(peak, inverse=True),
        "MFU": _q(mfu, inverse=True),
    }
    return _ENGINE.measure(_value(f.RUN_TIME_FROM_FLOPS.evaluate(env)), "h").span


def implied_mfu(k: float, parameters: float, tokens: float, n_gpu: float, peak: Measure, hours: float) -> float:
    """The model FLOPs utilisation that ``tokens`` tokens in ``hours`` on ``n_gpu`` accelerators imply."""
    env = {
        "k": _ENGINE.quantity(Span.of(k), _K_UNIT),
        "N": _ENGINE.quantity(Span.of(parameters), "1"),
        "D": _ENGINE.quantity(Span.of(tokens), "1"),
        "n_gpu": _ENGINE.quantity(Span.of(n_gpu), "1"),
        "F_peak": _ENGINE.quantity(Span.of(peak.mid), peak.unit),
        "t_run": _ENGINE.quantity(Span.of(hours), "h"),
    }
    return _ENGINE.measure(_value(f.IMPLIED_MFU.evaluate(env)), "1").mid
