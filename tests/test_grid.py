"""Time-resolved grid intensity against real HTTP servers on 127.0.0.1.

One replay server (http.server in a thread, ephemeral port) answers the four APIs in
the shapes documented in the factors reference §5: Energi Data Service /dataset/CO2Emis
(records, total, limit/offset, timezone=UTC, Danish local times), the UK Carbon Intensity
API /intensity/{from}/{to} and /regional/intensity/{from}/{to}/regionid/{id}, Electricity
Maps /v3/carbon-intensity/past-range (auth-token) and WattTime /login + /v3/historical
(Basic, then Bearer). Every test points the FTDISCLOSE_*_URL variables at it; a guard
refuses any connection to an address other than 127.0.0.1.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging
import socket
import sys
import time
import zoneinfo
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
import requests

from ftdisclose import findings as findings_module
from ftdisclose._version import __version__
from ftdisclose.integrations.grid import GridResult, hourly_intensity, zone_for
from ftdisclose.integrations.grid import cache as grid_cache
from ftdisclose.integrations.grid.average import time_weighted
from ftdisclose.integrations.grid.providers import (
    LB_PER_MWH_TO_G_PER_KWH,
    USER_AGENT,
    ElectricityMaps,
    EnergiDataService,
    Sample,
    UkCarbonIntensity,
    WattTime,
    choose,
    retry_after_seconds,
)

from .servers import loopback

UTC = dt.UTC
CPH = zoneinfo.ZoneInfo("Europe/Copenhagen")
EMAPS_TOKEN = "emaps-SECRET-7f3a9c1e5b"
WT_USER, WT_PASSWORD = "grid-user", "wt-SECRET-pw-48d2e6"
WT_BEARER = "wt-bearer-SECRET-0c9d8e7f"
ANNUAL = 120.0


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


# --- the replay server ------------------------------------------------------------------------


@dataclass
class Seen:
    path: str
    query: dict[str, str]
    headers: dict[str, str]


@dataclass
class Replay:
    url: str = ""
    seen: list[Seen] = field(default_factory=list)
    # Energi Data Service
    eds_value: Callable[[dt.datetime, str], float | None] = lambda t, area: 80.0
    eds_page_cap: int = 100_000  # the most records one answer holds, whatever limit says
    eds_utc_column: bool = True
    # UK Carbon Intensity API: (actual, forecast) per half hour
    uk_value: Callable[[dt.datetime], tuple[float | None, float]] = lambda t: (200.0, 210.0)
    uk_regional_value: Callable[[dt.datetime], float] = lambda t: 50.0
    # Electricity Maps and WattTime
    emaps_value: Callable[[dt.datetime], float] = lambda t: 300.0
    wt_value: Callable[[dt.datetime], float] = lambda t: 1000.0  # lbs/MWh
    wt_expire_once: bool = False  # answer the first data call with 401, as after token expiry
    logins: int = 0
    # failures, by route ("eds", "uk", "uk-regional", "emaps", "wt-login", "wt"): mode, how many times
    fail: dict[str, tuple[str, int]] = field(default_factory=dict)
    retry_after: str = "1"
    sleep_seconds: float = 0.6

    def count(self, prefix: str) -> int:
        return sum(1 for s in self.seen if s.path.startswith(prefix))


def _json_bytes(data: Any) -> bytes:
    return json.dumps(data).encode("utf-8")


def _z(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%MZ")


def _half_hours(lo: dt.datetime, hi: dt.datetime) -> Iterator[dt.datetime]:
    # like the live API, the answer starts with the half hour that ends at `from`
    cursor = lo - dt.timedelta(minutes=30)
    while cursor < hi:
        yield cursor
        cursor += dt.timedelta(minutes=30)


class Handler(BaseHTTPRequestHandler):
    replay: Replay  # set on the subclass each server gets

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass

    def send(
        self, status: int, body: bytes, headers: dict[str, str] | None = None, content_type: str = "application/json"
    ) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)
        except OSError:  # the client gave up (time-out test)
            pass

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        path = unquote(parts.path)
        self.replay.seen.append(Seen(path, query, dict(self.headers.items())))
        route = self.route(path)
        if route is None:
            self.send(404, _json_bytes({"error": {"code": "404 Not Found", "message": "no such route"}}))
            return
        if self.failure(route):
            return
        getattr(self, "answer_" + route.replace("-", "_"))(path, query)

    @staticmethod
    def route(path: str) -> str | None:
        if path == "/dataset/CO2Emis":
            return "eds"
        if path.startswith("/regional/intensity/"):
            return "uk-regional"
        if path.startswith("/intensity/"):
            return "uk"
        if path == "/v3/carbon-intensity/past-range":
            return "emaps"
        if path == "/login":
            return "wt-login"
        if path == "/v3/historical":
            return "wt"
        return None

    def failure(self, route: str) -> bool:
        mode, times = self.replay.fail.get(route, ("", 0))
        if not mode or times == 0:
            return False
        self.replay.fail[route] = (mode, times - 1)
        if mode == "sleep":
            time.sleep(self.replay.sleep_seconds)
            return False  # then answers normally, too late
        if mode == "500":
            self.send(500, _json_bytes({"error": {"code": "500 Internal Server Error", "message": "boom"}}))
        elif mode == "404":
            self.send(404, _json_bytes({"error": {"code": "404 Not Found", "message": "unknown"}}))
        elif mode == "400":
            self.send(400, _json_bytes({"error": {"code": "400 Bad Request", "message": "Invalid date"}}))
        elif mode == "429":
            self.send(429, b'{"message": "Too many requests"}', {"Retry-After": self.replay.retry_after})
        elif mode == "malformed":
            self.send(200, b'{"records": [{"Minutes5UTC": "2024-07-06T17:00:00", ', content_type="application/json")
        elif mode == "html":
            self.send(200, b"<html><body>proxy login</body></html>", content_type="text/html")
        else:
            raise AssertionError(mode)
        return True

    # --- Energi Data Service: /dataset/CO2Emis -------------------------------------------

    def answer_eds(self, path: str, q: dict[str, str]) -> None:
        zone = UTC if q.get("timezone", "").upper() == "UTC" else CPH  # otherwise Danish time
        lo = dt.datetime.fromisoformat(q["start"]).replace(tzinfo=zone).astimezone(UTC)
        hi = dt.datetime.fromisoformat(q["end"]).replace(tzinfo=zone).astimezone(UTC)
        areas = json.loads(q["filter"])["PriceArea"] if "filter" in q else ["DK1", "DK2"]
        records = []
        t = lo
        while t < hi:  # start inclusive, end exclusive
            for area in areas:
                value = self.replay.eds_value(t, area)
                if value is not None:
                    record = {
                        "Minutes5UTC": t.strftime("%Y-%m-%dT%H:%M:%S"),
                        "Minutes5DK": t.astimezone(CPH).strftime("%Y-%m-%dT%H:%M:%S"),
                        "PriceArea": area,
                        "CO2Emission": value,
                    }
                    if not self.replay.eds_utc_column:
                        del record["Minutes5UTC"]
                    records.append(record)
            t += dt.timedelta(minutes=5)
        if q.get("sort", "").lower() != "minutes5utc asc":
            records.reverse()  # the default sort is descending
        offset = int(q.get("offset", "0"))
        limit = int(q.get("limit", "0")) or len(records)
        limit = min(limit, self.replay.eds_page_cap)
        body: dict[str, Any] = {
            "total": len(records),
            "dataset": "CO2Emis",
            "records": records[offset : offset + limit],
        }
        if "limit" in q:
            body["limit"] = limit
        self.send(200, _json_bytes(body))

    # --- UK Carbon Intensity API ---------------------------------------------------------------

    def _uk_span(self, path: str) -> tuple[dt.datetime, dt.datetime, list[str]]:
        pieces = path.split("/")
        base = 3 if pieces[1] == "regional" else 2
        lo = dt.datetime.strptime(pieces[base], "%Y-%m-%dT%H:%MZ").replace(tzinfo=UTC)
        hi = dt.datetime.strptime(pieces[base + 1], "%Y-%m-%dT%H:%MZ").replace(tzinfo=UTC)
        assert hi - lo <= dt.timedelta(days=14), "the API allows at most 14 days"
        return lo, hi, pieces

    def answer_uk(self, path: str, q: dict[str, str]) -> None:
        lo, hi, _ = self._uk_span(path)
        data = []
        for t in _half_hours(lo, hi):
            actual, forecast = self.replay.uk_value(t)
            data.append(
                {
                    "from": _z(t),
                    "to": _z(t + dt.timedelta(minutes=30)),
                    "intensity": {"forecast": forecast, "actual": actual, "index": "moderate"},
                }
            )
        self.send(200, _json_bytes({"data": data}))

    def answer_uk_regional(self, path: str, q: dict[str, str]) -> None:
        lo, hi, pieces = self._uk_span(path)
        region = int(pieces[-1])
        periods = [
            {
                "from": _z(t),
                "to": _z(t + dt.timedelta(minutes=30)),
                "intensity": {"forecast": self.replay.uk_regional_value(t), "index": "low"},
                "generationmix": [{"fuel": "gas", "perc": 43.6}],
            }
            for t in _half_hours(lo, hi)
        ]
        # the live API answers regionid queries with an object, not a list
        self.send(
            200,
            _json_bytes(
                {"data": {"regionid": region, "dnoregion": "UKPN London", "shortname": "London", "data": periods}}
            ),
        )

    # --- Electricity Maps -----------------------------------------------------------------------

    def answer_emaps(self, path: str, q: dict[str, str]) -> None:
        if self.headers.get("auth-token") != EMAPS_TOKEN:
            self.send(401, _json_bytes({"message": "Invalid auth-token"}))
            return
        lo = dt.datetime.fromisoformat(q["start"].replace("Z", "+00:00"))
        hi = dt.datetime.fromisoformat(q["end"].replace("Z", "+00:00"))
        if hi - lo > dt.timedelta(hours=240):
            self.send(400, _json_bytes({"message": "range limited to 10 days for hourly granularity"}))
            return
        data = []
        t = lo
        while t < hi:
            data.append(
                {
                    "zone": q["zone"],
                    "carbonIntensity": self.replay.emaps_value(t),
                    "datetime": t.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                    "updatedAt": "2024-08-01T00:00:00.000Z",
                    "createdAt": "2024-07-01T00:00:00.000Z",
                    "emissionFactorType": "lifecycle",
                    "isEstimated": False,
                    "estimationMethod": None,
                }
            )
            t += dt.timedelta(hours=1)
        self.send(
            200, _json_bytes({"zone": q["zone"], "data": data, "temporalGranularity": "hourly", "unit": "gCO2eq/kWh"})
        )

    # --- WattTime --------------------------------------------------------------------------------

    def answer_wt_login(self, path: str, q: dict[str, str]) -> None:
        expected = "Basic " + base64.b64encode(f"{WT_USER}:{WT_PASSWORD}".encode()).decode()
        if self.headers.get("Authorization") != expected:
            self.send(401, b'{"error": "bad credentials"}')
            return
        self.replay.logins += 1
        self.send(200, _json_bytes({"token": WT_BEARER}))

    def answer_wt(self, path: str, q: dict[str, str]) -> None:
        if self.headers.get("Authorization") != f"Bearer {WT_BEARER}" or self.replay.wt_expire_once:
            self.replay.wt_expire_once = False
            self.send(401, b'{"error": "token expired"}')
            return
        lo = dt.datetime.fromisoformat(q["start"])
        hi = dt.datetime.fromisoformat(q["end"])
        assert hi - lo <= dt.timedelta(days=32)
        data = []
        t = lo
        while t <= hi:  # start and end are both inclusive
            data.append(
                {
                    "point_time": t.isoformat(),
                    "value": self.replay.wt_value(t),
                    "last_updated": "2024-08-01T00:00:00+00:00",
                    "imputed_data_used": False,
                }
            )
            t += dt.timedelta(minutes=5)
        self.send(
            200,
            _json_bytes(
                {
                    "data": data,
                    "meta": {
                        "data_point_period_seconds": 300,
                        "region": q["region"],
                        "warnings": [],
                        "signal_type": q["signal_type"],
                        "model": {"type": "binned_regression", "date": "2023-03-01"},
                        "units": "lbs_co2_per_mwh",
                    },
                }
            ),
        )


@pytest.fixture(autouse=True)
def only_localhost(monkeypatch: pytest.MonkeyPatch) -> None:
    """No connection leaves 127.0.0.1; no proxy, credential or URL comes from the real environment."""
    real_connect = socket.socket.connect

    def connect(self: socket.socket, address: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6) and address[0] != "127.0.0.1":
            raise AssertionError(f"network access to {address!r} in a test")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    for name in (
        "ELECTRICITYMAPS_TOKEN",
        "WATTTIME_USERNAME",
        "WATTTIME_PASSWORD",
        "FTDISCLOSE_CACHE_DIR",
        "FTDISCLOSE_HTTP_TIMEOUT",
        "FTDISCLOSE_ELECTRICITYMAPS_EMISSION_FACTOR_TYPE",
        "FTDISCLOSE_WATTTIME_SIGNAL_TYPE",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")


@pytest.fixture
def replay(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Replay]:
    state = Replay()
    handler = type("BoundHandler", (Handler,), {"replay": state})
    with loopback(handler) as url:
        state.url = url
        for name in ("ENERGIDATASERVICE", "UK_CARBON_INTENSITY", "ELECTRICITYMAPS", "WATTTIME"):
            monkeypatch.setenv(f"FTDISCLOSE_{name}_URL", state.url)
        monkeypatch.setenv("FTDISCLOSE_CACHE_DIR", str(tmp_path / "cache"))
        yield state


def fetch(
    zone: str | None,
    start: str,
    hours: float,
    *,
    offline: bool = False,
    country: str | None = None,
    timeout: float | None = 5.0,
    **kw: Any,
) -> GridResult:
    return hourly_intensity(
        zone, country, None, utc(start), hours, annual_g_per_kwh=ANNUAL, offline=offline, timeout=timeout, **kw
    )


def codes(result: GridResult) -> list[str]:
    return [f.code for f in result.findings]


# --- Energi Data Service ---------------------------------------------------------------------------


def test_dk2_window_mean_by_hand(replay: Replay) -> None:
    # 80 g/kWh for the first 6 h, 90 for the next 6 h: the 12 h mean is (6*80 + 6*90) / 12 = 85
    replay.eds_value = lambda t, area: 80.0 if t < utc("2024-07-06T23:00") else 90.0
    result = fetch("DK2", "2024-07-06T17:00", 12)
    assert result.value_g_per_kwh == pytest.approx(85.0)
    assert result.findings == []
    assert (result.provider, result.zone, result.records, result.coverage) == (
        "Energi Data Service CO2Emis",
        "DK2",
        144,
        1.0,
    )
    assert result.source_text == (
        "Energi Data Service CO2Emis, DK2, 2024-07-06T17:00Z..2024-07-07T05:00Z, 144 records, coverage 100%"
    )
    assert not result.from_cache
    (request,) = replay.seen
    assert request.path == "/dataset/CO2Emis"
    assert request.query["start"] == "2024-07-06T17:00" and request.query["end"] == "2024-07-07T05:00"
    assert request.query["timezone"] == "UTC"
    assert json.loads(request.query["filter"]) == {"PriceArea": ["DK2"]}
    assert request.headers["User-Agent"] == f"ftdisclose/{__version__} (+https://ftdisclose.github.io/ftdisclose/)"
    assert request.headers["User-Agent"] == USER_AGENT


def test_window_not_on_the_five_minute_grid(replay: Replay) -> None:
    # the Munin window 17:01..05:01: 5 h 59 min at 80 and 6 h 1 min at 90; the sample of 17:00 counts for 4 min
    replay.eds_value = lambda t, area: 80.0 if t < utc("2024-07-06T23:00") else 90.0
    result = fetch("DK2", "2024-07-06T17:01", 12)
    assert result.value_g_per_kwh == pytest.approx((359 * 80 + 361 * 90) / 720)
    assert result.records == 145  # 17:00 ... 05:00 inclusive, each overlapping the window
    assert result.source_text.startswith("Energi Data Service CO2Emis, DK2, 2024-07-06T17:01Z..2024-07-07T05:01Z,")
    assert replay.seen[0].query["start"] == "2024-07-06T17:00"
    assert replay.seen[0].query["end"] == "2024-07-07T05:05"


@pytest.mark.parametrize("utc_column", [True, False], ids=["Minutes5UTC", "Minutes5DK-only"])
def test_spring_dst_change(replay: Replay, utc_column: bool) -> None:
    # 2024-03-31: Danish clocks jump from 02:00 CET to 03:00 CEST (01:00Z). The window from 00:00 CET
    # (2024-03-30T23:00Z) to 06:00 CEST (04:00Z) is 5 real hours, though the wall clock moves 6:
    # 00:00-02:00 CET = 2 h at 100, 03:00-06:00 CEST = 3 h at 200 -> (2*100 + 3*200) / 5 = 160.
    replay.eds_utc_column = utc_column
    replay.eds_value = lambda t, area: 100.0 if t.astimezone(CPH).hour < 2 else 200.0
    start = dt.datetime(2024, 3, 31, 0, 0, tzinfo=CPH)
    end = dt.datetime(2024, 3, 31, 6, 0, tzinfo=CPH)
    # (aware datetimes in the same zone subtract by wall clock, 6 h: only UTC gives the real length)
    assert end - start == dt.timedelta(hours=6)
    assert end.astimezone(UTC) - start.astimezone(UTC) == dt.timedelta(hours=5)
    result = hourly_intensity("DK1", "DK", None, start, 5, annual_g_per_kwh=ANNUAL, offline=False, timeout=5)
    assert result.value_g_per_kwh == pytest.approx(160.0)
    assert result.records == 60 and result.coverage == 1.0
    assert result.window_start == utc("2024-03-30T23:00")
    assert result.source_text.startswith("Energi Data Service CO2Emis, DK1, 2024-03-30T23:00Z..2024-03-31T04:00Z")


@pytest.mark.parametrize("utc_column", [True, False], ids=["Minutes5UTC", "Minutes5DK-only"])
def test_autumn_dst_change(replay: Replay, utc_column: bool) -> None:
    # 2024-10-27: 03:00 CEST falls back to 02:00 CET (01:00Z), so 02:00-02:59 local happens twice.
    # 00:00 CEST (2024-10-26T22:00Z) to 06:00 CET (05:00Z) is 7 real hours: 3 h at 100 before 01:00Z,
    # 4 h at 200 after -> (3*100 + 4*200) / 7. Local times alone need the second 02:xx read as fold=1.
    replay.eds_utc_column = utc_column
    replay.eds_value = lambda t, area: 100.0 if t < utc("2024-10-27T01:00") else 200.0
    result = fetch("DK2", "2024-10-26T22:00", 7)
    assert result.value_g_per_kwh == pytest.approx((3 * 100 + 4 * 200) / 7)
    assert result.records == 84 and result.coverage == 1.0


def test_pagination(replay: Replay) -> None:
    replay.eds_page_cap = 50  # 144 records in pages of 50, 50, 44
    replay.eds_value = lambda t, area: 60.0 + (t - utc("2024-07-06T17:00")) / dt.timedelta(hours=1)
    result = fetch("DK2", "2024-07-06T17:00", 12)
    assert [s.query["offset"] for s in replay.seen] == ["0", "50", "100"]
    # a linear ramp sampled every 5 minutes: the mean of 60 + k/12 for k = 0..143
    assert result.value_g_per_kwh == pytest.approx(sum(60 + k / 12 for k in range(144)) / 144)
    assert result.records == 144 and result.coverage == 1.0


def test_national_dk_averages_both_price_areas(replay: Replay) -> None:
    replay.eds_value = lambda t, area: 70.0 if area == "DK1" else 90.0
    result = fetch("DK", "2024-07-06T17:00", 2)
    assert json.loads(replay.seen[0].query["filter"]) == {"PriceArea": ["DK1", "DK2"]}
    assert result.value_g_per_kwh == pytest.approx(80.0)
    assert result.coverage == 1.0 and result.records == 48


def test_partial_coverage_filled_with_annual(replay: Replay) -> None:
    # data only until 02:00Z: 9 of 12 h at 80, the remaining 3 h at the annual 120 -> 0.75*80 + 0.25*120 = 90
    replay.eds_value = lambda t, area: 80.0 if t < utc("2024-07-07T02:00") else None
    result = fetch("DK2", "2024-07-06T17:00", 12)
    assert result.value_g_per_kwh == pytest.approx(90.0)
    assert result.coverage == pytest.approx(0.75)
    assert result.records == 108
    assert codes(result) == ["FTD316"]
    assert "75%" in result.findings[0].message and "3 h" in result.findings[0].message
    assert result.source_text.endswith("108 records, coverage 75%, the rest at the annual 120 gCO2e/kWh")


# --- failures ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "code"),
    [
        ("500", "FTD312"),
        ("404", "FTD313"),
        ("malformed", "FTD314"),
        ("html", "FTD314"),
    ],
)
def test_failures_fall_back(replay: Replay, mode: str, code: str) -> None:
    replay.fail["eds"] = (mode, 99)
    result = fetch("DK2", "2024-07-06T17:00", 12)
    assert result.value_g_per_kwh is None
    assert codes(result) == [code]
    assert result.findings[0].severity == findings_module.CATALOGUE[code].severity
    assert "annual 120 gCO2e/kWh is used" in result.findings[0].message
    assert result.findings[0].path == "operational.carbon_intensity"
    assert result.source_text == ""
    assert replay.count("/dataset") == 1  # no retry for these


def test_timeout(replay: Replay) -> None:
    replay.fail["eds"] = ("sleep", 1)
    replay.sleep_seconds = 0.8
    began = time.monotonic()
    result = fetch("DK2", "2024-07-06T17:00", 12, timeout=0.2)
    assert time.monotonic() - began < 0.7
    assert result.value_g_per_kwh is None
    assert codes(result) == ["FTD312"]
    assert "no answer within 0.2 s" in result.findings[0].message


def test_timeout_from_environment(replay: Replay, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FTDISCLOSE_HTTP_TIMEOUT", "0.2")
    replay.fail["uk"] = ("sleep", 1)
    result = fetch("GB", "2024-01-10T12:00", 2, timeout=None)
    assert codes(result) == ["FTD312"]


def test_connection_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("FTDISCLOSE_ENERGIDATASERVICE_URL", f"http://127.0.0.1:{port}")
    result = fetch("DK2", "2024-07-06T17:00", 12, cache_dir=tmp_path)
    assert result.value_g_per_kwh is None
    assert codes(result) == ["FTD312"]
    assert "cannot connect" in result.findings[0].message


def test_429_retry_after_long_is_not_waited_for(replay: Replay) -> None:
    replay.fail["eds"] = ("429", 99)
    replay.retry_after = "300"  # EDS bans for 5 minutes: give up at once
    began = time.monotonic()
    result = fetch("DK2", "2024-07-06T17:00", 12)
    assert time.monotonic() - began < 1.0
    assert codes(result) == ["FTD312"]
    assert "HTTP 429" in result.findings[0].message and "Retry-After 300 s" in result.findings[0].message
    assert replay.count("/dataset") == 1


def test_429_short_retry_after_is_retried_once(replay: Replay) -> None:
    replay.fail["eds"] = ("429", 1)
    replay.retry_after = "1"
    began = time.monotonic()
    result = fetch("DK2", "2024-07-06T17:00", 1)
    assert time.monotonic() - began >= 0.9
    assert result.value_g_per_kwh == pytest.approx(80.0)
    assert replay.count("/dataset") == 2


def test_429_twice_gives_up_after_one_retry(replay: Replay) -> None:
    replay.fail["eds"] = ("429", 99)
    replay.retry_after = "0"
    result = fetch("DK2", "2024-07-06T17:00", 1)
    assert codes(result) == ["FTD312"]
    assert "gave up after one retry" in result.findings[0].message
    assert replay.count("/dataset") == 2


def test_retry_after_http_date() -> None:
    now = dt.datetime(2024, 7, 6, 17, 0, tzinfo=UTC)
    assert retry_after_seconds("Sat, 06 Jul 2024 17:00:02 GMT", now) == pytest.approx(2.0)
    assert retry_after_seconds("120") == 120.0
    assert retry_after_seconds("soon") is None


def test_empty_data(replay: Replay) -> None:
    replay.eds_value = lambda t, area: None
    result = fetch("DK2", "2024-07-06T17:00", 12)
    assert result.value_g_per_kwh is None
    assert codes(result) == ["FTD315"]


def test_missing_token_means_no_provider(replay: Replay) -> None:
    result = fetch("DE", "2024-07-06T17:00", 12)
    assert result.value_g_per_kwh is None
    assert codes(result) == ["FTD317"]
    assert "ELECTRICITYMAPS_TOKEN" in result.findings[0].message
    assert replay.seen == []


def test_wrong_token_is_rejected(replay: Replay, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ELECTRICITYMAPS_TOKEN", "not-the-right-SECRET-token")
    result = fetch("DE", "2024-07-06T17:00", 12)
    assert codes(result) == ["FTD313"]
    assert "HTTP 401" in result.findings[0].message
    assert "not-the-right-SECRET-token" not in json.dumps(result.as_dict())


# --- cache and offline ---------------------------------------------------------------------------------


def test_second_call_comes_from_the_cache(replay: Replay, tmp_path: Path) -> None:
    first = fetch("DK2", "2024-07-06T17:00", 12)
    second = fetch("DK2", "2024-07-06T17:00", 12)
    assert replay.count("/dataset") == 1
    assert not first.from_cache and second.from_cache
    assert second.value_g_per_kwh == first.value_g_per_kwh
    assert second.source_text == first.source_text
    files = list((tmp_path / "cache" / "grid").glob("*.json"))
    assert len(files) == 1
    data = json.loads(files[0].read_text())
    assert (data["provider"], data["zone"]) == ("energidataservice", "DK2")
    assert data["window"] == ["2024-07-06T17:00:00Z", "2024-07-07T05:00:00Z"]
    assert len(data["samples"]) == 144
    # another window is another key
    fetch("DK2", "2024-07-06T17:00", 11)
    assert replay.count("/dataset") == 2


def test_explicit_cache_dir_and_corrupt_file(replay: Replay, tmp_path: Path) -> None:
    folder = tmp_path / "elsewhere"
    fetch("DK2", "2024-07-06T17:00", 1, cache_dir=folder)
    (path,) = (folder / "grid").glob("*.json")
    path.write_text("{ not json")
    again = fetch("DK2", "2024-07-06T17:00", 1, cache_dir=folder)
    assert not again.from_cache and again.value_g_per_kwh == pytest.approx(80.0)
    assert replay.count("/dataset") == 2
    assert json.loads(path.read_text())["format"] == grid_cache.FORMAT


def test_offline_never_touches_the_network(replay: Replay) -> None:
    result = fetch("DK2", "2024-07-06T17:00", 12, offline=True)
    assert result.value_g_per_kwh is None
    assert codes(result) == ["FTD318"]
    assert result.findings[0].severity == findings_module.Severity.INFO
    assert replay.seen == []


def test_offline_uses_the_cache(replay: Replay) -> None:
    online = fetch("GB", "2024-01-10T12:00", 2)
    requests_so_far = len(replay.seen)
    offline = fetch("GB", "2024-01-10T12:00", 2, offline=True)
    assert len(replay.seen) == requests_so_far
    assert offline.from_cache and offline.value_g_per_kwh == online.value_g_per_kwh


def test_failures_are_not_cached(replay: Replay, tmp_path: Path) -> None:
    replay.fail["eds"] = ("500", 1)
    assert fetch("DK2", "2024-07-06T17:00", 1).value_g_per_kwh is None
    assert fetch("DK2", "2024-07-06T17:00", 1).value_g_per_kwh == pytest.approx(80.0)
    assert replay.count("/dataset") == 2


def test_default_cache_dir(tmp_path: Path) -> None:
    env = {"XDG_CACHE_HOME": str(tmp_path / "xdg")}
    if sys.platform not in ("win32", "darwin"):
        assert grid_cache.default_dir(env) == tmp_path / "xdg" / "ftdisclose"
    assert grid_cache.default_dir({"FTDISCLOSE_CACHE_DIR": str(tmp_path / "c")}) == tmp_path / "c"


# --- UK Carbon Intensity API --------------------------------------------------------------------------


def test_gb_national(replay: Replay) -> None:
    # 2 h from 12:00Z: four half hours with actuals 200, 220, 240, 260 -> 230; the extra period the API
    # puts before `from` (11:30-12:00, actual 999) lies outside the window and weighs nothing
    values = {
        utc("2024-01-10T11:30"): 999.0,
        utc("2024-01-10T12:00"): 200.0,
        utc("2024-01-10T12:30"): 220.0,
        utc("2024-01-10T13:00"): 240.0,
        utc("2024-01-10T13:30"): 260.0,
    }
    replay.uk_value = lambda t: (values.get(t, 999.0), 0.0)
    result = fetch("GB", "2024-01-10T12:00", 2)
    assert result.value_g_per_kwh == pytest.approx(230.0)
    assert result.records == 4 and result.findings == []
    assert replay.seen[0].path == "/intensity/2024-01-10T12:00Z/2024-01-10T14:00Z"
    assert result.source_text == (
        "UK Carbon Intensity API, GB, 2024-01-10T12:00Z..2024-01-10T14:00Z, 4 records, coverage 100%"
    )


def test_gb_null_actual_uses_the_forecast(replay: Replay) -> None:
    replay.uk_value = lambda t: (None, 100.0) if t == utc("2024-01-10T12:30") else (200.0, 0.0)
    result = fetch("GB", "2024-01-10T12:00", 1)
    assert result.value_g_per_kwh == pytest.approx(150.0)
    assert codes(result) == ["FTD319"]
    assert result.estimated_records == 1


def test_gb_region(replay: Replay) -> None:
    replay.uk_regional_value = lambda t: 40.0 if t.hour < 13 else 60.0
    result = fetch("GB-London", "2024-01-10T12:00", 2)
    assert result.value_g_per_kwh == pytest.approx(50.0)
    assert replay.seen[0].path == "/regional/intensity/2024-01-10T12:00Z/2024-01-10T14:00Z/regionid/13"
    assert result.zone == "GB-13"
    assert "GB-13 (London, regional forecast)" in result.source_text
    assert codes(result) == ["FTD319"]  # regional data is forecast only


def test_gb_long_window_is_split(replay: Replay) -> None:
    result = fetch("GB", "2024-01-01T00:00", 20 * 24)
    assert replay.count("/intensity/") == 2
    assert result.value_g_per_kwh == pytest.approx(200.0) and result.coverage == 1.0
    assert result.records == 20 * 48


def test_gb_error_shape(replay: Replay) -> None:
    replay.fail["uk"] = ("400", 1)
    result = fetch("GB", "2024-01-10T12:00", 1)
    assert codes(result) == ["FTD313"]


# --- Electricity Maps and WattTime -------------------------------------------------------------------


def test_electricity_maps(replay: Replay, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ELECTRICITYMAPS_TOKEN", EMAPS_TOKEN)
    replay.emaps_value = lambda t: 100.0 if t.hour < 12 else 300.0
    result = fetch("SE3", "2024-07-06T00:00", 24)
    assert result.value_g_per_kwh == pytest.approx(200.0)
    (request,) = replay.seen
    assert request.path == "/v3/carbon-intensity/past-range"
    assert request.query == {"zone": "SE-SE3", "start": "2024-07-06T00:00:00Z", "end": "2024-07-07T00:00:00Z"}
    assert request.headers["auth-token"] == EMAPS_TOKEN
    assert result.provider == "Electricity Maps" and result.basis == "lifecycle"


def test_electricity_maps_splits_at_240_hours(replay: Replay, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ELECTRICITYMAPS_TOKEN", EMAPS_TOKEN)
    result = fetch("DE", "2024-07-01T00:00", 12 * 24)
    assert replay.count("/v3/") == 2
    assert result.value_g_per_kwh == pytest.approx(300.0) and result.records == 12 * 24


def test_watttime(replay: Replay, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WATTTIME_USERNAME", WT_USER)
    monkeypatch.setenv("WATTTIME_PASSWORD", WT_PASSWORD)
    result = fetch("CAISO_NORTH", "2024-07-06T17:00", 2)
    # 1000 lbs/MWh = 453.59237 g/kWh, exactly
    assert result.value_g_per_kwh == pytest.approx(1000 * LB_PER_MWH_TO_G_PER_KWH, rel=1e-12)
    assert result.value_g_per_kwh == pytest.approx(453.59237, rel=1e-12)
    assert [s.path for s in replay.seen] == ["/login", "/v3/historical"]
    query = replay.seen[1].query
    assert query["region"] == "CAISO_NORTH" and query["signal_type"] == "co2_aoer"
    assert query["start"] == "2024-07-06T17:00+00:00" and query["end"] == "2024-07-06T19:00+00:00"
    assert result.records == 24  # the point at `end` (inclusive) starts outside the window
    assert result.provider == "WattTime co2_aoer"


def test_watttime_logs_in_again_after_401(replay: Replay, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WATTTIME_USERNAME", WT_USER)
    monkeypatch.setenv("WATTTIME_PASSWORD", WT_PASSWORD)
    monkeypatch.setenv("FTDISCLOSE_WATTTIME_SIGNAL_TYPE", "co2_moer")
    replay.wt_expire_once = True
    result = fetch("CAISO_NORTH", "2024-07-06T17:00", 1)
    assert result.value_g_per_kwh == pytest.approx(453.59237)
    assert replay.logins == 2
    assert replay.seen[-1].query["signal_type"] == "co2_moer"


def test_watttime_bad_login(replay: Replay, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WATTTIME_USERNAME", WT_USER)
    monkeypatch.setenv("WATTTIME_PASSWORD", "wrong-SECRET-password")
    result = fetch("CAISO_NORTH", "2024-07-06T17:00", 1)
    assert codes(result) == ["FTD313"]
    assert "wrong-SECRET-password" not in result.findings[0].message


def test_secrets_never_leave(
    replay: Replay,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("ELECTRICITYMAPS_TOKEN", EMAPS_TOKEN)
    results = [fetch("DE", "2024-07-06T17:00", 2)]  # success, cached
    replay.fail["emaps"] = ("500", 1)
    results.append(fetch("DE", "2024-07-06T18:00", 2))  # failure
    results.append(fetch("DE", "2024-07-06T17:00", 2))  # from the cache
    monkeypatch.delenv("ELECTRICITYMAPS_TOKEN")
    monkeypatch.setenv("WATTTIME_USERNAME", WT_USER)
    monkeypatch.setenv("WATTTIME_PASSWORD", WT_PASSWORD)
    results.append(fetch("CAISO_NORTH", "2024-07-06T17:00", 2))  # success, cached
    replay.fail["wt"] = ("404", 1)
    results.append(fetch("CAISO_NORTH", "2024-07-06T20:00", 2))  # failure
    assert [r.value_g_per_kwh is not None for r in results] == [True, False, True, True, False]
    assert results[2].from_cache
    texts = [json.dumps(r.as_dict()) + repr(r) for r in results]
    texts += [p.read_text() for p in (tmp_path / "cache").rglob("*") if p.is_file()]
    captured = capsys.readouterr()
    texts += [captured.out, captured.err, caplog.text]
    for secret in (EMAPS_TOKEN, WT_PASSWORD, WT_BEARER, base64.b64encode(f"{WT_USER}:{WT_PASSWORD}".encode()).decode()):
        assert not any(secret in text for text in texts), secret
    assert not any(EMAPS_TOKEN in s.path or EMAPS_TOKEN in json.dumps(s.query) for s in replay.seen)
    assert len(list((tmp_path / "cache").rglob("*.json"))) == 2
    provider = choose("DE", {"ELECTRICITYMAPS_TOKEN": EMAPS_TOKEN}).provider
    assert EMAPS_TOKEN not in repr(provider)
    wt = WattTime(WT_USER, WT_PASSWORD)
    assert WT_PASSWORD not in repr(wt)


# --- selection, averaging, rules --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "env", "provider", "asked"),
    [
        ("DK2", {}, EnergiDataService, "DK2"),
        ("dk-dk1", {}, EnergiDataService, "DK1"),
        ("DK", {}, EnergiDataService, "DK"),
        ("GB", {}, UkCarbonIntensity, "GB"),
        ("GB-13", {}, UkCarbonIntensity, "GB-13"),
        ("GB-North Scotland", {}, UkCarbonIntensity, "GB-1"),
        (
            "DE",
            {"ELECTRICITYMAPS_TOKEN": "t", "WATTTIME_USERNAME": "u", "WATTTIME_PASSWORD": "p"},
            ElectricityMaps,
            "DE",
        ),
        ("DK2", {"ELECTRICITYMAPS_TOKEN": "t"}, EnergiDataService, "DK2"),
        ("US-CA", {"WATTTIME_USERNAME": "u", "WATTTIME_PASSWORD": "p"}, WattTime, "US-CA"),
        ("DE", {"WATTTIME_USERNAME": "u"}, None, "DE"),
        ("FR", {}, None, "FR"),
    ],
)
def test_provider_choice(zone: str, env: dict[str, str], provider: type | None, asked: str) -> None:
    choice = choose(zone, env)
    if provider is None:
        assert choice.provider is None
    else:
        assert isinstance(choice.provider, provider)
    assert choice.zone == asked


def test_zone_from_cloud_region_and_country() -> None:
    from ftdisclose import factors

    regions = factors.load().regions
    assert zone_for(None, None, "eu-west-2", "aws", regions) == "GB"
    assert zone_for(None, "US", "europe-north2", regions=regions) == "SE3"
    assert zone_for(None, "US", "europe-north2") == "US"  # without the caller's tables, the country
    assert zone_for("", "dk", None) == "DK"
    assert zone_for("DK-DK2", "DK", "eu-west-2") == "DK2"


def test_time_weighted_average_overlaps_and_gaps() -> None:
    t0 = utc("2024-01-01T00:00")
    hour = dt.timedelta(hours=1)
    samples = [Sample(t0 - hour, t0 + hour, 10.0), Sample(t0 + 2 * hour, t0 + 3 * hour, 40.0)]
    avg = time_weighted(samples, t0, t0 + 4 * hour)
    assert avg.mean == pytest.approx(25.0)  # 1 h at 10 and 1 h at 40
    assert avg.coverage == pytest.approx(0.5)
    assert avg.filled(100.0) == pytest.approx(0.5 * 25 + 0.5 * 100)
    with pytest.raises(ValueError, match="positive"):
        time_weighted(samples, t0, t0)


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="time zone"):
        hourly_intensity("DK2", "DK", None, dt.datetime(2024, 7, 6, 17), 1, annual_g_per_kwh=1, offline=True)
    with pytest.raises(ValueError, match="positive"):
        hourly_intensity("DK2", "DK", None, utc("2024-07-06T17:00"), 0, annual_g_per_kwh=1, offline=True)


def test_grid_codes_are_catalogued() -> None:
    grid = {c: r for c, r in findings_module.CATALOGUE.items() if r.slug.startswith("grid-")}
    assert sorted(grid) == [f"FTD3{n}" for n in (*range(12, 20), 23, 24, 25)]
    for rule in grid.values():
        assert rule.title and rule.description and rule.hint


def test_user_session_is_used(replay: Replay) -> None:
    with requests.Session() as session:
        session.headers["X-Test"] = "1"
        result = fetch("DK2", "2024-07-06T17:00", 1, session=session)
    assert result.value_g_per_kwh == pytest.approx(80.0)
    assert replay.seen[0].headers["X-Test"] == "1"


@pytest.mark.parametrize(
    "body",
    [
        {"records": [1, 2]},
        {"records": [{"Minutes5UTC": "yesterday", "PriceArea": "DK2", "CO2Emission": 80}]},
        {"records": [{"Minutes5UTC": "2024-07-06T17:00:00", "PriceArea": "DK2", "CO2Emission": "eighty"}]},
        {"records": [{"PriceArea": "DK2", "CO2Emission": 80}]},
        [],
    ],
)
def test_odd_shapes_are_invalid_responses(replay: Replay, monkeypatch: pytest.MonkeyPatch, body: Any) -> None:
    monkeypatch.setattr(Handler, "answer_eds", lambda self, path, q: self.send(200, _json_bytes(body)))
    result = fetch("DK2", "2024-07-06T17:00", 1)
    assert result.value_g_per_kwh is None
    assert codes(result) == ["FTD314"]
