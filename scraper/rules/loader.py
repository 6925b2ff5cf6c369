"""Rule files: one TOML file per site or theme in `rules/`, validated on load.

Format (every key optional but `name` defaults to the file's stem):

    name = "jannah"                      # unique among the rule files
    description = "Jannah WordPress theme"

    [match]                              # which pages the rule claims
    domains = ["example.com"]            # the domain and its subdomains
    generator = ["Jannah"]               # substrings of <meta name=generator>
    selectors = ["div.theme-notice"]     # any present in the page (a theme fingerprint)
    lines = ["^Jannah Theme License"]    # any matching a line of a text dump

    [extract]                            # for HTML pages; selectors in order, first match wins
    title = ["h1.entry-title"]
    standfirst = ["p.subtitle"]          # a lead paragraph outside the body, kept first
    body = ["div.entry-content"]
    strip = ["div.share-buttons"]        # removed before text is taken
    author = ["span.author a"]
    published = ["time[datetime]"]
    drop_lines = ["^Share this$"]        # line regexes, for HTML and text alike

    [crawl]
    start_urls = ["https://example.com/"]
    feeds = ["https://example.com/feed/"]
    sitemaps = ["https://example.com/sitemap.xml"]
    article_urls = "^https://example\\.com/\\d{4}/"
    delay = 1.0                          # seconds between requests to the host
    refresh = 7                          # revalidate articles written in the last 7 days
                                         # (0: never; wins over `scrape crawl --refresh`)
    extra_domains = ["example-cdn.net"]  # also crawl these domains (and their subdomains)
    any_host = false                     # true: feed items, links and redirects to any host

    A crawl fetches only URLs on the rule's scope: `match.domains` and `crawl.extra_domains`
    (subdomains included) and the hosts of its start, feed and sitemap URLs; a feed item,
    sitemap entry, link or redirect elsewhere is reported as `offsite` and not fetched,
    unless `any_host`.

    [[tests]]                            # run by `scrape rules test` and by pytest
    fixture = "fixtures/jannah.html"     # relative to the rule file
    url = "https://example.com/a"
    contains = ["first paragraph"]
    not_contains = ["Jannah Theme License"]
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Any

from selectolax.lexbor import LexborHTMLParser, SelectolaxError

from ..errors import RulesError
from .lexicon import Lexicon
from .site import CrawlConfig, Rules, RuleTest, SiteRule

_SCHEMA: dict[str, dict[str, type] | type] = {
    "name": str,
    "description": str,
    "match": {"domains": list, "generator": list, "selectors": list, "lines": list},
    "extract": {"title": list, "standfirst": list, "body": list, "strip": list, "author": list,
                "published": list, "drop_lines": list},
    "crawl": {"start_urls": list, "feeds": list, "sitemaps": list, "article_urls": str,
              "delay": float, "refresh": float, "extra_domains": list, "any_host": bool},
    "tests": list,
}
_TEST_KEYS = {"fixture": str, "url": str, "contains": list, "not_contains": list}
# A domain name as a rule gives it: no scheme, port, path, wildcard or space.
_DOMAIN = re.compile(r"^[^\s/:*@?#\[\]\\]+$")
_PROBE = LexborHTMLParser("<html><body><p>probe</p></body></html>")


def default_rules_dir() -> Path:
    """The bundled rules: `scraper/_rules` in an installed wheel, else the checkout's `rules/`."""
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / "_rules", package.parent / "rules"):
        if candidate.is_dir():
            return candidate
    raise RulesError("bundled rules folder not found; pass a rules folder")


def load_rules(path: str | os.PathLike[str] | None = None) -> Rules:
    """Load the lexicon (`lexicon*.tsv`) and every rule file (`*.toml`) of a rules folder.

    Raises RulesError, naming the file and key, on any invalid content.
    """
    folder = Path(path) if path is not None else default_rules_dir()
    if not folder.is_dir():
        raise RulesError(f"{folder}: rules folder not found")
    lexicon = Lexicon.load(sorted(folder.glob("lexicon*.tsv")))
    sites = tuple(load_rule_file(p) for p in sorted(folder.glob("*.toml")))
    seen: dict[str, Path | None] = {}
    for rule in sites:
        if rule.name in seen:
            raise RulesError(f"{rule.path}: name {rule.name!r} is also used by {seen[rule.name]}")
        seen[rule.name] = rule.path
    return Rules(lexicon=lexicon, sites=sites, path=folder)


