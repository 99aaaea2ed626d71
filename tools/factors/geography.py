"""Geography tables: countries, zones, cloud regions, grid intensity, datacenter
efficiency and the water intensity of electricity.

Inputs are the public data files under ``data_dir`` (see its SOURCES.md) and the
hand-curated ``curated/geography_*.csv`` files beside this module. Every row names
its source ids (``curated/sources_geography.csv``).

Conventions used here (also written into each table's description):

* Where two sources give a value for the same key, ``*_low``/``*_high`` span all of
  them and the central value comes from the preferred source (the first one added);
  otherwise low = central = high.
* An empty ``year`` in ``datacenter_efficiency`` and ``electricity_water`` means the
  source gives no reference year: use the row for any year that has no dated row.
* ``grid_intensity.basis`` is ``lifecycle`` or ``direct`` on every row and part of the key;
  rows whose source does not say (CodeCarbon's Nordic bidding-zone file, one value for
  nine zones) are not shipped.
"""

from __future__ import annotations

import itertools
import json
import math
import re
import statistics
from dataclasses import dataclass, field
from pathlib import Path

from tablebuild import Table, read_csv

HERE = Path(__file__).resolve().parent
CURATED = HERE / "curated"

LB_PER_MWH_TO_G_PER_KWH = 0.45359237  # exact: 1 lb = 453.59237 g
US_GALLON_TO_L = 3.785411784  # exact
FIRST_YEAR = 2016

# EcoLogits' per-country water factors are MPL-2.0. We carry the figures (facts) with
# per-row attribution, not the file. Set to False to build the table without them.
USE_ECOLOGITS_WATER = True

# Source ids (defined in curated/sources_geography.csv).
SRC_OWID = "owid-energy-ci-2025-05"
SRC_CC_MIX = "codecarbon-global-energy-mix-2024"
SRC_CC_USA = "codecarbon-usa-emissions-2016"
SRC_CC_CLOUD = "codecarbon-cloud-impact"
SRC_GA_CI = "green-algorithms-ci-v3.0"
SRC_GA_DC = "green-algorithms-datacenters-v3.0"
SRC_GA_PUE = "green-algorithms-pue-v3.0"
SRC_UPTIME = "uptime-2024"
SRC_ECO_MIX = "ecologits-electricity-mixes"
SRC_ECO_DC = "ecologits-provider-pue-wue"
SRC_LI = "li-2023-making-ai-less-thirsty"
SRC_DERIVED_US = "owid-energy-ci-2025-05;eia-faq-co2-per-kwh;eia-state-profiles-2022;ipcc-ar5-annex-iii;\
codecarbon-global-energy-mix-2024;codecarbon-carbon-intensity-per-source;ftdisclose-grid-lifecycle-2026"
SRC_DERIVED_CA = "codecarbon-canada-energy-mix;ipcc-ar5-annex-iii;codecarbon-carbon-intensity-per-source;\
owid-energy-ci-2025-05;codecarbon-global-energy-mix-2024;ftdisclose-grid-lifecycle-2026"
SRC_DERIVED_AU = "green-algorithms-ci-v3.0;owid-energy-ci-2025-05;ftdisclose-grid-lifecycle-2026"
SRC_GRID_RANGE = "ftdisclose-grid-ranges-2026"

# ---------------------------------------------------------------------------
# small helpers


def _curated(name: str) -> list[dict[str, str]]:
    return read_csv(CURATED / name)


def _num(text: str) -> float | None:
    text = text.strip()
    return float(text) if text else None


def _year(text: str) -> int | None:
    text = text.strip()
    return int(text) if text else None


def _join(ids: list[str]) -> str:
    seen: list[str] = []
    for chunk in ids:
        for sid in chunk.split(";"):
            if sid and sid not in seen:
                seen.append(sid)
    return ";".join(seen)


@dataclass
class Estimate:
    """Values for one quantity from one or more sources; the first is preferred."""

    values: list[tuple[float, str]] = field(default_factory=list)

    def add(self, value: float | None, source: str) -> None:
        if value is not None:
            self.values.append((value, source))

    def __bool__(self) -> bool:
        return bool(self.values)

    @property
    def central(self) -> float | None:
        return self.values[0][0] if self.values else None

    @property
    def low(self) -> float | None:
        return min(v for v, _ in self.values) if self.values else None

    @property
    def high(self) -> float | None:
        return max(v for v, _ in self.values) if self.values else None

    @property
    def sources(self) -> list[str]:
        return [s for _, s in self.values]


def _triple(prefix: str, est: Estimate) -> dict[str, object]:
    return {f"{prefix}_low": est.low, prefix: est.central, f"{prefix}_high": est.high}


# ---------------------------------------------------------------------------
# countries and zones


@dataclass
class Country:
    alpha2: str
    alpha3: str
    name: str
    aliases: list[str]
    source: str


def _countries() -> dict[str, Country]:
    out: dict[str, Country] = {}
    for row in _curated("geography_countries.csv"):
        aliases = [a for a in row["aliases"].split("|") if a]
        out[row["alpha2"]] = Country(row["alpha2"], row["alpha3"], row["name"], aliases, row["source"])
    return out


def _build_countries(countries: dict[str, Country]) -> Table:
    table = Table(
        name="countries",
        description="ISO 3166-1 countries and territories: alpha-2 (key), alpha-3, English short name, "
        "and other names users write (aliases, '|'-separated).",
        key=["alpha2"],
        columns={
            "alpha2": ("", "ISO 3166-1 alpha-2 code"),
            "alpha3": ("", "ISO 3166-1 alpha-3 code"),
            "name": ("", "ISO English short name"),
            "aliases": ("", "other names and spellings, '|'-separated"),
            "source": ("", "source ids, ';'-separated"),
        },
    )
    for c in countries.values():
        table.add(alpha2=c.alpha2, alpha3=c.alpha3, name=c.name, aliases="|".join(c.aliases), source=c.source)
    return table


