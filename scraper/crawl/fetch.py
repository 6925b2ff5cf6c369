"""One URL fetched and extracted: the typed outcome that `scrape fetch` and `scrape crawl`
share, so one bad page is one outcome and never ends the run."""

from __future__ import annotations

import asyncio
import enum
import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..archive.capture import Capture
from ..archive.write import WarcWriter
from ..config import ArchiveSettings, FetchSettings
from ..errors import (
    AddressBlocked,
    FetchError,
    InputError,
    NoArticleError,
    OffsiteError,
    RobotsBlocked,
    ScraperError,
)
from ..extractor import Extractor, default_extractor
from ..net.fetcher import Fetcher
from ..net.hosts import HostSet
from ..record import Record
from ..rules.site import Rules, SiteRule
from ..run.pool import Extraction
from .scope import all_named


class PageStatus(enum.Enum):
    """How fetching and extracting one URL ended."""

    OK = "ok"            # a record
    EMPTY = "empty"      # fetched, but no article (or unreadable content): final
    BLOCKED = "blocked"  # robots.txt says no, or a private address nobody named: final
    OFFSITE = "offsite"  # it, or a redirect, leads off the site's hosts: not fetched, final
    FAILED = "failed"    # fetching (or extraction) failed: worth retrying on a later run
    UNCHANGED = "unchanged"  # the body is the one known already (a refresh): not extracted


@dataclass(frozen=True)
class PageOutcome:
    """The outcome for one URL: a record when OK, else the error that ended it."""

    url: str
    status: PageStatus
    record: Record | None = None
    error: ScraperError | None = None
    page_sha256: str | None = None   # of the body fetched (decompressed), when one was

    @property
    def reason(self) -> str:
        """The error in a few words ("" when OK): a FetchError's reason, else its message."""
        if self.error is None:
            return ""
        return self.error.reason if isinstance(self.error, FetchError) else str(self.error)


async def fetch_page(fetcher: Fetcher, extractor: Extractor, url: str, *,
                     extraction: Extraction | None = None,
                     known_page: str | None = None,
                     scope: HostSet | None = None) -> PageOutcome:
    """Fetch a URL and extract its record (in `extraction`'s worker processes when given,
    else in a thread); every failure, an ExtractTimeout included, becomes the outcome's
    error. UNCHANGED, unextracted, when the body's SHA-256 is `known_page`; OFFSITE when the
    URL or a redirect leaves `scope`."""
    try:
        result = await fetcher.fetch(url, scope=scope)
    except (RobotsBlocked, AddressBlocked) as err:
        return PageOutcome(url, PageStatus.BLOCKED, error=err)
    except OffsiteError as err:
        return PageOutcome(url, PageStatus.OFFSITE, error=err)
    except FetchError as err:
        return PageOutcome(url, PageStatus.FAILED, error=err)
    page_sha256 = hashlib.sha256(result.body).hexdigest()
    if page_sha256 == known_page:
        return PageOutcome(url, PageStatus.UNCHANGED, page_sha256=page_sha256)
    try:
        if extraction is not None:
            record = await extraction.extract_html(result.body, url=result.final_url,
                                                   charset=result.charset)
        else:
            record = await asyncio.to_thread(extractor.extract_html, result.body,
                                             url=result.final_url, charset=result.charset)
    except (NoArticleError, InputError) as err:
        return PageOutcome(url, PageStatus.EMPTY, error=err)
    except ScraperError as err:
        return PageOutcome(url, PageStatus.FAILED, error=err)
    except Exception as err:  # an extractor bug must not end the run  # noqa: BLE001
        error = ScraperError(f"extraction failed: {type(err).__name__}: {err}")
        error.__cause__ = err
        return PageOutcome(url, PageStatus.FAILED, error=error)
    return PageOutcome(url, PageStatus.OK, record=record, page_sha256=page_sha256)


def delay_lookup(rules: Rules, sites: tuple[SiteRule, ...]) -> Callable[[str], float | None]:
    """A host's delay between requests: from the rule whose domains cover it, else from
    the site whose crawl URLs are on that host; None when no rule sets one."""
    by_host: dict[str, float] = {}
    for site in sites:
        if site.crawl.delay is not None:
            for url in (*site.crawl.start_urls, *site.crawl.feeds, *site.crawl.sitemaps):
                by_host.setdefault(urlsplit(url).netloc.lower(), site.crawl.delay)

    def delay_for(url: str) -> float | None:
        rule = rules.for_url(url)
        if rule is not None and rule.crawl.delay is not None:
            return rule.crawl.delay
        return by_host.get(urlsplit(url).netloc.lower())

    return delay_for


async def _fetch_pages(urls: list[str], extractor: Extractor, settings: FetchSettings,
                       capture: Capture | None) -> list[PageOutcome]:
    rules = extractor.rules
    if capture is not None:
        capture.expect(urls)
    async with Fetcher(settings, delay_for=delay_lookup(rules, rules.sites),
                       on_exchange=capture, named_hosts=all_named(rules.sites, urls)) as fetcher:
        outcomes = list(await asyncio.gather(*(fetch_page(fetcher, extractor, u) for u in urls)))
    if capture is not None:
        for url in urls:
            capture.settle(url)
    return outcomes


def fetch_pages(urls: list[str], *, extractor: Extractor | None = None,
                settings: FetchSettings | None = None,
                warc_dir: str | os.PathLike[str] | None = None,
                archive: ArchiveSettings | None = None) -> list[PageOutcome]:
    """Fetch and extract each URL, politely and concurrently: one outcome per URL, in the
    order given. The URLs' hosts count as named by the user (so do the rules' domains and
    crawl URLs): they may be at a private address; a redirect elsewhere may not, unless
    `settings.allow_private`. `extractor` defaults to the bundled rules' shared Extractor. With
    `warc_dir`, every response is archived there, the pages' in the order given."""
    capture = None if warc_dir is None else Capture(WarcWriter(warc_dir, archive))
    try:
        return asyncio.run(_fetch_pages(urls, extractor or default_extractor(),
                                        settings or FetchSettings(), capture))
    finally:
        if capture is not None:
            capture.close()
