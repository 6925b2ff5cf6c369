"""The rule model: one site or theme rule (`SiteRule`) and the loaded set (`Rules`).

The file format is documented in `scraper.rules.loader`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

from ..errors import RulesError
from .lexicon import Lexicon


@dataclass(frozen=True)
class RuleTest:
    """An inline test: a page fixture and strings its record must and must not contain."""

    fixture: Path
    url: str | None = None
    contains: tuple[str, ...] = ()
    not_contains: tuple[str, ...] = ()


@dataclass(frozen=True)
class CrawlConfig:
    """Where a site's articles are found."""

    start_urls: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    article_urls: re.Pattern[str] | None = None
    delay: float | None = None
    refresh: float | None = None   # days: revalidate articles written this recently (None: the
                                   # run's --refresh)
    extra_domains: tuple[str, ...] = ()   # crawled too, beyond match.domains (subdomains too)
    any_host: bool = False         # follow links and redirects to any host


@dataclass(frozen=True)
class SiteRule:
    """One rule file, parsed and validated."""

    name: str
    path: Path | None = None
    description: str = ""
    domains: tuple[str, ...] = ()
    generator: tuple[str, ...] = ()
    selectors: tuple[str, ...] = ()
    line_markers: tuple[re.Pattern[str], ...] = ()
    title: tuple[str, ...] = ()
    standfirst: tuple[str, ...] = ()
    body: tuple[str, ...] = ()
    strip: tuple[str, ...] = ()
    author: tuple[str, ...] = ()
    published: tuple[str, ...] = ()
    drop_lines: tuple[re.Pattern[str], ...] = ()
    crawl: CrawlConfig = field(default_factory=CrawlConfig)
    tests: tuple[RuleTest, ...] = ()

    def domain_match(self, host: str) -> int:
        """The length of the longest of `domains` that is the host or a parent domain of it;
        -1 when none is (longer is more specific)."""
        return max((len(d) for d in self.domains if host == d or host.endswith("." + d)),
                   default=-1)

    def matches_lines(self, lines: list[str]) -> bool:
        """True when a line of a text dump carries one of the rule's `lines` markers."""
        return any(p.search(line) for p in self.line_markers for line in lines)

    def drops(self, line: str) -> bool:
        """True when one of the rule's `drop_lines` patterns matches the line."""
        return any(p.search(line) for p in self.drop_lines)


@dataclass(frozen=True)
class Rules:
    """The lexicon and the site rules, loaded once and passed to every stage."""

    lexicon: Lexicon
    sites: tuple[SiteRule, ...] = ()
    path: Path | None = None

    def get(self, name: str) -> SiteRule:
        """The rule called `name`; RulesError if there is none."""
        for rule in self.sites:
            if rule.name == name:
                return rule
        raise RulesError(f"no rule named {name!r} in {self.path}")

    def for_url(self, url: str | None) -> SiteRule | None:
        """The site rule whose domains cover the URL (the most specific domain wins)."""
        best, length = None, -1
        host = _host(url)
        for rule in self.sites:
            match = rule.domain_match(host)
            if match > length:
                best, length = rule, match
        return best

    def for_html(self, tree: LexborHTMLParser, url: str | None = None) -> tuple[SiteRule, ...]:
        """Every rule that claims a parsed page, most specific first.

        A rule claims a page by its domains (the most specific domain first), else by a
        substring of a `<meta name=generator>` value, else by a fingerprint selector found
        in the page. A site rule and the theme and platform rules it uses can all apply.
        """
        host = _host(url)
        by_domain = [(rule.domain_match(host), rule) for rule in self.sites]
        claimed = [rule for length, rule in sorted(by_domain, key=lambda x: -x[0]) if length >= 0]
        generators = [(node.attributes.get("content") or "").casefold()
                      for node in tree.css('meta[name="generator" i]')]
        for rule in self.sites:
            if rule in claimed:
                continue
            if any(g.casefold() in value for g in rule.generator for value in generators):
                claimed.append(rule)
        for rule in self.sites:
            if rule in claimed:
                continue
            if rule.selectors and tree.css_first(", ".join(rule.selectors)) is not None:
                claimed.append(rule)
        return tuple(claimed)

    def for_text(self, lines: list[str]) -> tuple[SiteRule, ...]:
        """The rules whose line markers appear in a text dump."""
        return tuple(r for r in self.sites if r.line_markers and r.matches_lines(lines))




def _host(url: str | None) -> str:
    return (urlsplit(url).hostname or "") if url else ""
