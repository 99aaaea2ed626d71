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
* ``grid_intensity.basis`` is empty where the source does not say whether its factor
  is direct or life-cycle (CodeCarbon's Nordic bidding-zone factors).
"""

from __future__ import annotations

import json
import re
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
SRC_CC_NORDIC = "codecarbon-nordic-emissions"
SRC_CC_CLOUD = "codecarbon-cloud-impact"
SRC_GA_CI = "green-algorithms-ci-v3.0"
SRC_GA_DC = "green-algorithms-datacenters-v3.0"
SRC_GA_PUE = "green-algorithms-pue-v3.0"
SRC_UPTIME = "uptime-2024"
SRC_ECO_MIX = "ecologits-electricity-mixes"
SRC_ECO_DC = "ecologits-provider-pue-wue"
SRC_LI = "li-2023-making-ai-less-thirsty"

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
    """Collects intensity values per (zone, year) and checks the basis agrees."""

    def __init__(self, zones: set[str]) -> None:
        self.zones = zones
        self.values: dict[tuple[str, int], Estimate] = {}
        self.basis: dict[tuple[str, int], str | None] = {}

    def add(self, zone: str, year: int, value: float, basis: str | None, source: str) -> None:
        if zone not in self.zones:
            raise ValueError(f"grid_intensity: unknown zone {zone}")
        key = (zone, year)
        if key in self.basis and self.basis[key] != basis:
            raise ValueError(f"grid_intensity: {key} mixes bases {self.basis[key]} and {basis}")
        self.basis[key] = basis
        self.values.setdefault(key, Estimate()).add(value, source)


def _owid_rows(data_dir: Path) -> list[dict[str, str]]:
    return read_csv(data_dir / "owid-energy-data" / "owid_carbon_intensity_elec.csv")


def _grid_owid(grid: GridCollector, data_dir: Path, by_alpha3: dict[str, str]) -> None:
    """OWID/Ember: every country with an ISO code, and the World row (life-cycle)."""
    for row in _owid_rows(data_dir):
        year = int(row["year"])
        if year < FIRST_YEAR:
            continue
        if row["iso_code"]:
            zone = by_alpha3[row["iso_code"]]
        elif row["country"] == "World":
            zone = "WORLD"
        else:
            continue  # regional aggregates and Kosovo (no ISO 3166-1 code)
        grid.add(zone, year, float(row["carbon_intensity_elec"]), "lifecycle", SRC_OWID)


def _grid_codecarbon_mix(grid: GridCollector, data_dir: Path, by_alpha3: dict[str, str]) -> None:
    """CodeCarbon's copy of an earlier OWID release: spans revisions of the same series."""
    path = data_dir / "codecarbon" / "private_infra" / "global_energy_mix.json"
    mix = json.loads(path.read_text(encoding="utf-8"))
    for iso3, entry in sorted(mix.items()):
        year = int(entry["year"])
        if year < FIRST_YEAR or entry.get("carbon_intensity") is None:
            continue
        grid.add(by_alpha3[iso3], year, float(entry["carbon_intensity"]), "lifecycle", SRC_CC_MIX)


def _grid_us_states_2016(grid: GridCollector, data_dir: Path) -> None:
    """eGRID2016 state CO2 output rates via CodeCarbon (lb CO2/MWh, CO2 only: direct)."""
    path = data_dir / "codecarbon" / "private_infra" / "2016" / "usa_emissions.json"
    states = json.loads(path.read_text(encoding="utf-8"))
    for name, entry in sorted(states.items()):
        if name.startswith("_") or name == "usa":
            # 'usa' is the national eGRID rate (direct, CO2 only); the US zone keeps
            # one basis per row, and OWID's life-cycle series covers it.
            continue
        zone = f"US-{entry['regionCode']}"
        grid.add(zone, 2016, float(entry["emissions"]) * LB_PER_MWH_TO_G_PER_KWH, "direct", SRC_CC_USA)


GA_YEAR = re.compile(r"data from (\d{4})")
GA_ZONE_FIX = {"CA-MT": "CA-MB"}  # Green Algorithms writes Manitoba as CA-MT


def _grid_green_algorithms(grid: GridCollector, data_dir: Path) -> None:
    """Subnational rows of Green Algorithms CI_aggregated: US states (eGRID-based, data
    year 2020), Canadian provinces (UNFCCC, 2019), Australian states (2019). All are
    direct (combustion) emission factors. Country rows are not used: their bases vary
    (production mix, with or without T&D) and OWID covers every country."""
    rows = read_csv(data_dir / "green-algorithms" / "CI_aggregated.csv", skip_rows=1)
    for row in rows:
        if row["Type"] != "Region":
            continue
        zone = GA_ZONE_FIX.get(row["location"], row["location"])
        if zone.split("-")[0] not in ("US", "CA", "AU") or zone not in grid.zones:
            continue  # e.g. AU-NT2, AU-WA1: grid areas without an ISO 3166-2 code
        match = GA_YEAR.search(row["source"])
        if not match:
            continue
        grid.add(zone, int(match.group(1)), float(row["carbonIntensity"]), "direct", SRC_GA_CI)


def _grid_egrid(grid: GridCollector) -> None:
    for row in _curated("geography_egrid_subregions.csv"):
        value = float(row["co2e_lb_per_mwh"]) * LB_PER_MWH_TO_G_PER_KWH
        grid.add(row["zone"], int(row["year"]), value, "direct", row["source"])


def _grid_nordic(grid: GridCollector, data_dir: Path) -> None:
    path = data_dir / "codecarbon" / "private_infra" / "nordic_emissions.json"
    data = json.loads(path.read_text(encoding="utf-8"))["data"]
    for zone, entry in sorted(data.items()):
        if entry["unit"] != "gCO2eq/kWh":
            raise ValueError(f"nordic_emissions: unexpected unit {entry['unit']}")
        # The file does not say whether its factors are direct or life-cycle.
        grid.add(zone, int(entry["year"]), float(entry["emission_factor"]), None, SRC_CC_NORDIC)


def _build_grid_intensity(data_dir: Path, zones: set[str], by_alpha3: dict[str, str]) -> Table:
    grid = GridCollector(zones)
    _grid_owid(grid, data_dir, by_alpha3)  # first: preferred central value for countries
    _grid_codecarbon_mix(grid, data_dir, by_alpha3)
    _grid_us_states_2016(grid, data_dir)
    _grid_green_algorithms(grid, data_dir)
    _grid_egrid(grid)
    _grid_nordic(grid, data_dir)
    table = Table(
        name="grid_intensity",
        description="Annual average carbon intensity of electricity per zone and year "
        f"({FIRST_YEAR} onwards). Countries and WORLD: OWID/Ember life-cycle intensity of generation "
        "(central), spanned by CodeCarbon's copy of an earlier OWID release where both give the year. "
        "US states: EPA eGRID2016 CO2 rates (via CodeCarbon) and 2020 rates (via Green Algorithms); "
        "eGRID subregions: eGRID2023 CO2e rates; Canadian provinces and Australian states via Green "
        "Algorithms; Nordic bidding zones via CodeCarbon (basis not stated, left empty). "
        "low/high span the sources that give the same zone and year, else equal the central value.",
        key=["zone", "year"],
        columns={
            "zone": ("", "zone id (see zones)"),
            "year": ("", "calendar year of the data"),
            "intensity_low": ("gCO2e/kWh", "lowest value among sources"),
            "intensity": ("gCO2e/kWh", "central value"),
            "intensity_high": ("gCO2e/kWh", "highest value among sources"),
            "basis": ("", "lifecycle (upstream included) or direct (combustion only); empty if unknown"),
            "source": ("", "source ids, ';'-separated"),
        },
    )
    for (zone, year), est in grid.values.items():
        table.add(
            zone=zone, year=year, **_triple("intensity", est), basis=grid.basis[(zone, year)], source=_join(est.sources)
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
        description="AWS, Google Cloud and Azure regions: country and the grid zone whose factors apply "
        "(US state, Canadian province or Australian state, Nordic bidding zone, else the country).",
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

    def add(self, key: EffKey, pue: float | None, wue: float | None, source: str) -> None:
        if pue is not None:
            self.pue.setdefault(key, Estimate()).add(pue, source)
        if wue is not None:
            self.wue.setdefault(key, Estimate()).add(wue, source)


GA_RETRIEVED = re.compile(r"\(\d{2}/\d{2}/(\d{4})\)")  # "(29/09/2020)" after the source URL


def _build_datacenter_efficiency(data_dir: Path, countries: dict[str, Country]) -> Table:
    by_alpha3 = {c.alpha3: c.alpha2 for c in countries.values()}
    eff = EfficiencyCollector()

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

    # Curated: unknown-datacenter WUE, US location average, fleet values from reports.
    for row in _curated("geography_datacenter_efficiency.csv"):
        key: EffKey = (row["scope"], row["provider"], row["region"], row["location"], _year(row["year"]))
        eff.add(key, _num(row["pue"]), _num(row["wue"]), row["source"])

    table = Table(
        name="datacenter_efficiency",
        description="Datacenter PUE and on-site WUE. scope 'default': an unknown datacenter; 'provider': "
        "a cloud or hyperscaler fleet (location set where the figure is for that provider's datacenters "
        "in one country); 'region': one cloud region; 'location': the average of a country's "
        "datacenters. An empty year means the source gives no reference year. Empty pue/wue: not sourced.",
        key=["scope", "provider", "region", "location", "year"],
        columns={
            "scope": ("", "default, provider, region or location"),
            "provider": ("", "aws, gcp, azure, meta, oracle, ovhcloud; empty for default/location"),
            "region": ("", "provider's region id (scope region)"),
            "location": ("", "ISO 3166-1 alpha-2 (scope location, or a provider's datacenters in a country)"),
            "year": ("", "reference year of the figure; empty if not stated"),
            "pue_low": ("1", "lowest PUE among sources"),
            "pue": ("1", "central PUE"),
            "pue_high": ("1", "highest PUE among sources"),
            "wue_low": ("L/kWh", "lowest on-site WUE (litres per kWh of IT energy)"),
            "wue": ("L/kWh", "central on-site WUE (litres per kWh of IT energy)"),
            "wue_high": ("L/kWh", "highest on-site WUE (litres per kWh of IT energy)"),
            "source": ("", "source ids, ';'-separated"),
        },
    )
    for key in sorted(set(eff.pue) | set(eff.wue), key=lambda k: tuple(str(x) for x in k)):
        pue_est = eff.pue.get(key, Estimate())
        wue_est = eff.wue.get(key, Estimate())
        scope, provider, region, location, ref_year = key
        table.add(
            scope=scope,
            provider=provider or None,
            region=region or None,
            location=location or None,
            year=ref_year,
            **_triple("pue", pue_est),
            **_triple("wue", wue_est),
            source=_join(pue_est.sources + wue_est.sources),
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
        "An empty year means the source gives no reference year.",
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
        table.add(
            zone=zone, year=year, **_triple("consumed", est), withdrawn=w.central, source=_join(est.sources + w.sources)
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
