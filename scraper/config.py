"""The settings objects: how pages are extracted, fetched and crawled.

Every default lives here once; the command line reads its option defaults from these
objects, and limits derived from others (the decompressed-body cap, the per-attempt
deadline) are computed here, so library and CLI agree.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from ._version import __version__
from .errors import StateError

STATE_FILE = "crawl-state.sqlite"
# The decompressed body may be this many times the largest body accepted as sent.
DECODED_FACTOR = 4
# An attempt (headers to last byte) may take this many read timeouts, and at least this long.
ATTEMPT_TIMEOUTS = 3
MIN_ATTEMPT_SECONDS = 60.0

DEFAULT_USER_AGENT = f"scraper/{__version__} (news article crawler; robots.txt obeyed)"


@dataclass(frozen=True)
class ExtractOptions:
    """Limits on the pages an Extractor accepts (larger ones are refused unread, so time
    and memory stay bounded: HTML parsing is quadratic in nesting depth). The largest
    pages of the shared corpora have 1.6 MB and 20,000 tags."""

    max_page_bytes: int = 8_000_000
    max_tags: int = 60_000


def default_jobs() -> int:
    """The number of cores this process may run on: the default number of extraction
    worker processes."""
    counter = getattr(os, "process_cpu_count", None)  # Python 3.13+
    if counter is not None:
        return max(1, counter() or 1)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class PoolSettings:
    """How pages are extracted in parallel: `jobs` worker processes, each building its
    own Extractor from the same rules and options; results are committed in input order,
    so any number of jobs gives the same output.

    `page_timeout`: seconds one page's extraction may take in a worker before the worker
    is killed and replaced and the page reported as an ExtractTimeout (the slowest page of
    the shared corpora takes 1.2 s of CPU); None: no limit. `window`: pages handed out
    ahead of the one being committed (bounds memory).
    """

    jobs: int = field(default_factory=default_jobs)
    page_timeout: float | None = 30.0
    window: int = 64


@dataclass(frozen=True)
class ArchiveSettings:
    """WARC output: a file being written is closed, and the next one started, once it
    holds `max_file_bytes` (compressed); the WARC 1.1 guidelines suggest 1 GB."""

    max_file_bytes: int = 1_000_000_000
    prefix: str = "scrape"               # file names: PREFIX-<UTC time>-<serial>-<random>.warc.gz


@dataclass(frozen=True)
class FetchSettings:
    """How pages are fetched; every limit is per URL. No HTTP cache unless `cache_dir`."""

    user_agent: str = DEFAULT_USER_AGENT
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float | None = None    # one attempt, headers to last byte; None: derived
    max_attempts: int = 4
    backoff_base: float = 1.0             # first backoff ~ this, doubling, with full jitter
    backoff_max: float = 30.0
    retry_after_cap: float = 120.0        # longer Retry-After: give up for this run
    max_redirects: int = 5
    max_bytes: int = 5 * 1024 * 1024      # body as sent (compressed)
    max_decoded_bytes: int | None = None  # body decompressed; None: DECODED_FACTOR x max_bytes
    delay: float = 1.0                    # default seconds between requests to one host
    max_crawl_delay: float = 60.0         # a robots.txt Crawl-delay above this is capped
    concurrency: int = 8                  # requests in flight over all hosts
    respect_robots: bool = True
    cache_dir: Path | None = None         # the HTTP cache folder; None: no cache
    offline: bool = False
    # Connect to loopback, private and link-local addresses of hosts nobody named (the
    # address guard, `scraper.net.guard`, is off): for testing against local servers.
    allow_private: bool = False
    # host, port -> the host's IP addresses (as strings); None: the system's resolver
    resolver: Callable[[str, int], Awaitable[list[str]]] | None = field(default=None,
                                                                        repr=False)

    @property
    def attempt_deadline(self) -> float:
        """Seconds one attempt may take: `total_timeout`, else derived from the read timeout."""
        if self.total_timeout is not None:
            return self.total_timeout
        return max(MIN_ATTEMPT_SECONDS, ATTEMPT_TIMEOUTS * self.read_timeout)

    @property
    def decoded_limit(self) -> int:
        """The cap on a decompressed body: `max_decoded_bytes`, else derived from max_bytes."""
        if self.max_decoded_bytes is not None:
            return self.max_decoded_bytes
        return DECODED_FACTOR * self.max_bytes


@dataclass(frozen=True)
class CrawlOptions:
    """One crawl run: which sites, where records and state go, how to fetch."""

    out_dir: Path
    sites: tuple[str, ...] = ()          # rule names; empty: every site with a [crawl] table
    state_path: Path | None = None       # default: <fetch.cache_dir>/crawl-state.sqlite
    max_attempts: int = 3                # runs in which a URL may fail before it is given up
    window: int = 1000                   # URLs fetched ahead of the (ordered) commit point
    near_duplicates: bool = False        # also skip texts near (simhash) a written record
    limit: int | None = None             # fetch at most this many article URLs this run
    refresh_days: float = 0.0            # revalidate articles first written this many days ago
                                         # or less (0: never); a rule's crawl.refresh wins
    gone_recheck_days: float = 1.0       # a refreshed page found gone is asked again this late
    fetch: FetchSettings = field(default_factory=FetchSettings)
    pool: PoolSettings = field(default_factory=PoolSettings)   # extraction processes, time limit
    warc_dir: Path | None = None         # archive every response fetched here (WARC files)
    archive: ArchiveSettings = field(default_factory=ArchiveSettings)

    def resolved_state_path(self) -> Path:
        """Where the state database lives; StateError when neither it nor a cache folder
        is given."""
        if self.state_path is not None:
            return Path(self.state_path)
        if self.fetch.cache_dir is None:
            raise StateError("no crawl state file: give state_path (or a cache folder)")
        return default_state_path(self.fetch.cache_dir)


def default_state_path(cache_dir: str | Path) -> Path:
    """The crawl state's place in a cache folder."""
    return Path(cache_dir) / STATE_FILE
