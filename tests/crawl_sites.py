"""The sites the crawl tests serve: two loopback hosts with feeds, sitemaps, robots.txt,
duplicates, windows-1256 pages and faults (the `sites` fixture, registered in conftest),
and helpers to build pages and read a crawl's results."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from scraper import CrawlOptions, FetchSettings
from scraper.crawl.state import CrawlState
from tests.siteserver import ARABIC_PARAGRAPHS, Page, SiteServer, article_html

ROOT = Path(__file__).resolve().parent.parent

BASE = ARABIC_PARAGRAPHS


def article(n: int, charset: str = "utf-8", *, meta: bool = True, title: str | None = None) -> bytes:
    paragraphs = [f"{p} (تقرير رقم {n})" for p in BASE]
    return article_html(title or f"خبر رقم {n} عن أعمال الصيانة في المدينة", paragraphs,
                        charset=charset, meta_charset=meta)


def rss(base: str, paths: list[str]) -> Page:
    items = "".join(f"<item><title>{p}</title><link>{base}{p}</link></item>" for p in paths)
    return Page(f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>t</title>"
                f"{items}</channel></rss>".encode(), "application/rss+xml")


def news_sitemap(base: str, paths: list[str]) -> Page:
    urls = "".join(
        f"<url><loc>{base}{p}</loc><news:news><news:publication><news:name>Beta</news:name>"
        f"<news:language>ar</news:language></news:publication><news:publication_date>2024-05-01"
        f"</news:publication_date><news:title>t</news:title></news:news></url>" for p in paths)
    return Page(("<?xml version='1.0' encoding='UTF-8'?><urlset xmlns='http://www.sitemaps.org/schemas/"
                 "sitemap/0.9' xmlns:news='http://www.google.com/schemas/sitemap-news/0.9'>"
                 f"{urls}</urlset>").encode(), "application/xml")


def flaky_then(page: Page):
    def route(h, entry, nth):
        h.answer(entry, Page(b"busy", status=500) if nth == 1 else page)
    return route


@pytest.fixture
def sites(tmp_path: Path):
    """Two hosts: alpha (feed + start page, robots Disallow) and beta (sitemap index -> news
    sitemap, robots Crawl-delay), with duplicates, windows-1256 pages and faults."""
    alpha_routes: dict = {}
    beta_routes: dict = {}
    with SiteServer(alpha_routes) as alpha, SiteServer(beta_routes, host="127.0.0.2") as beta:
        a, b = alpha.url, beta.url
        alpha_routes.update({
            "/robots.txt": Page(b"User-agent: *\nDisallow: /private/\n", "text/plain"),
            "/feed.xml": rss(a, ["/news/1.html", "/news/2.html", "/news/flaky.html",
                                 "/news/gone.html", "/private/secret.html"]),
            "/": Page(article_html("الرئيسية", ["روابط"], links=[
                "/news/3.html", "/about.html", "/news/1.html", f"{a}/news/dup.html?utm_source=x"])),
            "/news/1.html": Page(article(1)),
            "/news/2.html": Page(article(2, "windows-1256"), "text/html; charset=windows-1256"),
            "/news/3.html": Page(article(3, "windows-1256"), "text/html"),  # meta charset only
            "/news/flaky.html": flaky_then(Page(article(4))),
            "/news/dup.html": Page(article(1)),                            # same text as 1
            "/private/secret.html": Page(article(99)),
        })
        beta_routes.update({
            "/robots.txt": Page(b"User-agent: *\nCrawl-delay: 0.3\n", "text/plain"),
            "/sitemap_index.xml": Page(
                ("<?xml version='1.0'?><sitemapindex xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
                 f"<sitemap><loc>{b}/sitemap-news.xml</loc></sitemap>"
                 f"<sitemap><loc>{b}/sitemap-old.xml.gz</loc></sitemap></sitemapindex>").encode(),
                "application/xml"),
            "/sitemap-news.xml": news_sitemap(b, ["/b/1.html", "/b/syndicated.html"]),
            "/sitemap-old.xml.gz": Page(gzip.compress(news_sitemap(b, ["/b/2.html"]).body),
                                        "application/gzip"),
            "/b/1.html": Page(article(21)),
            "/b/2.html": Page(article(22)),
            "/b/syndicated.html": Page(article(2)),                        # alpha's 2, syndicated
        })
        rules = tmp_path / "rules"
        rules.mkdir()
        (rules / "alpha.toml").write_text(
            f'name = "alpha"\n[crawl]\nfeeds = ["{a}/feed.xml"]\nstart_urls = ["{a}/"]\n'
            f'article_urls = "/(news|private)/"\ndelay = 0.2\n', encoding="utf-8")
        (rules / "beta.toml").write_text(
            f'name = "beta"\n[crawl]\nsitemaps = ["{b}/sitemap_index.xml"]\n'
            f'article_urls = "/b/"\ndelay = 0.1\n', encoding="utf-8")
        yield alpha, beta, rules


def options(tmp_path: Path, **kw) -> CrawlOptions:
    fetch = FetchSettings(cache_dir=tmp_path / "cache", backoff_base=0.01, backoff_max=0.05,
                          read_timeout=2, max_attempts=2)
    return CrawlOptions(out_dir=tmp_path / "out", fetch=fetch, **kw)


def index(folder: Path) -> list[dict]:
    return [json.loads(line) for line in (folder / "records.jsonl").read_text("utf-8").splitlines()]


def state_rows(path: Path) -> dict[str, tuple]:
    with CrawlState(path) as state:
        return {r.url.split("/", 3)[3]: (r.status, r.attempts, r.record_file) for r in state.rows()}




def feed_sites(folder: Path, servers: list[tuple[str, SiteServer, dict, int]], *,
               delay: float, pages: int = 8) -> Path:
    """A rules folder with one rule per (name, server, routes, first article number): each
    site serves a feed of `pages` articles, each answered after `delay` seconds."""
    folder.mkdir()
    for name, srv, routes, base in servers:
        paths = [f"/news/{i}.html" for i in range(pages)]
        routes["/feed.xml"] = rss(srv.url, paths)
        for i, path in enumerate(paths):
            routes[path] = Page(article(base + i), delay=delay)
        (folder / f"{name}.toml").write_text(
            f'name = "{name}"\n[crawl]\nfeeds = ["{srv.url}/feed.xml"]\ndelay = 0.0\n')
    return folder
