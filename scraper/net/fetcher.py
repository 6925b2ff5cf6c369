"""Polite, cached, bounded HTTP fetching (httpx + hishel + tenacity + robots.txt).

- Retries (tenacity): exponential backoff with jitter on connection errors, timeouts,
  429 and 5xx; `Retry-After` (seconds or HTTP-date) honoured when it is at most
  `retry_after_cap`, for the whole host, else the URL fails for this run; other 4xx are
  not retried.
- Politeness: robots.txt obeyed (Crawl-delay too); one request at a time per host
  (`host:port`), spaced by the host's delay; `concurrency` requests at once overall.
- Safety: http/https only, redirects followed by hand (each hop checked and capped, and
  kept to a `scope` of hosts when one is given), raw body and decompressed body capped
  while streaming, connect/read/total timeouts; no connection to a loopback, private or
  link-local address of a host nobody named (`scraper.net.guard`).
- Cache (hishel, RFC 9111 mode, SQLite): every request revalidates what is stored
  (If-None-Match / If-Modified-Since), so an unchanged page costs a 304; `offline`
  answers from the cache only.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import os
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timezone
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import hishel
import httpx
from hishel.httpx import AsyncCacheTransport
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    stop_after_attempt,
)
from tenacity.wait import wait_random_exponential

from ..config import FetchSettings
from ..errors import AddressBlocked, CacheError, FetchError, OffsiteError, RobotsBlocked, os_reason
from ..text.decode import charset_from_content_type
from .content import ContentDecoder
from .exchange import Exchange
from .guard import GuardedBackend, GuardedTransport
from .hosts import HostSet
from .robots import RobotsPolicy, robots_token

CACHE_FILE = "http-cache.sqlite"


def _check_cache(folder: Path, offline: bool) -> None:
    """CacheError, before any request, when the cache folder cannot be used: created and
    written, or (offline, which only reads) at least read."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if offline:
            os.listdir(folder)
            return
        probe = folder / f".probe-{os.getpid()}-{id(folder)}"
        probe.touch()
        probe.unlink()
    except OSError as err:
        raise CacheError(f"{folder}: cannot use as the HTTP cache: {os_reason(err)}") from err


@dataclass(frozen=True)
class FetchResult:
    """A fetched page: body decompressed, as the server (or the cache) gave it."""

    url: str                 # as asked
    final_url: str           # after redirects
    status: int
    content_type: str
    body: bytes
    from_cache: bool = False  # the body came from the cache (fresh, revalidated or offline)
    revalidated: bool = False  # the server answered 304

    @property
    def charset(self) -> str | None:
        """The charset of the Content-Type header, if any."""
        return charset_from_content_type(self.content_type)


