"""Crawls: discover a site's article URLs, fetch the new ones, extract, write records.

Crash safety: a record is linked into the output folder (RecordWriter, atomic) before
its state row says `done`; a rerun refetches any URL not marked done (a cheap 304 from
the cache), finds the record already there through RecordWriter's dedupe, and marks it
done. Records are committed in a fixed order (per host in discovery order, hosts
interleaved), so a resumed run names files exactly as an uninterrupted one would.

Refreshing: after the new URLs, the done records first written within their site's
refresh window are fetched again (a conditional GET through the cache) and committed in
the same order. A body the state knows (`page_hash`) or a text the record holds changes
nothing; a new text replaces the record under its name (RecordWriter.update, journalled)
before the state takes its hash, so a rerun after a kill finds the new record, or the
old one and the page to fetch again, and settles the state to match.
"""

from __future__ import annotations

import asyncio
import functools
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from trafilatura.deduplication import Simhash

from ..archive.capture import Capture
from ..archive.write import WarcWriter
from ..config import CrawlOptions
from ..errors import FetchError, OffsiteError, RulesError
from ..extractor import Extractor, default_extractor
from ..net.fetcher import Fetcher
from ..rules.site import Rules, SiteRule
from ..run.lock import CrawlLock, output_lock
from ..run.pool import Extraction, open_extraction
from ..run.store import RecordWriter
from .discover import discover_site
from .fetch import PageOutcome, PageStatus, delay_lookup, fetch_page
from .scope import all_named, site_scope
from .state import CrawlState, UrlRow

Event = Callable[..., None]
GONE_HTTP = (404, 410)        # a refreshed page answering these has been taken down


