"""The address guard: no connection to a loopback, private or link-local address of a host
nobody named. Real loopback servers for what may be connected to; a resolver stub for the
other ranges, and the session's record of connection attempts (conftest) to show that none
was made: traffic goes to loopback addresses only."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

import httpcore
import pytest
from click.testing import CliRunner

from scraper import AddressBlocked, FetchSettings
from scraper.cli.fetch import fetch_command
from scraper.net.guard import GuardedBackend, refusal
from scraper.net.hosts import HostSet
from tests.conftest import CONNECTS
from tests.crawl_sites import article
from tests.siteserver import Page, SiteServer
from tests.test_fetch import fetch as fetch_urls

HTML = b"<html><body><p>hello</p></body></html>"


class StubResolver:
    """Names to addresses, as a DNS server might answer them; counts the questions."""

    def __init__(self, answers: dict[str, list[str] | list[list[str]]]) -> None:
        self.answers = answers
        self.asked: list[str] = []

    async def __call__(self, host: str, port: int) -> list[str]:
        self.asked.append(host)
        answer = self.answers[host]
        if answer and isinstance(answer[0], list):  # one answer per question, the last repeats
            n = sum(1 for h in self.asked if h == host)
            return list(answer[min(n, len(answer)) - 1])
        return list(answer)  # type: ignore[arg-type]


PRIVATE = StubResolver({"intranet.test": ["10.0.0.5"], "router.test": ["192.168.1.1"],
                        "metadata.test": ["169.254.169.254"], "mapped.test": ["::ffff:10.0.0.5"],
                        "ula.test": ["fd00::5"], "zero.test": ["0.0.0.0"],
                        "shared.test": ["100.64.0.7"],
                        "mixed.test": ["93.184.216.34", "10.0.0.5"]})


@pytest.fixture
def settings(tmp_path: Path) -> FetchSettings:
    return FetchSettings(cache_dir=tmp_path / "cache", delay=0.0, backoff_base=0.01,
                         backoff_max=0.05, connect_timeout=2, read_timeout=1, max_attempts=3)


def fetch(settings: FetchSettings, *urls: str, named: HostSet | None = None) -> list:
    return fetch_urls(settings, *urls, named_hosts=named or HostSet())


@pytest.mark.parametrize(("address", "kind"), [
    ("127.0.0.1", "loopback"), ("127.9.9.9", "loopback"), ("::1", "loopback"),
    ("10.0.0.5", "private"), ("172.16.3.4", "private"), ("192.168.1.1", "private"),
    ("169.254.169.254", "link-local"), ("fe80::1", "link-local"),
    ("fc00::1", "unique-local"), ("fd12:3456::1", "unique-local"),
    ("0.0.0.0", "unspecified"), ("::", "unspecified"),
    ("::ffff:10.0.0.5", "private"), ("::ffff:127.0.0.1", "loopback"),
    ("::ffff:169.254.169.254", "link-local"), ("64:ff9b::a00:5", "private"),
    ("2002:a00:5::1", "private"), ("100.64.0.7", "reserved"), ("224.0.0.1", "multicast"),
    ("93.184.216.34", None), ("2606:4700:4700::1111", None), ("::ffff:93.184.216.34", None),
])
def test_addresses_refused_and_let_through(address, kind):
    assert refusal(address) == kind


@pytest.mark.parametrize("host", sorted(PRIVATE.answers))
def test_a_name_at_a_private_address_is_refused_before_any_connection(settings, host):
    resolver = StubResolver(PRIVATE.answers)
    before = len(CONNECTS)
    [err] = fetch(replace(settings, resolver=resolver), f"http://{host}/latest/meta-data/")
    assert isinstance(err, AddressBlocked), err
    assert err.reason.startswith("blocked: private address") and host in err.reason
    assert CONNECTS[before:] == [], "the guard refuses before a socket opens"
    assert resolver.asked == [host], "refused once: not retried, robots.txt included"


@pytest.mark.parametrize("url", ["http://10.0.0.5/admin", "http://169.254.169.254/latest/",
                                 "http://[::ffff:192.168.1.1]/", "http://[fd00::1]:8080/",
                                 "http://0.0.0.0:8080/"])
def test_a_private_address_in_the_url_is_refused_without_a_lookup(settings, url):
    resolver = StubResolver({})
    before = len(CONNECTS)
    [err] = fetch(replace(settings, resolver=resolver), url)
    assert isinstance(err, AddressBlocked) and "blocked: private address" in err.reason
    assert CONNECTS[before:] == [] and resolver.asked == []


def test_a_loopback_name_needs_naming_or_allow_private(settings):
    with SiteServer({"/a": Page(HTML)}) as srv:
        port = srv.server.server_address[1]
        url = f"http://site.test:{port}/a"
        resolver = StubResolver({"site.test": ["127.0.0.1"]})
        stubbed = replace(settings, resolver=resolver)
        [refused] = fetch(stubbed, url)
        assert isinstance(refused, AddressBlocked) and srv.log == []
        [named] = fetch(stubbed, url, named=HostSet.of(domains=["test"]))
        [allowed] = fetch(replace(stubbed, allow_private=True, cache_dir=None), url)
    assert named.body == HTML and allowed.body == HTML
    # connected to the address the resolver gave, asked for the name it was given
    assert [e.headers["host"] for e in srv.log if e.path == "/a"] == [f"site.test:{port}"] * 2
    assert resolver.asked.count("site.test") >= 3


def test_a_redirect_to_a_private_address_is_refused(settings):
    with SiteServer({}, host="127.0.0.2") as inner:
        routes = {"/loop": Page(b"", status=302, headers={"Location": inner.url + "/secret"}),
                  "/meta": Page(b"", status=301,
                                headers={"Location": "http://metadata.test/latest/"}),
                  "/ok": Page(b"", status=302, headers={"Location": "/a"}), "/a": Page(HTML)}
        with SiteServer(routes) as srv:
            before = len(CONNECTS)
            loop, meta, ok = fetch(replace(settings, resolver=StubResolver(PRIVATE.answers)),
                                   srv.url + "/loop", srv.url + "/meta", srv.url + "/ok",
                                   named=HostSet.of(urls=[srv.url]))
            hosts = {host for host, _ in CONNECTS[before:]}
        assert inner.log == [], "the second server was never asked"
    assert isinstance(loop, AddressBlocked) and "127.0.0.2" in loop.reason
    assert isinstance(meta, AddressBlocked) and "169.254.169.254" in meta.reason
    assert loop.reason.startswith(inner.url + "/secret: blocked: private address")
    assert ok.body == HTML and hosts == {"127.0.0.1"}


class RecordingNetwork(httpcore.AsyncNetworkBackend):
    """Stands for the network under the guard: notes where it was asked to connect, and
    connects nowhere (the addresses are not loopback ones)."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    async def connect_tcp(self, host, port, timeout=None, local_address=None,
                          socket_options=None):
        self.asked.append(host)
        raise httpcore.ConnectError("not connected in tests")

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


