"""Crawls: discover a site's article URLs, fetch the new ones, extract, write records.

Crash safety: a record is linked into the output folder (RecordWriter, atomic) before
its state row says `done`; a rerun refetches any URL not marked done (a cheap 304 from
the cache), finds the record already there through RecordWriter's dedupe, and marks it
done. Records are committed in a fixed order (per host in discovery order, hosts
interleaved), so a resumed run names files exactly as an uninterrupted one would.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from trafilatura.deduplication import Simhash

from .discover import discover_site
from .errors import FetchError, InputError, NoArticleError, RulesError, ScraperError
from .extract import extract_html
from .fetch import Fetcher, FetchResult, FetchSettings, RobotsBlocked
from .output import RecordWriter
from .record import Record
from .rules import Rules, SiteRule
from .state import CrawlLock, CrawlState, UrlRow

Event = Callable[..., None]
OUTPUT_LOCK = ".crawl.lock"   # in the output folder; RecordWriter ignores dot files


@dataclass(frozen=True)
class CrawlOptions:
    """One crawl run: which sites, where records and state go, how to fetch."""

    out_dir: Path
    sites: tuple[str, ...] = ()          # rule names; empty: every site with a [crawl] table
    state_path: Path | None = None       # default: <cache_dir>/crawl-state.sqlite
    max_attempts: int = 3                # runs in which a URL may fail before it is given up
    window: int = 1000                   # URLs fetched ahead of the (ordered) commit point
    near_duplicates: bool = False        # also skip texts near (simhash) a written record
    limit: int | None = None             # fetch at most this many article URLs this run
    fetch: FetchSettings = field(default_factory=FetchSettings)

    def resolved_state_path(self) -> Path:
        """Where the state database lives."""
        if self.state_path is not None:
            return Path(self.state_path)
        if self.fetch.cache_dir is None:
            raise RulesError("no cache folder: give a state file")
        return Path(self.fetch.cache_dir) / "crawl-state.sqlite"


@dataclass
class CrawlSummary:
    """Counts of one run; `failed` counts article URLs and feeds/sitemaps/start pages."""

    discovered: int = 0   # article URLs found by discovery this run
    new: int = 0          # of those, never seen before
    written: int = 0      # records written to the output folder
    skipped: int = 0      # already done, same text as another record, no article, given up
    failed: int = 0       # URLs (or discovery sources) that failed this run

    def line(self) -> str:
        """The one-line summary printed at the end of a run."""
        return (f"discovered {self.discovered}, new {self.new}, written {self.written}, "
                f"skipped {self.skipped}, failed {self.failed}")


def crawl_sites(rules: Rules, names: tuple[str, ...]) -> tuple[SiteRule, ...]:
    """The sites to crawl: those named, or every site whose rule has something to crawl."""
    def has_crawl(rule: SiteRule) -> bool:
        c = rule.crawl
        return bool(c.start_urls or c.feeds or c.sitemaps)

    if names:
        sites = tuple(rules.get(n) for n in dict.fromkeys(names))
        for site in sites:
            if not has_crawl(site):
                raise RulesError(f"{site.path}: crawl: site {site.name!r} has no start_urls, "
                                 "feeds or sitemaps")
        return sites
    sites = tuple(r for r in rules.sites if has_crawl(r))
    if not sites:
        raise RulesError(f"{rules.path}: no rule file has a [crawl] table with start_urls, "
                         "feeds or sitemaps")
    return sites


def delay_lookup(rules: Rules, sites: tuple[SiteRule, ...]) -> Callable[[str], float | None]:
    """A host's delay: from the rule whose domains cover it, else from the site whose crawl
    URLs are on that host."""
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


def run_crawl(rules: Rules, options: CrawlOptions, *, on_event: Event | None = None) -> CrawlSummary:
    """Run one crawl under the state lock; LockedError if another run holds it.

    `on_event(kind, **fields)` hears of progress: `site` (discovery done), `todo` (the
    number of URLs to fetch), `url` (one URL finished), `error` (a source failed).
    """
    sites = crawl_sites(rules, options.sites)
    state_path = options.resolved_state_path()
    # One lock for the state, one in the output folder: two runs never share either.
    with CrawlLock(state_path.with_name(state_path.name + ".lock")), \
            CrawlLock(Path(options.out_dir) / OUTPUT_LOCK,
                      what=f"{options.out_dir}: another crawl is writing to this folder"):
        writer = RecordWriter(options.out_dir)
        with CrawlState(state_path) as state:
            return asyncio.run(_crawl(rules, sites, options, state, writer, on_event or _quiet))


def _quiet(kind: str, **fields: Any) -> None:
    pass


async def _crawl(rules: Rules, sites: tuple[SiteRule, ...], options: CrawlOptions,
                 state: CrawlState, writer: RecordWriter, emit: Event) -> CrawlSummary:
    summary = CrawlSummary()
    names = tuple(s.name for s in sites)
    async with Fetcher(options.fetch, delay_for=delay_lookup(rules, sites)) as fetcher:
        found = await asyncio.gather(*(discover_site(site, fetcher.fetch) for site in sites))
        discovered: set[str] = set()
        for site, discovery in zip(sites, found):
            summary.new += state.add(site.name, discovery.urls)
            discovered.update(discovery.urls)
            for err in discovery.errors:
                summary.failed += 1
                emit("error", site=site.name, url=err.url, error=err.reason)
            emit("site", site=site.name, found=len(discovery.urls), errors=len(discovery.errors))
        summary.discovered = len(discovered)

        todo = state.todo(names, options.max_attempts)  # in commit order
        if options.limit is not None:
            todo = todo[:options.limit]  # the rest stays pending for the next runs
        todo_urls = {row.url for row in todo}
        summary.skipped += sum(1 for u in discovered if u not in todo_urls)
        emit("todo", total=len(todo))

        # Fetch ahead of the commit point by at most `window` URLs: bounded memory, and the
        # head of the line is always running.
        tasks: deque[asyncio.Task[_Outcome]] = deque()
        started = 0
        try:
            for i, row in enumerate(todo):
                while started < len(todo) and started < i + options.window:
                    tasks.append(asyncio.create_task(
                        _fetch_and_extract(fetcher, rules, todo[started].url)))
                    started += 1
                outcome = await tasks.popleft()
                _commit(row, outcome, state, writer, summary, emit, options.max_attempts,
                        options.near_duplicates)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
    return summary


@dataclass(frozen=True)
class _Outcome:
    record: Record | None = None
    error: str | None = None       # fetch failed: retry on a later run
    empty: str | None = None       # fetched, no article: final
    blocked: str | None = None     # robots.txt says no: final


async def _fetch_and_extract(fetcher: Fetcher, rules: Rules, url: str) -> _Outcome:
    try:
        result: FetchResult = await fetcher.fetch(url)
    except RobotsBlocked as err:
        return _Outcome(blocked=err.reason)
    except FetchError as err:
        return _Outcome(error=err.reason)
    except (OSError, RuntimeError, ValueError) as err:  # e.g. the cache database: one URL's error
        return _Outcome(error=f"fetch failed: {type(err).__name__}: {err}")
    try:
        record = await asyncio.to_thread(extract_html, result.body, url=result.final_url,
                                         rules=rules, charset=result.charset)
    except (NoArticleError, InputError) as err:
        return _Outcome(empty=str(err))
    except ScraperError as err:
        return _Outcome(error=str(err))
    except Exception as err:  # an extractor bug must not end the crawl  # noqa: BLE001
        return _Outcome(error=f"extraction failed: {type(err).__name__}: {err}")
    return _Outcome(record=record)


def _commit(row: UrlRow, outcome: _Outcome, state: CrawlState, writer: RecordWriter,
            summary: CrawlSummary, emit: Event, max_attempts: int, near_duplicates: bool) -> None:
    if outcome.error is not None:
        attempts = state.fail(row.url, outcome.error)
        summary.failed += 1
        emit("url", url=row.url, status="failed", error=outcome.error, attempts=attempts,
             final=attempts >= max_attempts)
        return
    if outcome.record is None:
        status = "blocked" if outcome.blocked else "empty"
        state.finish(row.url, status)
        summary.skipped += 1
        emit("url", url=row.url, status=status, error=outcome.blocked or outcome.empty)
        return
    record = outcome.record
    fingerprint = Simhash(record.to_text()).hash if near_duplicates else None
    if fingerprint is not None:
        similar = state.near(fingerprint)
        if similar is not None and state.owner(similar) != row.url:
            state.finish(row.url, "near-duplicate", content_hash=record.text_hash(),
                         record_file=similar)
            summary.skipped += 1
            emit("url", url=row.url, status="near-duplicate", file=similar)
            return
    result = writer.write(record)
    # A "duplicate" nobody in the state owns was written by a run that died before its update.
    healed = result.status == "duplicate" and state.owner(result.name) is None
    if result.status == "written" or healed:
        state.finish(row.url, "done", content_hash=record.text_hash(), record_file=result.name,
                     simhash=fingerprint)
        summary.written += 1
        emit("url", url=row.url, status="written", file=result.name)
    else:
        state.finish(row.url, "duplicate", content_hash=record.text_hash(), record_file=result.name)
        summary.skipped += 1
        emit("url", url=row.url, status="duplicate", file=result.name)


async def _fetch_records(urls: list[str], rules: Rules,
                         settings: FetchSettings) -> list[tuple[str, Record | ScraperError]]:
    async with Fetcher(settings, delay_for=delay_lookup(rules, rules.sites)) as fetcher:
        async def one(url: str) -> Record | ScraperError:
            try:
                result = await fetcher.fetch(url)
                return await asyncio.to_thread(extract_html, result.body, url=result.final_url,
                                               rules=rules, charset=result.charset)
            except ScraperError as err:
                return err
        outcomes = await asyncio.gather(*(one(u) for u in urls))
    return list(zip(urls, outcomes))


def fetch_records(urls: list[str], rules: Rules,
                  settings: FetchSettings | None = None) -> list[tuple[str, Record | ScraperError]]:
    """Fetch and extract each URL: (url, Record) or (url, the error), in the order given."""
    return asyncio.run(_fetch_records(urls, rules, settings or FetchSettings()))
