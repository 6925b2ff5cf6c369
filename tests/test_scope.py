"""A crawl stays on its sites: feed items, sitemap entries and redirects to other hosts are
reported `offsite` and never requested; a rule may widen its scope; hosts at private
addresses that nobody named are refused. Two real loopback servers: the site on 127.0.0.1,
another host on 127.0.0.2."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from scraper import Extractor, RulesError, load_rules, run_crawl
from scraper.cli.crawl import crawl_command
from scraper.rules.loader import load_rule_file
from tests.conftest import CONNECTS
from tests.crawl_sites import article, news_sitemap, options, rss, state_rows
from tests.siteserver import Page, SiteServer
from tests.test_guard import StubResolver


@pytest.fixture
def two_hosts(tmp_path: Path):
    """The site (127.0.0.1): a feed with an own article, an article that redirects to the
    other host and an item on the other host; a sitemap index with an own news sitemap and
    a child sitemap on the other host. The other host (127.0.0.2) would answer them all."""
    own: dict = {}
    other: dict = {}
    with SiteServer(own) as site, SiteServer(other, host="127.0.0.2") as away:
        s, o = site.url, away.url
        own.update({
            "/feed.xml": rss(s, ["/news/1.html", "/news/moved.html"]),
            "/news/1.html": Page(article(1)),
            "/news/moved.html": Page(b"", status=301, headers={"Location": f"{o}/news/7.html"}),
            "/sitemap.xml": Page(
                ("<?xml version='1.0'?><sitemapindex xmlns='http://www.sitemaps.org/schemas/"
                 f"sitemap/0.9'><sitemap><loc>{s}/news.xml</loc></sitemap>"
                 f"<sitemap><loc>{o}/more.xml</loc></sitemap></sitemapindex>").encode(),
                "application/xml"),
            "/news.xml": news_sitemap(s, ["/news/2.html"]),
            "/news/2.html": Page(article(2)),
        })
        own["/feed.xml"].body = own["/feed.xml"].body.replace(
            b"</channel>", f"<item><title>x</title><link>{o}/news/9.html</link></item>"
                           "</channel>".encode())
        other.update({"/news/7.html": Page(article(7)), "/news/9.html": Page(article(9)),
                      "/more.xml": news_sitemap(o, ["/news/8.html"]),
                      "/news/8.html": Page(article(8))})
        rules = tmp_path / "rules"
        rules.mkdir()

        def rule(extra: str = "") -> Path:
            (rules / "site.toml").write_text(
                f'name = "site"\n[crawl]\nfeeds = ["{s}/feed.xml"]\n'
                f'sitemaps = ["{s}/sitemap.xml"]\ndelay = 0.0\n{extra}', encoding="utf-8")
            return rules

        yield site, away, rule


def crawl(tmp_path: Path, rules: Path, *args: str):
    return CliRunner().invoke(crawl_command, ["--rules", str(rules), "-o", str(tmp_path / "out"),
                                              "--cache", str(tmp_path / "cache"),
                                              "--retries", "0", *args])


def test_offsite_items_and_redirects_are_reported_and_never_requested(two_hosts, tmp_path):
    site, away, rule = two_hosts
    s, o = site.url, away.url
    result = crawl(tmp_path, rule())
    assert away.log == [], "the other host was never asked, not even for robots.txt"
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == \
        "discovered 3, new 3, written 2, skipped 0, failed 0, offsite 3"
    assert sorted(result.stderr.splitlines()) == sorted([
        f"scrape: offsite: {o}/news/9.html (from {s}/feed.xml)",
        f"scrape: offsite: {o}/more.xml (from {s}/sitemap.xml)",
        f"scrape: offsite: {o}/news/7.html (from {s}/news/moved.html)"])
    assert state_rows(tmp_path / "cache" / "crawl-state.sqlite")["news/moved.html"][0] == \
        "offsite"
    # the next run asks the site again, the other host still not
    again = crawl(tmp_path, rule(), "--log-json")
    assert again.exit_code == 0 and away.log == []
    events = [json.loads(line) for line in again.stderr.splitlines()]
    offsite = [(e["url"], e["source"]) for e in events if e["event"] == "offsite"]
    assert sorted(offsite) == [(f"{o}/more.xml", f"{s}/sitemap.xml"),
                               (f"{o}/news/9.html", f"{s}/feed.xml")]
    [summary] = [e for e in events if e["event"] == "summary"]
    assert summary["offsite"] == 2 and summary["failed"] == 0


def test_extra_domains_widen_the_scope_and_name_the_host(two_hosts, tmp_path):
    site, away, rule = two_hosts
    result = crawl(tmp_path, rule('extra_domains = ["127.0.0.2"]\n'))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == "discovered 5, new 5, written 5, skipped 0, failed 0"
    assert sorted(p for p in away.paths() if p != "/robots.txt") == \
        ["/more.xml", "/news/7.html", "/news/8.html", "/news/9.html"]


def test_any_host_widens_the_scope_but_not_past_the_address_guard(two_hosts, tmp_path):
    site, away, rule = two_hosts
    s, o = site.url, away.url
    rules = rule("any_host = true\n")
    result = crawl(tmp_path, rules)
    assert away.log == [], "127.0.0.2 is a loopback address nobody named"
    assert result.exit_code == 1, result.stderr  # the child sitemap, a discovery source
    assert result.stdout.strip() == "discovered 4, new 4, written 2, skipped 2, failed 1"
    lines = sorted(result.stderr.splitlines())
    assert lines == sorted([
        f"scrape: failed: {o}/more.xml: blocked: private address (127.0.0.2, loopback)",
        f"scrape: {o}/news/9.html: blocked: private address (127.0.0.2, loopback)",
        f"scrape: {s}/news/moved.html: {o}/news/7.html: blocked: private address "
        "(127.0.0.2, loopback)"])
    allowed = crawl(tmp_path / "allowed", rules, "--allow-private")
    assert allowed.exit_code == 0, allowed.stderr
    assert allowed.stdout.strip() == "discovered 5, new 5, written 5, skipped 0, failed 0"


def test_a_feed_item_at_a_private_address_is_never_connected_to(tmp_path):
    """A feed listing the cloud metadata address, an intranet host and a loopback name:
    off the site, nothing is resolved; with any_host, each is refused before a connection."""
    routes: dict = {}
    with SiteServer(routes) as site:
        items = ["http://169.254.169.254/latest/meta-data/", "http://intranet.test/admin",
                 f"http://localhost:{site.server.server_address[1]}/news/1.html"]
        feed = rss("", items)
        routes.update({"/feed.xml": feed, "/news/1.html": Page(article(1))})
        rules = tmp_path / "rules"
        rules.mkdir()
        text = f'name = "s"\n[crawl]\nfeeds = ["{site.url}/feed.xml"]\ndelay = 0.0\n'
        (rules / "s.toml").write_text(text, encoding="utf-8")
        resolver = StubResolver({"intranet.test": ["10.0.0.5"], "localhost": ["127.0.0.1"]})
        opts = options(tmp_path)
        opts = replace(opts, fetch=replace(opts.fetch, resolver=resolver))
        before = len(CONNECTS)
        summary = run_crawl(opts, extractor=Extractor(rules))
        assert (summary.offsite, summary.written, summary.failed) == (3, 0, 0)
        assert resolver.asked == []
        (rules / "s.toml").write_text(text + "any_host = true\n", encoding="utf-8")
        outcomes: list[tuple[str, str]] = []
        summary = run_crawl(replace(opts, out_dir=tmp_path / "wide",
                                    state_path=tmp_path / "wide.sqlite"),
                            extractor=Extractor(rules),
                            on_event=lambda kind, **f: outcomes.append(
                                (f.get("url"), f.get("error"))) if kind == "url" else None)
        connected = {host for host, _ in CONNECTS[before:]}
    assert (summary.offsite, summary.written, summary.skipped) == (0, 0, 3)
    assert sorted(outcomes) == sorted([
        (items[0], "blocked: private address (169.254.169.254, link-local)"),
        (items[1], "blocked: private address (intranet.test is 10.0.0.5, private)"),
        (items[2], "blocked: private address (localhost is 127.0.0.1, loopback)")])
    assert connected == {"127.0.0.1"} and [p for p in site.paths() if "news" in p] == []


@pytest.mark.parametrize(("line", "message"), [
    ('extra_domains = ["https://example.com/"]', "crawl.extra_domains[0]: 'https://example.com/' "
                                                 "is not a domain name"),
    ('extra_domains = ["*.example.com"]', "is not a domain name"),
    ('extra_domains = ["example.com:8080"]', "is not a domain name"),
    ('extra_domains = "example.com"', "crawl.extra_domains: must be a list"),
    ('any_host = "yes"', "crawl.any_host: must be a bool"),
])
def test_scope_keys_are_validated(tmp_path, line, message):
    path = tmp_path / "bad.toml"
    path.write_text(f'[crawl]\nfeeds = ["https://example.com/feed"]\n{line}\n', encoding="utf-8")
    with pytest.raises(RulesError) as err:
        load_rule_file(path)
    assert str(err.value).startswith(f"{path}: crawl.") and message in str(err.value)


def test_scope_keys_load(tmp_path):
    path = tmp_path / "ok.toml"
    path.write_text('[match]\ndomains = ["example.com"]\n[crawl]\n'
                    'feeds = ["https://feeds.example.net/x"]\n'
                    'extra_domains = ["CDN.Example.org."]\nany_host = false\n', encoding="utf-8")
    crawl = load_rule_file(path).crawl
    assert crawl.extra_domains == ("cdn.example.org",) and crawl.any_host is False
    assert load_rules().sites  # the bundled rules still load
