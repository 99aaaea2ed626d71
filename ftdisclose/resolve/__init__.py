"""Resolve stage: fill every input the computation needs, and say where it came from.

Each input is taken from the first source that has it (methodology §1): the disclosure,
a derivation from other disclosed fields, or a default from the versioned factor tables.
The result is a ``Resolution``: every input by its name (``spec.inputs.Name``) with its
value, range, unit, origin and detail, the runs, and the findings of the way. The steps,
in order, live in ``place`` (year, method, service, location), ``hardware`` (site, server,
accelerator, counts), ``power`` (power and embodied figures, PUE, WUE), ``timing``
(energy, run time, start, utilisation, use) and ``grid`` (carbon and water intensity).
"""

from __future__ import annotations

from ftdisclose.factors import FactorSet
from ftdisclose.findings import Where
from ftdisclose.resolve import grid, hardware, place, power, timing
from ftdisclose.resolve.blocks import blocks
from ftdisclose.resolve.grid import GridMode, GridOptions
from ftdisclose.resolve.record import Input, Locate, Recorder, Resolution, RunSlice
from ftdisclose.spec import Disclosure

__all__ = ["GridMode", "GridOptions", "Input", "Locate", "Resolution", "RunSlice", "resolve"]


def _nowhere(path: tuple[str, ...]) -> Where:
    return Where("<disclosure>", path=".".join(path))


def resolve(
    disclosure: Disclosure,
    factors: FactorSet,
    locate: Locate | None = None,
    options: GridOptions | None = None,
) -> Resolution:
    """Every input of a validated disclosure (the latest spec model), with its origin.

    ``locate`` places findings in the file (``Document.where``); ``options`` says how to
    find the grid intensity when the disclosure gives none.
    """
    rec = Recorder(factors, locate or _nowhere)
    b = blocks(disclosure)
    place.year(rec, b)
    method_row = place.method(rec, b)
    method = method_row["method"]
    place.service(rec, b)
    place.location(rec, b)
    hardware.hardware(rec, b, method)
    accel, server = rec.rows.get("accelerator"), rec.rows.get("server")
    power.gpu_figures(rec, b, accel, method)
    power.host_figures(rec, b, server)
    power.embodied(rec, b, server)
    power.datacenter(rec, b)
    timing.energy(rec, b)
    timing.times(rec, b, method_row)
    timing.utilisation(rec, b, method_row)
    grid.grid(rec, b, options or GridOptions())
    timing.usage(rec, b)
    return rec.done()