@dataclass
class CrawlSummary:
    """Counts of one run; `failed` counts article URLs and feeds/sitemaps/start pages."""

    discovered: int = 0   # article URLs found by discovery this run
    new: int = 0          # of those, never seen before
    written: int = 0      # records written to the output folder
    skipped: int = 0      # already done, same text as another record, no article, given up
    failed: int = 0       # URLs (or discovery sources) that failed this run
    refreshed: int = 0    # records revalidated that got an answer: updated + unchanged + gone
    updated: int = 0      # of those, replaced by a new version of their article
    unchanged: int = 0    # left as they were: same page or text, or an edit duplicating another
    gone: int = 0         # no article there any more (404, 410, none in the page): record kept
    offsite: int = 0      # URLs (found, or redirected to) off their site's hosts: not fetched

    def line(self) -> str:
        """The one-line summary printed at the end of a run (the offsite count when a URL
        was off its site, the refresh part when a record was refreshed)."""
        line = (f"discovered {self.discovered}, new {self.new}, written {self.written}, "
                f"skipped {self.skipped}, failed {self.failed}")
        if self.offsite:
            line += f", offsite {self.offsite}"
        if self.refreshed:
            line += (f", refreshed {self.refreshed} (updated {self.updated}, "
                     f"unchanged {self.unchanged}, gone {self.gone})")
        return line


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
    `on_event(kind, **fields)` hears of progress: `site` (discovery done), `todo` (the
    number of URLs to fetch, `refresh` of them records to revalidate), `url` (one URL
    finished; `refresh=True` for a revalidated record), `offsite` (a URL found off its
    site's hosts, not fetched: `url`, `source`), `error` (a source failed). Raises LockedError when another run holds a lock,
    StateError / OutputError when the state or the folder cannot be used, RulesError
    for an unknown or crawl-less site.
    """
    extractor = extractor or default_extractor()
    sites = crawl_sites(extractor.rules, options.sites)
    state_path = options.resolved_state_path()
    # One lock for the state, one in the output folder: two runs never share either.
    with CrawlLock(state_path.with_name(state_path.name + ".lock")), \
            output_lock(options.out_dir, "another crawl is writing to this folder"):
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
            writer.flush()  # the updated records' index lines
            if capture is not None:
                capture.close()


def _quiet(kind: str, **fields: Any) -> None:
    pass


def _target(outcome: PageOutcome) -> str:
    """Where an OFFSITE outcome's URL leads (itself, or its redirect's target)."""
    return outcome.error.target if isinstance(outcome.error, OffsiteError) else outcome.url


class CrawlRun:
    """One run over its sites: discovery, fetching ahead of the commit point, and the
    commit of each URL's outcome (record, state row, event) in the fixed order."""

    def __init__(self, extractor: Extractor, sites: tuple[SiteRule, ...], options: CrawlOptions,
                 state: CrawlState, writer: RecordWriter, emit: Event, *,
                 extraction: Extraction | None = None, capture: Capture | None = None) -> None:
        self.extractor, self.sites, self.options = extractor, sites, options
        self.state, self.writer, self.emit = state, writer, emit
        self.extraction, self.capture = extraction, capture
        self.scopes = {site.name: site_scope(site) for site in sites}
        self.summary = CrawlSummary()

    async def run(self) -> CrawlSummary:
        """Discover, then fetch and commit every URL still to do; the run's counts."""
        options, state = self.options, self.state
        names = tuple(s.name for s in self.sites)
        delays = delay_lookup(self.extractor.rules, self.sites)
        async with Fetcher(options.fetch, delay_for=delays, on_exchange=self.capture,
                           named_hosts=all_named(self.sites)) as fetcher:
            discovered = await self._discover(fetcher)
            todo = state.todo(names, options.max_attempts)  # in commit order
            refresh = self._refresh_rows()                  # in commit order, after the new
            if options.limit is not None:  # the rest waits for the next runs
                todo = todo[:options.limit]
                refresh = refresh[:options.limit - len(todo)]
            busy = {row.url for row in todo} | {row.url for row in refresh}
            if self.capture is not None:
                self.capture.expect(busy)
            self.summary.skipped += sum(1 for u in discovered if u not in busy)
            self.emit("todo", total=len(todo) + len(refresh), refresh=len(refresh))
            # (row, the page body whose extraction a refresh may skip)
            jobs = [*((row, None) for row in todo),
                    *((row, self._known_page(row)) for row in refresh)]
            # Fetch ahead of the commit point by at most `window` URLs: bounded memory, and
            # the head of the line is always running.
            tasks: deque[asyncio.Task[PageOutcome]] = deque()
            started = 0
            try:
                for i, (row, _) in enumerate(jobs):
                    while started < len(jobs) and started < i + options.window:
                        ahead, known = jobs[started]
                        tasks.append(asyncio.create_task(
                            fetch_page(fetcher, self.extractor, ahead.url,
                                       extraction=self.extraction, known_page=known,
                                       scope=self.scopes.get(ahead.site))))
                        started += 1
                    outcome = await tasks.popleft()
                    if self.capture is not None:  # archived in commit order, before the commit
                        self.capture.settle(row.url)
                    if i < len(todo):
                        self.commit(row, outcome)
                    else:
                        self.commit_refresh(row, outcome)
            finally:
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
        return self.summary

    def _refresh_rows(self) -> list[UrlRow]:
        """The records to revalidate: each site's window is its rule's crawl.refresh, else
        the run's refresh_days. A record file no longer in the folder is left alone."""
        windows = {site.name: self.options.refresh_days if site.crawl.refresh is None
                   else site.crawl.refresh for site in self.sites}
        rows = self.state.refresh_due(windows, self.options.gone_recheck_days)
        return [row for row in rows
                if row.record_file and self.writer.text_hash(row.record_file) is not None]

    def _known_page(self, row: UrlRow) -> str | None:
        """The page body a refresh may skip extracting: the state's, when the record still
        holds the text the state says (not so after a kill mid-update)."""
        assert row.record_file is not None
        if self.writer.text_hash(row.record_file) == row.content_hash:
            return row.page_hash
        return None

    async def _discover(self, fetcher: Fetcher) -> set[str]:
        found = await asyncio.gather(*(
            discover_site(site, functools.partial(fetcher.fetch, scope=self.scopes[site.name]))
            for site in self.sites))
        discovered: set[str] = set()
        for site, discovery in zip(self.sites, found):
            self.summary.new += self.state.add(site.name, discovery.urls)
            discovered.update(discovery.urls)
            for err in discovery.errors:
                self.summary.failed += 1
                self.emit("error", site=site.name, url=err.url, error=err.reason)
            for url, source in discovery.offsite:
                self.summary.offsite += 1
                self.emit("offsite", site=site.name, url=url, source=source)
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
        if outcome.status is PageStatus.OFFSITE:
            state.finish(row.url, "offsite")
            summary.offsite += 1
            emit("url", url=row.url, status="offsite", target=_target(outcome),
                 error=outcome.reason)
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
                         record_file=result.name, simhash=fingerprint,
                         page_hash=outcome.page_sha256)
            summary.written += 1
            emit("url", url=row.url, status="written", file=result.name)
        else:
            state.finish(row.url, "duplicate", content_hash=record.text_hash(),
                         record_file=result.name)
            summary.skipped += 1
            emit("url", url=row.url, status="duplicate", file=result.name)

    def commit_refresh(self, row: UrlRow, outcome: PageOutcome) -> None:
        """Settle one revalidated record: replace it by its article's new version, or keep
        it (unchanged, duplicate, gone), update its state row, report it."""
        state, summary, emit = self.state, self.summary, self.emit
        name = row.record_file
        assert name is not None
        status = outcome.status
        taken_down = isinstance(outcome.error, FetchError) and outcome.error.status in GONE_HTTP
        if status is PageStatus.OFFSITE:  # the record stays; the URL leads elsewhere now
            summary.offsite += 1
            emit("url", url=row.url, refresh=True, status="offsite", file=name,
                 target=_target(outcome), error=outcome.reason)
            return
        if status is PageStatus.BLOCKED:
            summary.skipped += 1
            emit("url", url=row.url, refresh=True, status="blocked", file=name,
                 error=outcome.reason)
            return
        if status is PageStatus.FAILED and not taken_down:
            summary.failed += 1  # the record stays; the next run in the window asks again
            emit("url", url=row.url, refresh=True, status="failed", file=name,
                 error=outcome.reason)
            return
        summary.refreshed += 1
        if status is PageStatus.FAILED or status is PageStatus.EMPTY:
            state.gone(row.url, outcome.reason)
            summary.gone += 1
            emit("url", url=row.url, refresh=True, status="gone", file=name, error=outcome.reason)
            return
        if outcome.record is None:  # UNCHANGED: the body behind the record's text
            state.checked(row.url, page_hash=outcome.page_sha256)
            summary.unchanged += 1
            emit("url", url=row.url, refresh=True, status="unchanged", file=name)
            return
        record = outcome.record
        text_hash = record.text_hash()
        fingerprint = Simhash(record.to_text()).hash if self.options.near_duplicates else None
        if fingerprint is not None and text_hash != row.content_hash:
            similar = state.near(fingerprint)
            if similar is not None and state.owner(similar) != row.url:
                self._refused(row, "near-duplicate", similar)
                return
        result = self.writer.update(name, record)
        if result.status == "duplicate":
            self._refused(row, "duplicate", result.name)
        elif (result.status == "unchanged" and text_hash == row.content_hash
              and result.version == row.version):
            state.checked(row.url, page_hash=outcome.page_sha256)
            summary.unchanged += 1
            emit("url", url=row.url, refresh=True, status="unchanged", file=name)
        else:  # replaced now, or by a run that died before the state heard of it
            state.revised(row.url, content_hash=text_hash, page_hash=outcome.page_sha256,
                          version=result.version, simhash=fingerprint)
            summary.updated += 1
            emit("url", url=row.url, refresh=True, status="updated", file=name,
                 version=result.version)

    def _refused(self, row: UrlRow, status: str, other: str) -> None:
        """An edit that would make the record (nearly) the same text as `other`: nothing is
        written, and the page is extracted again next time (the other may change too)."""
        self.state.checked(row.url)
        self.summary.unchanged += 1
        self.emit("url", url=row.url, refresh=True, status=status, file=row.record_file,
                  same_as=other)
