"""Grid carbon-intensity providers behind one interface.

Each provider turns (zone, start, end) into a list of ``Sample`` intervals in UTC with
an intensity in gCO2e/kWh. Nothing here decides what to do with a failure: every
problem is raised as a ``GridError`` carrying the finding code the caller reports.

Secrets (the Electricity Maps token, the WattTime login and the bearer token it gives)
travel only in request headers built per request. They are never put on the session,
in a URL, in an exception message, in a sample or in the cache, and never go to another
host (``grid.http`` follows redirects itself).

The providers themselves live in ``public`` (Energi Data Service, UK Carbon Intensity API)
and ``commercial`` (Electricity Maps, WattTime); what they share is in ``samples``; every
request goes through ``http``. This module holds the interface and the choice of provider.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

import requests

from ftdisclose.integrations.grid.commercial import ElectricityMaps, WattTime
from ftdisclose.integrations.grid.http import (
    DEFAULT_TIMEOUT,
    MAX_RETRY_AFTER,
    USER_AGENT,
    GridError,
    Http,
    http_timeout,
    retry_after_seconds,
    secret_forms,
)
from ftdisclose.integrations.grid.public import EnergiDataService, UkCarbonIntensity, gb_region
from ftdisclose.integrations.grid.samples import (
    ENV_URLS,
    GB_REGIONS,
    LB_PER_MWH_TO_G_PER_KWH,
    MAX_G_PER_KWH,
    Sample,
    as_utc,
    check_samples,
    parse_time,
)

__all__ = [
    "DEFAULT_TIMEOUT",
    "ENV_URLS",
    "GB_REGIONS",
    "LB_PER_MWH_TO_G_PER_KWH",
    "MAX_G_PER_KWH",
    "MAX_RETRY_AFTER",
    "USER_AGENT",
    "Choice",
    "ElectricityMaps",
    "EnergiDataService",
    "GridError",
    "Http",
    "Provider",
    "Sample",
    "UkCarbonIntensity",
    "WattTime",
    "as_utc",
    "check_samples",
    "choose",
    "gb_region",
    "normalise_zone",
    "parse_time",
    "retry_after_seconds",
    "secrets",
]


class Provider(Protocol):
    """A source of time-resolved grid intensity."""

    name: str  # machine name: also the cache key's provider part
    title: str  # for people and for operational.carbon_intensity_source
    basis: str  # what the numbers mean (lifecycle, direct, consumption-based...)

    def serves(self, zone: str) -> bool:
        """Whether ``zone`` (ftdisclose's spelling, upper case) can be asked for."""
        ...

    def fetch(self, zone: str, start: dt.datetime, end: dt.datetime, session: requests.Session) -> list[Sample]:
        """Samples covering [start, end) as far as the provider has them; raises GridError."""
        ...

    def credentials(self) -> list[str]:
        """Every secret this provider holds or was given (for scrubbing), in every form it could be echoed."""
        ...


# --- choosing a provider ---------------------------------------------------------------------------

EDS_ZONES = frozenset(EnergiDataService.AREAS)


def normalise_zone(zone: str | None) -> str:
    """Upper case; Electricity Maps spellings of Nordic zones (DK-DK2, SE-SE3) become ENTSO-E's (DK2)."""
    text = (zone or "").strip().upper()
    head, sep, tail = text.partition("-")
    if sep and head in {"DK", "SE", "NO"} and tail.startswith(head) and tail[len(head) :].isdigit():
        return tail
    return text


@dataclass(frozen=True, slots=True)
class Choice:
    """The provider picked for a zone (None when nobody serves it) and why."""

    provider: Provider | None
    zone: str
    reason: str


def choose(zone: str, env: Mapping[str, str] | None = None, *, timeout: float | None = None) -> Choice:
    """DK1/DK2 (and DK) -> Energi Data Service; GB and GB regions -> UK Carbon Intensity API;
    any other zone -> Electricity Maps when ELECTRICITYMAPS_TOKEN is set, else WattTime when
    WATTTIME_USERNAME and WATTTIME_PASSWORD are set, else no provider."""
    environ = env if env is not None else os.environ
    seconds = timeout if timeout is not None else http_timeout(environ)
    key = normalise_zone(zone)
    if key in EDS_ZONES:
        return Choice(EnergiDataService(timeout=seconds, env=environ), key, f"{key} is a Danish price area")
    uk = UkCarbonIntensity(timeout=seconds, env=environ)
    if uk.serves(key.upper()):
        region = gb_region(key)
        if region is None:
            return Choice(uk, "GB", "Great Britain (national)")
        return Choice(uk, f"GB-{region}", f"GB region {region} ({GB_REGIONS[region]})")
    if not key:
        return Choice(None, key, "no grid zone or country")
    token = environ.get("ELECTRICITYMAPS_TOKEN", "").strip()
    if token:
        factor_type = environ.get("FTDISCLOSE_ELECTRICITYMAPS_EMISSION_FACTOR_TYPE", "").strip() or None
        return Choice(
            ElectricityMaps(token, timeout=seconds, env=environ, emission_factor_type=factor_type),
            key,
            "ELECTRICITYMAPS_TOKEN is set",
        )
    user = environ.get("WATTTIME_USERNAME", "").strip()
    password = environ.get("WATTTIME_PASSWORD", "")
    if user and password:
        signal = environ.get("FTDISCLOSE_WATTTIME_SIGNAL_TYPE", "").strip() or "co2_aoer"
        return Choice(
            WattTime(user, password, timeout=seconds, env=environ, signal_type=signal),
            key,
            "WATTTIME_USERNAME and WATTTIME_PASSWORD are set",
        )
    return Choice(
        None,
        key,
        f"no free provider serves {key}; set ELECTRICITYMAPS_TOKEN, or WATTTIME_USERNAME and WATTTIME_PASSWORD",
    )


def secrets(env: Mapping[str, str] | None = None) -> list[str]:
    """Every form of the secrets in the environment (raw, URL-encoded, base64, HTTP Basic), for scrubbing.

    Secrets of any length are scrubbed: a short one mangles a message, which is better than showing it.
    """
    environ = env if env is not None else os.environ
    token = environ.get("ELECTRICITYMAPS_TOKEN", "")
    user, password = environ.get("WATTTIME_USERNAME", ""), environ.get("WATTTIME_PASSWORD", "")
    return secret_forms([v for v in (token.strip(), password) if v], [(user.strip(), password), (user, password)])
