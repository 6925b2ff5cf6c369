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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from trafilatura.deduplication import Simhash

from ..archive.capture import Capture
from ..archive.write import WarcWriter
from ..config import CrawlOptions
from ..errors import OutputError, RulesError
from ..extractor import Extractor, default_extractor
from ..net.fetcher import Fetcher
from ..pool import Extraction, open_extraction
from ..rules.model import Rules, SiteRule
from ..store import RecordWriter
from .discover import discover_site
from .lock import CrawlLock
from .pages import PageOutcome, PageStatus, delay_lookup, fetch_page
from .state import CrawlState, UrlRow

Event = Callable[..., None]
OUTPUT_LOCK = ".crawl.lock"   # in the output folder; RecordWriter ignores dot files


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


def run_crawl(options: CrawlOptions, *, extractor: Extractor | None = None,
              on_event: Event | None = None) -> CrawlSummary:
    """Run one crawl under the state and output-folder locks.

    `extractor` (default: the bundled rules' shared one) gives the rules, hence the sites,
    and extracts every page, in `options.pool`'s worker processes (a page over its time
    limit fails with an ExtractTimeout; it is retried on later runs). With
    `options.warc_dir`, every response is archived there (`scraper.archive.capture`).
    `on_event(kind, **fields)` hears of progress: `site`
    (discovery done), `todo` (the number of URLs to fetch), `url` (one URL finished),
    `error` (a source failed). Raises LockedError when another run holds a lock,
    StateError / OutputError when the state or the folder cannot be used, RulesError
    for an unknown or crawl-less site.
    """
    extractor = extractor or default_extractor()
    sites = crawl_sites(extractor.rules, options.sites)
    state_path = options.resolved_state_path()
    # One lock for the state, one in the output folder: two runs never share either.
    with CrawlLock(state_path.with_name(state_path.name + ".lock")), \
            CrawlLock(Path(options.out_dir) / OUTPUT_LOCK, error=OutputError,
                      what=f"{options.out_dir}: another crawl is writing to this folder"):
        writer = RecordWriter(options.out_dir)
        capture = None if options.warc_dir is None else \
            Capture(WarcWriter(options.warc_dir, options.archive))
        try:
            with CrawlState(state_path) as state, \
                    open_extraction(extractor, options.pool) as pool:
                run = CrawlRun(extractor, sites, options, state, writer, on_event or _quiet,
                               extraction=pool, capture=capture)
                return asyncio.run(run.run())
        finally:
            if capture is not None:
                capture.close()


def _quiet(kind: str, **fields: Any) -> None:
    pass


class CrawlRun:
    """One run over its sites: discovery, fetching ahead of the commit point, and the
    commit of each URL's outcome (record, state row, event) in the fixed order."""

    def __init__(self, extractor: Extractor, sites: tuple[SiteRule, ...], options: CrawlOptions,
                 state: CrawlState, writer: RecordWriter, emit: Event, *,
                 extraction: Extraction | None = None, capture: Capture | None = None) -> None:
        self.extractor, self.sites, self.options = extractor, sites, options
        self.state, self.writer, self.emit = state, writer, emit
        self.extraction, self.capture = extraction, capture
        self.summary = CrawlSummary()

    async def run(self) -> CrawlSummary:
        """Discover, then fetch and commit every URL still to do; the run's counts."""
        options, state = self.options, self.state
        names = tuple(s.name for s in self.sites)
        delays = delay_lookup(self.extractor.rules, self.sites)
        async with Fetcher(options.fetch, delay_for=delays, on_exchange=self.capture) as fetcher:
            discovered = await self._discover(fetcher)
            todo = state.todo(names, options.max_attempts)  # in commit order
            if options.limit is not None:
                todo = todo[:options.limit]  # the rest stays pending for the next runs
            todo_urls = {row.url for row in todo}
            if self.capture is not None:
                self.capture.expect(todo_urls)
            self.summary.skipped += sum(1 for u in discovered if u not in todo_urls)
            self.emit("todo", total=len(todo))
            # Fetch ahead of the commit point by at most `window` URLs: bounded memory, and
            # the head of the line is always running.
            tasks: deque[asyncio.Task[PageOutcome]] = deque()
            started = 0
            try:
                for i, row in enumerate(todo):
                    while started < len(todo) and started < i + options.window:
                        tasks.append(asyncio.create_task(
                            fetch_page(fetcher, self.extractor, todo[started].url,
                                       extraction=self.extraction)))
                        started += 1
                    outcome = await tasks.popleft()
                    if self.capture is not None:  # archived in commit order, before the commit
                        self.capture.settle(row.url)
                    self.commit(row, outcome)
            finally:
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
        return self.summary

    async def _discover(self, fetcher: Fetcher) -> set[str]:
        found = await asyncio.gather(*(discover_site(site, fetcher.fetch) for site in self.sites))
        discovered: set[str] = set()
        for site, discovery in zip(self.sites, found):
            self.summary.new += self.state.add(site.name, discovery.urls)
            discovered.update(discovery.urls)
            for err in discovery.errors:
                self.summary.failed += 1
                self.emit("error", site=site.name, url=err.url, error=err.reason)
            self.emit("site", site=site.name, found=len(discovery.urls),
                      errors=len(discovery.errors))
        self.summary.discovered = len(discovered)
        return discovered

    def commit(self, row: UrlRow, outcome: PageOutcome) -> None:
        """Settle one URL: write its record (or not), update its state row, report it."""
        state, summary, emit = self.state, self.summary, self.emit
        if outcome.status is PageStatus.FAILED:
            attempts = state.fail(row.url, outcome.reason)
            summary.failed += 1
            emit("url", url=row.url, status="failed", error=outcome.reason, attempts=attempts,
                 final=attempts >= self.options.max_attempts)
            return
        if outcome.record is None:
            status = outcome.status.value  # empty or blocked
            state.finish(row.url, status)
            summary.skipped += 1
            emit("url", url=row.url, status=status, error=outcome.reason)
            return
        record = outcome.record
        fingerprint = Simhash(record.to_text()).hash if self.options.near_duplicates else None
        if fingerprint is not None:
            similar = state.near(fingerprint)
            if similar is not None and state.owner(similar) != row.url:
                state.finish(row.url, "near-duplicate", content_hash=record.text_hash(),
                             record_file=similar)
                summary.skipped += 1
                emit("url", url=row.url, status="near-duplicate", file=similar)
                return
        result = self.writer.write(record)
        # A "duplicate" nobody in the state owns was written by a run that died before its
        # update.
        healed = result.status == "duplicate" and state.owner(result.name) is None
        if result.status == "written" or healed:
            state.finish(row.url, "done", content_hash=record.text_hash(),
                         record_file=result.name, simhash=fingerprint)
            summary.written += 1
            emit("url", url=row.url, status="written", file=result.name)
        else:
            state.finish(row.url, "duplicate", content_hash=record.text_hash(),
                         record_file=result.name)
            summary.skipped += 1
            emit("url", url=row.url, status="duplicate", file=result.name)
