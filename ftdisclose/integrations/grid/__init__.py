"""Time-resolved grid carbon intensity: the mean over the hours a run actually ran.

``hourly_intensity`` picks a provider for the zone (``providers.choose``), fetches the
samples of [start, start + hours) or reads them from the cache, and averages them by
time (``average.time_weighted``). It never raises for a network or data problem: the
result's value is then None, with an FTD3xx finding, and the caller keeps the annual
value of the factor tables.

The network is contained (``grid.http``): every request and every fetch has a deadline, answers
are capped in size, requests in number, and credentials never follow a redirect to another
host. A window longer than MAX_WINDOW or outside 1970-2100 is not fetched (FTD323). What a
service sends is checked before it is used or cached (``samples.check_samples``), and every
message is scrubbed of every form of every secret before it leaves.

Offline mode never opens a connection, but a cached window is still used: the cache
holds data fetched earlier by this user, so using it is reading a local file, and it is
what makes a repeated ``compute --offline`` of a fetched run give the same number. CI
should not rely on a cache: ``ftdisclose pin`` writes the value into the disclosure.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from ftdisclose.factors import Row, normalise_name
from ftdisclose.findings import CATALOGUE, Code, Finding
from ftdisclose.integrations.grid import cache as _cache
from ftdisclose.integrations.grid.average import Average, time_weighted
from ftdisclose.integrations.grid.http import scrub
from ftdisclose.integrations.grid.providers import (
    GB_REGIONS,
    USER_AGENT,
    Choice,
    GridError,
    Provider,
    Sample,
    as_utc,
    check_samples,
    choose,
    gb_region,
    normalise_zone,
    secrets,
)
from ftdisclose.integrations.grid.samples import FIRST_YEAR, LAST_YEAR

__all__ = [
    "USER_AGENT",
    "GridResult",
    "Provider",
    "Sample",
    "choose",
    "hourly_intensity",
    "zone_for",
]


STABLE_AFTER = dt.timedelta(days=7)  # a partly covered window older than this is cached: it will not fill in
MAX_WINDOW = dt.timedelta(days=92)  # longer runs are not fetched: hundreds of (billed) requests


@dataclass
class GridResult:
    """The window's mean intensity (None on any failure: use the annual value) and its provenance."""

    value_g_per_kwh: float | None
    provider: str | None  # the provider's title, e.g. "Energi Data Service CO2Emis"
    zone: str
    window_start: dt.datetime
    window_end: dt.datetime
    records: int = 0
    coverage: float = 0.0
    from_cache: bool = False
    source_text: str = ""
    findings: list[Finding] = field(default_factory=list)
    basis: str = ""
    estimated_records: int = 0
    annual_g_per_kwh: float | None = None

    @property
    def ok(self) -> bool:
        return self.value_g_per_kwh is not None

    def as_dict(self) -> dict[str, Any]:
        return {
            "value_g_per_kwh": self.value_g_per_kwh,
            "provider": self.provider,
            "zone": self.zone,
            "window_start": _minute(self.window_start),
            "window_end": _minute(self.window_end),
            "records": self.records,
            "coverage": self.coverage,
            "from_cache": self.from_cache,
            "source_text": self.source_text,
            "basis": self.basis,
            "estimated_records": self.estimated_records,
            "findings": [f.as_dict() for f in self.findings],
        }


def _minute(moment: dt.datetime) -> str:
    """2024-07-06T17:01Z (seconds only when they are not zero)."""
    utc = moment.astimezone(dt.UTC)
    spec = "minutes" if utc.second == 0 and utc.microsecond == 0 else "seconds"
    return utc.replace(tzinfo=None, microsecond=0).isoformat(timespec=spec) + "Z"


def _percent(share: float) -> str:
    if share >= 1.0 - 1e-9:
        return "100%"
    return f"{math.floor(share * 1000) / 10:g}%"  # never rounds a partial window up to 100%


