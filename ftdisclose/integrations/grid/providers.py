"""Grid carbon-intensity providers behind one interface.

Each provider turns (zone, start, end) into a list of ``Sample`` intervals in UTC with
an intensity in gCO2e/kWh. Nothing here decides what to do with a failure: every
problem is raised as a ``GridError`` carrying the finding code the caller reports.

Secrets (the Electricity Maps token, the WattTime login and the bearer token it gives)
travel only in request headers built per request. They are never put on the session,
in a URL, in an exception message, in a sample or in the cache.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import itertools
import json
import math
import os
import time
import zoneinfo
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol
from urllib.parse import urlsplit

import requests

from ftdisclose._version import __version__
from ftdisclose.findings import Code

UTC = dt.UTC
USER_AGENT = f"ftdisclose/{__version__} (+https://ftdisclose.github.io/ftdisclose/)"
DEFAULT_TIMEOUT = 20.0  # seconds, per request (connect and read); FTDISCLOSE_HTTP_TIMEOUT overrides
MAX_RETRY_AFTER = 3.0  # seconds: a 429/503 asking for a longer wait is not retried at all
LB_PER_MWH_TO_G_PER_KWH = 0.45359237  # 1 lb = 453.59237 g (exact); 1 MWh = 1000 kWh

# finding codes raised by providers
UNAVAILABLE, REJECTED, INVALID, NO_DATA = (
    Code.GRID_UNAVAILABLE,
    Code.GRID_REQUEST_REJECTED,
    Code.GRID_INVALID_RESPONSE,
    Code.GRID_NO_DATA,
)

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


class GridError(Exception):
    """A provider could not deliver: ``code`` is the FTD3xx finding; the message holds no secret."""

    def __init__(self, code: Code, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


@dataclass(frozen=True, slots=True)
class Sample:
    """One interval [start, end) in UTC and its intensity in gCO2e/kWh."""

    start: dt.datetime
    end: dt.datetime
    g_per_kwh: float
    estimated: bool = False  # a forecast, an estimate or imputed data rather than a measured value


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


def parse_time(text: Any, *, naive_zone: dt.tzinfo = UTC) -> dt.datetime:
    """An ISO 8601 time; naive times are read in ``naive_zone`` (EDS writes UTC without Z)."""
    if not isinstance(text, str) or not text:
        raise ValueError(f"not a time: {text!r}")
    value = dt.datetime.fromisoformat(text.strip().replace("z", "Z"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=naive_zone)
    return value.astimezone(UTC)


def chunks(start: dt.datetime, end: dt.datetime, size: dt.timedelta) -> Iterable[tuple[dt.datetime, dt.datetime]]:
    cursor = start
    while cursor < end:
        stop = min(cursor + size, end)
        yield cursor, stop
        cursor = stop


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


# --- HTTP --------------------------------------------------------------------------------


def base_url(provider: str, env: Mapping[str, str] | None = None) -> str:
    """The provider's base URL (the part before the API's own path), from the environment."""
    variable, default = ENV_URLS[provider]
    value = (env if env is not None else os.environ).get(variable, "").strip()
    return (value or default).rstrip("/")


def http_timeout(env: Mapping[str, str] | None = None) -> float:
    text = (env if env is not None else os.environ).get("FTDISCLOSE_HTTP_TIMEOUT", "").strip()
    try:
        value = float(text) if text else DEFAULT_TIMEOUT
    except ValueError:
        return DEFAULT_TIMEOUT
    return value if math.isfinite(value) and value > 0 else DEFAULT_TIMEOUT


def _where(url: str) -> str:
    """host and path only: no query string, no user information."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return f"{host}{parts.path}"


