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
    RulesError,
    ScraperError,
)
from .clean import clean_text
from .extract import extract_html
from .output import RecordWriter
from .record import Record
from .rules import Rules, SiteRule, load_rules

__all__ = [
    "BinaryInputError",
    "DecodeError",
    "EmptyInputError",
    "FetchError",
    "InputError",
    "NoArticleError",
    "OutputError",
    "Record",
    "RecordWriter",
    "Rules",
    "RulesError",
    "ScraperError",
    "SiteRule",
    "clean_text",
    "extract_html",
    "load_rules",
]