def test_the_address_checked_is_the_address_connected_to():
    """A name answering a public address, then a private one (DNS rebinding), or both at
    once: only a checked address is ever connected to, and never the name."""
    network = RecordingNetwork()
    resolver = StubResolver({"rebind.test": [["93.184.216.34"], ["10.0.0.5"]],
                             "mixed.test": ["93.184.216.34", "10.0.0.5"]})
    guard = GuardedBackend(resolver=resolver, network=network)

    async def run() -> list[BaseException]:
        out = []
        for host in ("rebind.test", "rebind.test", "mixed.test"):
            try:
                await guard.connect_tcp(host, 80, timeout=1)
            except (httpcore.ConnectError, AddressBlocked) as err:
                out.append(err)
        return out

    first, second, mixed = asyncio.run(run())
    assert isinstance(first, httpcore.ConnectError)
    assert isinstance(second, AddressBlocked) and second.address == "10.0.0.5"
    assert isinstance(mixed, AddressBlocked) and mixed.address == "10.0.0.5"
    assert network.asked == ["93.184.216.34"]
    assert resolver.asked == ["rebind.test", "rebind.test", "mixed.test"]


def test_cli_fetch_names_its_urls_hosts_and_allow_private_lifts_the_guard(tmp_path):
    with SiteServer({"/a.html": Page(article(1))}, host="127.0.0.2") as inner:
        routes = {"/own.html": Page(article(2)),
                  "/away": Page(b"", status=302, headers={"Location": inner.url + "/a.html"})}
        with SiteServer(routes) as srv:
            def scrape(*args: str):
                return CliRunner().invoke(fetch_command, ["--no-cache", "--retries", "0",
                                                          "--delay", "0", *args])
            named = scrape(srv.url + "/own.html")
            refused = scrape(srv.url + "/away")
            assert inner.log == []
            allowed = scrape("--allow-private", srv.url + "/away")
    assert named.exit_code == 0 and "(تقرير رقم 2)" in named.stdout, named.stderr
    assert refused.exit_code == 1 and refused.stdout == ""
    assert refused.stderr.splitlines() == [
        f"scrape: {srv.url}/away: {inner.url}/a.html: blocked: private address "
        "(127.0.0.2, loopback)"]
    assert allowed.exit_code == 0 and "(تقرير رقم 1)" in allowed.stdout, allowed.stderr
    assert [e.path for e in inner.log] == ["/robots.txt", "/a.html"]