def _build_zones(countries: dict[str, Country]) -> Table:
    table = Table(
        name="zones",
        description="Grid zones that intensity and water factors are given for: WORLD, every ISO 3166-1 "
        "country (zone id = alpha-2; FI is both the country and the Finnish bidding zone), ISO 3166-2 "
        "subdivisions (US states and DC, Canadian provinces, Australian states), EPA eGRID subregions, "
        "Nordic/Danish electricity bidding zones and the GB regions of the Carbon Intensity API.",
        key=["zone"],
        columns={
            "zone": ("", "zone id"),
            "kind": ("", "world, country, subdivision, egrid, bidding_zone or gb_region"),
            "country": ("", "ISO 3166-1 alpha-2 of the zone's country; empty for WORLD"),
            "name": ("", "English name"),
            "aliases": ("", "other ids users write (e.g. Electricity Maps ids), '|'-separated"),
            "source": ("", "source ids, ';'-separated"),
        },
    )
    table.add(zone="WORLD", kind="world", country=None, name="World", aliases="", source=SRC_OWID)
    for c in countries.values():
        table.add(zone=c.alpha2, kind="country", country=c.alpha2, name=c.name, aliases=c.alpha3, source=c.source)
    for row in _curated("geography_subdivisions.csv"):
        table.add(
            zone=row["zone"],
            kind="subdivision",
            country=row["country"],
            name=row["name"],
            aliases=row["aliases"],
            source=row["source"],
        )
    for row in _curated("geography_egrid_subregions.csv"):
        table.add(
            zone=row["zone"], kind="egrid", country=row["country"], name=row["name"], aliases="", source=row["source"]
        )
    for row in _curated("geography_bidding_zones.csv"):
        table.add(
            zone=row["zone"],
            kind="bidding_zone",
            country=row["country"],
            name=row["name"],
            aliases=row["aliases"],
            source=row["source"],
        )
    for row in _curated("geography_gb_regions.csv"):
        table.add(
            zone=row["zone"],
            kind="gb_region",
            country=row["country"],
            name=row["name"],
            aliases=row["aliases"],
            source=row["source"],
        )
    zones = [str(r["zone"]) for r in table.rows]
    duplicates = {z for z in zones if zones.count(z) > 1}
    if duplicates:
        raise ValueError(f"zones: duplicate ids {sorted(duplicates)}")
    for r in table.rows:
        if r["country"] and r["country"] not in countries:
            raise ValueError(f"zones: {r['zone']} has unknown country {r['country']}")
    return table


# ---------------------------------------------------------------------------
# grid intensity


class GridCollector:
    """Collects intensity values per (zone, year, basis)."""

    def __init__(self, zones: set[str]) -> None:
        self.zones = zones
        self.values: dict[tuple[str, int, str], Estimate] = {}
        self.ranges: dict[tuple[str, int, str], tuple[float, float]] = {}

    def add(self, zone: str, year: int, value: float, basis: str, source: str) -> None:
        if zone not in self.zones:
            raise ValueError(f"grid_intensity: unknown zone {zone}")
        if basis not in BASES:
            raise ValueError(f"grid_intensity: {zone} {year}: basis {basis!r} is not one of {BASES}")
        self.values.setdefault((zone, year, basis), Estimate()).add(value, source)

    def widen(self, zone: str, year: int, basis: str, low: float, high: float) -> None:
        """Extend the range of a row beyond the spread of its sources."""
        key = (zone, year, basis)
        old = self.ranges.get(key, (low, high))
        self.ranges[key] = (min(old[0], low), max(old[1], high))


BASES = ("lifecycle", "direct")
WINDOW = 5  # years in a zone's range window: the row's year and the four before


def _owid_rows(data_dir: Path) -> list[dict[str, str]]:
    return read_csv(data_dir / "owid-energy-data" / "owid_carbon_intensity_elec.csv")


def _owid_series(data_dir: Path, by_alpha3: dict[str, str]) -> dict[str, dict[int, float]]:
    """OWID/Ember life-cycle intensity per zone and year, all years of the file (2000 on)."""
    series: dict[str, dict[int, float]] = {}
    for row in _owid_rows(data_dir):
        if row["iso_code"]:
            zone = by_alpha3[row["iso_code"]]
        elif row["country"] == "World":
            zone = "WORLD"
        else:
            continue  # regional aggregates and Kosovo (no ISO 3166-1 code)
        series.setdefault(zone, {})[int(row["year"])] = float(row["carbon_intensity_elec"])
    return series


def spread(series: dict[int, float], year: int) -> tuple[float, float] | None:
    """A zone's year-to-year spread around its value for ``year`` (one basis).

    low/high = min/max over the WINDOW years up to ``year``, and on each side at least one
    typical year-on-year change (the median |v_t - v_t-1| in the window) away from the
    value, so that the value never sits on an edge: the margin covers about one year of
    change, the usual publication lag.
    """
    ys = [y for y in range(year - WINDOW + 1, year + 1) if y in series]
    if len(ys) < 2 or year not in series:
        return None
    typical = typical_change(series, year) or 0.0
    value, window = series[year], [series[y] for y in ys]
    return min(*window, value - typical), max(*window, value + typical)


def rel_spread(series: dict[int, float], year: int) -> tuple[float, float]:
    """The spread as fractions of the value below and above it (0, 0 if none)."""
    sp = spread(series, year)
    if sp is None:
        return 0.0, 0.0
    value = series[year]
    return (value - sp[0]) / value, (sp[1] - value) / value


def rss(*parts: float) -> float:
    return math.sqrt(sum(x * x for x in parts))


def _grid_owid(grid: GridCollector, series: dict[str, dict[int, float]]) -> None:
    """OWID/Ember: every country with an ISO code, and the World row (life-cycle)."""
    for zone, years in series.items():
        for year, value in years.items():
            if year >= FIRST_YEAR:
                grid.add(zone, year, value, "lifecycle", SRC_OWID)


def _grid_codecarbon_mix(grid: GridCollector, data_dir: Path, by_alpha3: dict[str, str]) -> None:
    """CodeCarbon's copy of an earlier OWID release: spans revisions of the same series."""
    for iso3, entry in sorted(_codecarbon_mix(data_dir).items()):
        year = int(entry["year"])
        if year < FIRST_YEAR or entry.get("carbon_intensity") is None:
            continue
        grid.add(by_alpha3[iso3], year, float(entry["carbon_intensity"]), "lifecycle", SRC_CC_MIX)


# US fleet-average combustion emissions per kWh generated, 2023 (EIA FAQ 74): coal 709 Mt over 675,115 GWh,
# natural gas 790 Mt over 1,806,063 GWh, petroleum 18 Mt over 16,233 GWh; everything else emits no CO2 when it
# generates (biomass is biogenic and counted as zero in direct, location-based inventories).
EIA_2023_DIRECT = {"coal_TWh": 709 / 675_115 * 1e6, "gas_TWh": 790 / 1_806_063 * 1e6, "oil_TWh": 18 / 16_233 * 1e6}
SRC_DIRECT_MIX = "codecarbon-global-energy-mix-2024;eia-faq-co2-per-kwh;ftdisclose-grid-direct-2026"