def retry_after_seconds(value: str | None, now: dt.datetime | None = None) -> float | None:
    """Retry-After as seconds: either delta-seconds or an HTTP date."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or dt.datetime.now(UTC))).total_seconds())


@dataclass
class Http:
    """GET with a time-out, the User-Agent, one bounded retry on 429/503, and safe errors."""

    title: str
    timeout: float = DEFAULT_TIMEOUT
    max_retry_after: float = MAX_RETRY_AFTER
    sleep: Callable[[float], None] = time.sleep

    def get(
        self,
        session: requests.Session,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        auth: tuple[str, str] | None = None,
    ) -> requests.Response:
        all_headers = {"User-Agent": USER_AGENT, "Accept": "application/json", **(headers or {})}
        where = _where(url)
        for attempt in (1, 2):
            try:
                response = session.get(
                    url, params=params, headers=all_headers, auth=auth, timeout=self.timeout, allow_redirects=True
                )
            except requests.Timeout:
                raise GridError(
                    UNAVAILABLE, f"{self.title}: no answer within {self.timeout:g} s from {where}"
                ) from None
            except requests.RequestException as exc:
                raise GridError(
                    UNAVAILABLE, f"{self.title}: cannot connect to {where} ({type(exc).__name__})"
                ) from None
            status = response.status_code
            if status in (429, 503):
                wait = retry_after_seconds(response.headers.get("Retry-After"))
                response.close()
                if attempt == 1 and wait is not None and wait <= self.max_retry_after:
                    self.sleep(wait)
                    continue
                said = f"; Retry-After {wait:g} s" if wait is not None else ""
                reason = "rate limit" if status == 429 else "service unavailable"
                raise GridError(
                    UNAVAILABLE,
                    f"{self.title}: HTTP {status} ({reason}) from {where}{said}"
                    + ("; gave up after one retry" if attempt == 2 else ""),
                    status=status,
                )
            if status >= 500:
                raise GridError(UNAVAILABLE, f"{self.title}: HTTP {status} from {where}", status=status)
            if status >= 400:
                raise GridError(REJECTED, f"{self.title}: HTTP {status} from {where}{_explain(status)}", status=status)
            return response
        raise AssertionError("unreachable")  # pragma: no cover

    def get_json(self, session: requests.Session, url: str, **kwargs: Any) -> Any:
        response = self.get(session, url, **kwargs)
        try:
            return json.loads(response.content.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise GridError(INVALID, f"{self.title}: the answer from {_where(url)} is not JSON") from None


def _explain(status: int) -> str:
    return {
        400: " (bad request: zone or time range not accepted)",
        401: " (not authorised: check the credentials)",
        403: " (forbidden: the account may not include this data)",
        404: " (not found: unknown zone or endpoint)",
    }.get(status, "")


def _shape(title: str, what: str) -> GridError:
    return GridError(INVALID, f"{title}: unexpected answer ({what})")


# --- Energi Data Service ---------------------------------------------------------------------


class EnergiDataService:
    """Energinet's CO2Emis dataset: 5-minute consumption-based intensity for DK1 and DK2."""

    name = "energidataservice"
    title = "Energi Data Service CO2Emis"
    basis = "consumption-based, 125% CHP method"
    STEP: ClassVar[dt.timedelta] = dt.timedelta(minutes=5)
    AREAS: ClassVar[dict[str, tuple[str, ...]]] = {"DK1": ("DK1",), "DK2": ("DK2",), "DK": ("DK1", "DK2")}
    MAX_PAGES: ClassVar[int] = 10_000

    def __init__(
        self, *, timeout: float = DEFAULT_TIMEOUT, page_size: int = 5000, env: Mapping[str, str] | None = None
    ) -> None:
        self.http = Http(self.title, timeout)
        self.page_size = page_size
        self.base = base_url(self.name, env)

    def serves(self, zone: str) -> bool:
        return zone in self.AREAS

    def fetch(self, zone: str, start: dt.datetime, end: dt.datetime, session: requests.Session) -> list[Sample]:
        areas = self.AREAS[zone]
        first, last = floor_to(as_utc(start), self.STEP), ceil_to(as_utc(end), self.STEP)
        params = {
            "start": first.strftime("%Y-%m-%dT%H:%M"),
            "end": last.strftime("%Y-%m-%dT%H:%M"),
            "timezone": "UTC",  # start and end are read as UTC, not Danish time
            "filter": json.dumps({"PriceArea": list(areas)}, separators=(",", ":")),
            "columns": "Minutes5UTC,Minutes5DK,PriceArea,CO2Emission",
            "sort": "Minutes5UTC asc",
            "limit": str(self.page_size),
        }
        url = f"{self.base}/dataset/CO2Emis"
        samples: dict[tuple[dt.datetime, str], Sample] = {}
        offset, total = 0, None
        last_local: dt.datetime | None = None
        for _ in range(self.MAX_PAGES):
            body = self.http.get_json(session, url, params={**params, "offset": str(offset)})
            if not isinstance(body, dict) or not isinstance(body.get("records"), list):
                raise _shape(self.title, "no 'records' list")
            records: list[Any] = body["records"]
            if isinstance(body.get("total"), int):
                total = body["total"]
            before = len(samples)
            for record in records:
                sample, area, last_local = self._sample(record, last_local)
                if sample is not None and area in areas:
                    samples[(sample.start, area)] = sample
            offset += len(records)
            if not records or (total is not None and offset >= total):
                break
            if total is None and len(records) < self.page_size:
                break
            if len(samples) == before:  # a server that ignores offset: stop rather than loop
                break
        return sorted(samples.values(), key=lambda s: s.start)

    def _sample(self, record: Any, last_local: dt.datetime | None) -> tuple[Sample | None, str, dt.datetime | None]:
        if not isinstance(record, dict):
            raise _shape(self.title, "a record is not an object")
        area = str(record.get("PriceArea", ""))
        value = record.get("CO2Emission")
        try:
            if record.get("Minutes5UTC"):
                begin = parse_time(record["Minutes5UTC"])  # UTC, written without Z
            elif record.get("Minutes5DK"):
                begin, last_local = self._from_danish(str(record["Minutes5DK"]), last_local)
            else:
                raise _shape(self.title, "a record has neither Minutes5UTC nor Minutes5DK")
        except ValueError:
            raise _shape(self.title, "a record's time is not ISO 8601") from None
        if value is None:  # not yet published
            return None, area, last_local
        number = _number(value)
        if number is None:
            raise _shape(self.title, "CO2Emission is not a number")
        return Sample(begin, begin + self.STEP, number), area, last_local

    @staticmethod
    def _from_danish(text: str, last: dt.datetime | None) -> tuple[dt.datetime, dt.datetime]:
        """Danish local time to UTC. In the repeated hour of October, the second pass (fold=1) is
        recognised because its earlier reading would not move forward from the previous record."""
        local = dt.datetime.fromisoformat(text)
        if local.tzinfo is not None:
            moment = local.astimezone(UTC)
            return moment, moment
        moment = local.replace(tzinfo=COPENHAGEN, fold=0).astimezone(UTC)
        if last is not None and moment <= last:
            later = local.replace(tzinfo=COPENHAGEN, fold=1).astimezone(UTC)
            if later > last:
                moment = later
        return moment, moment