def zone_for(
    zone: str | None,
    country: str | None,
    cloud_region: str | None = None,
    cloud_provider: str | None = None,
    regions: Mapping[tuple[str, str], Row] | None = None,
) -> str:
    """The zone to ask for: the grid zone, else the cloud region's zone (``regions``, from the
    caller's factor tables), else the country."""
    if zone and zone.strip():
        return normalise_zone(zone)
    if cloud_region and cloud_region.strip() and regions:
        key = normalise_name(cloud_region)
        provider = normalise_name(cloud_provider) if cloud_provider else None
        rows = [r for (p, reg), r in regions.items() if reg == key and (provider is None or p == provider)]
        zones = {r["grid_zone"] or r["country"] for r in rows}
        if len(zones) == 1:
            return normalise_zone(zones.pop())
    return normalise_zone(country)


def hourly_intensity(
    zone: str | None,
    country: str | None,
    cloud_region: str | None,
    start: dt.datetime,
    hours: float,
    *,
    annual_g_per_kwh: float,
    offline: bool,
    cache_dir: Path | None = None,
    session: requests.Session | None = None,
    cloud_provider: str | None = None,
    regions: Mapping[tuple[str, str], Row] | None = None,
    timeout: float | None = None,
    file: str = "<disclosure>",
    path: str = "operational.carbon_intensity",
) -> GridResult:
    """The time-weighted mean grid intensity (gCO2e/kWh) over [start, start + hours).

    ``start`` must carry a time zone and ``hours`` be positive (ValueError otherwise: the
    caller checks both before asking). Everything else that can go wrong gives a result
    whose ``value_g_per_kwh`` is None and whose ``findings`` say why.
    """
    if math.isnan(hours) or hours <= 0:
        raise ValueError(f"the run time must be positive, not {hours!r} h")
    lo = _utc_or_edge(start)
    hi = _window_end(lo, hours)
    key = zone_for(zone, country, cloud_region, cloud_provider, regions)
    choice = choose(key, timeout=timeout)
    provider = choice.provider
    result = GridResult(
        None,
        provider.title if provider else None,
        choice.zone,
        lo,
        hi or lo,
        basis=provider.basis if provider else "",
        annual_g_per_kwh=annual_g_per_kwh,
    )
    out = _Outcome(result, file, path, provider)
    annual = f"the annual {annual_g_per_kwh:g} gCO2e/kWh is used"
    if provider is None:
        return out.add(
            Code.GRID_NO_PROVIDER, f"no hourly grid intensity for zone {key or '(none)'}: {choice.reason}; {annual}"
        )
    if hi is None:
        return out.add(Code.GRID_WINDOW_LIMIT, f"{_window_problem(lo, hours)}; hourly data is not fetched and {annual}")
    folder = cache_dir if cache_dir is not None else _cache.default_dir()
    samples = _samples(out, provider, choice, folder, offline, session)
    if samples is None:
        return result
    avg = time_weighted(samples, lo, hi)
    window = f"{_minute(lo)}..{_minute(hi)}"
    if avg.mean is None:
        return out.add(Code.GRID_NO_DATA, f"{provider.title} has no values for {choice.zone} {window}; {annual}")
    if not result.from_cache and (avg.complete or hi < dt.datetime.now(dt.UTC) - STABLE_AFTER):
        _cache.save(folder, provider.name, choice.zone, lo, hi, samples)
    _success(result, provider, choice, avg, annual_g_per_kwh)
    _coverage(out, provider, f"{choice.zone} {window}", avg)
    result.source_text = scrub(result.source_text, out.hidden())
    return result


def _coverage(out: _Outcome, provider: Provider, window: str, avg: Average) -> None:
    """FTD316 for a partly covered window, FTD319 for forecasts or estimates among the values."""
    if not avg.complete:
        missing = avg.window - avg.covered
        out.add(
            Code.GRID_PARTIAL_COVERAGE,
            f"{provider.title} covers {_percent(avg.coverage)} of {window}; the uncovered {_hours(missing)} "
            f"use the annual {out.result.annual_g_per_kwh:g} gCO2e/kWh",
        )
    if avg.estimated:
        kind = "forecasts" if provider.name == "uk-carbon-intensity" else "estimated or imputed"
        out.add(
            Code.GRID_ESTIMATED_VALUES,
            f"{avg.estimated} of the {avg.records} {provider.title} values for {window} are {kind}",
        )