def _grid_direct_from_mix(grid: GridCollector, data_dir: Path, by_alpha3: dict[str, str]) -> None:
    """A direct-combustion row for every country with a fuel mix: each fuel's share of generation times the US
    fleet's combustion emissions per kWh of that fuel. It gives the spread between bases that a lifecycle
    default lacks: for hydro, nuclear, wind and biomass grids the two differ by much more than a year does."""
    for iso3, entry in sorted(_codecarbon_mix(data_dir).items()):
        total = float(entry.get("total_TWh") or 0)
        year = int(entry["year"])
        if total <= 0 or year < FIRST_YEAR or iso3 not in by_alpha3:
            continue
        value = sum(float(entry.get(fuel) or 0) * factor for fuel, factor in EIA_2023_DIRECT.items()) / total
        grid.add(by_alpha3[iso3], year, value, "direct", SRC_DIRECT_MIX)


def _codecarbon_mix(data_dir: Path) -> dict[str, dict[str, float]]:
    path = data_dir / "codecarbon" / "private_infra" / "global_energy_mix.json"
    data: dict[str, dict[str, float]] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _us_states_2016(data_dir: Path) -> tuple[dict[str, float], float]:
    """eGRID2016 state CO2 output rates via CodeCarbon (lb/MWh -> g/kWh, CO2 only: direct),
    and the national rate."""
    path = data_dir / "codecarbon" / "private_infra" / "2016" / "usa_emissions.json"
    states = json.loads(path.read_text(encoding="utf-8"))
    out = {
        f"US-{entry['regionCode']}": float(entry["emissions"]) * LB_PER_MWH_TO_G_PER_KWH
        for name, entry in sorted(states.items())
        if not name.startswith("_") and name != "usa"
    }
    return out, float(states["usa"]["emissions"]) * LB_PER_MWH_TO_G_PER_KWH


GA_YEAR = re.compile(r"data from (\d{4})")
GA_ZONE_FIX = {"CA-MT": "CA-MB"}  # Green Algorithms writes Manitoba as CA-MT


def _green_algorithms_regions(data_dir: Path, zones: set[str]) -> dict[tuple[str, int], float]:
    """Subnational rows of Green Algorithms CI_aggregated: US states (eGRID-based, 2020),
    Canadian provinces (UNFCCC, 2019), Australian states (2019), and the national AU row."""
    out: dict[tuple[str, int], float] = {}
    for row in read_csv(data_dir / "green-algorithms" / "CI_aggregated.csv", skip_rows=1):
        zone = GA_ZONE_FIX.get(row["location"], row["location"])
        match = GA_YEAR.search(row["source"])
        if match is None:
            continue
        if row["Type"] == "Region" and zone.split("-")[0] in ("US", "CA", "AU") and zone in zones:
            out[(zone, int(match.group(1)))] = float(row["carbonIntensity"])
        elif row["Type"] == "Country" and zone == "AU":
            out[("AU", int(match.group(1)))] = float(row["carbonIntensity"])
    return out


@dataclass
class UsConversion:
    """Direct (combustion) -> life-cycle conversion for US rows, calibrated on the nation.

    Two-component model: L = k_f * D + l_nf * (1 - D / d_fossil). The fossil part scales
    the direct rate by k_f; the non-fossil part carries the life-cycle intensity of the US
    non-fossil mix (nuclear, hydro, wind, solar emit nothing at the stack but 11-48 g/kWh
    over their life cycle), in the share D / d_fossil leaves. k_f is fitted so that the US
    direct rate of 2023 gives Ember's life-cycle value.
    """

    ratios: dict[str, float]  # national lifecycle / direct, by variant
    d_fossil: float
    l_nf: float
    k_f: dict[str, float]  # by Ember release: current, earlier

    def two_component(self, direct: float, k_f: float) -> float:
        fossil_share = min(1.0, direct / self.d_fossil)
        return k_f * direct + self.l_nf * (1 - fossil_share)

    def variants(self, direct: float) -> dict[str, float]:
        out = {f"ratio {k}": direct * v for k, v in self.ratios.items()}
        out["two-component current"] = self.two_component(direct, self.k_f["current"])
        out["two-component earlier"] = self.two_component(direct, self.k_f["earlier"])
        return out


def _lifecycle_factors(data_dir: Path) -> dict[str, float]:
    """IPCC AR5 life-cycle medians per fuel (g/kWh); oil (no AR5 median): CodeCarbon's petroleum."""
    factors = {r["fuel"]: float(r["g_per_kwh"]) for r in _curated("geography_lifecycle_factors.csv")}
    path = data_dir / "codecarbon" / "private_infra" / "carbon_intensity_per_source.json"
    factors["oil"] = float(json.loads(path.read_text(encoding="utf-8"))["petroleum"])
    return factors


OWID_FUELS = {
    "coal": ["coal_TWh"],
    "gas": ["gas_TWh"],
    "oil": ["oil_TWh"],
    "biomass": ["biofuel_TWh"],
    "hydro": ["hydroelectricity_TWh"],
    "nuclear": ["nuclear_TWh"],
    "wind": ["wind_TWh"],
    "solar": ["solar_TWh"],
    "other_renewable": ["other_renewable_exc_biofuel_TWh"],
}
FOSSIL = ("coal", "gas", "oil")


def _mix(entry: dict[str, float]) -> dict[str, float]:
    return {fuel: sum(float(entry[c]) for c in cols) for fuel, cols in OWID_FUELS.items()}


