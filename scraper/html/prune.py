"""Removing a page's obvious chrome with selectolax before the main text is looked for.

What goes: non-content elements (scripts, styles, embeds, form controls), page-level
navigation, footers, forms and asides, hidden elements, "Read also: <link>" teaser
paragraphs, and elements whose class or id names a kind of chrome (share bars, related
boxes, comment sections, cookie and newsletter banners, breadcrumbs, ads). An element
holding prose or most of the page's text is kept whatever its name says, so a misleading
class cannot remove the article.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .defuse import DEFUSED_SELECT

# Elements that never hold article text.
DROP_TAGS = ("script:not([type='application/ld+json'])", "style", "template", "iframe", "object",
             "embed", "svg", "canvas", "button", "select", DEFUSED_SELECT, "textarea", "input",
             "dialog")
# Page chrome by element name (kept when inside the article element, see prune()).
CHROME_TAGS = ("nav", "aside", "footer", "form")
CHROME_SELECTORS = ("[hidden]", "[aria-hidden=true]", "[role=navigation]", "[role=banner]",
                    "[role=contentinfo]", "[role=complementary]", "[role=search]",
                    "[role=dialog]", "[role=alert]")
# Words in a class or id that name chrome, by kind; matched against each hyphen/underscore
# part. The kinds are also features of the learned block classifier (scraper.html.blocks).
CHROME_WORDS: dict[str, tuple[str, ...]] = {
    "comments": ("comments", "commentlist", "respond", "disqus"),
    "share": ("share", "sharing", "sharedaddy", "shares", "social", "socials"),
    "related": ("related", "relatedposts", "recommended", "recommendations", "outbrain",
                "taboola"),
    "newsletter": ("newsletter", "subscribe", "subscription"),
    "consent": ("cookie", "cookies", "consent", "gdpr", "popup"),
    "breadcrumb": ("breadcrumb", "breadcrumbs", "pagination"),
    "advert": ("advert", "advertisement", "adsbygoogle", "sponsor", "sponsored"),
}
_CHROME_WORDS = "|".join(word for words in CHROME_WORDS.values() for word in words)
_DROP_QUERY = ", ".join(DROP_TAGS)
_CHROME_QUERY = ", ".join((*CHROME_TAGS, *CHROME_SELECTORS))
_CHROME_RE = re.compile(rf"(?:^|[-_\s])(?:{_CHROME_WORDS})(?:$|[-_\s\d])", re.I)
# A paragraph that opens with one of these labels and is mostly a link points to another
# story ("Read also: ...").
READ_ALSO = re.compile(
    r"(?:read (?:also|more)|see also|related|lea (?:también|más)|lee también|lesen sie (?:auch|"
    r"mehr)|mehr zum thema|lire aussi|à lire aussi|leia também|czytaj (?:też|także|również)|"
    r"zobacz (?:też|także)|leggi anche|اقرأ أيضا|اقرأ أيضاً|إقرأ أيضا|إقرأ أيضاً|اقرأ المزيد|"
    r"شاهد أيضا|شاهد أيضاً|طالع أيضا|طالع أيضاً)\s*[:：\-–—]", re.I)
# Class/id names that mark the article itself: never pruned by name.
CONTENT_RE = re.compile(r"(?:article|post|entry|story|main)[-_]?(?:body|content|text)|"
                         r"(?:^|\s)(?:content|article-body|articlebody)(?:$|\s)", re.I)
# An element named like chrome is kept when it holds a paragraph this long (real prose).
PROSE_PARAGRAPH_CHARS = 250
# Bound on the work spent on elements named like chrome (adversarial pages).
MAX_CANDIDATES = 3000
# An element with more than this share of the page's text is never pruned by its name.
MAX_SHARE = 0.4
_KEEP = frozenset({"html", "body", "main", "article"})
# Inline elements are never pruned by name: a word in running text may carry a class
# such as "popup" (a glossary link) and must stay.
_INLINE = frozenset({"a", "span", "em", "strong", "b", "i", "u", "abbr", "cite", "small",
                     "sup", "sub", "mark", "label", "time", "q", "code", "font", "img"})


def _names(node: LexborNode) -> str:
    return f"{node.attrs.sget('class')} {node.id or ''}"


def is_chrome_name(names: str) -> bool:
    """True when a class/id string names a kind of page chrome."""
    return bool(_CHROME_RE.search(names))


def prune(tree: LexborHTMLParser) -> LexborHTMLParser:
    """Remove the page's chrome in place (see the module docstring); returns `tree`."""
    for node in tree.css(_DROP_QUERY):
        node.decompose(recursive=False)  # detach only: descendants stay valid objects
    body = tree.body
    if body is None:
        return tree
    total = len(body.text(deep=True, separator=" ", strip=True)) or 1
    for node in tree.css(_CHROME_QUERY):
        if node.tag in _KEEP:
            continue
        if node.tag in CHROME_TAGS and _inside_article(node):
            continue
        if len(node.text(deep=True, separator=" ", strip=True)) > MAX_SHARE * total:
            continue
        node.decompose(recursive=False)
    for node in tree.css("p, li"):  # "Read also: <a>other story</a>" teasers in the text
        text = node.text(deep=True, separator=" ", strip=True)
        if READ_ALSO.match(text) and _link_share(node, text) >= 0.5:
            node.decompose(recursive=False)
    seen: set[int] = set()
    candidates = []
    chrome_names: dict[str, bool] = {}  # pages repeat their class names a thousand times
    for node in tree.css("[class], [id]"):  # may list a node twice
        if node.tag in _KEEP or node.tag in _INLINE:
            continue
        names = _names(node)
        chrome = chrome_names.get(names)
        if chrome is None:
            chrome = chrome_names[names] = is_chrome_name(names)
        if chrome and node.mem_id not in seen:
            seen.add(node.mem_id)
            candidates.append(node)
    for node in candidates[:MAX_CANDIDATES]:
        if CONTENT_RE.search(_names(node)) or _has_prose(node):
            continue
        if len(node.text(deep=True, separator=" ", strip=True)) > MAX_SHARE * total:
            continue
        node.decompose(recursive=False)
    return tree


def _link_share(node: LexborNode, text: str) -> float:
    linked = sum(len(a.text(deep=True, separator=" ", strip=True)) for a in node.css("a"))
    return linked / len(text) if text else 0.0


def _has_prose(node: LexborNode) -> bool:
    for i, p in enumerate(node.css("p")):
        if i >= 200:
            return True
        if len(p.text(deep=True, strip=True)) >= PROSE_PARAGRAPH_CHARS:
            return True
    return False


def _inside_article(node: LexborNode) -> bool:
    parent = node.parent
    depth = 0
    while parent is not None and depth < 64:
        if parent.tag in ("article", "main"):
            return True
        parent = parent.parent
        depth += 1
    return False
