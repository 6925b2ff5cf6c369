"""Applying rule files to a parsed page: strip selectors, then title, body, author, date."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ..rules.site import SiteRule
from ..text.normalize import clean_line
from .visible import block_lines, visible_text


@dataclass(frozen=True)
class RuleMatch:
    """What the page's rules' metadata selectors found: any field may be missing."""

    rule: str
    title: str | None = None
    standfirst: str | None = None
    author: str | None = None
    published: str | None = None


def strip(tree: LexborHTMLParser, rules: tuple[SiteRule, ...]) -> None:
    """Remove every element the rules' `strip` selectors match, in place."""
    for rule in rules:
        if rule.strip:
            for node in tree.css(", ".join(rule.strip)):  # one pass over the page per rule
                node.decompose(recursive=False)  # detach only: later matches stay valid


def body(tree: LexborHTMLParser, rules: tuple[SiteRule, ...]) -> tuple[str, tuple[str, ...]] | None:
    """(rule name, lines) from the first rule whose `body` selector matches a non-empty
    element; None when none does. Call `strip` first."""
    for rule in rules:
        for selector in rule.body:
            node = tree.css_first(selector)
            if node is None:
                continue
            lines = block_lines(node)
            if lines:
                return rule.name, lines
    return None


def metadata(tree: LexborHTMLParser, rules: tuple[SiteRule, ...]) -> RuleMatch | None:
    """Title, standfirst, author and date from the rules' selectors, each from the first
    rule that finds it. Call before `strip`, which may remove the elements holding them."""
    title = standfirst = author = published = None
    for rule in rules:
        title = title or _first_text(tree, rule.title)
        standfirst = standfirst or _first_text(tree, rule.standfirst)
        author = author or _first_text(tree, rule.author)
        published = published or _first_date(tree, rule.published)
    if title or standfirst or author or published:
        return RuleMatch(rule=rules[0].name, title=title, standfirst=standfirst, author=author,
                         published=published)
    return None


def _first_text(tree: LexborHTMLParser, selectors: tuple[str, ...]) -> str | None:
    return _first(tree, selectors, lambda node: node.attributes.get("content")
                  if node.tag == "meta" else visible_text(node))


def _first_date(tree: LexborHTMLParser, selectors: tuple[str, ...]) -> str | None:
    return _first(tree, selectors, lambda node: node.attributes.get("datetime")
                  or node.attributes.get("content") or visible_text(node))


def _first(tree: LexborHTMLParser, selectors: tuple[str, ...],
           read: Callable[[LexborNode], str | None]) -> str | None:
    """The first non-empty value `read` gives of the first node each selector matches."""
    for selector in selectors:
        node = tree.css_first(selector)
        if node is None:
            continue
        value = clean_line(read(node) or "")
        if value:
            return value
    return None
