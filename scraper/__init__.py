"""scraper: clean article records from news pages and scraped text."""

__version__ = "0.1.0"

from .errors import (
    BinaryInputError,
    DecodeError,
    EmptyInputError,
    FetchError,
    InputError,
    NoArticleError,
    OutputError,
    PageTooLargeError,
    RulesError,
    ScraperError,
)
from .clean import clean_text
from .crawl import CrawlOptions, fetch_records, run_crawl
from .extract import extract_html
from .fetch import FetchSettings
from .output import RecordWriter
from .record import Record
from .rules import Rules, SiteRule, load_rules

__all__ = [
    "BinaryInputError",
    "CrawlOptions",
    "DecodeError",
    "EmptyInputError",
    "FetchError",
    "FetchSettings",
    "InputError",
    "NoArticleError",
    "OutputError",
    "PageTooLargeError",
    "Record",
    "RecordWriter",
    "Rules",
    "RulesError",
    "ScraperError",
    "SiteRule",
    "clean_text",
    "extract_html",
    "fetch_records",
    "load_rules",
    "run_crawl",
]
