"""Did-you-mean for what people write instead of the spec's values: choices, country names, time zones.

Each function returns the value to suggest, or None when nothing is close enough to say
"did you mean". They read only packaged data (the newest factor tables' country names,
the system's time-zone database), never a user's file.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from functools import cache

__all__ = ["choice", "country", "time_zone"]


def choice(value: str, choices: Sequence[str]) -> str | None:
    """The spec value ``value`` was meant to be: another case or spacing of it, or a close spelling."""
    norm = value.strip().lower().replace("_", "-").replace(" ", "-")
    for option in choices:
        if option.lower() == norm or option.lower().replace("-", "") == norm.replace("-", ""):
            return option
    close = difflib.get_close_matches(norm, [c.lower() for c in choices], n=1, cutoff=0.75)
    return next((c for c in choices if close and c.lower() == close[0]), None)


@cache
def _countries() -> dict[str, str]:
    """Lower-cased names, aliases and alpha-3 codes -> alpha-2, from the newest factor tables."""
    from ftdisclose import factors

    tables = factors.load(None)
    out: dict[str, str] = {}
    for row in tables.rows("countries"):
        code = row["alpha2"]
        for name in (row["name"], row["alpha3"], *row["aliases"].split(";")):
            if name.strip():
                out[name.strip().lower()] = code
    return out


def country(value: str) -> str | None:
    """The ISO 3166-1 alpha-2 code of a country written by name or alpha-3 code (``Germany`` -> ``DE``)."""
    names = _countries()
    text = value.strip().lower()
    if text in names:
        return names[text]
    close = difflib.get_close_matches(text, list(names), n=1, cutoff=0.8)
    return names[close[0]] if close else None


@cache
def _zones() -> dict[str, str]:
    """Lower-cased last parts of IANA zone names (``berlin``) -> the full name, where unambiguous."""
    import zoneinfo

    seen: dict[str, list[str]] = {}
    for name in zoneinfo.available_timezones():
        if "/" in name and not name.startswith(("Etc/", "SystemV/")):
            seen.setdefault(name.rsplit("/", 1)[1].lower().replace("_", " "), []).append(name)
    return {city: sorted(names, key=len)[0] for city, names in seen.items()}


def time_zone(value: str) -> str | None:
    """The IANA zone a city or a spelling names: ``Berlin`` -> ``Europe/Berlin``."""
    import zoneinfo

    text = value.strip().replace("_", " ").lower()
    zones = _zones()
    if text in zones:
        return zones[text]
    full = {z.lower(): z for z in zoneinfo.available_timezones()}
    if value.strip().lower() in full:
        return full[value.strip().lower()]
    close = difflib.get_close_matches(text, list(zones), n=1, cutoff=0.8)
    return zones[close[0]] if close else None