def _us_conversion(data_dir: Path, series: dict[str, dict[int, float]], direct_2016: float) -> UsConversion:
    rows = _curated("geography_us_direct.csv")
    direct = {2016: direct_2016}
    fossil_gen = fossil_co2 = 0.0
    for r in rows:
        if r["fuel"] == "all":
            direct[int(r["year"])] = float(r["co2_mt"]) * 1e12 / (float(r["generation_gwh"]) * 1e6)
        elif int(r["year"]) == 2023:
            fossil_gen += float(r["generation_gwh"])
            fossil_co2 += float(r["co2_mt"])
    us = series["US"]
    earlier_2023 = float(_codecarbon_mix(data_dir)["USA"]["carbon_intensity"])
    ratios = {f"{y} current": us[y] / d for y, d in sorted(direct.items())}
    ratios["2023 earlier"] = earlier_2023 / direct[2023]
    factors = _lifecycle_factors(data_dir)
    gen = _mix(_codecarbon_mix(data_dir)["USA"])
    nonfossil = [f for f in gen if f not in FOSSIL]
    l_nf = sum(gen[f] * factors[f] for f in nonfossil) / sum(gen[f] for f in nonfossil)
    total_2023 = next(float(r["generation_gwh"]) for r in rows if r["year"] == "2023" and r["fuel"] == "all")
    s_nf = 1 - fossil_gen / total_2023
    k_f = {
        "current": (us[2023] - l_nf * s_nf) / direct[2023],
        "earlier": (earlier_2023 - l_nf * s_nf) / direct[2023],
    }
    return UsConversion(ratios, fossil_co2 * 1e12 / (fossil_gen * 1e6), l_nf, k_f)


def _grid_egrid(grid: GridCollector, conv: UsConversion, series: dict[str, dict[int, float]]) -> None:
    """eGRID2023 subregions: the direct rate (alternate basis) and a derived life-cycle row.

    Ranges: the spread of the conversion variants combined (root-sum-square) with the US
    relative year spread, a proxy until earlier eGRID years are transcribed."""
    ry_lo, ry_hi = rel_spread(series["US"], 2023)
    for row in _curated("geography_egrid_subregions.csv"):
        zone, year = row["zone"], int(row["year"])
        d = float(row["co2e_lb_per_mwh"]) * LB_PER_MWH_TO_G_PER_KWH
        grid.add(zone, year, d, "direct", row["source"])
        grid.widen(zone, year, "direct", d * (1 - ry_lo), d * (1 + ry_hi))
        variants = conv.variants(d)
        central = variants["two-component current"]
        lo = central * (1 - rss((central - min(variants.values())) / central, ry_lo))
        hi = central * (1 + rss((max(variants.values()) - central) / central, ry_hi))
        grid.add(zone, year, central, "lifecycle", f"{row['source']};{SRC_DERIVED_US}")
        grid.widen(zone, year, "lifecycle", lo, hi)


def _grid_us_states(
    grid: GridCollector,
    conv: UsConversion,
    series: dict[str, dict[int, float]],
    states_2016: dict[str, float],
    ga: dict[tuple[str, int], float],
) -> None:
    """US states: eGRID2016 (CodeCarbon) and eGRID2020 (Green Algorithms) direct rates, and
    derived life-cycle rows (k_f scaled to the year's national ratio; 2020 interpolated
    between 2016 and 2022). The cloud regions no longer point at these rows."""
    r2016, r2022, r2023 = (conv.ratios[f"{y} current"] for y in (2016, 2022, 2023))
    inputs = [(zone, 2016, d, SRC_CC_USA) for zone, d in states_2016.items()]
    inputs += [(zone, year, d, SRC_GA_CI) for (zone, year), d in sorted(ga.items()) if zone.startswith("US-")]
    for zone, year, d, source in inputs:
        if zone not in grid.zones:
            continue
        ratio = r2016 if year == 2016 else (r2016 + r2022) / 2
        central = conv.two_component(d, conv.k_f["current"] * ratio / r2023)
        rl, rh = rel_spread(series["US"], year)
        conversion = abs(central - d * ratio) / central
        grid.add(zone, year, d, "direct", source)
        grid.widen(zone, year, "direct", d * (1 - rl), d * (1 + rh))
        grid.add(zone, year, central, "lifecycle", f"{source};{SRC_DERIVED_US}")
        grid.widen(zone, year, "lifecycle", central * (1 - rss(conversion, rl)), central * (1 + rss(conversion, rh)))


CANADA_FUELS = {
    "naturalGas": "gas",
    "coal": "coal",
    "petroleum": "oil",
    "biomass": "biomass",
    "hydro": "hydro",
    "nuclear": "nuclear",
    "wind": "wind",
    "solar": "solar",
    "tidal": "other_renewable",
    "other": "other_renewable",
}
CANADA_PROVINCES = {
    "alberta": "CA-AB",
    "british columbia": "CA-BC",
    "manitoba": "CA-MB",
    "new brunswick": "CA-NB",
    "newfoundland and labrador": "CA-NL",
    "nova scotia": "CA-NS",
    "northwest territories": "CA-NT",
    "nunavut": "CA-NU",
    "ontario": "CA-ON",
    "prince edward island": "CA-PE",
    "quebec": "CA-QC",
    "saskatchewan": "CA-SK",
    "yukon": "CA-YT",
}
CANADA_MIX_YEAR = 2023  # the folder CodeCarbon files the provincial mix under; the file states no year


def _grid_canada(
    grid: GridCollector, data_dir: Path, series: dict[str, dict[int, float]], ga: dict[tuple[str, int], float]
) -> None:
    """Canadian provinces: life-cycle rows by the fuel-mix method (provincial generation
    shares x IPCC AR5 medians, the fossil part calibrated so that the same factors x the
    national mix give OWID's Canada value), and Green Algorithms' 2019 rows (UNFCCC
    combustion factors with T&D losses) as the direct basis."""
    factors = _lifecycle_factors(data_dir)
    national = _mix(_codecarbon_mix(data_dir)["CAN"])
    total = sum(national.values())
    fossil = sum(national[f] * factors[f] for f in FOSSIL) / total
    nonfossil = sum(national[f] * factors[f] for f in national if f not in FOSSIL) / total
    k = (series["CA"][CANADA_MIX_YEAR] - nonfossil) / fossil
    ca_lo, ca_hi = rel_spread(series["CA"], CANADA_MIX_YEAR)
    path = data_dir / "codecarbon" / "private_infra" / "2023" / "canada_energy_mix.json"
    provinces = json.loads(path.read_text(encoding="utf-8"))
    for name, zone in sorted(CANADA_PROVINCES.items(), key=lambda kv: kv[1]):
        shares = {k2: float(v) for k2, v in provinces[name].items() if k2 != "total"}
        share_total = sum(shares.values())
        fossil_p = sum(shares[f] * factors[CANADA_FUELS[f]] for f in ("naturalGas", "coal", "petroleum")) / share_total
        other_p = (
            sum(shares[f] * factors[CANADA_FUELS[f]] for f in shares if f not in ("naturalGas", "coal", "petroleum"))
            / share_total
        )
        raw, central = fossil_p + other_p, k * fossil_p + other_p
        low = central - rss(central - min(raw, central), ca_lo * central)
        high = central + rss(max(raw, central) - central, ca_hi * central)
        grid.add(zone, CANADA_MIX_YEAR, central, "lifecycle", SRC_DERIVED_CA)
        grid.widen(zone, CANADA_MIX_YEAR, "lifecycle", low, high)
    rl, rh = rel_spread(series["CA"], 2019)
    for (zone, year), d in sorted(ga.items()):
        if zone.startswith("CA-"):
            grid.add(zone, year, d, "direct", SRC_GA_CI)
            grid.widen(zone, year, "direct", d * (1 - rl), d * (1 + rh))


