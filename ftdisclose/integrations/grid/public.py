"""The public grid-data services, used without credentials: Energi Data Service (DK1, DK2) and NESO's
UK Carbon Intensity API (Great Britain and its regions)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any, ClassVar

import requests

from ftdisclose.integrations.grid.http import DEFAULT_TIMEOUT, REJECTED, GridError, Http, fetch_deadline, server_text
from ftdisclose.integrations.grid.samples import (
    COPENHAGEN,
    FIRST_YEAR,
    GB_REGIONS,
    LAST_YEAR,
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

# --- Energi Data Service ---------------------------------------------------------------------


class EnergiDataService:
    """Energinet's CO2Emis dataset: 5-minute consumption-based intensity for DK1 and DK2."""

    name = "energidataservice"
    title = "Energi Data Service CO2Emis"
    basis = "consumption-based, 125% CHP method"
    STEP: ClassVar[dt.timedelta] = dt.timedelta(minutes=5)
    AREAS: ClassVar[dict[str, tuple[str, ...]]] = {"DK1": ("DK1",), "DK2": ("DK2",), "DK": ("DK1", "DK2")}

    def __init__(
        self, *, timeout: float = DEFAULT_TIMEOUT, page_size: int = 5000, env: Mapping[str, str] | None = None
    ) -> None:
        self.http = Http(self.title, timeout, deadline_seconds=fetch_deadline(env))
        self.page_size = page_size
        self.base = base_url(self.name, env)

    def serves(self, zone: str) -> bool:
        return zone in self.AREAS

    def credentials(self) -> list[str]:
        return []

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
        samples = Collected(self.title)
        offset, total = 0, None
        last_local: dt.datetime | None = None
        self.http.begin()
        while True:  # ends with the data, or at the request limit of the fetch (GridError)
            body = self.http.get_json(session, url, params={**params, "offset": str(offset)})
            if not isinstance(body, dict) or not isinstance(body.get("records"), list):
                raise shape(self.title, "no 'records' list")
            records: list[Any] = body["records"]
            if isinstance(body.get("total"), int):
                total = body["total"]
            before = len(samples)
            for record in records:
                sample, area, last_local = self._sample(record, last_local)
                if sample is not None and area in areas and within(sample, first, last):
                    samples.put((sample.start, area), sample)
            offset += len(records)
            if not records or (total is not None and offset >= total):
                break
            if total is None and len(records) < self.page_size:
                break
            if len(samples) == before:  # a server that ignores offset: stop rather than loop
                break
        return samples.ordered()

    def _sample(self, record: Any, last_local: dt.datetime | None) -> tuple[Sample | None, str, dt.datetime | None]:
        if not isinstance(record, dict):
            raise shape(self.title, "a record is not an object")
        area = str(record.get("PriceArea", ""))
        value = record.get("CO2Emission")
        try:
            if record.get("Minutes5UTC"):
                begin = parse_time(record["Minutes5UTC"])  # UTC, written without Z
            elif record.get("Minutes5DK"):
                begin, last_local = self._from_danish(str(record["Minutes5DK"]), last_local)
            else:
                raise shape(self.title, "a record has neither Minutes5UTC nor Minutes5DK")
        except ValueError:
            raise shape(self.title, "a record's time is not ISO 8601") from None
        if value is None:  # not yet published
            return None, area, last_local
        intensity = number(value)
        if intensity is None:
            raise shape(self.title, "CO2Emission is not a number")
        return Sample(begin, begin + self.STEP, intensity), area, last_local

    @staticmethod
    def _from_danish(text: str, last: dt.datetime | None) -> tuple[dt.datetime, dt.datetime]:
        """Danish local time to UTC. In the repeated hour of October, the second pass (fold=1) is
        recognised because its earlier reading would not move forward from the previous record."""
        local = dt.datetime.fromisoformat(text[:40])
        if not FIRST_YEAR <= local.year < LAST_YEAR:
            raise ValueError("a time outside 1970-2100")
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
        self.http = Http(self.title, timeout, deadline_seconds=fetch_deadline(env))
        self.base = base_url(self.name, env)

    def serves(self, zone: str) -> bool:
        return zone in {"GB", "UK"} or gb_region(zone) is not None

    def credentials(self) -> list[str]:
        return []

    def fetch(self, zone: str, start: dt.datetime, end: dt.datetime, session: requests.Session) -> list[Sample]:
        region = gb_region(zone)
        first, last = floor_to(as_utc(start), self.STEP), ceil_to(as_utc(end), self.STEP)
        samples = Collected(self.title)
        self.http.begin()
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
                if sample is not None and within(sample, first, last):
                    samples.put(sample.start, sample)
        return samples.ordered()

    def _data(self, body: Any) -> list[Any]:
        if isinstance(body, dict) and isinstance(body.get("error"), dict):
            error = body["error"]
            code, said = server_text(error.get("code", ""), 60), server_text(error.get("message", ""), 200)
            raise GridError(REJECTED, f"{self.title}: error {code}: {said}")
        if not isinstance(body, dict) or "data" not in body:
            raise shape(self.title, "no 'data'")
        data = body["data"]
        if isinstance(data, dict):  # regionid/postcode queries can answer with one object
            data = [data]
        if not isinstance(data, list):
            raise shape(self.title, "'data' is not a list")
        return data

    def _regional(self, body: Any) -> list[Any]:
        periods: list[Any] = []
        for item in self._data(body):
            if isinstance(item, dict) and isinstance(item.get("data"), list):
                periods.extend(item["data"])  # {"regionid":…, "data":[periods]}
            elif isinstance(item, dict) and "from" in item:
                periods.append(item)
            else:
                raise shape(self.title, "a region entry has no 'data' list")
        return periods

    def _sample(self, period: Any, *, regional: bool) -> Sample | None:
        if not isinstance(period, dict) or not isinstance(period.get("intensity"), dict):
            raise shape(self.title, "a period has no 'intensity'")
        try:
            begin, stop = parse_time(period.get("from")), parse_time(period.get("to"))
        except ValueError:
            raise shape(self.title, "a period's from/to is not a time") from None
        intensity = period["intensity"]
        actual = None if regional else number(intensity.get("actual"))
        forecast = number(intensity.get("forecast"))
        if (actual is None and forecast is None) or stop <= begin:
            return None
        if actual is not None:
            return Sample(begin, stop, actual)
        assert forecast is not None
        return Sample(begin, stop, forecast, estimated=True)
