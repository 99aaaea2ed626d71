"""HTTP for the grid providers: bounded in time, size and number, and credentials kept at home.

A grid-data service is a server on the network, and a server can be hostile or broken:
it can redirect elsewhere, drip one byte a second, send a gzip bomb, page forever or echo
the credentials it was sent. Every request here therefore has

- an overall deadline (``FTDISCLOSE_HTTP_TIMEOUT``, default 20 s) covering connect,
  headers and body: a watchdog shuts the socket down when it passes, so a slow drip
  cannot stretch a read time-out into hours; one fetch (all the requests of one run
  window) has its own deadline too (``FTDISCLOSE_HTTP_DEADLINE``, default 60 s);
- a cap on the answer's bytes on the wire and after decompression (gzip and deflate are
  decoded here, in bounded steps);
- a cap on the requests of one fetch (pages, chunks, retries and redirects together);
- redirects followed by hand: at most three, only to http(s), never from https down to
  http, and a hop that leaves the configured host carries no credential, no session
  header and no cookie;
- strict JSON (no NaN or Infinity tokens).

Everything that goes wrong is a ``GridError`` with the finding code to report; its message
holds no secret and no raw server text (``server_text`` makes it printable).
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import email.utils
import json
import math
import os
import re
import socket
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, quote_plus, urljoin, urlsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from ftdisclose._version import __version__
from ftdisclose.findings import Code
from ftdisclose.output.safe import terminal

USER_AGENT = f"ftdisclose/{__version__} (+https://ftdisclose.github.io/ftdisclose/)"
DEFAULT_TIMEOUT = 20.0  # seconds, per request, overall; FTDISCLOSE_HTTP_TIMEOUT overrides
DEFAULT_DEADLINE = 60.0  # seconds, per fetch (all requests of one window); FTDISCLOSE_HTTP_DEADLINE overrides
MAX_RETRY_AFTER = 3.0  # seconds: a 429/503 asking for a longer wait is not retried at all
MAX_REQUESTS = 48  # per fetch: pages, chunks, logins, retries and redirects together
MAX_WIRE_BYTES = 8 * 1024 * 1024  # one answer as sent
MAX_BODY_BYTES = 8 * 1024 * 1024  # one answer decompressed (the largest real answer is ~1.3 MB)
MAX_REDIRECTS = 3
_REDIRECTS = frozenset({301, 302, 303, 307, 308})

UNAVAILABLE, REJECTED, INVALID, NO_DATA, LIMIT = (
    Code.GRID_UNAVAILABLE,
    Code.GRID_REQUEST_REJECTED,
    Code.GRID_INVALID_RESPONSE,
    Code.GRID_NO_DATA,
    Code.GRID_FETCH_LIMIT,
)


class GridError(Exception):
    """A provider could not deliver: ``code`` is the FTD3xx finding; the message holds no secret."""

    def __init__(self, code: Code, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


def server_text(value: Any, limit: int = 120) -> str:
    """Text a server sent, fit to print: cut short, every control character made visible."""
    text = str(value)
    return terminal(text[:limit] + ("…" if len(text) > limit else ""))


# --- configuration ------------------------------------------------------------------------------


def _seconds(variable: str, default: float, env: Mapping[str, str] | None) -> float:
    text = (env if env is not None else os.environ).get(variable, "").strip()
    try:
        value = float(text) if text else default
    except ValueError:
        return default
    return value if math.isfinite(value) and value > 0 else default


def http_timeout(env: Mapping[str, str] | None = None) -> float:
    """Seconds one request may take, all told (FTDISCLOSE_HTTP_TIMEOUT)."""
    return _seconds("FTDISCLOSE_HTTP_TIMEOUT", DEFAULT_TIMEOUT, env)


def fetch_deadline(env: Mapping[str, str] | None = None) -> float:
    """Seconds one fetch (every request for one run window) may take (FTDISCLOSE_HTTP_DEADLINE)."""
    return _seconds("FTDISCLOSE_HTTP_DEADLINE", DEFAULT_DEADLINE, env)


def where(url: str) -> str:
    """host and path only: no query string, no user information."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return server_text(f"{host}{parts.path}", 200)


def origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme.lower(), (parts.hostname or "").lower(), port


def retry_after_seconds(value: str | None, now: dt.datetime | None = None) -> float | None:
    """Retry-After as seconds: either delta-seconds or an HTTP date."""
    if value is None or not value.strip() or len(value) > 64:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - (now or dt.datetime.now(dt.UTC))).total_seconds())


# --- secrets --------------------------------------------------------------------------------------


def secret_forms(values: Iterable[str], logins: Iterable[tuple[str, str]] = ()) -> list[str]:
    """Every form a secret can be echoed in: as is, URL-encoded, base64, and HTTP Basic of each login.

    Longest first, so that a form containing another is replaced whole.
    """
    forms: set[str] = set()
    for value in values:
        if value:
            forms.update({value, quote(value, safe=""), quote_plus(value), _b64(value)})
    for user, password in logins:
        if password:
            forms.update({_b64(f"{user}:{password}"), _b64(f"{user}:{password}").rstrip("=")})
    return sorted(forms, key=len, reverse=True)


def _b64(text: str) -> str:
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def scrub(text: str, forms: Iterable[str]) -> str:
    """``text`` with every form of every secret replaced by ***, URL escapes in either case."""
    for form in forms:
        flags = re.IGNORECASE if "%" in form else 0
        text = re.sub(re.escape(form), "***", text, flags=flags)
    return text


# --- a deadline that a drip cannot stretch ------------------------------------------------------------


class _Watch:
    """The sockets one request opened; shut down (waking any blocked read) when its deadline passes."""

    def __init__(self) -> None:
        self.sockets: list[socket.socket] = []
        self.fired = False
        self._lock = threading.Lock()

    def add(self, sock: socket.socket) -> socket.socket:
        with self._lock:
            self.sockets.append(sock)
            if self.fired:
                _shutdown(sock)
        return sock

    def fire(self) -> None:
        with self._lock:
            self.fired = True
            for sock in self.sockets:
                _shutdown(sock)


