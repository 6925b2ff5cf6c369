"""Applying rule files to a parsed page: strip selectors, then title, body, author, date."""

from __future__ import annotations

from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .normalize import clean_line
from .rules import SiteRule

# Elements that end a line of text (a <br> too).
_BLOCKS = ("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "tr",
           "figure", "figcaption", "section", "article", "header", "footer", "ul", "ol",
           "table", "dd", "dt", "dl", "address", "details", "summary", "main", "aside", "hr")


@dataclass(frozen=True)
class RuleMatch:
    """What the page's rules found: any field may be missing."""

    rule: str
    title: str | None = None
    lines: tuple[str, ...] = ()
    author: str | None = None
    published: str | None = None


def strip(tree: LexborHTMLParser, rules: tuple[SiteRule, ...]) -> None:
    """Remove every element the rules' `strip` selectors match, in place."""
    for rule in rules:
        for selector in rule.strip:
            for node in tree.css(selector):
                node.decompose(recursive=False)  # detach only: later matches stay valid


def apply(tree: LexborHTMLParser, rules: tuple[SiteRule, ...]) -> RuleMatch | None:
    """The body, title, author and date of the first rule whose `body` selectors match.

    Call `strip` first. None when no rule's body selector matches the page.
    """
    for rule in rules:
        for selector in rule.body:
            node = tree.css_first(selector)
            if node is None:
                continue
            lines = block_lines(node)
            if not lines:
                continue
            return RuleMatch(rule=rule.name, title=_first_text(tree, rule.title), lines=lines,
                             author=_first_text(tree, rule.author),
                             published=_first_date(tree, rule.published))
    return None


def metadata(tree: LexborHTMLParser, rules: tuple[SiteRule, ...]) -> RuleMatch | None:
    """Title, author and date from the rules' selectors, without a body."""
    for rule in rules:
        title = _first_text(tree, rule.title)
        author = _first_text(tree, rule.author)
        published = _first_date(tree, rule.published)
        if title or author or published:
            return RuleMatch(rule=rule.name, title=title, author=author, published=published)
    return None


def block_lines(node: LexborNode) -> tuple[str, ...]:
    """The text of an element, one line per block (paragraph, heading, list item...)."""
    html = node.html or ""
    copy = LexborHTMLParser(html)
    root = copy.body if copy.body is not None else copy.root
    if root is None:
        return ()
    for br in root.css("br"):
        br.insert_after("\n")
    for block in root.css(",".join(_BLOCKS)):
        block.insert_before("\n")
        block.insert_after("\n")
    text = root.text(deep=True, separator="")
    return tuple(line for line in (clean_line(raw) for raw in text.split("\n")) if line)


def _first_text(tree: LexborHTMLParser, selectors: tuple[str, ...]) -> str | None:
    for selector in selectors:
        node = tree.css_first(selector)
        if node is None:
            continue
        value = node.attributes.get("content") if node.tag == "meta" else \
            node.text(deep=True, separator=" ", strip=True)
        value = clean_line(value or "")
        if value:
            return value
    return None


def _first_date(tree: LexborHTMLParser, selectors: tuple[str, ...]) -> str | None:
    for selector in selectors:
        node = tree.css_first(selector)
        if node is None:
            continue
        attrs = node.attributes
        value = clean_line(attrs.get("datetime") or attrs.get("content")
                           or node.text(deep=True, separator=" ", strip=True) or "")
        if value:
            return value
    return None