def _grid_australia(grid: GridCollector, series: dict[str, dict[int, float]], ga: dict[tuple[str, int], float]) -> None:
    """Australian states: Green Algorithms' 2019 state values look like NGA scope 2 + 3
    factors (neither direct nor life-cycle), so they are not shipped; each state keeps its
    2019 ratio to the national value of the same source, applied to OWID's life-cycle
    series for 2019 and for the newest year (trend-scaled; high end: the 2019 value)."""
    ratio = series["AU"][2019] / ga[("AU", 2019)]
    latest = max(series["AU"])
    rl19, rh19 = rel_spread(series["AU"], 2019)
    rl, rh = rel_spread(series["AU"], latest)
    for (zone, year), value in sorted(ga.items()):
        if not zone.startswith("AU-") or year != 2019:
            continue
        life19 = value * ratio
        grid.add(zone, 2019, life19, "lifecycle", SRC_DERIVED_AU)
        grid.widen(zone, 2019, "lifecycle", life19 * (1 - rl19), life19 * (1 + rh19))
        scaled = life19 * series["AU"][latest] / series["AU"][2019]
        grid.add(zone, latest, scaled, "lifecycle", SRC_DERIVED_AU)
        grid.widen(zone, latest, "lifecycle", scaled * (1 - rl), max(scaled * (1 + rh), life19))


def typical_change(series: dict[int, float], year: int) -> float | None:
    """The median |v_t - v_t-1| over the WINDOW years up to ``year`` (None with fewer than two)."""
    ys = [y for y in range(year - WINDOW + 1, year + 1) if y in series]
    steps = [abs(series[b] - series[a]) for a, b in itertools.pairwise(ys) if b == a + 1]
    return float(statistics.median(steps)) if steps else None


def _grid_floor(series: dict[str, dict[int, float]]) -> float:
    """The smallest relative half-width of a range: the median, over the zones with data, of
    the typical year-on-year change relative to the value in the zone's newest year. It
    widens rows whose own values do not move (constant series, single-source derived rows)."""
    ratios = []
    for years in series.values():
        latest = max(years)
        typical = typical_change(years, latest)
        if typical is not None and years[latest] > 0:
            ratios.append(typical / years[latest])
    return float(statistics.median(ratios))


def _build_grid_intensity(data_dir: Path, zones: set[str], by_alpha3: dict[str, str]) -> Table:
    grid = GridCollector(zones)
    series = _owid_series(data_dir, by_alpha3)
    _grid_owid(grid, series)  # first: preferred central value for countries
    _grid_codecarbon_mix(grid, data_dir, by_alpha3)
    _grid_direct_from_mix(grid, data_dir, by_alpha3)
    states_2016, us_2016 = _us_states_2016(data_dir)
    ga = _green_algorithms_regions(data_dir, zones)
    conv = _us_conversion(data_dir, series, us_2016)
    _grid_egrid(grid, conv, series)
    _grid_us_states(grid, conv, series, states_2016, ga)
    _grid_canada(grid, data_dir, series, ga)
    _grid_australia(grid, series, ga)
    floor = _grid_floor(series)
    min_lifecycle = min(_lifecycle_factors(data_dir).values())
    table = Table(
        name="grid_intensity",
        description=(
            f"Annual average carbon intensity of electricity per zone, year and basis ({FIRST_YEAR} onwards). "
            "basis lifecycle (the default) or direct (combustion only) on every row. Countries and WORLD: "
            "OWID/Ember life-cycle intensity (central), spanned by CodeCarbon's copy of an earlier OWID release. "
            "eGRID2023 subregions and US states (eGRID2016 via CodeCarbon, eGRID2020 via Green Algorithms): the "
            "direct rate and a life-cycle row derived with a two-component conversion calibrated on the US "
            "(EIA direct vs Ember life-cycle). Canadian provinces: life-cycle from the provincial fuel mix x "
            "IPCC AR5 medians calibrated on Canada; Green Algorithms' 2019 rows as direct. Australian states: "
            "life-cycle from the state/national ratio of Green Algorithms' 2019 values applied to OWID's series "
            "(2019 and the newest year). Countries, direct: the fuel mix of CodeCarbon's energy-mix file x the US "
            "fleet's combustion emissions per kWh of coal, gas and oil (EIA, 2023). Ranges: min/max of the zone's "
            "own values of the same basis over the "
            f"last {WINDOW} years, at least one typical year-on-year change each side, combined with the spread "
            "of the conversion variants for derived rows; a side that would not move gets the median relative "
            f"year-on-year change of all zones ({floor:.4f}); a zero intensity (bounded at 0) gets the smallest "
            "IPCC AR5 life-cycle median as its high end. Zones without rows (e.g. Nordic bidding zones) "
            "resolve to their country."
        ),
        key=["zone", "year", "basis"],
        columns={
            "zone": ("", "zone id (see zones)"),
            "year": ("", "calendar year of the data"),
            "basis": ("", "lifecycle (upstream included; the default) or direct (combustion only)"),
            "intensity_low": ("gCO2e/kWh", "low end: sources, year-to-year spread, conversion variants"),
            "intensity": ("gCO2e/kWh", "central value"),
            "intensity_high": ("gCO2e/kWh", "high end: sources, year-to-year spread, conversion variants"),
            "source": ("", "source ids, ';'-separated"),
        },
    )
    for (zone, year, basis), est in grid.values.items():
        central = float(est.central)  # type: ignore[arg-type]
        low, high = float(est.low), float(est.high)  # type: ignore[arg-type]
        if (zone, year, basis) in grid.ranges:
            wl, wh = grid.ranges[(zone, year, basis)]
            low, high = min(low, wl), max(high, wh)
        series_zone = series.get(zone) if basis == "lifecycle" and zone in series else None
        if series_zone is not None and year in series_zone:
            sp = spread(series_zone, year)
            if sp is not None:  # the spread is built around OWID's value: shift it onto the central value
                shift = central - series_zone[year]
                low, high = min(low, sp[0] + shift), max(high, sp[1] + shift)
        elif basis == "direct" and series.get(zone, {}).get(year):
            # a direct row derived for one year: the zone's own year-to-year spread (on the lifecycle series)
            rl, rh = rel_spread(series[zone], year)
            low, high = min(low, central * (1 - rl)), max(high, central * (1 + rh))
        # a row whose own values do not move gets the floor on that side; intensity is bounded at 0,
        # and no generation is zero-carbon over its life cycle (the smallest AR5 median, wind, as the top)
        if round(low, 3) >= round(central, 3):
            low = central * (1 - floor)
        if round(high, 3) <= round(central, 3):
            high = max(central * (1 + floor), min_lifecycle if central == 0 else 0.0)
        low, central, high = round(max(0.0, low), 3), round(central, 3), round(high, 3)
        sources = [*est.sources, SRC_GRID_RANGE]
        table.add(
            zone=zone,
            year=year,
            basis=basis,
            intensity_low=low,
            intensity=central,
            intensity_high=high,
            source=_join(sources),
        )
    return table


