"""Resolve: the run's year, the method, the managed service, and where the run took place."""

from __future__ import annotations

from ftdisclose.factors import Row, normalise_name
from ftdisclose.findings import Code
from ftdisclose.resolve.blocks import Blocks
from ftdisclose.resolve.record import Recorder, closest
from ftdisclose.spec.inputs import Name, Origin

DEFAULT_COUNTRY = "US"  # seed 001: the US as the default location, relatively high-carbon
DEFAULT_METHOD = "other"


def year(rec: Recorder, b: Blocks) -> None:
    if b.op.start is not None:
        rec.put(Name.YEAR, b.op.start.year, None, Origin.DERIVED, "year of operational.start")
    elif b.op.end is not None:
        rec.put(Name.YEAR, b.op.end.year, None, Origin.DERIVED, "year of operational.end")
    elif b.model.published is not None:
        rec.put(Name.YEAR, b.model.published.year, None, Origin.DERIVED, "year of model.published")
    else:
        rec.put(
            Name.YEAR,
            rec.factors.year,
            None,
            Origin.DEFAULT,
            f"no start, end or published date: the year of factor version {rec.factors.version}",
        )


def run_year(rec: Recorder) -> int:
    return int(rec.inputs[Name.YEAR].number)


def method(rec: Recorder, b: Blocks) -> Row:
    """The method (disclosed, else 'other') and the base model's size; returns the method's table row."""
    if b.model.method is not None:
        rec.disclosed(Name.METHOD, b.model.method)
    else:
        rec.put(
            Name.METHOD,
            DEFAULT_METHOD,
            None,
            Origin.DEFAULT,
            "not disclosed: the 'other' row of the method table (FLOPs factor 6, as for full fine-tuning)",
        )
    base = rec.factors.base_models.get(normalise_name(b.model.base_model)) if b.model.base_model else None
    if base is not None:
        rec.rows["base_model"] = base
    if b.model.parameters is not None:
        rec.disclosed(Name.PARAMETERS, float(b.model.parameters))
    elif base is not None:
        family = " (a family: the range spans its sizes)" if base["id"].startswith("family-") else ""
        detail = f"parameters of the base model {base['name']}{family}"
        rec.from_table(Name.PARAMETERS, base, "parameters", detail, origin=Origin.DERIVED)
    return rec.factors.methods[rec.inputs[Name.METHOD].text]


def service(rec: Recorder, b: Blocks) -> None:
    name = b.infra.managed_service
    if name is None:
        return
    row = rec.factors.services.get(normalise_name(name))
    if row is None:
        rec.warn(
            Code.UNKNOWN_SERVICE,
            f"managed service {name!r} is not in factor version {rec.factors.version}",
            ("infrastructure", "managed_service"),
            closest(name, rec.factors.names(rec.factors.services, "id")) or None,
        )
        rec.put(Name.MANAGED_SERVICE, name, None, Origin.DISCLOSED, "disclosed; not in the factor tables")
        return
    rec.rows["service"] = row
    rec.put(Name.MANAGED_SERVICE, row["id"], None, Origin.DISCLOSED, "disclosed", row=row)


