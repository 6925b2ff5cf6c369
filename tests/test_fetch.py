"""The fetcher against a real loopback server with injected faults."""

from __future__ import annotations

import asyncio
import email.utils
import time
from dataclasses import replace
from pathlib import Path

import pytest

from scraper import CacheError, FetchError, FetchSettings, RobotsBlocked
from scraper.net.fetcher import Fetcher, parse_retry_after
from scraper.net.hosts import HostSet
from tests.siteserver import Page, SiteServer, gzip_bomb

HTML = b"<html><body><p>hello</p></body></html>"


@pytest.fixture
def settings(tmp_path: Path) -> FetchSettings:
    return FetchSettings(cache_dir=tmp_path / "cache", delay=0.0, backoff_base=0.01, backoff_max=0.05,
                         connect_timeout=2, read_timeout=0.5, total_timeout=5, max_attempts=3,
                         max_bytes=1024 * 1024, max_decoded_bytes=2 * 1024 * 1024)


def named(*urls: str) -> HostSet:
    """The hosts of the URLs a test gives: named by the caller, as on a command line."""
    return HostSet.of(urls=urls)


def fetch(settings: FetchSettings, *urls: str, named_hosts: HostSet | None = None) -> list:
    """Fetch `urls` in order; each a FetchedPage or the FetchError it raised. The hosts
    trusted with private addresses are the URLs' own unless `named_hosts` says otherwise."""
    async def run() -> list:
        hosts = named(*urls) if named_hosts is None else named_hosts
        async with Fetcher(settings, named_hosts=hosts) as fetcher:
            out = []
            for url in urls:
                try:
                    out.append(await fetcher.fetch(url))
                except FetchError as err:
                    out.append(err)
            return out
    return asyncio.run(run())


def then(*handlers):
    """A route answering its n-th call with handlers[n-1] (the last one repeats)."""
    def route(h, entry, nth):
        handler = handlers[min(nth, len(handlers)) - 1]
        if isinstance(handler, Page):
            h.answer(entry, handler)
        else:
            handler(h, entry)
    return route


def page_paths(server: SiteServer) -> list[str]:
    return [p for p in server.paths() if p != "/robots.txt"]


def test_500_then_200_is_retried(settings):
    with SiteServer({"/a": then(Page(b"oops", status=500), Page(HTML))}) as srv:
        [result] = fetch(settings, srv.url + "/a")
    assert result.status == 200 and result.body == HTML
    assert page_paths(srv) == ["/a", "/a"]


def test_429_retry_after_seconds_is_honoured_for_the_host(settings):
    busy = Page(b"slow down", status=429, headers={"Retry-After": "1"})
    with SiteServer({"/a": then(busy, Page(HTML)), "/b": Page(HTML)}) as srv:
        async def run() -> list:
            async with Fetcher(settings, named_hosts=named(srv.url)) as fetcher:
                return await asyncio.gather(fetcher.fetch(srv.url + "/a"), fetcher.fetch(srv.url + "/b"))
        a, b = asyncio.run(run())
    assert a.body == HTML and b.body == HTML
    log = [e for e in srv.log if e.path != "/robots.txt"]
    assert [e.path for e in log] == ["/a", "/b", "/a"]   # /b waited out the 429's pause too
    assert log[1].time - log[0].time >= 0.95 and log[2].time - log[0].time >= 0.95


def test_retry_after_over_the_cap_fails_at_once(settings):
    date = email.utils.formatdate(time.time() + 3600, usegmt=True)
    busy = Page(b"later", status=503, headers={"Retry-After": date})
    with SiteServer({"/a": busy}) as srv:
        [err] = fetch(replace(settings, retry_after_cap=10), srv.url + "/a")
    assert isinstance(err, FetchError) and err.status == 503 and "cap" in err.reason
    assert page_paths(srv) == ["/a"]


def test_parse_retry_after_forms():
    now = time.time()
    assert parse_retry_after("7") == 7.0
    in_30s = email.utils.formatdate(now + 30, usegmt=True)
    assert parse_retry_after(in_30s, now=now) == pytest.approx(30, abs=1)
    assert parse_retry_after(email.utils.formatdate(now - 30, usegmt=True), now=now) == 0.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None
    assert parse_retry_after("²") is None  # a digit to str.isdigit, not to float