# ---------------------------------------------------------------------------
# cloud regions


def _ga_region_id(provider: str, name: str) -> str:
    """Green Algorithms names Azure regions by display name ('West US 2')."""
    if provider != "azure":
        return name
    name = re.sub(r"\(.*?\)", "", name)
    return name.replace(" ", "").lower()


CC_REGION_FIX = {"me-cenrtal1": "me-central1"}  # a typo in CodeCarbon's impact.csv


def _build_cloud_regions(data_dir: Path, zones: set[str], countries: dict[str, Country]) -> Table:
    by_alpha3 = {c.alpha3: c.alpha2 for c in countries.values()}
    ga_rows = read_csv(data_dir / "green-algorithms" / "cloudProviders_datacenters.csv", skip_rows=1)
    ga = {(r["provider"], _ga_region_id(r["provider"], r["Name"])): r for r in ga_rows}
    cc_rows = read_csv(data_dir / "codecarbon" / "cloud" / "impact.csv")
    cc = {(r["provider"], CC_REGION_FIX.get(r["region"], r["region"])): r for r in cc_rows}

    table = Table(
        name="cloud_regions",
        description="AWS, Google Cloud and Azure regions: country and the finest grid zone of the site (US: the "
        "eGRID subregion of the site's utility or balancing authority, after EPA's crosswalks; Canadian "
        "province or Australian state; Nordic bidding zone, whose annual values come from the country; else "
        "the country).",
        key=["provider", "region"],
        columns={
            "provider": ("", "aws, gcp or azure"),
            "region": ("", "provider's region id"),
            "country": ("", "ISO 3166-1 alpha-2"),
            "grid_zone": ("", "zone id (see zones)"),
            "city": ("", "city or area of the region, as the provider names it"),
            "source": ("", "source ids, ';'-separated"),
        },
    )
    for row in _curated("geography_cloud_regions.csv"):
        provider, region, country, zone = row["provider"], row["region"], row["country"], row["grid_zone"]
        if country not in countries or zone not in zones:
            raise ValueError(f"cloud_regions: {provider}/{region}: unknown country or zone")
        sources = [row["source"]]
        ga_row = ga.get((provider, region))
        if ga_row and ga_row["location"]:
            ga_country = ga_row["location"].split("-")[0]
            if ga_country == "CN" and ga_row["location"] == "CN-HK":
                ga_country = "HK"  # Green Algorithms files Hong Kong under China
            if ga_country != country:
                raise ValueError(f"cloud_regions: {provider}/{region}: Green Algorithms says {ga_row['location']}")
            sources.append(SRC_GA_DC)
        cc_row = cc.get((provider, region))
        if cc_row:
            cc_country = by_alpha3[cc_row["countryIsoCode"]]
            if cc_country == "CN" and cc_row["city"] == "Hong Kong":
                cc_country = "HK"  # CodeCarbon files Hong Kong under China
            if cc_country != country:
                raise ValueError(f"cloud_regions: {provider}/{region}: CodeCarbon says {cc_country}")
            sources.append(SRC_CC_CLOUD)
        table.add(
            provider=provider,
            region=region,
            country=country,
            grid_zone=zone,
            city=row["city"] or None,
            source=_join(sources),
        )
    return table


# ---------------------------------------------------------------------------
# datacenter efficiency

EffKey = tuple[str, str, str, str, int | None]  # scope, provider, region, location, year

ECOLOGITS_PROVIDERS = {
    # EcoLogits AI provider -> cloud provider whose datacenters it assumes
    # (docs/methodology/llm_inference.md). Anthropic and Hugging Face are left out:
    # their ranges mix AWS and Google datacenters. Cohere repeats the Google figures.
    "openai": "azure",
    "mistralai": "azure",
    "google_genai": "gcp",
}


class EfficiencyCollector:
    def __init__(self) -> None:
        self.pue: dict[EffKey, Estimate] = {}
        self.wue: dict[EffKey, Estimate] = {}
        self.ranges: dict[tuple[str, EffKey], tuple[float, float]] = {}

    def add(self, key: EffKey, pue: float | None, wue: float | None, source: str) -> None:
        if pue is not None:
            self.pue.setdefault(key, Estimate()).add(pue, source)
        if wue is not None:
            self.wue.setdefault(key, Estimate()).add(wue, source)

    def set_range(self, quantity: str, key: EffKey, low: float | None, high: float | None) -> None:
        if low is not None and high is not None:
            self.ranges[(quantity, key)] = (low, high)


GA_RETRIEVED = re.compile(r"\(\d{2}/\d{2}/(\d{4})\)")  # "(29/09/2020)" after the source URL
PUE_STEP = 0.01  # a typical year-on-year change of a fleet PUE (AWS 1.15 -> 1.14, Google 1.10 -> 1.09)
WUE_STEP = 0.1  # relative: a single WUE figure is given +/-10 % (judgement)
SRC_EFF_RANGE = "ftdisclose-efficiency-ranges-2026"


