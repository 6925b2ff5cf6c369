"""The library surface: a curated, pinned `__all__` and one exception tree."""

from __future__ import annotations

import scraper
from scraper import errors

PUBLIC = {
    "BinaryInputError", "DecodeError", "EmptyInputError", "FetchError", "InputError",
    "NoArticleError", "OutputError", "PageTooLargeError", "Record", "RecordWriter", "Rules",
    "RulesError", "ScraperError", "SiteRule", "clean_text", "extract_html", "load_rules",
    "CrawlOptions", "FetchSettings", "fetch_records", "run_crawl",
}


def test_all_is_pinned() -> None:
    assert set(scraper.__all__) == PUBLIC
    assert all(hasattr(scraper, name) for name in scraper.__all__)


def test_every_error_derives_from_scraper_error() -> None:
    raised = [obj for obj in vars(errors).values() if isinstance(obj, type) and issubclass(obj, Exception)]
    assert len(raised) >= 8
    assert all(issubclass(cls, scraper.ScraperError) for cls in raised)


def test_clean_text_from_a_library_caller() -> None:
    rules = scraper.load_rules()
    text = ("Headline of the library story\n\n" + "A sentence long enough to count as article text, "
            "with a clause or two, and a full stop at its end. " * 3)
    record = scraper.clean_text(text, rules=rules, source="memory")
    assert isinstance(record, scraper.Record)
    assert record.title == "Headline of the library story" and record.source == "memory"
    assert record.rule == "generic"
