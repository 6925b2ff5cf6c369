"""Polite, cached, bounded HTTP fetching (httpx + hishel + tenacity + robots.txt).

- Retries (tenacity): exponential backoff with jitter on connection errors, timeouts,
  429 and 5xx; `Retry-After` (seconds or HTTP-date) honoured when it is at most
  `retry_after_cap`, for the whole host, else the URL fails for this run; other 4xx are
  not retried.
- Politeness: robots.txt obeyed (Crawl-delay too); one request at a time per host
  (`host:port`), spaced by the host's delay; `concurrency` requests at once overall.
- Safety: http/https only, redirects followed by hand (each hop checked and capped),
  raw body and decompressed body capped while streaming, connect/read/total timeouts.
- Cache (hishel, RFC 9111 mode, SQLite): every request revalidates what is stored
  (If-None-Match / If-Modified-Since), so an unchanged page costs a 304; `offline`
  answers from the cache only.
"""

from __future__ import annotations

import asyncio
import email.utils
import importlib.metadata
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import hishel
import httpx
from hishel.httpx import AsyncCacheTransport
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type, stop_after_attempt
from tenacity.wait import wait_random_exponential

from .decode import charset_from_content_type
from .errors import FetchError
from .robots import RobotsPolicy, robots_token


def _version() -> str:
    try:
        return importlib.metadata.version("scraper")
    except importlib.metadata.PackageNotFoundError:
        return "0"


DEFAULT_USER_AGENT = f"scraper/{_version()} (news article crawler; robots.txt obeyed)"


@dataclass(frozen=True)
class FetchSettings:
    """How pages are fetched; every limit is per URL."""

    user_agent: str = DEFAULT_USER_AGENT
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0          # one attempt, headers to last byte
    max_attempts: int = 4
    backoff_base: float = 1.0            # first backoff ~ this, doubling, with full jitter
    backoff_max: float = 30.0
    retry_after_cap: float = 120.0       # longer Retry-After: give up for this run
    max_redirects: int = 5
    max_bytes: int = 5 * 1024 * 1024     # body as sent (compressed)
    max_decoded_bytes: int = 20 * 1024 * 1024
    delay: float = 1.0                   # default seconds between requests to one host
    max_crawl_delay: float = 60.0        # a robots.txt Crawl-delay above this is capped
    concurrency: int = 8                 # requests in flight over all hosts
    respect_robots: bool = True
    cache_dir: Path | None = Path("cache")   # None: no HTTP cache
    offline: bool = False


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


class RobotsBlocked(FetchError):
    """robots.txt disallows the URL for our user agent (final: not retried)."""


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
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)


