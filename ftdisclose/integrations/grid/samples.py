"""What every grid provider shares: ``Sample``, time helpers, and the checks on what a service sends.

Every value a service sends is checked before it is used or cached: a time inside
1970-2100 and inside the window asked for, an intensity that is finite and within
0..2,000 gCO2e/kWh (``check_samples``), and no more values than a window can hold.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import os
import zoneinfo
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ftdisclose.findings import Code
from ftdisclose.integrations.grid.http import INVALID, LIMIT, GridError

UTC = dt.UTC
LB_PER_MWH_TO_G_PER_KWH = 0.45359237  # 1 lb = 453.59237 g (exact); 1 MWh = 1000 kWh
MAX_G_PER_KWH = 2000.0  # above any generation's lifecycle intensity (lignite ~1,200): not a grid value
MAX_SAMPLES = 120_000  # per fetch: 92 days of 5-minute values for two Danish price areas is 53,000
FIRST_YEAR, LAST_YEAR = 1970, 2100  # times outside these years are not grid data

ENV_URLS = {
    "energidataservice": ("FTDISCLOSE_ENERGIDATASERVICE_URL", "https://api.energidataservice.dk"),
    "uk-carbon-intensity": ("FTDISCLOSE_UK_CARBON_INTENSITY_URL", "https://api.carbonintensity.org.uk"),
    "electricitymaps": ("FTDISCLOSE_ELECTRICITYMAPS_URL", "https://api.electricitymaps.com"),
    "watttime": ("FTDISCLOSE_WATTTIME_URL", "https://api.watttime.org"),
}

COPENHAGEN = zoneinfo.ZoneInfo("Europe/Copenhagen")

# UK Carbon Intensity API region ids (api-definitions docs)
GB_REGIONS: dict[int, str] = {
    1: "North Scotland",
    2: "South Scotland",
    3: "North West England",
    4: "North East England",
    5: "Yorkshire",
    6: "North Wales",
    7: "South Wales",
    8: "West Midlands",
    9: "East Midlands",
    10: "East England",
    11: "South West England",
    12: "South England",
    13: "London",
    14: "South East England",
    15: "England",
    16: "Scotland",
    17: "Wales",
}


@dataclass(frozen=True, slots=True)
class Sample:
    """One interval [start, end) in UTC and its intensity in gCO2e/kWh."""

    start: dt.datetime
    end: dt.datetime
    g_per_kwh: float
    estimated: bool = False  # a forecast, an estimate or imputed data rather than a measured value


# --- time helpers --------------------------------------------------------------------------


def as_utc(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        raise ValueError(f"{value.isoformat()} has no time zone")
    return value.astimezone(UTC)


def floor_to(value: dt.datetime, step: dt.timedelta) -> dt.datetime:
    epoch = dt.datetime(1970, 1, 1, tzinfo=UTC)
    return epoch + ((value - epoch) // step) * step


def ceil_to(value: dt.datetime, step: dt.timedelta) -> dt.datetime:
    down = floor_to(value, step)
    return down if down == value else down + step


def parse_time(text: object, *, naive_zone: dt.tzinfo = UTC) -> dt.datetime:
    """An ISO 8601 time within 1970-2100; naive times are read in ``naive_zone`` (EDS writes UTC without Z)."""
    if not isinstance(text, str) or not text or len(text) > 40:
        raise ValueError("not a time")
    value = dt.datetime.fromisoformat(text.strip().replace("z", "Z"))
    if not FIRST_YEAR <= value.year < LAST_YEAR:
        raise ValueError("a time outside 1970-2100")
    if value.tzinfo is None:
        value = value.replace(tzinfo=naive_zone)
    return value.astimezone(UTC)


def chunks(start: dt.datetime, end: dt.datetime, size: dt.timedelta) -> Iterable[tuple[dt.datetime, dt.datetime]]:
    cursor = start
    while cursor < end:
        stop = min(cursor + size, end)
        yield cursor, stop
        cursor = stop


def number(value: Any) -> float | None:
    """A number the service sent (None when it sent none); an integer too large for a float is infinite."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return float(value)
    except OverflowError:
        return math.inf


def check_samples(title: str, samples: Iterable[Sample]) -> list[Sample]:
    """The samples, when every value is finite and within 0..MAX_G_PER_KWH and they are not too many."""
    out = list(itertools.islice(samples, MAX_SAMPLES + 1))
    if len(out) > MAX_SAMPLES:
        raise GridError(LIMIT, f"{title}: more than {MAX_SAMPLES:,} values for one window; not used")
    for sample in out:
        value = sample.g_per_kwh
        if not (math.isfinite(value) and 0.0 <= value <= MAX_G_PER_KWH):
            shown = f"{value:g}" if math.isfinite(value) else "not a finite number"
            raise GridError(
                Code.GRID_IMPLAUSIBLE_VALUE,
                f"{title}: a value for {sample.start:%Y-%m-%dT%H:%MZ} is {shown} gCO2e/kWh, outside "
                f"0..{MAX_G_PER_KWH:,.0f}; the answer is not used",
            )
    return out


class Collected(dict[Any, "Sample"]):
    """Samples by key, refusing more than a window can hold (a server that sends endless values)."""

    def __init__(self, title: str) -> None:
        super().__init__()
        self.title = title

    def put(self, key: Any, sample: Sample) -> None:
        if key not in self and len(self) >= MAX_SAMPLES:
            raise GridError(LIMIT, f"{self.title}: more than {MAX_SAMPLES:,} values for one window; stopped")
        self[key] = sample

    def ordered(self) -> list[Sample]:
        return sorted(self.values(), key=lambda s: s.start)


# --- HTTP (bounded: see grid.http) ----------------------------------------------------------


def base_url(provider: str, env: Mapping[str, str] | None = None) -> str:
    """The provider's base URL (the part before the API's own path), from the environment."""
    variable, default = ENV_URLS[provider]
    value = (env if env is not None else os.environ).get(variable, "").strip()
    return (value or default).rstrip("/")


def within(sample: Sample, lo: dt.datetime, hi: dt.datetime) -> bool:
    return sample.end > lo and sample.start < hi


def shape(title: str, what: str) -> GridError:
    return GridError(INVALID, f"{title}: unexpected answer ({what})")