def _pue_regions() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for row in _curated("geography_pue_regions.csv"):
        out.setdefault(row["region"], []).append(row["alpha2"])
    return out


def _build_datacenter_efficiency(data_dir: Path, countries: dict[str, Country]) -> Table:
    by_alpha3 = {c.alpha3: c.alpha2 for c in countries.values()}
    eff = EfficiencyCollector()
    regions = _pue_regions()

    # Curated first (preferred central values): the unknown-datacenter default, location averages
    # (a regional average given to each country of the region), provider fleets from their reports.
    for row in _curated("geography_datacenter_efficiency.csv"):
        locations = regions[row["location"][1:]] if row["location"].startswith("@") else [row["location"]]
        for location in locations:
            if location and location not in countries:
                raise ValueError(f"datacenter_efficiency: unknown location {location}")
            key: EffKey = (row["scope"], row["provider"], row["region"], location, _year(row["year"]))
            eff.add(key, _num(row["pue"]), _num(row["wue"]), row["source"])
            eff.set_range("pue", key, _num(row["pue_low"]), _num(row["pue_high"]))
            eff.set_range("wue", key, _num(row["wue_low"]), _num(row["wue_high"]))

    # Green Algorithms default PUE per provider; 'Unknown' is the unknown-datacenter default.
    for row in read_csv(data_dir / "green-algorithms" / "defaults_PUE.csv", skip_rows=1):
        pue = float(row["PUE"])
        if row["provider"] == "Unknown":
            eff.add(("default", "", "", "", None), pue, None, f"{SRC_GA_PUE};{SRC_UPTIME}")
        else:
            eff.add(("provider", row["provider"].lower(), "", "", None), pue, None, SRC_GA_PUE)

    # Green Algorithms per-region PUE (Google efficiency page, retrieved 2020-09-29).
    for row in read_csv(data_dir / "green-algorithms" / "cloudProviders_datacenters.csv", skip_rows=1):
        if row["PUE"].strip():
            region = _ga_region_id(row["provider"], row["Name"])
            retrieved = GA_RETRIEVED.search(row["source_PUE"])
            if retrieved is None:
                raise ValueError(f"Green Algorithms PUE for {row['Name']} has no retrieval date")
            year = int(retrieved.group(1))
            eff.add(("region", row["provider"], region, "", year), float(row["PUE"]), None, SRC_GA_DC)

    # EcoLogits: PUE and on-site WUE of the cloud behind an AI provider, by country.
    for row in read_csv(data_dir / "ecologits" / "provider_pue_wue_extract.csv"):
        provider = ECOLOGITS_PROVIDERS.get(row["provider_key"])
        if provider is None:
            continue
        location = by_alpha3[row["datacenter_location"]]
        pue_min, pue_max = float(row["pue_min"]), float(row["pue_max"])
        wue_min, wue_max = float(row["wue_onsite_L_per_kWh_min"]), float(row["wue_onsite_L_per_kWh_max"])
        if pue_min != pue_max or wue_min != wue_max:
            raise ValueError(f"EcoLogits {row['provider_key']}: range without a central value")
        eff.add(("provider", provider, "", location, None), pue_min, wue_min, SRC_ECO_DC)

    # A provider's or region's figure spans every figure published for that provider, and at
    # least one typical year-on-year change each side (PUE never below 1).
    provider_pue: dict[str, list[float]] = {}
    provider_wue: dict[str, list[float]] = {}
    for key, est in eff.pue.items():
        if key[1]:
            provider_pue.setdefault(key[1], []).extend(v for v, _ in est.values)
    for key, est in eff.wue.items():
        if key[1]:
            provider_wue.setdefault(key[1], []).extend(v for v, _ in est.values)

    table = Table(
        name="datacenter_efficiency",
        description="Datacenter PUE and on-site WUE. scope 'default': an unknown datacenter (Uptime 2024 "
        "global average, 1.08 best fleet .. 1.79 least efficient region); 'provider': a cloud or hyperscaler "
        "fleet (location set where the figure is for that provider's datacenters in one country); 'region': "
        "one cloud region; 'location': the average of a country's datacenters (a regional survey average "
        "given to each country of the region where no national figure exists); 'hyperscale': a run spread over "
        "several servers with no provider named, in the class of facility that hosts such clusters (the median "
        "of the hyperscalers' fleet PUEs, up to the all-datacenter average). An empty year means the "
        "source gives no reference year. Empty pue/wue: not sourced. Provider and region rows span every "
        f"figure published for the provider and at least {PUE_STEP} PUE / {WUE_STEP:.0%} WUE each side.",
        key=["scope", "provider", "region", "location", "year"],
        columns={
            "scope": ("", "default, hyperscale, provider, region or location"),
            "provider": ("", "aws, gcp, azure, meta, oracle, ovhcloud; empty for default/location"),
            "region": ("", "provider's region id (scope region)"),
            "location": ("", "ISO 3166-1 alpha-2 (scope location, or a provider's datacenters in a country)"),
            "year": ("", "reference year of the figure; empty if not stated"),
            "pue_low": ("1", "low end of PUE"),
            "pue": ("1", "central PUE"),
            "pue_high": ("1", "high end of PUE"),
            "wue_low": ("L/kWh", "low end of on-site WUE (litres per kWh of IT energy)"),
            "wue": ("L/kWh", "central on-site WUE (litres per kWh of IT energy)"),
            "wue_high": ("L/kWh", "high end of on-site WUE (litres per kWh of IT energy)"),
            "source": ("", "source ids, ';'-separated"),
        },
    )
    for key in sorted(set(eff.pue) | set(eff.wue), key=lambda k: tuple(str(x) for x in k)):
        pue_est = eff.pue.get(key, Estimate())
        wue_est = eff.wue.get(key, Estimate())
        scope, provider, region, location, ref_year = key
        pue = _triple("pue", pue_est)
        wue = _triple("wue", wue_est)
        extra: list[str] = []
        for quantity, values in (("pue", pue), ("wue", wue)):
            central = values[quantity]
            if central is None:
                continue
            if (quantity, key) in eff.ranges:
                low, high = eff.ranges[(quantity, key)]
            elif provider:
                spread = (provider_pue if quantity == "pue" else provider_wue)[provider]
                step = PUE_STEP if quantity == "pue" else WUE_STEP * float(central)  # type: ignore[arg-type]
                low, high = min(*spread, float(central) - step), max(*spread, float(central) + step)  # type: ignore[arg-type]
                extra.append(SRC_EFF_RANGE)
            else:
                raise ValueError(f"datacenter_efficiency: {key} has no range")
            if quantity == "pue":
                low = max(low, 1.0)
            values[f"{quantity}_low"] = round(min(low, float(values[f"{quantity}_low"])), 4)  # type: ignore[arg-type]
            values[f"{quantity}_high"] = round(max(high, float(values[f"{quantity}_high"])), 4)  # type: ignore[arg-type]
        table.add(
            scope=scope,
            provider=provider or None,
            region=region or None,
            location=location or None,
            year=ref_year,
            **pue,
            **wue,
            source=_join(pue_est.sources + wue_est.sources + extra),
        )
    return table