def test_5xx_gives_up_after_the_attempt_limit(settings):
    with SiteServer({"/a": Page(b"down", status=502)}) as srv:
        [err] = fetch(settings, srv.url + "/a")
    assert isinstance(err, FetchError) and err.status == 502 and "3 attempts" in err.reason
    assert page_paths(srv) == ["/a"] * 3


def test_unasked_304_is_an_error(settings):
    with SiteServer({"/a": Page(b"", status=304)}) as srv:
        [err] = fetch(settings, srv.url + "/a")
    assert isinstance(err, FetchError) and err.status == 304


def test_other_4xx_is_not_retried(settings):
    with SiteServer({}) as srv:
        [err] = fetch(settings, srv.url + "/missing")
    assert isinstance(err, FetchError) and err.status == 404
    assert page_paths(srv) == ["/missing"]


def test_connection_reset_is_retried(settings):
    with SiteServer({"/a": then(lambda h, e: h.reset(e), Page(HTML))}) as srv:
        [result] = fetch(settings, srv.url + "/a")
    assert result.body == HTML and page_paths(srv) == ["/a", "/a"]


def test_stalled_read_times_out(settings):
    with SiteServer({"/a": lambda h, e, n: h.stall(e, 1.5)}) as srv:
        [err] = fetch(replace(settings, max_attempts=2), srv.url + "/a")
    assert isinstance(err, FetchError) and "timeout" in err.reason.lower()
    assert page_paths(srv) == ["/a", "/a"]


def test_oversized_body_stops_the_download(settings):
    with SiteServer({"/big": lambda h, e, n: h.flood(e, 50 * 1024 * 1024)}) as srv:
        [err] = fetch(settings, srv.url + "/big")
        time.sleep(0.3)
    assert isinstance(err, FetchError) and "cap" in err.reason
    [entry] = [e for e in srv.log if e.path == "/big"]
    assert entry.sent < 20 * 1024 * 1024, "the client kept reading past the cap"


def test_declared_oversized_body_is_refused(settings):
    with SiteServer({"/big": Page(b"x" * (2 * 1024 * 1024))}) as srv:
        [err] = fetch(settings, srv.url + "/big")
    assert isinstance(err, FetchError) and "cap" in err.reason


def test_gzip_bomb_is_capped_after_decompression(settings):
    bomb = Page(gzip_bomb(30 * 1024 * 1024), headers={"Content-Encoding": "gzip"})
    with SiteServer({"/bomb": bomb}) as srv:
        [err] = fetch(settings, srv.url + "/bomb")
    assert isinstance(err, FetchError) and "decompressed" in err.reason


def test_gzip_page_is_decoded_fresh_and_from_the_cache(settings):
    import gzip
    with SiteServer({"/z": Page(gzip.compress(HTML), headers={"Content-Encoding": "gzip"})}) as srv:
        [fresh] = fetch(settings, srv.url + "/z")
        [cached] = fetch(settings, srv.url + "/z")   # stored compressed, revalidated: 304
        assert [e.status for e in srv.log if e.path == "/z"] == [200, 304]
    assert fresh.body == HTML and cached.body == HTML and cached.revalidated


def test_redirect_loop_is_capped(settings):
    routes = {"/r1": Page(b"", status=302, headers={"Location": "/r2"}),
              "/r2": Page(b"", status=301, headers={"Location": "/r1"})}
    with SiteServer(routes) as srv:
        [err] = fetch(settings, srv.url + "/r1")
    assert isinstance(err, FetchError) and "redirects" in err.reason
    assert len(page_paths(srv)) == settings.max_redirects + 1


def test_redirect_is_followed_and_non_http_refused(settings):
    routes = {"/old": Page(b"", status=301, headers={"Location": "/new"}), "/new": Page(HTML),
              "/ftp": Page(b"", status=302, headers={"Location": "ftp://example.com/x"})}
    with SiteServer(routes) as srv:
        result, ftp, file = fetch(settings, srv.url + "/old", srv.url + "/ftp", "file:///etc/passwd")
    assert result.final_url == srv.url + "/new" and result.body == HTML
    assert isinstance(ftp, FetchError) and "http" in ftp.reason
    assert isinstance(file, FetchError) and "http" in file.reason


