"""scraper: clean article records from news pages and scraped text.

    import scraper
    extractor = scraper.Extractor()                  # the bundled rules, loaded once
    record = extractor.extract_html(page_bytes, url="https://example.com/a")
    record = scraper.clean_text(text)                # the shared default Extractor

Every error raised on purpose is a `ScraperError` (see `scraper.errors`).
"""

from ._version import __version__ as __version__  # re-exported, not in __all__
from .archive import Page, iter_warc
from .config import ArchiveSettings, CrawlOptions, ExtractOptions, FetchSettings, PoolSettings
from .crawl.fetch import PageOutcome, PageStatus, fetch_pages
from .crawl.run import CrawlSummary, run_crawl
from .errors import (
    AddressBlocked,
    ArchiveError,
    BinaryInputError,
    CacheError,
    ClusterError,
    DecodeError,
    DecodeWarning,
    EmptyInputError,
    ExtractTimeout,
    FetchError,
    InputError,
    LockedError,
    ModelError,
    NoArticleError,
    OffsiteError,
    OutputError,
    PageTooLargeError,
    RobotsBlocked,
    RulesError,
    ScraperError,
    ScraperWarning,
    StateError,
)
from .extractor import (
    Extractor,
    clean_text,
    default_extractor,
    extract_html,
    record_from_bytes,
)
from .lines.repeats import RepeatIndex
from .net.fetcher import FetchResult
from .record import Record
from .rules import Rules, SiteRule, load_rules
from .run.pool import ExtractPool
from .run.store import RecordWriter, WriteResult

__all__ = [
    "AddressBlocked",
    "ArchiveError",
    "ArchiveSettings",
    "BinaryInputError",
    "CacheError",
    "CrawlOptions",
    "CrawlSummary",
    "DecodeError",
    "ClusterError",
    "DecodeWarning",
    "EmptyInputError",
    "ExtractOptions",
    "ExtractPool",
    "ExtractTimeout",
    "Extractor",
    "FetchError",
    "FetchResult",
    "FetchSettings",
    "InputError",
    "LockedError",
    "ModelError",
    "NoArticleError",
    "OffsiteError",
    "OutputError",
    "PageOutcome",
    "PageStatus",
    "Page",
    "PageTooLargeError",
    "PoolSettings",
    "Record",
    "RecordWriter",
    "RepeatIndex",
    "RobotsBlocked",
    "Rules",
    "RulesError",
    "ScraperError",
    "ScraperWarning",
    "SiteRule",
    "StateError",
    "WriteResult",
    "clean_text",
    "default_extractor",
    "extract_html",
    "fetch_pages",
    "iter_warc",
    "load_rules",
    "record_from_bytes",
    "run_crawl",
]
