"""Applying rule files to a parsed page: strip selectors, then title, body, author, date."""

from __future__ import annotations

from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .metadata import visible_text
from .normalize import clean_line
from .rules import SiteRule

# Elements that end a line of text (a <br> too).
BLOCK_TAGS = ("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "tr",
           "figure", "figcaption", "section", "article", "header", "footer", "ul", "ol",
           "table", "dd", "dt", "dl", "address", "details", "summary", "main", "aside", "hr")


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


def block_lines(node: LexborNode) -> tuple[str, ...]:
    """The text of an element, one line per block (paragraph, heading, list item...)."""
    html = node.html or ""
    copy = LexborHTMLParser(html)
    copy.strip_tags(["script", "style", "noscript", "template", "iframe", "svg"], recursive=True)
    root = copy.body if copy.body is not None else copy.root
    if root is None:
        return ()
    for br in root.css("br"):
        br.insert_after("\n")
    for block in root.css(",".join(BLOCK_TAGS)):
        block.insert_before("\n")
        block.insert_after("\n")
    text = root.text(deep=True, separator="")
    return tuple(line for line in (clean_line(raw) for raw in text.split("\n")) if line)


def _first_text(tree: LexborHTMLParser, selectors: tuple[str, ...]) -> str | None:
    for selector in selectors:
        node = tree.css_first(selector)
        if node is None:
            continue
        value = node.attributes.get("content") if node.tag == "meta" else visible_text(node)
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
                           or visible_text(node) or "")
        if value:
            return value
    return None