def test_cache_revalidates_with_etag_and_serves_offline(settings):
    with SiteServer({"/a": Page(HTML)}) as srv:
        [first] = fetch(settings, srv.url + "/a")
        [second] = fetch(settings, srv.url + "/a")
        assert [e.status for e in srv.log if e.path == "/a"] == [200, 304]
        assert [e for e in srv.log if e.path == "/a"][1].headers.get("if-none-match")
        srv.log.clear()
        offline = replace(settings, offline=True)
        cached, missing = fetch(offline, srv.url + "/a", srv.url + "/never")
        assert srv.log == []
    assert not first.from_cache and second.revalidated and second.body == HTML
    assert cached.body == HTML and cached.from_cache
    assert isinstance(missing, FetchError) and "offline" in missing.reason


def test_robots_txt_is_obeyed_with_crawl_delay(settings):
    robots = Page(b"User-agent: *\nDisallow: /private/\nCrawl-delay: 0.3\n", "text/plain")
    with SiteServer({"/robots.txt": robots, "/a": Page(HTML), "/b": Page(HTML),
                     "/private/x": Page(HTML)}) as srv:
        a, private, b = fetch(settings, srv.url + "/a", srv.url + "/private/x", srv.url + "/b")
    assert isinstance(private, RobotsBlocked)
    assert srv.paths() == ["/robots.txt", "/a", "/b"]
    times = [e.time for e in srv.log]
    assert all(t2 - t1 >= 0.29 for t1, t2 in zip(times, times[1:]))
    assert "scraper/" in srv.log[0].headers["user-agent"]


def test_robots_txt_for_our_agent_only(settings):
    robots = Page(b"User-agent: scraper\nDisallow: /\n\nUser-agent: *\nAllow: /\n", "text/plain")
    with SiteServer({"/robots.txt": robots, "/a": Page(HTML)}) as srv:
        [err] = fetch(settings, srv.url + "/a")
        [ok] = fetch(replace(settings, user_agent="otherbot/1.0"), srv.url + "/a")
    assert isinstance(err, RobotsBlocked) and ok.body == HTML


def test_per_host_delay_and_one_request_at_a_time(settings):
    slow = Page(HTML, delay=0.1)
    routes = {f"/p{i}": slow for i in range(4)}
    with SiteServer(routes) as one, SiteServer(routes, host="127.0.0.2") as two:
        urls = [s.url + f"/p{i}" for i in range(4) for s in (one, two)]

        async def run() -> list:
            async with Fetcher(replace(settings, delay=0.2), named_hosts=named(*urls)) as fetcher:
                return await asyncio.gather(*(fetcher.fetch(u) for u in urls))
        results = asyncio.run(run())
    assert all(r.body == HTML for r in results)
    for srv in (one, two):
        times = [e.time for e in srv.log if e.path != "/robots.txt"]
        # each request starts >= delay after the previous one ended (0.1 s of answering)
        assert all(t2 - t1 >= 0.29 for t1, t2 in zip(times, times[1:]))
    # the two hosts were crawled at the same time, not one after the other
    assert min(e.time for e in two.log) < max(e.time for e in one.log)


def test_a_reset_that_never_stops_says_why(settings):
    with SiteServer({"/a": lambda h, e, n: h.reset(e)}) as srv:
        [err] = fetch(replace(settings, max_attempts=2), srv.url + "/a")
    assert isinstance(err, FetchError)
    assert "connection failed" in err.reason and not err.reason.rstrip(")").endswith(": ")


def test_a_cache_folder_that_cannot_be_created_is_one_error_before_any_request(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with SiteServer({"/a": Page(HTML)}) as srv:
        with pytest.raises(CacheError, match=str(blocker)):
            fetch(FetchSettings(cache_dir=blocker / "cache"), srv.url + "/a")
    assert srv.log == []