# --- UK Carbon Intensity API -----------------------------------------------------------------


def gb_region(zone: str) -> int | None:
    """The UK API region id a zone names (GB-13, GB-LONDON, GB-NORTH-SCOTLAND...), else None."""
    head, sep, tail = zone.upper().partition("-")
    if head not in {"GB", "UK"} or not sep:
        return None
    key = "".join(ch for ch in tail if ch.isalnum())
    if key.isdigit():
        number = int(key)
        return number if number in GB_REGIONS else None
    for number, name in GB_REGIONS.items():
        if key == "".join(ch for ch in name.upper() if ch.isalnum()):
            return number
    return None


class UkCarbonIntensity:
    """NESO's Carbon Intensity API: half-hourly GB national actuals, regional forecasts."""

    name = "uk-carbon-intensity"
    title = "UK Carbon Intensity API"
    basis = "direct (generation-based)"
    MAX_RANGE: ClassVar[dt.timedelta] = dt.timedelta(days=13)  # the API allows 14 days per request
    STEP: ClassVar[dt.timedelta] = dt.timedelta(minutes=30)

    def __init__(self, *, timeout: float = DEFAULT_TIMEOUT, env: Mapping[str, str] | None = None) -> None:
        self.http = Http(self.title, timeout)
        self.base = base_url(self.name, env)

    def serves(self, zone: str) -> bool:
        return zone in {"GB", "UK"} or gb_region(zone) is not None

    def fetch(self, zone: str, start: dt.datetime, end: dt.datetime, session: requests.Session) -> list[Sample]:
        region = gb_region(zone)
        first, last = floor_to(as_utc(start), self.STEP), ceil_to(as_utc(end), self.STEP)
        samples: dict[dt.datetime, Sample] = {}
        for lo, hi in chunks(first, last, self.MAX_RANGE):
            span = f"{lo.strftime('%Y-%m-%dT%H:%MZ')}/{hi.strftime('%Y-%m-%dT%H:%MZ')}"
            if region is None:
                body = self.http.get_json(session, f"{self.base}/intensity/{span}")
                periods = self._data(body)
            else:
                body = self.http.get_json(session, f"{self.base}/regional/intensity/{span}/regionid/{region}")
                periods = self._regional(body)
            for period in periods:
                sample = self._sample(period, regional=region is not None)
                if sample is not None:
                    samples[sample.start] = sample
        return sorted(samples.values(), key=lambda s: s.start)

    def _data(self, body: Any) -> list[Any]:
        if isinstance(body, dict) and isinstance(body.get("error"), dict):
            error = body["error"]
            raise GridError(
                REJECTED,
                f"{self.title}: error {str(error.get('code', ''))[:60]}: {str(error.get('message', ''))[:200]}",
            )
        if not isinstance(body, dict) or "data" not in body:
            raise _shape(self.title, "no 'data'")
        data = body["data"]
        if isinstance(data, dict):  # regionid/postcode queries can answer with one object
            data = [data]
        if not isinstance(data, list):
            raise _shape(self.title, "'data' is not a list")
        return data

    def _regional(self, body: Any) -> list[Any]:
        periods: list[Any] = []
        for item in self._data(body):
            if isinstance(item, dict) and isinstance(item.get("data"), list):
                periods.extend(item["data"])  # {"regionid":…, "data":[periods]}
            elif isinstance(item, dict) and "from" in item:
                periods.append(item)
            else:
                raise _shape(self.title, "a region entry has no 'data' list")
        return periods

    def _sample(self, period: Any, *, regional: bool) -> Sample | None:
        if not isinstance(period, dict) or not isinstance(period.get("intensity"), dict):
            raise _shape(self.title, "a period has no 'intensity'")
        try:
            begin, stop = parse_time(period.get("from")), parse_time(period.get("to"))
        except ValueError:
            raise _shape(self.title, "a period's from/to is not a time") from None
        intensity = period["intensity"]
        actual = None if regional else _number(intensity.get("actual"))
        forecast = _number(intensity.get("forecast"))
        if (actual is None and forecast is None) or stop <= begin:
            return None
        if actual is not None:
            return Sample(begin, stop, actual)
        assert forecast is not None
        return Sample(begin, stop, forecast, estimated=True)


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
        self.http = Http(self.title, timeout)
        self.base = base_url(self.name, env)
        self.emission_factor_type = emission_factor_type
        self.basis = emission_factor_type or "lifecycle"
        if emission_factor_type:
            self.name = f"electricitymaps-{emission_factor_type}"

    def __repr__(self) -> str:
        return f"ElectricityMaps(base={self.base!r}, token=<hidden>)"

    def serves(self, zone: str) -> bool:
        return bool(zone)

    def fetch(self, zone: str, start: dt.datetime, end: dt.datetime, session: requests.Session) -> list[Sample]:
        hour = dt.timedelta(hours=1)
        first, last = floor_to(as_utc(start), hour), ceil_to(as_utc(end), hour)
        samples: dict[dt.datetime, Sample] = {}
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
                raise _shape(self.title, "no 'data' list")
            step = _granularity(body.get("temporalGranularity"))
            points: list[tuple[dt.datetime, float, bool]] = []
            for item in body["data"]:
                if not isinstance(item, dict):
                    raise _shape(self.title, "a data point is not an object")
                try:
                    when = parse_time(item.get("datetime"))
                except ValueError:
                    raise _shape(self.title, "a data point's datetime is not a time") from None
                value = _number(item.get("carbonIntensity"))
                if value is not None:
                    points.append((when, value, bool(item.get("isEstimated"))))
            points.sort()
            if step is None:
                gaps = [b[0] - a[0] for a, b in itertools.pairwise(points) if b[0] > a[0]]
                step = min(gaps) if gaps else hour
            for when, value, estimated in points:
                samples[when] = Sample(when, when + step, value, estimated)
        return sorted(samples.values(), key=lambda s: s.start)


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
        self.http = Http(self.title, timeout)
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

    def _token(self, session: requests.Session) -> str:
        if self._bearer is None:
            body = self.http.get_json(session, f"{self.base}/login", auth=self._login)
            token = body.get("token") if isinstance(body, dict) else None
            if not isinstance(token, str) or not token:
                raise _shape(self.title, "the login answer has no token")
            self._bearer = token
        return self._bearer

    def fetch(self, zone: str, start: dt.datetime, end: dt.datetime, session: requests.Session) -> list[Sample]:
        first, last = as_utc(start), as_utc(end)
        samples: dict[dt.datetime, Sample] = {}
        for lo, hi in chunks(first, last, self.MAX_RANGE):
            params = {
                "region": zone,
                "start": lo.isoformat(timespec="minutes"),
                "end": hi.isoformat(timespec="minutes"),
                "signal_type": self.signal_type,
            }
            body = self._historical(session, params)
            if not isinstance(body, dict) or not isinstance(body.get("data"), list):
                raise _shape(self.title, "no 'data' list")
            meta = body.get("meta") if isinstance(body.get("meta"), dict) else {}
            assert isinstance(meta, dict)
            units = str(meta.get("units") or "lbs_co2_per_mwh")
            if units not in self.UNITS:
                raise _shape(self.title, f"unknown units {units[:40]!r}")
            scale = self.UNITS[units]
            period = _number(meta.get("data_point_period_seconds")) or 300.0
            step = dt.timedelta(seconds=period)
            for item in body["data"]:
                if not isinstance(item, dict):
                    raise _shape(self.title, "a data point is not an object")
                try:
                    when = parse_time(item.get("point_time"))
                except ValueError:
                    raise _shape(self.title, "a point_time is not a time") from None
                value = _number(item.get("value"))
                if value is not None:
                    samples[when] = Sample(when, when + step, value * scale, bool(item.get("imputed_data_used")))
        return sorted(samples.values(), key=lambda s: s.start)

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
    """The secret values in the environment, for scrubbing any text before it leaves."""
    environ = env if env is not None else os.environ
    names = ("ELECTRICITYMAPS_TOKEN", "WATTTIME_PASSWORD")
    return [environ[n] for n in names if environ.get(n, "").strip() and len(environ[n]) >= 4]
