"""Hostile grid-data servers on 127.0.0.1, for every provider: nothing leaks, nothing waits forever.

Each server here misbehaves on purpose: it redirects to another host (127.0.0.2, a second
loopback address) hoping the credentials follow, drips one byte at a time, sends a gzip bomb
or a 100 MB body, pages forever, answers negative, NaN or huge intensities, or echoes the
credentials (raw, URL-encoded, base64) in its error message. Every test bounds the time it
waits and checks the finding, the absence of secrets, and that nothing bad was cached.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import ipaddress
import json
import socket
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from ftdisclose.integrations.grid import GridResult, hourly_intensity
from ftdisclose.integrations.grid.http import MAX_BODY_BYTES, scrub, secret_forms

from .conftest import EXAMPLES, run_cli
from .servers import loopback

UTC = dt.UTC
TOKEN = "emaps-SECRET-token-5d1c"
USER, PASSWORD = "wt-user", "wt-SECRET/pw+=&?"  # characters that URL-encoding and base64 change
BEARER = "wt-bearer-SECRET-99aa"
BASIC = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
START = dt.datetime(2024, 7, 6, 17, 0, tzinfo=UTC)
PROVIDERS = {"eds": "DK2", "uk": "GB", "emaps": "DE", "watttime": "CAISO_NORTH"}
URL_VARIABLES = {
    "eds": "FTDISCLOSE_ENERGIDATASERVICE_URL",
    "uk": "FTDISCLOSE_UK_CARBON_INTENSITY_URL",
    "emaps": "FTDISCLOSE_ELECTRICITYMAPS_URL",
    "watttime": "FTDISCLOSE_WATTTIME_URL",
}
SECRETS = (TOKEN, PASSWORD, BEARER, BASIC, quote(PASSWORD, safe=""), quote(TOKEN, safe=""))


@dataclass
class Server:
    """One hostile server: what it does with each request, and what it was sent."""

    url: str = ""
    behaviour: Callable[[Handler], None] = lambda handler: handler.reply(404, b"{}")
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def headers_seen(self) -> str:
        return json.dumps(self.requests)


class Handler(BaseHTTPRequestHandler):
    state: Server  # set on the subclass each server gets

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass

    def do_GET(self) -> None:
        self.state.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
        with contextlib.suppress(OSError):  # the client gave up, as it should
            self.state.behaviour(self)

    def reply(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        merged = {"Content-Type": "application/json", "Content-Length": str(len(body)), **(headers or {})}
        for name, value in merged.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


@contextlib.contextmanager
def serving(host: str = "127.0.0.1") -> Iterator[Server]:
    state = Server()
    with loopback(type("Bound", (Handler,), {"state": state}), host) as url:
        state.url = url
        yield state


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No connection leaves the loopback network; credentials and URLs only from the test."""
    real_connect = socket.socket.connect

    def connect(self: socket.socket, address: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6) and not ipaddress.ip_address(address[0]).is_loopback:
            raise AssertionError(f"network access to {address!r} in a test")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,127.0.0.2,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,127.0.0.2,localhost")
    monkeypatch.setenv("ELECTRICITYMAPS_TOKEN", TOKEN)
    monkeypatch.setenv("WATTTIME_USERNAME", USER)
    monkeypatch.setenv("WATTTIME_PASSWORD", PASSWORD)
    monkeypatch.setenv("FTDISCLOSE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("FTDISCLOSE_HTTP_TIMEOUT", "1")
    monkeypatch.setenv("FTDISCLOSE_HTTP_DEADLINE", "3")
    for variable in URL_VARIABLES.values():
        monkeypatch.delenv(variable, raising=False)


@pytest.fixture
def hostile(monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    with serving() as state:
        for variable in URL_VARIABLES.values():
            monkeypatch.setenv(variable, state.url)
        yield state


def fetch(provider: str, hours: float = 1.0, start: dt.datetime = START) -> tuple[GridResult, float]:
    began = time.monotonic()
    result = hourly_intensity(PROVIDERS[provider], None, None, start, hours, annual_g_per_kwh=120.0, offline=False)
    return result, time.monotonic() - began


def codes(result: GridResult) -> list[str]:
    return [f.code for f in result.findings]


def text_of(result: GridResult) -> str:
    return json.dumps(result.as_dict()) + repr(result)


# --- honest answers, with a value token spliced in as raw JSON ------------------------------------


def _slots(step_minutes: int) -> list[dt.datetime]:
    return [START + dt.timedelta(minutes=step_minutes * i) for i in range(60 // step_minutes)]


def body_for(handler: Handler, value: str = "100") -> bytes | None:
    """The provider's answer for the one-hour window, each value written as ``value``."""
    path = handler.path
    if path.startswith("/dataset/CO2Emis"):
        records = [
            f'{{"Minutes5UTC": "{t:%Y-%m-%dT%H:%M:%S}", "PriceArea": "DK2", "CO2Emission": {value}}}' for t in _slots(5)
        ]
        return f'{{"total": {len(records)}, "records": [{", ".join(records)}]}}'.encode()
    if path.startswith("/intensity/"):
        periods = [
            f'{{"from": "{t:%Y-%m-%dT%H:%MZ}", "to": "{t + dt.timedelta(minutes=30):%Y-%m-%dT%H:%MZ}", '
            f'"intensity": {{"forecast": {value}, "actual": {value}}}}}'
            for t in _slots(30)
        ]
        return f'{{"data": [{", ".join(periods)}]}}'.encode()
    if path.startswith("/v3/carbon-intensity/past-range"):
        points = [f'{{"datetime": "{START:%Y-%m-%dT%H:%M:%S}.000Z", "carbonIntensity": {value}}}']
        return f'{{"data": [{", ".join(points)}], "temporalGranularity": "hourly"}}'.encode()
    if path.startswith("/login"):
        return json.dumps({"token": BEARER}).encode()
    if path.startswith("/v3/historical"):
        points = [f'{{"point_time": "{t.isoformat()}", "value": {value}}}' for t in _slots(5)]
        meta = '{"data_point_period_seconds": 300, "units": "g_co2_per_kwh"}'
        return f'{{"data": [{", ".join(points)}], "meta": {meta}}}'.encode()
    return None


def honest(value: str = "100") -> Callable[[Handler], None]:
    def behave(handler: Handler) -> None:
        body = body_for(handler, value)
        handler.reply(200 if body is not None else 404, body or b"{}")

    return behave


def test_the_honest_server_gives_a_value_for_every_provider(hostile: Server) -> None:
    hostile.behaviour = honest()
    for provider in PROVIDERS:
        result, _ = fetch(provider)
        assert result.value_g_per_kwh == pytest.approx(100.0), (provider, result.findings)


# --- redirects ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
def test_a_redirect_to_another_host_carries_no_credential(hostile: Server, provider: str) -> None:
    with serving("127.0.0.2") as elsewhere:
        elsewhere.behaviour = honest()

        def redirect(handler: Handler) -> None:
            if handler.path.startswith("/login"):  # WattTime's login is answered at home
                handler.reply(200, json.dumps({"token": BEARER}).encode())
                return
            handler.reply(302, b"", {"Location": elsewhere.url + handler.path, "Set-Cookie": f"s={TOKEN}"})

        hostile.behaviour = redirect
        result, took = fetch(provider)
        assert took < 5
        seen = elsewhere.headers_seen()
        assert elsewhere.requests, "the redirect was followed (without credentials)"
        for secret in SECRETS:
            assert secret not in seen, secret
        assert "authorization" not in seen and "auth-token" not in seen and "cookie" not in seen
        assert not any(secret in text_of(result) for secret in SECRETS)
        if provider in ("eds", "uk"):  # public data: the other host's answer is as good as any
            assert result.value_g_per_kwh == pytest.approx(100.0)


def test_a_redirect_on_the_same_host_keeps_the_credentials(hostile: Server) -> None:
    def redirect(handler: Handler) -> None:
        if handler.path.startswith("/moved"):
            handler.path = handler.path.removeprefix("/moved")
            if handler.headers.get("auth-token") != TOKEN:
                handler.reply(401, b"{}")
                return
            honest()(handler)
        else:
            handler.reply(307, b"", {"Location": "/moved" + handler.path})

    hostile.behaviour = redirect
    result, _ = fetch("emaps")
    assert result.value_g_per_kwh == pytest.approx(100.0), result.findings


@pytest.mark.parametrize(
    ("location", "message"),
    [("file:///etc/passwd", "redirects to a file URL"), ("/loop", "more than 3 redirects")],
)
def test_bad_redirects_are_not_followed(hostile: Server, location: str, message: str) -> None:
    hostile.behaviour = lambda handler: handler.reply(302, b"", {"Location": location})
    result, took = fetch("eds")
    assert took < 3
    assert codes(result) == ["FTD312"] and message in result.findings[0].message
    assert len(hostile.requests) <= 4


# --- drips, bombs and endless answers ----------------------------------------------------------------------


def _drip(handler: Handler, head: bytes) -> None:
    for byte in head:
        handler.wfile.write(bytes([byte]))
        handler.wfile.flush()
        time.sleep(0.05)
    while True:
        handler.wfile.write(b" ")
        handler.wfile.flush()
        time.sleep(0.05)


EVERY_PROVIDER_SLOW = [
    pytest.param(p, marks=[] if p == "eds" else [pytest.mark.slow], id=p) for p in sorted(PROVIDERS)
]  # one provider in the quick run, all four in the slow one


@pytest.mark.parametrize("provider", EVERY_PROVIDER_SLOW)
@pytest.mark.parametrize("where", ["body", "headers"])
def test_a_drip_is_cut_at_the_request_deadline(hostile: Server, provider: str, where: str) -> None:
    if where == "body":
        hostile.behaviour = lambda h: _drip(h, b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n[")
    else:  # an endless stream of header lines, each arriving within the read time-out
        hostile.behaviour = lambda h: _drip(h, b"HTTP/1.1 200 OK\r\nX-A: ")
    result, took = fetch(provider)
    assert took < 2.5  # FTDISCLOSE_HTTP_TIMEOUT=1: the deadline holds whatever the read time-out
    assert result.value_g_per_kwh is None
    assert codes(result) == ["FTD312"] and "no answer within 1 s" in result.findings[0].message


@pytest.mark.slow
def test_slow_pages_are_cut_at_the_fetch_deadline(hostile: Server) -> None:
    def slow_endless_pages(handler: Handler) -> None:
        time.sleep(0.5)
        offset = int(handler.path.split("offset=")[1].split("&")[0]) if "offset=" in handler.path else 0
        t = START + dt.timedelta(minutes=5 * (offset % 12))
        record = {"Minutes5UTC": f"{t:%Y-%m-%dT%H:%M:%S}", "PriceArea": "DK2", "CO2Emission": 80 + offset}
        handler.reply(200, json.dumps({"total": 10**9, "records": [record]}).encode())

    hostile.behaviour = slow_endless_pages
    result, took = fetch("eds")
    assert took < 4.5  # FTDISCLOSE_HTTP_DEADLINE=3
    assert result.value_g_per_kwh is None
    assert codes(result) in (["FTD312"], ["FTD324"])


def test_endless_pagination_stops_at_the_request_limit(hostile: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FTDISCLOSE_HTTP_DEADLINE", "30")

    def one_new_record_a_page(handler: Handler) -> None:
        offset = int(handler.path.split("offset=")[1].split("&")[0])
        moment = START + dt.timedelta(minutes=5 * offset)  # always a new time inside the window
        record = {"Minutes5UTC": f"{moment:%Y-%m-%dT%H:%M:%S}", "PriceArea": "DK2", "CO2Emission": 80.0}
        handler.reply(200, json.dumps({"total": 10**12, "records": [record]}).encode())

    hostile.behaviour = one_new_record_a_page
    result, took = fetch("eds", hours=90 * 24)
    assert took < 10
    assert codes(result) == ["FTD324"] and "more than 48 requests" in result.findings[0].message
    assert len(hostile.requests) == 48


def _bomb(size: int) -> bytes:
    """A gzip member of ``size`` spaces inside a JSON list (level 1: quick to make, still ~200:1)."""
    packer = zlib.compressobj(1, zlib.DEFLATED, 31)
    chunk = b" " * (1 << 20)
    parts = [packer.compress(b"[")]
    parts += [packer.compress(chunk) for _ in range(size >> 20)]
    return b"".join([*parts, packer.compress(b"]"), packer.flush()])


@pytest.fixture(scope="module")
def gigabyte_bomb() -> bytes:
    return _bomb(1 << 30)


def _bomb_server(hostile: Server, bomb: bytes) -> None:
    def behave(handler: Handler) -> None:
        if handler.path.startswith("/login"):
            honest()(handler)
            return
        handler.reply(200, bomb, {"Content-Encoding": "gzip"})

    hostile.behaviour = behave


def _fetch_measured(provider: str) -> tuple[GridResult, float, int]:
    tracemalloc.start()
    try:
        result, took = fetch(provider)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return result, took, peak


def test_a_gzip_bomb_is_cut_in_bounded_memory(hostile: Server) -> None:
    bomb = _bomb(64 << 20)  # 64 MiB in ~300 KB: eight times the cap
    _bomb_server(hostile, bomb)
    result, took, peak = _fetch_measured("eds")
    assert took < 2
    assert peak < 4 * MAX_BODY_BYTES
    assert codes(result) == ["FTD324"] and "decompressed" in result.findings[0].message


@pytest.mark.slow
@pytest.mark.parametrize("provider", sorted(PROVIDERS))
def test_a_gigabyte_gzip_bomb_is_cut_in_bounded_memory(hostile: Server, gigabyte_bomb: bytes, provider: str) -> None:
    assert len(gigabyte_bomb) < 8 << 20  # under the wire cap: only the decompressed cap stops it
    _bomb_server(hostile, gigabyte_bomb)
    result, took, peak = _fetch_measured(provider)
    assert took < 5
    assert peak < 4 * MAX_BODY_BYTES  # 8 MB decoded at most, never the gigabyte
    assert codes(result) == ["FTD324"] and "decompressed" in result.findings[0].message


@pytest.mark.parametrize("declared", [True, False])
def test_a_100_mb_body_is_not_read(hostile: Server, declared: bool) -> None:
    def behave(handler: Handler) -> None:
        handler.send_response(200)
        if declared:
            handler.send_header("Content-Length", str(100 << 20))
        handler.end_headers()
        chunk = b" " * (1 << 20)
        for _ in range(100):
            handler.wfile.write(chunk)

    hostile.behaviour = behave
    result, took = fetch("uk")
    assert took < 5
    assert codes(result) == ["FTD324"] and "larger than 8 MB" in result.findings[0].message


def test_a_hundred_year_window_makes_no_request(hostile: Server) -> None:
    hostile.behaviour = honest()
    for provider in PROVIDERS:
        result, took = fetch(provider, hours=100 * 8760)
        assert took < 1
        assert codes(result) == ["FTD323"] and "longer than 92 days" in result.findings[0].message
    assert hostile.requests == []


@pytest.mark.parametrize("start", [dt.datetime(9999, 12, 31, 23, tzinfo=UTC), dt.datetime(1, 1, 1, tzinfo=UTC)])
def test_a_window_at_the_edge_of_the_calendar_is_not_fetched(hostile: Server, start: dt.datetime) -> None:
    result, _ = fetch("eds", start=start)
    assert codes(result) == ["FTD323"] and "outside 1970-2100" in result.findings[0].message
    assert hostile.requests == []


# --- values ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
@pytest.mark.parametrize(
    ("value", "code"),
    [("-500", "FTD325"), ("1e308", "FTD325"), ("9" * 400, "FTD325"), ("NaN", "FTD314"), ("Infinity", "FTD314")],
)
def test_implausible_values_are_neither_used_nor_cached(
    hostile: Server, tmp_path: Path, provider: str, value: str, code: str
) -> None:
    hostile.behaviour = honest(value)
    result, _ = fetch(provider)
    assert result.value_g_per_kwh is None
    assert codes(result) == [code]
    assert not list((tmp_path / "cache").rglob("*.json"))


def test_pin_writes_nothing_when_the_service_answers_negative_values(hostile: Server, tmp_path: Path) -> None:
    hostile.behaviour = honest("-500")
    disclosure = tmp_path / "run.yaml"
    disclosure.write_text(
        'spec_version: "1.0"\nmodel: {name: x}\ninfrastructure:\n  location: {country: "DK", grid_zone: DK2}\n'
        "  cluster:\n    gpu: {model: NVIDIA A100 80GB, count: 1}\n"
        "operational:\n  start: 2024-07-06T17:00:00Z\n  duration: 1 h\n"
    )
    before = disclosure.read_bytes()
    ran = run_cli("pin", str(disclosure), env={"FTDISCLOSE_ENERGIDATASERVICE_URL": hostile.url})
    assert ran.returncode == 1
    assert "FTD325" in ran.stderr
    assert disclosure.read_bytes() == before


def test_a_poisoned_cache_is_ignored(hostile: Server, tmp_path: Path) -> None:
    from ftdisclose.integrations.grid import cache

    hostile.behaviour = honest("100")
    for poison in ("NaN", "-500", "1e308"):
        end = START + dt.timedelta(hours=1)
        path = cache.path_for(tmp_path / "cache", "energidataservice", "DK2", START, end)
        path.parent.mkdir(parents=True, exist_ok=True)
        window = [f"{START:%Y-%m-%dT%H:%M:%SZ}", f"{end:%Y-%m-%dT%H:%M:%SZ}"]
        path.write_text(
            f'{{"format": 1, "provider": "energidataservice", "zone": "DK2", "window": {json.dumps(window)}, '
            f'"samples": [["{window[0]}", "{window[1]}", {poison}, false]]}}'
        )
        result, _ = fetch("eds")
        assert result.value_g_per_kwh == pytest.approx(100.0) and not result.from_cache, poison


# --- server text and echoed secrets ----------------------------------------------------------------------------


@pytest.mark.parametrize("password", [PASSWORD, "pw"])  # a short secret is scrubbed too
def test_echoed_secrets_are_scrubbed_in_every_form(
    hostile: Server, monkeypatch: pytest.MonkeyPatch, password: str
) -> None:
    monkeypatch.setenv("WATTTIME_PASSWORD", password)
    basic = base64.b64encode(f"{USER}:{password}".encode()).decode()
    forms = [TOKEN, password, quote(password, safe=""), quote(password, safe="").lower(), basic, quote(TOKEN)]
    message = "denied for " + " / ".join(forms) + " \x1b[2J\n::error file=README.md::owned"
    body = json.dumps({"error": {"code": "401", "message": message}}).encode()
    hostile.behaviour = lambda handler: handler.reply(200, body)
    result, _ = fetch("uk")
    assert codes(result) == ["FTD313"]
    text = result.findings[0].message
    for form in forms:
        assert form not in text, form
    assert "\x1b" not in text and "\n" not in text
    assert "***" in text


def test_secret_forms_cover_basic_and_url_encoding() -> None:
    forms = secret_forms([PASSWORD], [(USER, PASSWORD)])
    assert BASIC in forms and quote(PASSWORD, safe="") in forms
    assert scrub(f"x {BASIC} {quote(PASSWORD, safe='').lower()} y", forms) == "x *** *** y"


def test_compute_with_a_hostile_server_exits_cleanly(hostile: Server, tmp_path: Path) -> None:
    hostile.behaviour = honest("NaN")
    disclosure = tmp_path / "run.yaml"
    source = (EXAMPLES / "munin-7b-lora.yaml").read_text()
    source = source.replace("  carbon_intensity: 82.5 g/kWh\n", "  start: 2024-07-06T17:00:00Z\n")
    source = source.replace('country: "DK"', 'country: "DK"\n    grid_zone: DK2')
    disclosure.write_text(source)
    ran = run_cli(
        "compute",
        "--grid-data",
        "hourly",
        "--format",
        "json",
        str(disclosure),
        env={"FTDISCLOSE_ENERGIDATASERVICE_URL": hostile.url},
    )
    assert ran.returncode in (0, 1), ran.stderr
    document = json.loads(ran.stdout, parse_constant=lambda name: pytest.fail(f"{name} in JSON output"))
    assert "FTD314" in [f["code"] for f in document["findings"]]