@dataclass
class _Outcome:
    """The findings of one call, each scrubbed of every secret the environment and the provider hold."""

    result: GridResult
    file: str
    path: str
    provider: Provider | None

    def hidden(self) -> list[str]:
        return secrets() + (self.provider.credentials() if self.provider is not None else [])

    def add(self, code: Code, message: str) -> GridResult:
        rule = CATALOGUE[code]
        text = scrub(message, self.hidden())
        self.result.findings.append(
            Finding(rule.code, rule.slug, rule.severity, text, rule.hint, self.file, None, None, self.path)
        )
        return self.result


def _utc_or_edge(start: dt.datetime) -> dt.datetime:
    """``start`` in UTC; a time at the edge of the calendar (year 1 or 9999 with an offset) is taken as it is."""
    try:
        return as_utc(start)
    except OverflowError:
        return start.replace(tzinfo=dt.UTC)


def _window_end(lo: dt.datetime, hours: float) -> dt.datetime | None:
    """The end of the run window, or None when it is too long or outside 1970-2100 to fetch."""
    if not FIRST_YEAR <= lo.year < LAST_YEAR or hours > MAX_WINDOW.total_seconds() / 3600:
        return None
    hi = lo + dt.timedelta(hours=hours)
    return hi if hi.year < LAST_YEAR else None


def _window_problem(lo: dt.datetime, hours: float) -> str:
    if not FIRST_YEAR <= lo.year < LAST_YEAR or hours <= MAX_WINDOW.total_seconds() / 3600:
        return (
            f"the run window starting {lo.year:04d}-{lo.month:02d}-{lo.day:02d} lies outside {FIRST_YEAR}-{LAST_YEAR}"
        )
    return f"the run window of {hours:,.0f} h is longer than {MAX_WINDOW.days} days"


def _samples(
    out: _Outcome, provider: Provider, choice: Choice, folder: Path, offline: bool, session: requests.Session | None
) -> list[Sample] | None:
    """The window's samples from the cache or the service, checked; None (with a finding) when there are none."""
    result = out.result
    lo, hi = result.window_start, result.window_end
    annual = f"the annual {result.annual_g_per_kwh:g} gCO2e/kWh is used"
    window = f"{choice.zone} {_minute(lo)}..{_minute(hi)}"
    samples = _cache.load(folder, provider.name, choice.zone, lo, hi)
    if samples is not None:
        result.from_cache = True
        return samples
    if offline:
        out.add(Code.GRID_OFFLINE, f"offline, and {provider.title} data for {window} is not cached; {annual}")
        return None
    try:
        fetched = _fetch(provider, choice, lo, hi, session)
        return check_samples(provider.title, (s for s in fetched if s.end > lo and s.start < hi))
    except GridError as exc:
        out.add(exc.code, f"{exc.message}; {annual} for {window}")
    except (
        ValueError,
        TypeError,
        KeyError,
        AttributeError,
        OverflowError,
        RecursionError,
    ) as exc:  # a shape not foreseen
        out.add(
            Code.GRID_INVALID_RESPONSE,
            f"{provider.title}: unexpected answer ({type(exc).__name__}); {annual} for {window}",
        )
    return None


def _fetch(
    provider: Provider, choice: Choice, lo: dt.datetime, hi: dt.datetime, session: requests.Session | None
) -> list[Sample]:
    if session is not None:
        return provider.fetch(choice.zone, lo, hi, session)
    with requests.Session() as own:
        return provider.fetch(choice.zone, lo, hi, own)


def _success(result: GridResult, provider: Provider, choice: Choice, avg: Average, annual: float) -> None:
    result.value_g_per_kwh = avg.filled(annual)
    result.records = avg.records
    result.coverage = avg.coverage
    result.estimated_records = avg.estimated
    zone = choice.zone
    region = gb_region(zone)
    if region is not None:
        zone = f"{zone} ({GB_REGIONS[region]}, regional forecast)"
    text = (
        f"{provider.title}, {zone}, {_minute(avg.start)}..{_minute(avg.end)}, {avg.records} records, "
        f"coverage {_percent(avg.coverage)}"
    )
    if not avg.complete:
        text += f", the rest at the annual {annual:g} gCO2e/kWh"
    result.source_text = text


def _hours(span: dt.timedelta) -> str:
    return f"{span.total_seconds() / 3600:.3g} h"