def location(rec: Recorder, b: Blocks) -> None:
    """Provider, cloud region, country and grid zone: disclosed, derived from each other, or the default."""
    svc = rec.rows.get("service")
    if b.infra.provider is not None:
        rec.disclosed(Name.PROVIDER, b.infra.provider.lower())
    elif svc is not None:
        rec.put(Name.PROVIDER, svc["provider"], None, Origin.DERIVED, "from infrastructure.managed_service", row=svc)
    region_name = b.location.cloud_region
    if region_name is not None:
        rec.disclosed(Name.CLOUD_REGION, region_name)
    elif svc is not None and svc["cloud_region"]:
        region_name = svc["cloud_region"]
        rec.put(
            Name.CLOUD_REGION,
            region_name,
            None,
            Origin.DEFAULT,
            "the region ftdisclose assumes for infrastructure.managed_service",
            row=svc,
        )
    region_row = _region(rec, region_name) if region_name is not None else None
    zone_row = _disclosed_zone(rec, b)
    country = b.location.country.upper() if b.location.country else None
    if country is not None:
        if normalise_name(country) not in rec.factors.countries:
            rec.warn(
                Code.UNKNOWN_COUNTRY,
                f"country {country!r} is not an ISO 3166-1 alpha-2 code",
                ("infrastructure", "location", "country"),
                hint=country_hint(country),
            )
        rec.disclosed(Name.COUNTRY, country)
    else:
        _derived_country(rec, region_row, zone_row)
    if Name.GRID_ZONE not in rec.inputs:
        if region_row is not None and region_row["grid_zone"]:
            rec.put(
                Name.GRID_ZONE,
                region_row["grid_zone"],
                None,
                Origin.DERIVED,
                "from infrastructure.location.cloud_region",
                row=region_row,
                derived_from=(Name.CLOUD_REGION,),
            )
        else:
            rec.put(Name.GRID_ZONE, rec.inputs[Name.COUNTRY].text, None, Origin.DERIVED, "the country's grid")


def _disclosed_zone(rec: Recorder, b: Blocks) -> Row | None:
    zone_name = b.location.grid_zone
    if zone_name is None:
        return None
    row = rec.factors.zones.get(normalise_name(zone_name))
    if row is None:
        rec.warn(
            Code.UNKNOWN_ZONE,
            f"grid zone {zone_name!r} is not in factor version {rec.factors.version}; the country's values are used",
            ("infrastructure", "location", "grid_zone"),
            closest(zone_name, rec.factors.names(rec.factors.zones, "zone")) or None,
        )
        return None
    rec.put(Name.GRID_ZONE, row["zone"], None, Origin.DISCLOSED, "disclosed")
    return row


def country_hint(text: str) -> str:
    """What to write instead of a country the tables do not know: the code it names, if any."""
    from ftdisclose.spec.suggest import country

    code = country(text)
    return f'did you mean "{code}"?' if code else 'an ISO 3166-1 alpha-2 code in quotes, e.g. "DK"'


def _derived_country(rec: Recorder, region_row: Row | None, zone_row: Row | None) -> None:
    if region_row is not None:
        rec.put(
            Name.COUNTRY,
            region_row["country"],
            None,
            Origin.DERIVED,
            "from infrastructure.location.cloud_region",
            row=region_row,
            derived_from=(Name.CLOUD_REGION,),
        )
    elif zone_row is not None and zone_row["country"]:
        rec.put(
            Name.COUNTRY,
            zone_row["country"],
            None,
            Origin.DERIVED,
            "from infrastructure.location.grid_zone",
            row=zone_row,
            derived_from=(Name.GRID_ZONE,),
        )
    else:
        rec.put(
            Name.COUNTRY,
            DEFAULT_COUNTRY,
            None,
            Origin.DEFAULT,
            "no location disclosed: the United States, a relatively high-carbon default "
            "(Scope3 fine-tuning methodology)",
        )


def _region(rec: Recorder, name: str) -> Row | None:
    provider = rec.inputs.get(Name.PROVIDER)
    key = normalise_name(name)
    if provider is not None:
        row = rec.factors.regions.get((normalise_name(provider.text), key))
    else:
        matches = [r for (_, reg), r in rec.factors.regions.items() if reg == key]
        row = matches[0] if len(matches) == 1 else None
    if row is None:
        known = sorted(
            {r["region"] for r in rec.factors.regions.values() if provider is None or r["provider"] == provider.value}
        )
        rec.warn(
            Code.UNKNOWN_REGION,
            f"cloud region {name!r} is not in factor version {rec.factors.version}"
            + (f" for provider {provider.value}" if provider is not None else ""),
            ("infrastructure", "location", "cloud_region"),
            closest(name, known) or None,
        )
    return row