def _exchange(url: str, response: httpx.Response, raw: bytes, caching: object) -> Exchange:
    cache = None
    if isinstance(caching, dict) and caching.get("from_cache"):
        cache = "revalidated" if caching.get("revalidated") else "cache"
    request = response.request
    return Exchange(
        url=url, request_url=str(response.url), method=request.method,
        request_headers=tuple(request.headers.raw), http_version=response.http_version,
        status=response.status_code, reason=response.reason_phrase,
        response_headers=tuple(response.headers.raw), body=raw,
        date=dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"), cache=cache)


class _Retryable(Exception):
    def __init__(self, reason: str, *, status: int | None = None, retry_after: float | None = None):
        super().__init__(reason)
        self.reason, self.status, self.retry_after = reason, status, retry_after


class _NotCached(Exception):
    """Offline mode: the cache has no answer for this request."""


@dataclass(frozen=True)
class _Redirect:
    location: str
    status: int


@dataclass
class _Host:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    robots_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    robots: RobotsPolicy | None = None
    next_ok: float = 0.0     # monotonic time before which no request may start
    delay: float | None = None


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After value (delta-seconds or an HTTP-date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():  # str.isdigit also takes "²", which float refuses
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)


class _OfflineTransport(httpx.AsyncBaseTransport):
    """Under the cache in offline mode: confirms what the cache holds, refuses the rest."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if "if-none-match" in request.headers or "if-modified-since" in request.headers:
            return httpx.Response(304, request=request)  # "unchanged": the cache answers
        raise _NotCached()


class Fetcher:
    """An async HTTP client with retries, politeness, caps and a cache; use `async with`.

    `delay_for(url)` may give a host's delay (e.g. from its rule file); it overrides
    `settings.delay`, and robots.txt's Crawl-delay can only lengthen it. `on_exchange`
    hears of every response whose body was read in full (robots.txt included; redirects
    and retried 429/5xx answers are not), with its request, for archiving.

    `named_hosts`: the hosts the user named (URLs they gave, their rules' domains and crawl
    URLs); only these may be at a loopback, private or link-local address, unless
    `settings.allow_private`. Any other host at such an address is refused before a
    connection is opened (AddressBlocked).
    """

    def __init__(self, settings: FetchSettings | None = None, *,
                 delay_for: Callable[[str], float | None] | None = None,
                 on_exchange: Callable[[Exchange], None] | None = None,
                 named_hosts: HostSet | None = None) -> None:
        self.settings = settings or FetchSettings()
        self._delay_for = delay_for
        self._on_exchange = on_exchange
        self._hosts: dict[str, _Host] = {}
        self._sem = asyncio.Semaphore(max(1, self.settings.concurrency))
        self._robots_token = robots_token(self.settings.user_agent)
        s = self.settings
        if s.cache_dir is not None:  # first: an unusable cache is the one error reported
            _check_cache(Path(s.cache_dir), s.offline)
        inner: httpx.AsyncBaseTransport
        if s.offline:
            inner = _OfflineTransport()
        else:
            guard = GuardedBackend(named_hosts or HostSet(), allow_private=s.allow_private,
                                   resolver=s.resolver)
            inner = GuardedTransport(guard, limits=httpx.Limits(
                max_connections=max(4, s.concurrency * 2), max_keepalive_connections=max(4, s.concurrency)))
        if s.cache_dir is not None:
            storage = hishel.AsyncSqliteStorage(database_path=Path(s.cache_dir) / CACHE_FILE)
            options = hishel.CacheOptions(shared=False, allow_stale=s.offline)
            transport: httpx.AsyncBaseTransport = AsyncCacheTransport(inner, storage=storage, rfc=options)
        else:
            transport = inner
        self._client = httpx.AsyncClient(
            transport=transport,
            follow_redirects=False,
            timeout=httpx.Timeout(s.read_timeout, connect=s.connect_timeout),
            headers={"User-Agent": s.user_agent, "Accept-Encoding": "gzip, deflate"},
        )

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close connections and the cache."""
        await self._client.aclose()

    def _host(self, url: str) -> _Host:
        key = urlsplit(url).netloc.lower()
        host = self._hosts.get(key)
        if host is None:
            host = self._hosts[key] = _Host()
            delay = self._delay_for(url) if self._delay_for else None
            host.delay = self.settings.delay if delay is None else delay
        return host

    async def fetch(self, url: str, *, scope: HostSet | None = None) -> FetchResult:
        """GET a URL, following redirects; FetchError (with a one-line reason) on any failure,
        the cache's own (a database that cannot be written) included. With a `scope`, a URL
        or redirect to a host outside it is not fetched (OffsiteError)."""
        try:
            return await self._fetch(url, scope)
        except FetchError:
            raise
        except (OSError, sqlite3.Error, RuntimeError, ValueError) as err:
            raise FetchError(url, f"fetch failed: {type(err).__name__}: {err}") from err

    async def _fetch(self, url: str, scope: HostSet | None) -> FetchResult:
        current = url
        for _ in range(self.settings.max_redirects + 1):
            parts = urlsplit(current)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise FetchError(url, f"not an http(s) URL: {current}")
            if scope is not None and not scope.covers_url(current):
                raise OffsiteError(url, current)
            where = "" if current == url else f"{current}: "
            try:
                if self.settings.respect_robots and not await self._allowed(current):
                    policy = self._host(current).robots
                    if policy is not None and policy.unavailable:
                        raise FetchError(url, where + policy.unavailable)
                    raise RobotsBlocked(url, where + "disallowed by robots.txt")
                answer = await self._get(url, current)
            except AddressBlocked as err:  # final: not retried, robots.txt's included
                raise AddressBlocked(url, where + err.reason, host=err.host,
                                     address=err.address) from None
            if isinstance(answer, _Redirect):
                current = urljoin(current, answer.location)
                continue
            if answer.status >= 400:
                raise FetchError(url, f"HTTP {answer.status}", status=answer.status)
            return answer
        raise FetchError(url, f"more than {self.settings.max_redirects} redirects")

    async def fetch_robots(self, url: str) -> RobotsPolicy:
        """The robots.txt policy of the URL's host (fetched once per Fetcher)."""
        host = self._host(url)
        async with host.robots_lock:
            if host.robots is None:
                host.robots = await self._load_robots(url)
                delay = host.robots.crawl_delay(self._robots_token)
                if delay is not None:
                    longer = max(host.delay or 0.0, min(delay, self.settings.max_crawl_delay))
                    host.next_ok += longer - (host.delay or 0.0)
                    host.delay = longer
        return host.robots

    async def _allowed(self, url: str) -> bool:
        policy = await self.fetch_robots(url)
        return policy.allowed(url, self._robots_token)

    async def _load_robots(self, url: str) -> RobotsPolicy:
        parts = urlsplit(url)
        current = f"{parts.scheme}://{parts.netloc}/robots.txt"
        for _ in range(self.settings.max_redirects + 1):
            try:
                answer = await self._get(current, current)
            except AddressBlocked:
                raise  # the page is refused too
            except FetchError as err:
                if self.settings.offline:
                    return RobotsPolicy.allow_all()  # no server is bothered offline
                return RobotsPolicy.blocked(f"robots.txt unavailable ({err.reason})")
            if isinstance(answer, _Redirect):
                current = urljoin(current, answer.location)
                if urlsplit(current).scheme not in ("http", "https"):
                    break
                continue
            if answer.status >= 500:  # not reached: 5xx are retried then raise
                return RobotsPolicy.blocked(f"robots.txt unavailable (HTTP {answer.status})")
            if answer.status >= 400:
                return RobotsPolicy.allow_all()
            return RobotsPolicy.parse(answer.body.decode("utf-8", "replace"))
        return RobotsPolicy.allow_all()

    async def _get(self, url: str, current: str) -> FetchResult | _Redirect:
        """One hop, retried on transient failures."""
        s = self.settings

        def wait(state: RetryCallState) -> float:
            exc = state.outcome.exception() if state.outcome else None
            if isinstance(exc, _Retryable) and exc.retry_after is not None:
                return exc.retry_after
            return wait_random_exponential(multiplier=s.backoff_base, max=s.backoff_max)(state)

        try:
            async for attempt in AsyncRetrying(stop=stop_after_attempt(max(1, s.max_attempts)),
                                               wait=wait, retry=retry_if_exception_type(_Retryable),
                                               reraise=True):
                with attempt:
                    return await self._attempt(url, current)
        except _Retryable as err:
            tries = max(1, s.max_attempts)
            raise FetchError(url, f"{err.reason} (after {tries} attempt{'s' * (tries > 1)})",
                             status=err.status) from None
        raise AssertionError("unreachable")  # pragma: no cover

    async def _attempt(self, url: str, current: str) -> FetchResult | _Redirect:
        s = self.settings
        host = self._host(current)
        headers = {} if s.offline else {"Cache-Control": "no-cache"}  # revalidate what is cached
        if s.offline:
            return await self._request(url, current, headers)
        async with host.lock:
            pause = host.next_ok - time.monotonic()
            if pause > 0:
                await asyncio.sleep(pause)
            async with self._sem:
                pause_for = host.delay or 0.0
                try:
                    return await self._request(url, current, headers)
                except _Retryable as err:
                    if err.retry_after is not None:  # the whole host asked for a pause
                        pause_for = max(err.retry_after, pause_for)
                    raise
                finally:
                    host.next_ok = time.monotonic() + pause_for

    async def _request(self, url: str, current: str, headers: dict[str, str]) -> FetchResult | _Redirect:
        s = self.settings
        try:
            async with asyncio.timeout(s.attempt_deadline):
                async with self._client.stream("GET", current, headers=headers) as response:
                    status = response.status_code
                    if status == 429 or status >= 500:
                        retry_after = parse_retry_after(response.headers.get("retry-after"))
                        if retry_after is not None and retry_after > s.retry_after_cap:
                            raise FetchError(url, f"HTTP {status}, Retry-After {retry_after:.0f}s "
                                                  f"is over the {s.retry_after_cap:.0f}s cap", status=status)
                        raise _Retryable(f"HTTP {status}", status=status, retry_after=retry_after)
                    if status == 304:  # the cache answers the 304s it asked for
                        raise FetchError(url, "HTTP 304 with nothing cached", status=status)
                    if 300 <= status < 400:
                        location = response.headers.get("location")
                        if not location:
                            raise FetchError(url, f"HTTP {status} without Location", status=status)
                        return _Redirect(location, status)
                    length = response.headers.get("content-length", "")
                    if length.isascii() and length.isdigit() and int(length) > s.max_bytes:
                        raise FetchError(url, f"body of {length} bytes is over the {s.max_bytes} byte cap")
                    decoder = ContentDecoder(url, response.headers.get("content-encoding", ""),
                                             s.decoded_limit)
                    received = 0
                    raw: list[bytes] | None = [] if self._on_exchange is not None else None
                    async for chunk in response.aiter_raw():
                        received += len(chunk)
                        if received > s.max_bytes:
                            raise FetchError(url, f"body over the {s.max_bytes} byte cap")
                        decoder.feed(chunk)
                        if raw is not None:
                            raw.append(chunk)
                    body = decoder.finish()
                    caching = response.extensions.get("caching")
                    if raw is not None and self._on_exchange is not None:
                        self._on_exchange(_exchange(url, response, b"".join(raw), caching))
                    return FetchResult(
                        url=url, final_url=str(response.url), status=status,
                        content_type=response.headers.get("content-type", ""), body=body,
                        from_cache=bool(caching and caching.get("from_cache")),
                        revalidated=bool(caching and caching.get("revalidated")))
        except _NotCached:
            raise FetchError(url, "not in the cache (offline)") from None
        except TimeoutError:
            raise _Retryable(f"no complete answer within {s.attempt_deadline:g}s") from None
        except httpx.TimeoutException as err:
            raise _Retryable(f"timeout ({type(err).__name__})") from None
        except httpx.TransportError as err:
            detail = str(err) or "the connection was closed or reset"
            raise _Retryable(f"connection failed ({type(err).__name__}: {detail})") from None
        except httpx.HTTPError as err:
            raise FetchError(url, f"{type(err).__name__}: {err}") from None