class _Decoder:
    """Content-Encoding gzip/deflate undone chunk by chunk, never past `limit` bytes."""

    def __init__(self, url: str, encoding: str, limit: int) -> None:
        codings = [c.strip().lower() for c in encoding.split(",") if c.strip()]
        codings = [c for c in codings if c != "identity"]
        if len(codings) > 1 or (codings and codings[0] not in ("gzip", "x-gzip", "deflate")):
            raise FetchError(url, f"unsupported Content-Encoding {encoding!r}")
        self.url, self.limit, self.size = url, limit, 0
        self.deflate = codings == ["deflate"]
        self.zlib = zlib.decompressobj(47) if codings else None  # 47: gzip or zlib header
        self.started = False
        self.parts: list[bytes] = []

    def feed(self, data: bytes) -> None:
        if self.zlib is None:
            self._add(data)
            return
        try:
            out = self.zlib.decompress(data, self.limit - self.size + 1)
        except zlib.error:
            if self.deflate and not self.started:  # raw deflate, no zlib header
                self.zlib = zlib.decompressobj(-15)
                self.deflate = False
                self.feed(data)
                return
            raise FetchError(self.url, "corrupt compressed body") from None
        self.started = True
        self._add(out)
        if self.zlib.unconsumed_tail:  # more output pending than the limit allows
            self._too_big()

    def _add(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > self.limit:
            self._too_big()
        self.parts.append(data)

    def _too_big(self) -> None:
        raise FetchError(self.url, f"decompressed body larger than {self.limit} bytes")

    def finish(self) -> bytes:
        if self.zlib is not None:
            try:
                self._add(self.zlib.flush())
            except zlib.error:
                raise FetchError(self.url, "corrupt compressed body") from None
        return b"".join(self.parts)


def gunzip(url: str, data: bytes, limit: int) -> bytes:
    """Decompress a gzip file (e.g. a `.xml.gz` sitemap), refusing to inflate past `limit`."""
    decoder = _Decoder(url, "gzip", limit)
    decoder.feed(data)
    return decoder.finish()


class _OfflineTransport(httpx.AsyncBaseTransport):
    """Under the cache in offline mode: confirms what the cache holds, refuses the rest."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if "if-none-match" in request.headers or "if-modified-since" in request.headers:
            return httpx.Response(304, request=request)  # "unchanged": the cache answers
        raise _NotCached()


class Fetcher:
    """An async HTTP client with retries, politeness, caps and a cache; use `async with`.

    `delay_for(url)` may give a host's delay (e.g. from its rule file); it overrides
    `settings.delay`, and robots.txt's Crawl-delay can only lengthen it.
    """

    def __init__(self, settings: FetchSettings | None = None, *,
                 delay_for: Callable[[str], float | None] | None = None) -> None:
        self.settings = settings or FetchSettings()
        self._delay_for = delay_for
        self._hosts: dict[str, _Host] = {}
        self._sem = asyncio.Semaphore(max(1, self.settings.concurrency))
        self._robots_token = robots_token(self.settings.user_agent)
        s = self.settings
        inner: httpx.AsyncBaseTransport
        if s.offline:
            inner = _OfflineTransport()
        else:
            inner = httpx.AsyncHTTPTransport(limits=httpx.Limits(
                max_connections=max(4, s.concurrency * 2), max_keepalive_connections=max(4, s.concurrency)))
        if s.cache_dir is not None:
            storage = hishel.AsyncSqliteStorage(database_path=Path(s.cache_dir) / "http-cache.sqlite")
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

    async def fetch(self, url: str) -> FetchResult:
        """GET a URL, following redirects; FetchError (with a one-line reason) on any failure."""
        current = url
        for _ in range(self.settings.max_redirects + 1):
            parts = urlsplit(current)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise FetchError(url, f"not an http(s) URL: {current}")
            if self.settings.respect_robots and not await self._allowed(current):
                policy = self._host(current).robots
                where = "" if current == url else f"{current}: "
                if policy is not None and policy.unavailable:
                    raise FetchError(url, where + policy.unavailable)
                raise RobotsBlocked(url, where + "disallowed by robots.txt")
            answer = await self._get(url, current)
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
            async with asyncio.timeout(s.total_timeout):
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
                    if length.isdigit() and int(length) > s.max_bytes:
                        raise FetchError(url, f"body of {length} bytes is over the {s.max_bytes} byte cap")
                    decoder = _Decoder(url, response.headers.get("content-encoding", ""),
                                       s.max_decoded_bytes)
                    received = 0
                    async for chunk in response.aiter_raw():
                        received += len(chunk)
                        if received > s.max_bytes:
                            raise FetchError(url, f"body over the {s.max_bytes} byte cap")
                        decoder.feed(chunk)
                    body = decoder.finish()
                    caching = response.extensions.get("caching")
                    return FetchResult(
                        url=url, final_url=str(response.url), status=status,
                        content_type=response.headers.get("content-type", ""), body=body,
                        from_cache=bool(caching and caching.get("from_cache")),
                        revalidated=bool(caching and caching.get("revalidated")))
        except _NotCached:
            raise FetchError(url, "not in the cache (offline)") from None
        except TimeoutError:
            raise _Retryable(f"no complete answer within {s.total_timeout:g}s") from None
        except httpx.TimeoutException as err:
            raise _Retryable(f"timeout ({type(err).__name__})") from None
        except httpx.TransportError as err:
            raise _Retryable(f"connection failed ({type(err).__name__}: {err or 'no detail'})") from None
        except httpx.HTTPError as err:
            raise FetchError(url, f"{type(err).__name__}: {err}") from None


def utc_now() -> str:
    """The current UTC time, ISO 8601 to the second."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
