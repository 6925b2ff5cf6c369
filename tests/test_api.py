"""The library surface: a curated, pinned `__all__`, one closed exception tree, and the
Extractor (immutable, shared, built once)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import scraper
from scraper import errors

PUBLIC = {
    # errors
    "ScraperError", "InputError", "EmptyInputError", "BinaryInputError", "DecodeError",
    "PageTooLargeError", "NoArticleError", "RulesError", "ModelError", "OutputError",
    "StateError", "CacheError", "LockedError", "FetchError", "RobotsBlocked", "AddressBlocked",
    "OffsiteError",
    "ArchiveError", "ExtractTimeout", "ScraperWarning", "DecodeWarning",
    # extraction
    "Extractor", "ExtractOptions", "default_extractor", "extract_html", "clean_text",
    "record_from_bytes", "Record", "Rules", "SiteRule", "load_rules", "RepeatIndex",
    # output
    "RecordWriter", "WriteResult",
    # fetching and crawling
    "FetchSettings", "FetchResult", "fetch_pages", "PageOutcome", "PageStatus",
    "CrawlOptions", "CrawlSummary", "run_crawl",
    # parallel extraction
    "PoolSettings", "ExtractPool",
    # WARC archives
    "ArchiveSettings", "Page", "iter_warc",
}
TEXT = ("Headline of the library story\n\n" + "A sentence long enough to count as article "
        "text, with a clause or two, and a full stop at its end. " * 3)


def _modules() -> list[object]:
    names = [m.name for m in pkgutil.walk_packages(scraper.__path__, "scraper.")
             if not m.name.endswith("__main__")]
    return [importlib.import_module(name) for name in names]


def test_all_is_pinned() -> None:
    assert set(scraper.__all__) == PUBLIC
    assert all(hasattr(scraper, name) for name in scraper.__all__)


def test_every_exception_class_of_the_package_is_in_the_closed_tree() -> None:
    modules = _modules()
    assert len(modules) > 30  # every stage's modules were walked
    defined = {obj for module in modules for _, obj in inspect.getmembers(module, inspect.isclass)
               if issubclass(obj, BaseException) and obj.__module__.startswith("scraper")}
    public = {cls for cls in defined if not cls.__name__.startswith("_")}
    # Private ones are control flow inside one module (a retry signal) and never escape it.
    assert public, "the tree exists"
    for cls in public:
        assert cls.__module__ == "scraper.errors", f"{cls.__qualname__} is defined outside errors.py"
        assert issubclass(cls, (scraper.ScraperError, scraper.ScraperWarning)), cls
        assert cls.__name__ in scraper.__all__, f"{cls.__name__} is not exported"
    assert public == {obj for obj in vars(errors).values()
                      if isinstance(obj, type) and issubclass(obj, Exception)}
    assert not any(issubclass(cls, scraper.ScraperError) and issubclass(cls, Warning)
                   for cls in public), "errors are raised, warnings issued: never both"


def test_clean_text_from_a_library_caller(rules) -> None:
    record = scraper.clean_text(TEXT, rules=rules, source="memory")
    assert isinstance(record, scraper.Record)
    assert record.title == "Headline of the library story" and record.source == "memory"
    assert record.rule == "generic"


def test_the_default_extractor_is_built_once_and_shared() -> None:
    with ThreadPoolExecutor(8) as pool:
        built = set(map(id, pool.map(lambda _: scraper.default_extractor(), range(32))))
    assert len(built) == 1
    assert scraper.clean_text(TEXT).paragraphs == scraper.default_extractor().clean_text(TEXT).paragraphs


def test_module_functions_do_not_reload_the_rules(monkeypatch) -> None:
    scraper.default_extractor()  # built before counting
    loads = []
    import scraper.extractor as module
    real = module.load_rules
    monkeypatch.setattr(module, "load_rules", lambda *a, **k: loads.append(a) or real(*a, **k))
    for _ in range(3):
        scraper.clean_text(TEXT)
        scraper.record_from_bytes(TEXT.encode())
    assert loads == []


def test_an_extractor_is_immutable_and_safe_across_threads(tmp_path: Path) -> None:
    extractor = scraper.Extractor()
    with pytest.raises(AttributeError):
        extractor.rules = None  # type: ignore[misc]
    with pytest.raises(AttributeError):
        extractor.anything = 1  # type: ignore[attr-defined]
    pages = [TEXT.replace("library", f"library {i}") for i in range(40)]
    with ThreadPoolExecutor(4) as pool:
        titles = list(pool.map(lambda page: extractor.clean_text(page).title, pages))
    assert titles == [f"Headline of the library {i} story" for i in range(40)]


def test_an_extractor_from_a_folder_with_a_bad_rule_is_a_rules_error(tmp_path: Path) -> None:
    (tmp_path / "bad.toml").write_text("name = 3\n", encoding="utf-8")
    with pytest.raises(scraper.RulesError, match="bad.toml"):
        scraper.Extractor(tmp_path)


def test_the_package_ships_its_type_hints() -> None:
    assert (Path(scraper.__file__).parent / "py.typed").is_file()