def _shutdown(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


def _watched_pools(watch: _Watch) -> dict[str, type[HTTPConnectionPool]]:
    """Connection pools whose connections report each socket they open to ``watch``."""

    class Http(HTTPConnection):
        def _new_conn(self) -> socket.socket:
            return watch.add(super()._new_conn())

    class Https(HTTPSConnection):
        def _new_conn(self) -> socket.socket:
            return watch.add(super()._new_conn())

    return {
        "http": type("WatchedPool", (HTTPConnectionPool,), {"ConnectionCls": Http}),
        "https": type("WatchedHttpsPool", (HTTPSConnectionPool,), {"ConnectionCls": Https}),
    }


class _Adapter(HTTPAdapter):
    """requests' adapter, with no retries of its own and every socket watched."""

    def __init__(self, watch: _Watch) -> None:
        self._watch = watch
        super().__init__(pool_connections=1, pool_maxsize=1, max_retries=0)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _watched_pools(self._watch)

    def proxy_manager_for(self, proxy: str, **kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **kwargs)
        manager.pool_classes_by_scheme = _watched_pools(self._watch)
        return manager


@contextlib.contextmanager
def _deadline(seconds: float) -> Iterator[tuple[_Adapter, _Watch]]:
    watch = _Watch()
    adapter = _Adapter(watch)
    timer = threading.Timer(seconds, watch.fire)
    timer.daemon = True
    timer.start()
    try:
        yield adapter, watch
    finally:
        timer.cancel()
        adapter.close()


# --- the client -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Answer:
    status: int
    body: bytes = b""
    location: str | None = None  # a redirect's target
    retry_after: str | None = None  # a 429 or 503 answer's Retry-After


@dataclass
class Http:
    """GET with the limits above, the User-Agent, one bounded retry on 429/503, and safe errors.

    ``begin()`` starts a fetch: its deadline and its count of requests.
    """

    title: str
    timeout: float = DEFAULT_TIMEOUT
    max_retry_after: float = MAX_RETRY_AFTER
    sleep: Callable[[float], None] = time.sleep
    deadline_seconds: float = DEFAULT_DEADLINE
    max_requests: int = MAX_REQUESTS
    _ends: float = field(default=math.inf, repr=False)
    _left: int = field(default=MAX_REQUESTS, repr=False)

    def begin(self) -> None:
        self._ends = time.monotonic() + self.deadline_seconds
        self._left = self.max_requests

    def remaining(self) -> float:
        return self._ends - time.monotonic()

    def _take(self, url: str) -> float:
        """Count one request; the seconds it may take."""
        if self._left <= 0:
            raise GridError(LIMIT, f"{self.title}: more than {self.max_requests} requests for one window; stopped")
        self._left -= 1
        budget = min(self.timeout, self.remaining())
        if budget <= 0:
            raise GridError(
                UNAVAILABLE, f"{self.title}: no complete answer within {self.deadline_seconds:g} s from {where(url)}"
            )
        return budget

    def get_json(
        self,
        session: requests.Session,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        auth: tuple[str, str] | None = None,
    ) -> Any:
        body = self.get(session, url, params=params, headers=headers, auth=auth)
        try:
            return json.loads(body.decode("utf-8"), parse_constant=_no_constant)
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise GridError(INVALID, f"{self.title}: the answer from {where(url)} is not strict JSON") from None

    def get(
        self,
        session: requests.Session,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        auth: tuple[str, str] | None = None,
    ) -> bytes:
        """The body of a successful answer (redirects followed as the module says); GridError otherwise."""
        all_headers = {
            "User-Agent": USER_AGENT,
            "Accept": "application/json",
            "Accept-Encoding": "gzip, deflate",
            **(headers or {}),
        }
        request = requests.Request("GET", url, params=params, headers=all_headers, auth=auth)
        for attempt in (1, 2):
            answer = self._follow(session, session.prepare_request(request), url)
            if answer.status not in (429, 503):
                return answer.body
            wait = retry_after_seconds(answer.retry_after)
            if attempt == 1 and wait is not None and wait <= min(self.max_retry_after, self.remaining()):
                self.sleep(wait)
                continue
            said = f"; Retry-After {wait:g} s" if wait is not None else ""
            reason = "rate limit" if answer.status == 429 else "service unavailable"
            raise GridError(
                UNAVAILABLE,
                f"{self.title}: HTTP {answer.status} ({reason}) from {where(url)}{said}"
                + ("; gave up after one retry" if attempt == 2 else ""),
                status=answer.status,
            )
        raise AssertionError("unreachable")  # pragma: no cover

    def _follow(self, session: requests.Session, prepared: requests.PreparedRequest, url: str) -> _Answer:
        """Send, following redirects as the module says; a 200 answer's body, or a 429/503 answer."""
        home = origin(url)
        for _ in range(MAX_REDIRECTS + 1):
            answer = self._once(session, prepared)
            if answer.location is None:
                return answer
            assert prepared.url is not None
            target = urljoin(prepared.url, answer.location)
            scheme = urlsplit(target).scheme.lower()
            if scheme not in ("http", "https") or (origin(prepared.url)[0] == "https" and scheme == "http"):
                what = server_text(scheme or "bad", 20)
                raise GridError(UNAVAILABLE, f"{self.title}: {where(url)} redirects to a {what} URL; not followed")
            if origin(target) == home:
                prepared = prepared.copy()
                prepared.prepare_url(target, None)
            else:  # leaving the configured host: no credential, session header or cookie goes along
                bare = {"User-Agent": USER_AGENT, "Accept": "application/json", "Accept-Encoding": "gzip, deflate"}
                prepared = requests.Request("GET", target, headers=bare).prepare()
        raise GridError(UNAVAILABLE, f"{self.title}: more than {MAX_REDIRECTS} redirects from {where(url)}")

    def _once(self, session: requests.Session, prepared: requests.PreparedRequest) -> _Answer:
        """One request, within its deadline."""
        assert prepared.url is not None
        url = prepared.url
        budget = self._take(url)
        settings = session.merge_environment_settings(url, {}, True, None, None)
        with _deadline(budget) as (adapter, watch):
            try:
                response = adapter.send(
                    prepared,
                    stream=True,
                    timeout=(budget, budget),
                    verify=settings["verify"] if settings["verify"] is not None else True,
                    cert=settings["cert"],
                    proxies=settings["proxies"],
                )
                with contextlib.closing(response):
                    answer = self._answer(response, url)
            except (requests.RequestException, urllib3.exceptions.HTTPError, OSError, zlib.error) as exc:
                raise self._failure(exc, url, budget, fired=watch.fired) from None
            except GridError:
                if watch.fired:  # a cut-off answer can look like a short or broken one: say what happened
                    raise self._failure(TimeoutError(), url, budget, fired=True) from None
                raise
            if watch.fired:
                raise self._failure(TimeoutError(), url, budget, fired=True)
            return answer

    def _failure(self, exc: BaseException, url: str, budget: float, *, fired: bool) -> GridError:
        timeout = (requests.Timeout, urllib3.exceptions.TimeoutError, TimeoutError)
        if fired or isinstance(exc, timeout):
            return GridError(UNAVAILABLE, f"{self.title}: no answer within {budget:g} s from {where(url)}")
        if isinstance(exc, requests.ConnectionError | urllib3.exceptions.NewConnectionError):
            return GridError(UNAVAILABLE, f"{self.title}: cannot connect to {where(url)} ({type(exc).__name__})")
        return GridError(UNAVAILABLE, f"{self.title}: the answer from {where(url)} broke off ({type(exc).__name__})")

    def _answer(self, response: requests.Response, url: str) -> _Answer:
        status = response.status_code
        if status in _REDIRECTS and response.headers.get("Location"):
            return _Answer(status, location=response.headers["Location"])
        if status in (429, 503):
            return _Answer(status, retry_after=response.headers.get("Retry-After"))
        if status >= 500:
            raise GridError(UNAVAILABLE, f"{self.title}: HTTP {status} from {where(url)}", status=status)
        if status >= 400:
            raise GridError(REJECTED, f"{self.title}: HTTP {status} from {where(url)}{_explain(status)}", status=status)
        if status != 200:
            raise GridError(INVALID, f"{self.title}: HTTP {status} from {where(url)}", status=status)
        return _Answer(status, body=self._body(response, url))

    def _body(self, response: requests.Response, url: str) -> bytes:
        """The body, decompressed in bounded steps; GridError past the caps."""
        encoding = (response.headers.get("Content-Encoding") or "identity").strip().lower()
        if encoding not in ("identity", "gzip", "x-gzip", "deflate"):
            raise GridError(INVALID, f"{self.title}: the answer from {where(url)} uses an unknown content encoding")
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > MAX_WIRE_BYTES:
            raise self._too_large(url, MAX_WIRE_BYTES, "")
        decoder = zlib.decompressobj(zlib.MAX_WBITS | 32) if encoding != "identity" else None
        body = bytearray()
        wire = 0
        for chunk in response.raw.stream(64 * 1024, decode_content=False):
            wire += len(chunk)
            if wire > MAX_WIRE_BYTES:
                raise self._too_large(url, MAX_WIRE_BYTES, "")
            body += decoder.decompress(chunk, MAX_BODY_BYTES + 1 - len(body)) if decoder else chunk
            if len(body) > MAX_BODY_BYTES:
                raise self._too_large(url, MAX_BODY_BYTES, " decompressed")
        return bytes(body)

    def _too_large(self, url: str, limit: int, how: str) -> GridError:
        return GridError(
            LIMIT, f"{self.title}: the answer from {where(url)} is larger than {limit >> 20} MB{how}; not read"
        )


def _no_constant(name: str) -> float:
    raise ValueError(f"{name} is not JSON")


def _explain(status: int) -> str:
    return {
        400: " (bad request: zone or time range not accepted)",
        401: " (not authorised: check the credentials)",
        403: " (forbidden: the account may not include this data)",
        404: " (not found: unknown zone or endpoint)",
    }.get(status, "")