def load_rule_file(path: Path) -> SiteRule:
    """Parse and validate one rule file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as err:
        raise RulesError(f"{path}: cannot read: {err}") from err
    except tomllib.TOMLDecodeError as err:
        raise RulesError(f"{path}: invalid TOML: {err}") from err
    _check(path, data, _SCHEMA, "")
    match, extract, crawl = data.get("match", {}), data.get("extract", {}), data.get("crawl", {})
    for key in ("title", "standfirst", "body", "strip", "author", "published"):
        for i, selector in enumerate(_strings(path, extract, key, "extract.")):
            _check_selector(path, f"extract.{key}[{i}]", selector)
    for i, selector in enumerate(_strings(path, match, "selectors", "match.")):
        _check_selector(path, f"match.selectors[{i}]", selector)
    tests = []
    for i, test in enumerate(data.get("tests", [])):
        where = f"tests[{i}]"
        if not isinstance(test, dict):
            raise RulesError(f"{path}: {where}: must be a table")
        _check(path, test, _TEST_KEYS, where + ".")
        if "fixture" not in test:
            raise RulesError(f"{path}: {where}.fixture: missing")
        fixture = (path.parent / test["fixture"]).resolve()
        tests.append(RuleTest(fixture=fixture, url=test.get("url"),
                              contains=_strings(path, test, "contains", where + "."),
                              not_contains=_strings(path, test, "not_contains", where + ".")))
    article_urls = crawl.get("article_urls")
    return SiteRule(
        name=data.get("name", path.stem),
        path=path,
        description=data.get("description", ""),
        domains=tuple(d.lower().lstrip(".") for d in _strings(path, match, "domains", "match.")),
        generator=_strings(path, match, "generator", "match."),
        selectors=_strings(path, match, "selectors", "match."),
        line_markers=_patterns(path, match, "lines", "match."),
        title=_strings(path, extract, "title", "extract."),
        standfirst=_strings(path, extract, "standfirst", "extract."),
        body=_strings(path, extract, "body", "extract."),
        strip=_strings(path, extract, "strip", "extract."),
        author=_strings(path, extract, "author", "extract."),
        published=_strings(path, extract, "published", "extract."),
        drop_lines=_patterns(path, extract, "drop_lines", "extract."),
        crawl=CrawlConfig(
            start_urls=_strings(path, crawl, "start_urls", "crawl."),
            feeds=_strings(path, crawl, "feeds", "crawl."),
            sitemaps=_strings(path, crawl, "sitemaps", "crawl."),
            article_urls=_compile(path, "crawl.article_urls", article_urls) if article_urls else None,
            delay=float(crawl["delay"]) if "delay" in crawl else None,
            refresh=float(crawl["refresh"]) if "refresh" in crawl else None,
            extra_domains=_domains(path, crawl, "extra_domains", "crawl."),
            any_host=crawl.get("any_host", False),
        ),
        tests=tuple(tests),
    )


def _check(path: Path, data: dict[str, Any], schema: dict[str, Any], prefix: str) -> None:
    for key, value in data.items():
        if key not in schema:
            raise RulesError(f"{path}: {prefix}{key}: unknown key (known: {', '.join(schema)})")
        expected = schema[key]
        if isinstance(expected, dict):
            if not isinstance(value, dict):
                raise RulesError(f"{path}: {prefix}{key}: must be a table")
            _check(path, value, expected, f"{prefix}{key}.")
        elif expected is float:
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise RulesError(f"{path}: {prefix}{key}: must be a non-negative number")
        elif not isinstance(value, expected):
            raise RulesError(f"{path}: {prefix}{key}: must be a {expected.__name__}")


def _strings(path: Path, table: dict[str, Any], key: str, prefix: str) -> tuple[str, ...]:
    values = table.get(key, [])
    for i, value in enumerate(values):
        if not isinstance(value, str) or not value.strip():
            raise RulesError(f"{path}: {prefix}{key}[{i}]: must be a non-empty string")
    return tuple(values)


def _domains(path: Path, table: dict[str, Any], key: str, prefix: str) -> tuple[str, ...]:
    domains = []
    for i, value in enumerate(_strings(path, table, key, prefix)):
        domain = value.strip().lower().strip(".")
        if not domain or not _DOMAIN.match(domain):
            raise RulesError(f"{path}: {prefix}{key}[{i}]: {value!r} is not a domain name "
                             "(give a host such as example.com: no scheme, port, path or *)")
        domains.append(domain)
    return tuple(domains)


def _patterns(path: Path, table: dict[str, Any], key: str, prefix: str) -> tuple[re.Pattern[str], ...]:
    return tuple(_compile(path, f"{prefix}{key}[{i}]", p)
                 for i, p in enumerate(_strings(path, table, key, prefix)))


def _compile(path: Path, where: str, pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as err:
        raise RulesError(f"{path}: {where}: bad regular expression: {err}") from err


def _check_selector(path: Path, where: str, selector: str) -> None:
    try:
        _PROBE.css(selector)
    except (SelectolaxError, ValueError) as err:
        raise RulesError(f"{path}: {where}: bad CSS selector {selector!r}: {err}") from err
