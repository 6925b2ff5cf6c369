"""Finding a site's article URLs: RSS/Atom feeds (feedparser), sitemaps and news sitemaps
(ultimate-sitemap-parser, fed the bytes we fetched), and links of start pages (selectolax)."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import feedparser
from selectolax.lexbor import LexborHTMLParser
from usp.objects.sitemap import IndexXMLSitemap, InvalidSitemap
from usp.tree import sitemap_from_str

from ..errors import FetchError, InputError, OffsiteError
from ..net.content import gunzip
from ..net.fetcher import FetchResult
from ..net.urls import canonical_url
from ..rules.site import SiteRule
from ..text.decode import decode_bytes
from .scope import site_scope

MAX_SITEMAP_DEPTH = 3      # index → index → urlset
MAX_SITEMAPS = 50          # sitemap files read per site and run
MAX_SITEMAP_BYTES = 50 * 1024 * 1024   # the sitemap protocol's limit, uncompressed

# usp logs every sitemap it parses, and parse failures; we report those ourselves.
logging.getLogger("usp").setLevel(logging.CRITICAL)


def links_from_feed(data: bytes, url: str) -> list[str]:
    """Entry links of an RSS or Atom feed (relative links resolved against `url`)."""
    parsed = feedparser.parse(data, response_headers={"content-location": url})
    links = []
    for entry in parsed.entries:
        link = entry.get("link")
        if link:
            links.append(urljoin(url, link))
    return links


def links_from_sitemap(data: bytes, url: str) -> tuple[list[str], list[str]]:
    """(page URLs, child sitemap URLs) of a sitemap, sitemap index or news sitemap, plain
    or gzip-compressed (`.xml.gz` files are sent as they are, not Content-Encoded).

    ValueError when the data is not a sitemap."""
    try:
        if data.startswith(b"\x1f\x8b"):
            data = gunzip(url, data, MAX_SITEMAP_BYTES)
        text = decode_bytes(data)
    except (InputError, FetchError) as err:
        raise ValueError(f"not a sitemap: {err}") from None
    tree = sitemap_from_str(text)
    if isinstance(tree, InvalidSitemap):
        raise ValueError(f"not a sitemap: {tree.reason}")
    if isinstance(tree, IndexXMLSitemap):
        children = [urljoin(url, s.url) for s in tree.sub_sitemaps]
        pages = [urljoin(url, p.url) for s in tree.sub_sitemaps
                 if not isinstance(s, InvalidSitemap) for p in s.all_pages()]
        return pages, children
    return [urljoin(url, p.url) for p in tree.all_pages()], []


def links_from_html(data: bytes, url: str, charset: str | None = None) -> list[str]:
    """Every `<a href>` of a page, resolved against the page's URL (or its `<base>`)."""
    try:
        text = decode_bytes(data, declared=charset, html=True)
    except InputError:
        return []
    tree = LexborHTMLParser(text)
    base = url
    base_node = tree.css_first("base[href]")
    if base_node is not None:
        base = urljoin(url, base_node.attributes.get("href") or "")
    links = []
    for node in tree.css("a[href]"):
        href = (node.attributes.get("href") or "").strip()
        if href and not href.startswith(("#", "javascript:", "mailto:", "tel:")):
            links.append(urljoin(base, href))
    return links


@dataclass
class Discovery:
    """What discovery found for one site: article URLs in order, the sources that failed,
    and the (URL, where it was found) left alone because their host is off the site."""

    site: str
    urls: list[str] = field(default_factory=list)
    errors: list[FetchError] = field(default_factory=list)
    offsite: list[tuple[str, str]] = field(default_factory=list)


async def discover_site(site: SiteRule, fetch: Callable[[str], Awaitable[FetchResult]]) -> Discovery:
    """The article URLs of a site's feeds, sitemaps and start pages, canonical, deduplicated,
    in discovery order.

    `fetch(url)` returns a FetchResult or raises FetchError (OffsiteError for a redirect off
    the site). Feed and sitemap entries are kept when they match `article_urls` (all are
    kept if the site has no pattern); links of start pages only when they match it; and
    only those on the site's scope (`scraper.crawl.scope`), the others listed as offsite.
    """
    found = Discovery(site=site.name)
    pattern = site.crawl.article_urls
    scope = site_scope(site)
    seen: set[str] = set()

    def keep(links: Iterable[str], source: str, *, need_pattern: bool) -> None:
        for link in links:
            if urlsplit(link).scheme not in ("http", "https"):
                continue
            if pattern is not None and not _match(pattern, link):
                continue
            if pattern is None and need_pattern:
                continue
            try:
                key = canonical_url(link)
            except ValueError:
                continue
            if key in seen:
                continue
            seen.add(key)
            if scope.covers_url(key):
                found.urls.append(key)
            else:
                found.offsite.append((key, source))

    for feed in site.crawl.feeds:
        result = await _try(fetch, feed, found)
        if result is not None:
            links = links_from_feed(result.body, result.final_url)
            if not links and not _looks_like_feed(result.body):
                found.errors.append(FetchError(feed, "not an RSS or Atom feed"))
            keep(links, feed, need_pattern=False)

    queue = [(url, 0) for url in site.crawl.sitemaps]
    read: set[str] = set()
    while queue and len(read) < MAX_SITEMAPS:
        url, depth = queue.pop(0)
        if url in read:
            continue
        read.add(url)
        result = await _try(fetch, url, found)
        if result is None:
            continue
        try:
            pages, children = links_from_sitemap(result.body, result.final_url)
        except ValueError as err:
            found.errors.append(FetchError(url, str(err)))
            continue
        keep(pages, url, need_pattern=False)
        if depth < MAX_SITEMAP_DEPTH:
            for child in children:
                if scope.covers_url(child):
                    queue.append((child, depth + 1))
                elif child not in seen:
                    seen.add(child)
                    found.offsite.append((child, url))

    for start in site.crawl.start_urls:
        result = await _try(fetch, start, found)
        if result is not None:
            keep(links_from_html(result.body, result.final_url, result.charset), start,
                 need_pattern=True)
    return found


def _looks_like_feed(data: bytes) -> bool:
    """True when feedparser recognises the data as a feed, even one with no entries."""
    parsed = feedparser.parse(data)
    return bool(parsed.get("version"))


def _match(pattern: re.Pattern[str], url: str) -> bool:
    return bool(pattern.search(url)) or bool(pattern.search(canonical_url(url)))


async def _try(fetch: Callable[[str], Awaitable[FetchResult]], url: str,
               found: Discovery) -> FetchResult | None:
    try:
        return await fetch(url)
    except OffsiteError as err:
        found.offsite.append((err.target, url))
        return None
    except FetchError as err:
        found.errors.append(err)
        return None
