"""The time-weighted mean intensity over a run window.

Every sample is weighted by the length of its overlap with the window [start, end), both
in UTC (providers' local times are converted before they get here, so a DST change is
just a 23- or 25-hour day and needs no special case). Samples that overlap each other
(both Danish price areas for "DK", say) are averaged where they overlap. Coverage is the
share of the window that at least one sample covers; the uncovered rest can be filled
with an annual value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from ftdisclose.integrations.grid.providers import Sample, as_utc

FULL = 1.0 - 1e-9  # coverage at or above this counts as complete


@dataclass(frozen=True, slots=True)
class Average:
    """The mean over the covered part of the window, and how much of it was covered."""

    start: dt.datetime
    end: dt.datetime
    mean: float | None  # over the covered part only; None when nothing is covered
    records: int  # samples that overlap the window
    covered: dt.timedelta
    estimated: int  # of those, forecasts/estimates/imputed values

    @property
    def window(self) -> dt.timedelta:
        return self.end - self.start

    @property
    def coverage(self) -> float:
        total = self.window.total_seconds()
        return min(1.0, self.covered.total_seconds() / total) if total > 0 else 0.0

    @property
    def complete(self) -> bool:
        return self.coverage >= FULL

    def filled(self, annual: float) -> float | None:
        """The window's mean with the uncovered part at ``annual``; None when nothing is covered."""
        if self.mean is None:
            return None
        if self.complete:
            return self.mean
        share = self.coverage
        return self.mean * share + annual * (1.0 - share)


def time_weighted(samples: Iterable[Sample], start: dt.datetime, end: dt.datetime) -> Average:
    """Average ``samples`` over [start, end)."""
    lo, hi = as_utc(start), as_utc(end)
    if hi <= lo:
        raise ValueError("the window must have a positive length")
    weighted = 0.0
    weight = 0.0
    records = estimated = 0
    pieces: list[tuple[dt.datetime, dt.datetime]] = []
    for sample in samples:
        a, b = max(sample.start, lo), min(sample.end, hi)
        if b <= a:
            continue
        seconds = (b - a).total_seconds()
        weighted += sample.g_per_kwh * seconds
        weight += seconds
        records += 1
        estimated += sample.estimated
        pieces.append((a, b))
    return Average(lo, hi, weighted / weight if weight > 0 else None, records, _union(pieces), estimated)


def _union(pieces: list[tuple[dt.datetime, dt.datetime]]) -> dt.timedelta:
    total = dt.timedelta(0)
    current: tuple[dt.datetime, dt.datetime] | None = None
    for a, b in sorted(pieces):
        if current is None or a > current[1]:
            if current is not None:
                total += current[1] - current[0]
            current = (a, b)
        elif b > current[1]:
            current = (current[0], b)
    if current is not None:
        total += current[1] - current[0]
    return total