# ---------------------------------------------------------------------------
# electricity water


# Li et al. per-fuel factors by EIA fuel code; OWID/CodeCarbon generation columns.
LI_FUEL_COLUMNS = {
    "COL": ["coal_TWh"],
    "NG": ["gas_TWh"],
    "OIL": ["oil_TWh"],
    "NUC": ["nuclear_TWh"],
    "WAT": ["hydroelectricity_TWh"],
    "SUN": ["solar_TWh"],
    "WND": ["wind_TWh"],
    "OTH": ["biofuel_TWh", "other_renewable_exc_biofuel_TWh"],
}


def _li_ewif(data_dir: Path, iso3: str) -> tuple[int, float]:
    """Generation-weighted water consumption factor after Li et al. (hydro evaporation
    excluded, as in their code), from CodeCarbon's OWID-based generation mix."""
    factors: dict[str, float] = {}
    for row in read_csv(data_dir / "making-ai-less-thirsty" / "ewif_carbon_per_fuel_extract.csv"):
        factors[row["eia_fueltype"]] = float(row["ewif_gal_per_kWh"]) * US_GALLON_TO_L
    mix = json.loads((data_dir / "codecarbon" / "private_infra" / "global_energy_mix.json").read_text(encoding="utf-8"))
    entry = mix[iso3]
    generation = {fuel: sum(float(entry[c]) for c in cols) for fuel, cols in LI_FUEL_COLUMNS.items()}
    total = sum(generation.values())
    if abs(total - float(entry["total_TWh"])) > 0.01 * float(entry["total_TWh"]):
        raise ValueError(f"{iso3}: fuel columns do not add up to total_TWh")
    return int(entry["year"]), sum(generation[f] * factors[f] for f in generation) / total


def _build_electricity_water(data_dir: Path, countries: dict[str, Country]) -> Table:
    by_alpha3 = {c.alpha3: c.alpha2 for c in countries.values()}
    consumed: dict[tuple[str, int | None], Estimate] = {}
    withdrawn: dict[tuple[str, int | None], Estimate] = {}

    for row in _curated("geography_electricity_water.csv"):
        key = (row["zone"], _year(row["year"]))
        consumed.setdefault(key, Estimate()).add(_num(row["consumed"]), row["source"])
        withdrawn.setdefault(key, Estimate()).add(_num(row["withdrawn"]), row["source"])

    if USE_ECOLOGITS_WATER:
        for row in read_csv(data_dir / "ecologits" / "electricity_mixes.csv"):
            if row["name"] == "WOR":
                zone = "WORLD"
            elif row["name"] in by_alpha3:
                zone = by_alpha3[row["name"]]
            else:
                continue  # EEE (Europe) has no zone
            consumed.setdefault((zone, None), Estimate()).add(float(row["wue"]), SRC_ECO_MIX)

    # Li et al. exclude hydro-reservoir evaporation; WRI (Scope3, EcoLogits) include it.
    # Their US figure joins the undated US row, where it widens the range downwards,
    # rather than a dated row that would displace the WRI-based central value.
    _, value = _li_ewif(data_dir, "USA")
    consumed.setdefault(("US", None), Estimate()).add(value, f"{SRC_LI};{SRC_CC_MIX}")

    table = Table(
        name="electricity_water",
        description="Water consumed (and, where sourced, withdrawn) off-site to generate one kWh of "
        "electricity (EWIF). WORLD central 3.67 L/kWh (WRI, as used by Scope3). Per-country figures from "
        "EcoLogits (WRI method, hydro-reservoir evaporation included; MPL-2.0, attributed per row). "
        "US: Scope3's 3.1 L/kWh (central), EcoLogits, and Li et al.'s per-fuel factors (hydro "
        "evaporation excluded) weighted by the 2023 OWID generation mix (low end). "
        "An empty year means the source gives no reference year. Ranges span the sources and at least "
        f"{WUE_STEP:.0%} of the central value each side.",
        key=["zone", "year"],
        columns={
            "zone": ("", "zone id (see zones)"),
            "year": ("", "reference year; empty if not stated"),
            "consumed_low": ("L/kWh", "lowest consumption factor among sources"),
            "consumed": ("L/kWh", "central consumption factor"),
            "consumed_high": ("L/kWh", "highest consumption factor among sources"),
            "withdrawn": ("L/kWh", "withdrawal factor; empty if not sourced"),
            "source": ("", "source ids, ';'-separated"),
        },
    )
    for key, est in consumed.items():
        if not est:
            continue
        zone, year = key
        w = withdrawn.get(key, Estimate())
        central = float(est.central)  # type: ignore[arg-type]
        low = min(float(est.low), central * (1 - WUE_STEP))  # type: ignore[arg-type]
        high = max(float(est.high), central * (1 + WUE_STEP))  # type: ignore[arg-type]
        table.add(
            zone=zone,
            year=year,
            consumed_low=round(low, 4),
            consumed=central,
            consumed_high=round(high, 4),
            withdrawn=w.central,
            source=_join([*est.sources, *w.sources, SRC_EFF_RANGE]),
        )
    return table


# ---------------------------------------------------------------------------


def build(data_dir: Path) -> dict[str, Table]:
    countries = _countries()
    by_alpha3 = {c.alpha3: c.alpha2 for c in countries.values()}
    zones_table = _build_zones(countries)
    zones = {str(r["zone"]) for r in zones_table.rows}
    tables = [
        _build_countries(countries),
        zones_table,
        _build_cloud_regions(data_dir, zones, countries),
        _build_grid_intensity(data_dir, zones, by_alpha3),
        _build_datacenter_efficiency(data_dir, countries),
        _build_electricity_water(data_dir, countries),
    ]
    return {t.name: t for t in tables}
