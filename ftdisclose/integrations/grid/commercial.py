"""The commercial grid-data services, used with the user's credentials: Electricity Maps (a token in
``auth-token``) and WattTime (HTTP Basic login, then a bearer token). Credentials travel only in
the headers of requests to the configured host (``grid.http``)."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping
from typing import Any, ClassVar

import requests

from ftdisclose.integrations.grid.http import (
    DEFAULT_TIMEOUT,
    GridError,
    Http,
    fetch_deadline,
    secret_forms,
    server_text,
)
from ftdisclose.integrations.grid.samples import (
    LB_PER_MWH_TO_G_PER_KWH,
    UTC,
    Collected,
    Sample,
    as_utc,
    base_url,
    ceil_to,
    chunks,
    floor_to,
    number,
    parse_time,
    shape,
    within,
)

# --- Electricity Maps -----------------------------------------------------------------------

EMAPS_ZONES = {
    "DK1": "DK-DK1",
    "DK2": "DK-DK2",
    **{f"SE{i}": f"SE-SE{i}" for i in range(1, 5)},
    **{f"NO{i}": f"NO-NO{i}" for i in range(1, 6)},
}


class ElectricityMaps:
    """Electricity Maps v3 carbon-intensity/past-range (a commercial endpoint), token in ``auth-token``."""

    name = "electricitymaps"
    title = "Electricity Maps"
    MAX_RANGE: ClassVar[dt.timedelta] = dt.timedelta(hours=240)  # hourly granularity: at most 10 days

    def __init__(
        self,
        token: str,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        env: Mapping[str, str] | None = None,
        emission_factor_type: str | None = None,
    ) -> None:
        self._token = token
        self.http = Http(self.title, timeout, deadline_seconds=fetch_deadline(env))
        self.base = base_url(self.name, env)
        self.emission_factor_type = emission_factor_type
        self.basis = emission_factor_type or "lifecycle"
        if emission_factor_type:
            self.name = f"electricitymaps-{emission_factor_type}"

    def __repr__(self) -> str:
        return f"ElectricityMaps(base={self.base!r}, token=<hidden>)"

    def serves(self, zone: str) -> bool:
        return bool(zone)

    def credentials(self) -> list[str]:
        return secret_forms([self._token])

    def fetch(self, zone: str, start: dt.datetime, end: dt.datetime, session: requests.Session) -> list[Sample]:
        hour = dt.timedelta(hours=1)
        first, last = floor_to(as_utc(start), hour), ceil_to(as_utc(end), hour)
        samples = Collected(self.title)
        self.http.begin()
        for lo, hi in chunks(first, last, self.MAX_RANGE):
            params = {"zone": EMAPS_ZONES.get(zone, zone), "start": _z(lo), "end": _z(hi)}
            if self.emission_factor_type:
                params["emissionFactorType"] = self.emission_factor_type
            body = self.http.get_json(
                session,
                f"{self.base}/v3/carbon-intensity/past-range",
                params=params,
                headers={"auth-token": self._token},
            )
            if not isinstance(body, dict) or not isinstance(body.get("data"), list):
                raise shape(self.title, "no 'data' list")
            step = _granularity(body.get("temporalGranularity"))
            points: list[tuple[dt.datetime, float, bool]] = []
            for item in body["data"]:
                if not isinstance(item, dict):
                    raise shape(self.title, "a data point is not an object")
                try:
                    when = parse_time(item.get("datetime"))
                except ValueError:
                    raise shape(self.title, "a data point's datetime is not a time") from None
                value = number(item.get("carbonIntensity"))
                if value is not None:
                    points.append((when, value, bool(item.get("isEstimated"))))
            points.sort()
            if step is None:
                gaps = [b[0] - a[0] for a, b in itertools.pairwise(points) if b[0] > a[0]]
                step = min(gaps) if gaps else hour
            for when, value, estimated in points:
                sample = Sample(when, when + step, value, estimated)
                if within(sample, first, last):
                    samples.put(when, sample)
        return samples.ordered()


def _z(moment: dt.datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _granularity(value: Any) -> dt.timedelta | None:
    return {
        "5_minutes": dt.timedelta(minutes=5),
        "15_minutes": dt.timedelta(minutes=15),
        "hourly": dt.timedelta(hours=1),
        "daily": dt.timedelta(days=1),
    }.get(str(value))


# --- WattTime ---------------------------------------------------------------------------------


class WattTime:
    """WattTime v3 historical data; /login with HTTP Basic gives a bearer token (30 minutes)."""

    name = "watttime"
    title = "WattTime"
    MAX_RANGE: ClassVar[dt.timedelta] = dt.timedelta(days=31)  # the API allows 32 days per query
    UNITS: ClassVar[dict[str, float]] = {
        "lbs_co2_per_mwh": LB_PER_MWH_TO_G_PER_KWH,
        "lb_co2_per_mwh": LB_PER_MWH_TO_G_PER_KWH,
        "g_co2_per_kwh": 1.0,
        "kg_co2_per_mwh": 1.0,
    }

    def __init__(
        self,
        username: str,
        password: str,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        env: Mapping[str, str] | None = None,
        signal_type: str = "co2_aoer",
    ) -> None:
        self._login = (username, password)
        self._bearer: str | None = None
        self.http = Http(self.title, timeout, deadline_seconds=fetch_deadline(env))
        self.base = base_url(self.name, env)
        self.signal_type = signal_type
        self.name = f"watttime-{signal_type}"
        self.title = f"WattTime {signal_type}"
        self.http.title = self.title
        self.basis = {
            "co2_aoer": "average operating emissions rate",
            "co2_moer": "marginal operating emissions rate",
        }.get(signal_type, signal_type)

    def __repr__(self) -> str:
        return f"WattTime(base={self.base!r}, login=<hidden>)"

    def serves(self, zone: str) -> bool:
        return bool(zone)

    def credentials(self) -> list[str]:
        return secret_forms([self._login[1], *([self._bearer] if self._bearer else [])], [self._login])

    def _token(self, session: requests.Session) -> str:
        if self._bearer is None:
            body = self.http.get_json(session, f"{self.base}/login", auth=self._login)
            token = body.get("token") if isinstance(body, dict) else None
            if not isinstance(token, str) or not token:
                raise shape(self.title, "the login answer has no token")
            self._bearer = token
        return self._bearer

    def fetch(self, zone: str, start: dt.datetime, end: dt.datetime, session: requests.Session) -> list[Sample]:
        first, last = as_utc(start), as_utc(end)
        samples = Collected(self.title)
        self.http.begin()
        for lo, hi in chunks(first, last, self.MAX_RANGE):
            params = {
                "region": zone,
                "start": lo.isoformat(timespec="minutes"),
                "end": hi.isoformat(timespec="minutes"),
                "signal_type": self.signal_type,
            }
            body = self._historical(session, params)
            if not isinstance(body, dict) or not isinstance(body.get("data"), list):
                raise shape(self.title, "no 'data' list")
            meta = body.get("meta") if isinstance(body.get("meta"), dict) else {}
            assert isinstance(meta, dict)
            units = str(meta.get("units") or "lbs_co2_per_mwh")
            if units not in self.UNITS:
                raise shape(self.title, f"unknown units {server_text(units, 40)}")
            scale = self.UNITS[units]
            period = number(meta.get("data_point_period_seconds")) or 300.0
            if not 1.0 <= period <= 86_400.0:
                raise shape(self.title, "data_point_period_seconds is not between 1 s and a day")
            step = dt.timedelta(seconds=period)
            for item in body["data"]:
                if not isinstance(item, dict):
                    raise shape(self.title, "a data point is not an object")
                try:
                    when = parse_time(item.get("point_time"))
                except ValueError:
                    raise shape(self.title, "a point_time is not a time") from None
                value = number(item.get("value"))
                sample = Sample(when, when + step, (value or 0.0) * scale, bool(item.get("imputed_data_used")))
                if value is not None and within(sample, first, last):
                    samples.put(when, sample)
        return samples.ordered()

    def _historical(self, session: requests.Session, params: dict[str, str]) -> Any:
        url = f"{self.base}/v3/historical"
        try:
            return self.http.get_json(
                session, url, params=params, headers={"Authorization": f"Bearer {self._token(session)}"}
            )
        except GridError as exc:
            if exc.status != 401:
                raise
        self._bearer = None  # the token expires after 30 minutes: log in again, once
        return self.http.get_json(
            session, url, params=params, headers={"Authorization": f"Bearer {self._token(session)}"}
        )
