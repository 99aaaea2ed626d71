"""Resolve: the grid's carbon intensity (disclosed, hourly over the run, or annual) and water intensity."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from ftdisclose.factors import Row
from ftdisclose.findings import Code
from ftdisclose.resolve.blocks import Blocks
from ftdisclose.resolve.place import run_year
from ftdisclose.resolve.record import Input, Recorder
from ftdisclose.spec.inputs import Name, Origin

Basis = Literal["lifecycle", "direct"]
BASES: tuple[Basis, ...] = ("lifecycle", "direct")
YEAR_GAP_WARNING = 2  # years between the run and the nearest table year before FTD306
DEFAULT_BASIS: Basis = "lifecycle"  # generation plus upstream fuel supply and plant construction (Ember, IPCC)
GridMode = Literal["annual", "hourly"]


@dataclass(frozen=True)
class GridOptions:
    """How to find the grid's carbon intensity when the disclosure does not state it."""

    mode: GridMode = "annual"  # annual: the factor tables; hourly: fetch the run window's values
    offline: bool = False  # never touch the network (a cached window is still used)
    basis: Basis = DEFAULT_BASIS  # which rows of the annual table: life-cycle, or combustion at the plant only


def grid(rec: Recorder, b: Blocks, options: GridOptions) -> None:
    zone = rec.inputs[Name.GRID_ZONE].text
    country = rec.inputs[Name.COUNTRY].text
    if b.op.carbon_intensity is not None:
        source = b.op.carbon_intensity_source
        rec.put(
            Name.CARBON_INTENSITY,
            b.op.carbon_intensity.to("gCO2e/kWh"),
            "gCO2e/kWh",
            Origin.DISCLOSED,
            f"disclosed: {source}" if source else "disclosed",
        )
    else:
        row, used = _grid_row(rec, (zone, country, "WORLD"), options.basis)
        if row is not None:
            year = int(row["year"])
            if options.mode != "hourly":
                _year_gap(rec, year, "grid carbon intensity", used)
            basis = f"{row['basis']} " if row["basis"] else ""
            found = rec.from_table(
                Name.CARBON_INTENSITY, row, "intensity", f"annual {basis}intensity of {used}, {year}"
            )
            if found is not None:
                _other_basis(rec, found, used, row["basis"])
            if found is not None and rec.inputs[Name.COUNTRY].origin is Origin.DEFAULT:
                _anywhere_in(rec, rec.inputs[Name.CARBON_INTENSITY], country, row["basis"])
        if options.mode == "hourly":
            _hourly(rec, zone, country, options)
    if b.op.electricity_water_intensity is not None:
        rec.disclosed(Name.WATER_INTENSITY, b.op.electricity_water_intensity.to("L/kWh"), "L/kWh")
    else:
        row, used = _nearest(rec, rec.factors.water, (zone, country, "WORLD"))
        if row is not None:
            rec.from_table(Name.WATER_INTENSITY, row, "consumed", f"water consumed per kWh generated in {used}")


def _other_basis(rec: Recorder, found: Input, zone: str, basis: str) -> None:
    """The range reaches the same zone's figure on the other basis: publishers report on either, and on a grid of
    hydro, nuclear, wind or biomass the two differ by more than the years do."""
    others = {b: years for b, years in rec.factors.grid.get(zone, {}).items() if b and b != basis}
    target = run_year(rec)
    values = []
    for years in others.values():
        row = years[min(years, key=lambda y: (abs(y - target), -y))]
        values += [v for v in (row.number("intensity_low"), row.number("intensity_high")) if v is not None]
    if not values:
        return
    low, high = min(found.span.low, *values), max(found.span.high, *values)
    if (low, high) != (found.span.low, found.span.high):
        detail = f"{found.detail}; the range spans {zone}'s figures on both bases (lifecycle and direct)"
        rec.inputs[Name.CARBON_INTENSITY] = dataclasses.replace(found, low=low, high=high, detail=detail)


def _anywhere_in(rec: Recorder, found: Input, country: str, basis: str) -> None:
    """A defaulted location: the range spans the country's grid zones (their newest years), as the run could
    have been anywhere in it."""
    values = [found.span.low, found.span.high]
    for zone in rec.factors.zones.values():
        if zone["country"] != country or zone["zone"] == country:
            continue
        years = rec.factors.grid.get(zone["zone"], {}).get(basis)
        if years:
            newest = years[max(years)]
            values += [
                v
                for v in (newest.number("intensity_low"), newest.number("intensity"), newest.number("intensity_high"))
                if v is not None
            ]
    low, high = min(values), max(values)
    if (low, high) != (found.span.low, found.span.high):
        rec.inputs[Name.CARBON_INTENSITY] = dataclasses.replace(
            found,
            low=low,
            high=high,
            detail=f"{found.detail}; the location is not disclosed, so the range spans {country}'s grid zones",
        )


