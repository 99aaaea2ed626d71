"""Plausibility: values that are possible but far outside what real runs, hardware and grids show.

Derived values (FTD410) name what they were derived from; disclosed values (FTD411) name
their field. Neither stops the computation: they say where to look.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from ftdisclose.findings import Code, Finding, make
from ftdisclose.io.loader import Document
from ftdisclose.resolve import Resolution
from ftdisclose.spec import Disclosure
from ftdisclose.spec.inputs import Name, Origin

HOURS_PER_YEAR = 8760.0
MAX_RUN_HOURS = HOURS_PER_YEAR  # a fine-tune, or even a pre-training run, lasting over a year
MAX_GPUS = 1_000_000
MAX_INTENSITY = 1200.0  # gCO2e/kWh: above the most carbon-intensive national grid (lignite)
MAX_WUE = 20.0  # L/kWh: an order of magnitude above evaporative cooling in a hot, dry climate
EARLIEST, LATEST = dt.datetime(1970, 1, 1, tzinfo=dt.UTC), dt.datetime(2100, 1, 1, tzinfo=dt.UTC)

Add = Callable[..., None]


def _hours(hours: float) -> str:
    return f"{hours:,.0f} h" if hours < 1e9 else f"{hours:.3g} h"


def plausibility(disclosure: Disclosure, doc: Document, resolution: Resolution) -> list[Finding]:
    found: list[Finding] = []

    def add(code: Code, message: str, path: tuple[str | int, ...]) -> None:
        found.append(make(code, message, doc.where(path)))

    _derived(resolution, add)
    _disclosed(disclosure, resolution, add)
    return found


def _derived(r: Resolution, add: Add) -> None:
    duration, count, start = r.get(Name.DURATION), r.get(Name.GPU_COUNT), r.get(Name.START)
    if duration is not None and duration.number > MAX_RUN_HOURS:
        years = duration.number / HOURS_PER_YEAR
        if duration.origin is Origin.DISCLOSED:
            message = f"a run time of {_hours(duration.number)} ({years:,.3g} years) is longer than any run has been"
            add(Code.IMPLAUSIBLE_INPUT, message, ("operational", "duration"))
        else:
            message = f"the run time derived here is {_hours(duration.number)} ({years:,.3g} years): {duration.detail}"
            add(Code.IMPLAUSIBLE_DERIVED, message, ("operational",))
    if count is not None and count.number > MAX_GPUS:
        code = Code.IMPLAUSIBLE_INPUT if count.origin is Origin.DISCLOSED else Code.IMPLAUSIBLE_DERIVED
        message = f"{count.number:,.3g} GPUs is more than any cluster has had"
        add(code, message, ("infrastructure", "cluster", "gpu"))
    if start is not None and start.origin is Origin.DERIVED:
        moment = dt.datetime.fromisoformat(start.text)
        base = r.base_model
        published = (
            dt.datetime.fromisoformat(base["published"]).replace(tzinfo=dt.UTC) if base and base["published"] else None
        )
        if not EARLIEST <= moment < LATEST:
            add(
                Code.IMPLAUSIBLE_DERIVED,
                f"the start derived here is {moment:%Y-%m-%d}: {start.detail}",
                ("operational",),
            )
        elif published is not None and moment < published:
            add(
                Code.IMPLAUSIBLE_DERIVED,
                f"the start derived here, {moment:%Y-%m-%d}, is before the base model {base['name'] if base else ''} "
                f"was published ({published:%Y-%m-%d}): {start.detail}",
                ("operational",),
            )


def _disclosed(d: Disclosure, r: Resolution, add: Add) -> None:
    op = d.operational
    intensity = r.get(Name.CARBON_INTENSITY)
    if intensity is not None and intensity.origin is Origin.DISCLOSED and intensity.number > MAX_INTENSITY:
        add(
            Code.IMPLAUSIBLE_INPUT,
            f"a grid intensity of {intensity.number:,.4g} gCO2e/kWh is above any real grid's ({MAX_INTENSITY:,.0f})",
            ("operational", "carbon_intensity"),
        )
    wue = r.get(Name.WUE)
    if wue is not None and wue.origin is Origin.DISCLOSED and wue.number > MAX_WUE:
        message = f"a WUE of {wue.number:,.4g} L/kWh is far above real datacenters' (at most a few L/kWh)"
        add(Code.IMPLAUSIBLE_INPUT, message, ("infrastructure", "datacenter", "wue"))
    tdp, idle = r.get(Name.GPU_TDP), r.get(Name.GPU_IDLE_POWER)
    if tdp is not None and idle is not None and idle.origin is Origin.DISCLOSED and idle.number > tdp.number:
        message = f"the idle power {idle.number:g} W is above the TDP {tdp.number:g} W"
        add(Code.IMPLAUSIBLE_INPUT, message, ("infrastructure", "cluster", "gpu", "idle_power"))
    if op is None:
        return
    if op.duration is not None and op.duration.value == 0 and op.gpu_hours is not None and op.gpu_hours.value > 0:
        message = f"the duration is zero beside {op.gpu_hours} of GPU time"
        add(Code.IMPLAUSIBLE_INPUT, message, ("operational", "duration"))
    total = op.energy.value.to("kWh") if op.energy is not None else None
    for index, run in enumerate(op.runs or []):
        if total is not None and run.energy is not None and run.energy.to("kWh") > total * 1.0001:
            whole = op.energy.value if op.energy is not None else ""
            message = f"run {run.name or index + 1}'s energy {run.energy} is above the disclosed total {whole}"
            add(Code.IMPLAUSIBLE_INPUT, message, ("operational", "runs", index, "energy"))