def _hourly(rec: Recorder, zone: str, country: str, options: GridOptions) -> None:
    """The run window's mean intensity from a grid-data service (origin fetched), if it can be had."""
    from ftdisclose.integrations.grid import hourly_intensity

    start_input = rec.inputs.get(Name.START)
    duration = rec.inputs.get(Name.DURATION)
    hours = duration.number if duration is not None else 0.0
    annual = rec.inputs.get(Name.CARBON_INTENSITY)
    where = ("operational", "carbon_intensity")
    if start_input is None or hours <= 0 or annual is None:
        rec.warn(
            Code.GRID_NO_DATA,
            "hourly grid data needs the run's start and duration; the annual value is used",
            where,
            "disclose operational.start (with its time zone) and the duration",
        )
        return
    region = rec.inputs.get(Name.CLOUD_REGION)
    provider = rec.inputs.get(Name.PROVIDER)
    place = rec.locate(where)
    result = hourly_intensity(
        zone,
        country,
        region.text if region else None,
        dt.datetime.fromisoformat(start_input.text),
        hours,
        annual_g_per_kwh=annual.number,
        offline=options.offline,
        cloud_provider=provider.text if provider else None,
        regions=rec.factors.regions,
        file=place.file,
    )
    rec.findings.extend(
        dataclasses.replace(f, line=f.line or place.line, column=f.column or place.column) for f in result.findings
    )
    if result.value_g_per_kwh is not None:
        rec.put(Name.CARBON_INTENSITY, result.value_g_per_kwh, "gCO2e/kWh", Origin.FETCHED, result.source_text)


def _grid_row(rec: Recorder, zones: tuple[str, ...], wanted: Basis) -> tuple[Row | None, str]:
    """The finest zone's row on the wanted basis; a row on another basis only with a warning (FTD320)."""
    target = run_year(rec)
    for zone in zones:
        bases = rec.factors.grid.get(zone)
        if not bases:
            continue
        for basis in (wanted, *sorted(b for b in bases if b != wanted)):
            years = bases.get(basis)
            if not years:
                continue
            row = years[min(years, key=lambda y: (abs(y - target), -y))]
            if basis != wanted and _has_basis(rec, wanted):
                said = f"on a {basis} basis" if basis else "whose basis its source does not state"
                rec.warn(
                    Code.INTENSITY_BASIS,
                    f"the tables hold no {wanted} grid intensity for {zone}; a row {said} is used",
                    ("infrastructure", "location"),
                )
            return row, zone
    return None, ""


def _has_basis(rec: Recorder, basis: str) -> bool:
    """Whether the tables state bases at all (factor versions before 2026.2 mixed them unsaid)."""
    return any(basis in bases for bases in rec.factors.grid.values()) and rec.factors.has("power_fraction")


def _nearest(
    rec: Recorder,
    index: Mapping[str, Mapping[int, Row]] | Mapping[str, Mapping[int | None, Row]],
    zones: tuple[str, ...],
) -> tuple[Row | None, str]:
    target = run_year(rec)
    for zone in zones:
        years = index.get(zone)
        if not years:
            continue
        dated = [y for y in years if y is not None]
        if dated:
            return years[min(dated, key=lambda y: (abs(y - target), -y))], zone
        return years[None], zone  # type: ignore[index]
    return None, ""


def _year_gap(rec: Recorder, year: int, what: str, zone: str) -> None:
    """FTD306 when the row's year is far from the run's, beyond the lag with which such data is published.

    The run is compared with the newest year the tables hold for the zone or its country (grid
    data is published a year or more after the fact), so a recent run on a well-covered grid
    gets no warning, and an old or stale row does.
    """
    target = run_year(rec)
    country = rec.inputs[Name.COUNTRY].text
    years = [y for z in (zone, country) for by_year in rec.factors.grid.get(z, {}).values() for y in by_year]
    newest = max(years, default=year)
    gap = abs(year - min(target, newest)) if target >= year else year - target
    if gap > YEAR_GAP_WARNING:
        rec.warn(
            Code.YEAR_GAP,
            f"the nearest year of {what} for {zone} is {year}, {abs(year - target)} years from the run's {target}",
            ("operational",),
        )
