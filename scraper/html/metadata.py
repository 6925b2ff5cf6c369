"""A page's metadata (headline, author, date, site name, language) from its markup.

Sources, first found wins per field: JSON-LD (`Article`-like objects), OpenGraph and
`article:*` properties, `<meta>` names, microdata (`itemprop`), the page's single `<h1>`,
and the `<title>` with the site name taken off. The author also from elements marked as
the author's or as a byline; the site's own name only when nothing else names anyone. The
date also from the text around the headline: a date line there is what readers see, where
a JSON-LD date is more often a template's or a first draft's. Costly sources are read only
when the ones before them give nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from selectolax.lexbor import LexborHTMLParser

from ..text.bylines import author_name, shown_name
from ..text.dates import find_date, is_date_line
from ..text.normalize import clean_line, match_key
from .visible import HIDDEN_TAGS, visible_text

_ARTICLE_TYPES = {"article", "newsarticle", "blogposting", "reportagenewsarticle", "webpage",
                  "analysisnewsarticle", "opinionnewsarticle", "liveblogposting", "report",
                  "scholarlyarticle", "techarticle", "posting", "socialmediaposting"}
_TITLE_SEPARATORS = re.compile(r"\s+[|\-–—:·•»«/]\s+")
_MAX_JSON = 500_000
MAX_AUTHORS = 10  # names read from a JSON-LD list of authors
# <meta> names of the author, in order.
_AUTHOR_META = ("author", "article:author", "og:article:author", "parsely-author", "dc.creator",
                "dc:creator", "dcterms.creator", "sailthru.author", "cxenseparse:author",
                "citation_author")
# The date line of the headline: sought among this many texts after the headline's <h1>,
# then this many before it, in texts of at most this many characters.
HEADLINE_WINDOW = 40
BEFORE_WINDOW = 8
MAX_DATE_TEXT = 120
# Elements marked as a date, the first few of them read when nothing else dates the page.
_DATE_ELEMENTS = '[class*="date"], [id*="date"]'
MAX_DATE_ELEMENTS = 10
# <meta> names of a publication date, after `article:published_time`, in order.
_DATE_META = ("og:published_time", "datepublished", "date", "dc.date", "parsely-pub-date")
_AUTHOR_ELEMENTS = ", ".join(
    f"{tag}{attr}" for tag in ("a", "address", "div", "p", "span", "strong")
    for attr in ("#author", ".author", '[class*="author-name"]', '[class*="authorName"]',
                 '[class*="AuthorName"]', ".byline-name", '[data-testid="AuthorURL"]'))
# Then any element whose class or id says author or byline (author-by-line, post-author,
# entry-meta-author vcard...), outside comment threads and forms; the first few are read.
# (Sidebar, widget and footer ancestors are no sign: page builders wrap articles in them.)
_BYLINE_ELEMENTS = ('[class*="author"], [class*="Author"], [id*="author"], [class*="byline"], '
                    '[class*="Byline"], [data-component*="Byline"]')
_NOT_BYLINE_TAGS = frozenset({"input", "textarea", "label", "button", "select", "option", "form",
                              "img", "svg", "picture", "figure", "time", "meta", "link", "body",
                              "html", "script", "style", "noscript", "template"})
_NOT_BYLINE_CONTEXT = re.compile(r"comment|respond|reply", re.I)
MAX_BYLINE_ELEMENTS = 15
MAX_AUTHOR_TEXT = 200
MAX_BYLINE_DEPTH = 10


@dataclass(frozen=True)
class PageMeta:
    """What a page says about itself; None where it says nothing."""

    title: str | None = None
    author: str | None = None
    published: str | None = None
    site: str | None = None
    language: str | None = None

    def fill(self, other: PageMeta) -> PageMeta:
        """This metadata with its gaps filled from `other`."""
        return replace(self, **{k: v for k, v in other.__dict__.items()
                                if getattr(self, k) is None and v is not None})


def page_metadata(tree: LexborHTMLParser) -> PageMeta:
    """The metadata a parsed page declares (read before any pruning)."""
    ld = _json_ld(tree)
    meta = _meta_values(tree)
    site = _first(meta.get("og:site_name"), _name(ld.get("publisher")),
                  meta.get("application-name"), meta.get("twitter:site", "").lstrip("@") or None)
    title = _first(_clean_title(ld.get("headline"), site), _clean_title(meta.get("og:title"), site),
                   _clean_title(meta.get("twitter:title"), site), _itemprop(tree, "headline"),
                   _single_h1(tree), _clean_title(visible_text(tree.css_first("title")), site))
    author = _first_author(
        site, _name(ld.get("author")), *(meta.get(key) for key in _AUTHOR_META),
        lambda: _marked_author(tree, '[itemprop="author"]'),
        lambda: _marked_author(tree, 'a[rel="author"]'),
        lambda: _byline_element(tree), lambda: _marked_byline(tree))
    near_headline = cache(lambda: _dates_near_headline(_headline_element(tree, title)))
    published = _first_date(
        meta.get("article:published_time"), lambda: near_headline()[0],
        _string(ld.get("datePublished")), *(meta.get(key) for key in _DATE_META),
        lambda: _itemprop(tree, "datePublished"), lambda: _time(tree),
        lambda: _dated_element(tree), lambda: near_headline()[1])
    root = tree.css_first("html")
    language = _first(root.attributes.get("lang") if root is not None else None,
                      meta.get("content-language"), meta.get("og:locale"),
                      _string(ld.get("inLanguage")))
    if language:
        language = language.replace("_", "-").split(",")[0].strip() or None
    return PageMeta(title=title, author=author, published=published, site=site, language=language)


def _first(*values: Any) -> str | None:
    for value in values:
        if isinstance(value, str):
            value = clean_line(value)
            if value:
                return value
    return None


def _first_date(*sources: str | Callable[[], str | None] | None) -> str | None:
    """The first source that names a day, as YYYY-MM-DD; a callable is a source read only
    when the ones before it name none."""
    for source in sources:
        value = source() if callable(source) else source
        day = find_date(value) if value else None
        if day:
            return day
    return None




def _string(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    return value if isinstance(value, str) else None


def _name(value: Any) -> str | None:
    """A JSON-LD person or organisation (or a list of them) as a display name."""
    if isinstance(value, list):
        names = [n for n in (_name(v) for v in value[:MAX_AUTHORS]) if n]
        return ", ".join(names) if names else None
    if isinstance(value, dict):
        return author_name(_string(value.get("name")))
    return author_name(value) if isinstance(value, str) else None


def _byline_element(tree: LexborHTMLParser) -> str | None:
    """The name in an element marked as the author's (class or id author, author-name)."""
    for node in tree.css(_AUTHOR_ELEMENTS)[:5]:
        name = _element_name(node)
        if name:
            return name
    return None


def _marked_author(tree: LexborHTMLParser, selector: str) -> str | None:
    """The author an element marked as such (microdata, rel=author) gives, outside
    comment threads and forms: its `content`, else the name it shows."""
    for node in tree.css(selector)[:MAX_BYLINE_ELEMENTS]:
        if _in_chrome(node):
            continue
        content = node.attributes.get("content")
        if content:
            return content
        name = node.css_first('[itemprop="name"]')
        shown = _element_name(name if name is not None else node)
        if shown:
            return shown
    return None


def _marked_byline(tree: LexborHTMLParser) -> str | None:
    """The name in the first element whose class or id says author or byline, outside
    comment threads and forms."""
    for node in tree.css(_BYLINE_ELEMENTS)[:MAX_BYLINE_ELEMENTS]:
        if node.tag in _NOT_BYLINE_TAGS or _in_chrome(node):
            continue
        name = _element_name(node)
        if name:
            return name
    return None


def _in_chrome(node: Any) -> bool:
    """Whether the element is in a comment thread or a form."""
    for _ in range(MAX_BYLINE_DEPTH):
        if node is None:
            return False
        if node.tag == "form":
            return True
        attrs = node.attributes
        names = f"{attrs.get('class') or ''} {attrs.get('id') or ''}"
        if _NOT_BYLINE_CONTEXT.search(names):
            return True
        node = node.parent
    return False


def _element_name(node: Any) -> str | None:
    """The name an author element shows (see `bylines.shown_name`)."""
    text = visible_text(node) or ""
    return shown_name(text) if len(text) <= MAX_AUTHOR_TEXT else None


def _first_author(site: str | None, *sources: str | Callable[[], str | None] | None) -> str | None:
    """The first source that names someone; a callable is read only when the ones before
    it name nobody. The publication's own name or domain standing in for a byline is
    passed over while a later source names someone else."""
    stand_in = None
    for source in sources:
        name = author_name(source() if callable(source) else source)
        if not name:
            continue
        if not _is_site(name, site):
            return name
        stand_in = stand_in or name
    return stand_in


def _is_site(name: str, site: str | None) -> bool:
    """Whether the name is the publication's (its site name or a domain)."""
    key = name.casefold().strip()
    return bool(site and key == site.casefold()) or (" " not in key and "." in key)


def _clean_title(title: str | None, site: str | None) -> str | None:
    """The headline: a title without the site name appended or prepended."""
    if not title:
        return None
    title = clean_line(title)
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title or None
    site_key = (site or "").casefold()
    if site_key:
        kept = [p for p in parts if p.casefold() != site_key and site_key not in p.casefold()]
        if kept and len(kept) < len(parts):
            return " - ".join(kept) if len(kept) > 1 else kept[0]
    # No site name known: drop a short last part ("Headline | Site").
    if len(parts[-1]) <= 30 and len(parts[0]) > len(parts[-1]):
        return _TITLE_SEPARATORS.split(title, maxsplit=len(parts) - 2)[0] if len(parts) > 2 \
            else parts[0]
    return title


def _meta_values(tree: LexborHTMLParser) -> dict[str, str]:
    values: dict[str, str] = {}
    for node in tree.css("meta[content]"):
        attrs = node.attributes
        key = attrs.get("property") or attrs.get("name") or attrs.get("itemprop") \
            or attrs.get("http-equiv")
        content = attrs.get("content")
        if key and content and content.strip():
            values.setdefault(key.strip().casefold(), content.strip())
    return values


def _itemprop(tree: LexborHTMLParser, prop: str) -> str | None:
    node = tree.css_first(f'[itemprop="{prop}"]')
    if node is None:
        return None
    attrs = node.attributes
    value = attrs.get("content") or attrs.get("datetime")
    if value:
        return value
    name = node.css_first('[itemprop="name"]')
    return visible_text(name if name is not None else node)


def _single_h1(tree: LexborHTMLParser) -> str | None:
    h1 = tree.css("h1")
    return visible_text(h1[0]) if len(h1) == 1 else None


def _time(tree: LexborHTMLParser) -> str | None:
    for selector in ("article time[datetime]", "time[pubdate][datetime]", "time[datetime]"):
        node = tree.css_first(selector)
        if node is not None:
            return node.attributes.get("datetime")
    return None


def _headline_element(tree: LexborHTMLParser, title: str | None) -> Any:
    """The <h1> showing the headline: the one reading as `title`, else the first in an
    <article>, else the first of the page; None without an <h1>."""
    h1s = tree.css("h1")
    if len(h1s) > 1:
        key = match_key(title or "")
        for h1 in h1s:
            if key and match_key(visible_text(h1) or "") == key:
                return h1
        in_article = tree.css_first("article h1")
        if in_article is not None:
            return in_article
    return h1s[0] if h1s else None


def _dates_near_headline(h1: Any) -> tuple[str | None, str | None]:
    """(the date line under the headline element, else just above it; the first date in
    any short text after it), as YYYY-MM-DD."""
    if h1 is None:
        return None, None
    near = None
    for text in _texts_after(h1, HEADLINE_WINDOW):
        if len(text) > MAX_DATE_TEXT:
            continue
        day = find_date(text)
        if day:
            near = near or day
            if is_date_line(text):
                return day, near
    for text in _texts_before(h1, BEFORE_WINDOW):
        if len(text) <= MAX_DATE_TEXT and is_date_line(text):
            return find_date(text), near
    return None, near


def _texts_after(node: Any, limit: int) -> list[str]:
    """The first `limit` non-empty texts after `node` in document order (outside it),
    not counting scripts, styles and templates."""
    texts: list[str] = []
    current = node
    while len(texts) < limit:
        while current is not None and current.next is None:
            current = current.parent
        if current is None:
            break
        current = current.next
        if current.tag in HIDDEN_TAGS:
            continue
        for item in current.traverse(include_text=True):
            if item.tag != "-text" or (item.parent is not None and item.parent.tag in HIDDEN_TAGS):
                continue
            text = (item.text_content or "").strip()
            if text:
                texts.append(text)
                if len(texts) == limit:
                    break
    return texts


def _texts_before(node: Any, limit: int) -> list[str]:
    """The last `limit` non-empty texts before `node` in the <body>, nearest first, not
    counting scripts, styles and templates."""
    texts: list[str] = []
    current = node
    while len(texts) < limit:
        while current is not None and current.prev is None:
            current = current.parent
            if current is not None and current.tag == "body":
                return texts
        if current is None:
            break
        current = current.prev
        if current.tag in HIDDEN_TAGS or current.tag == "head":
            continue
        inside = [text for text in (
            (item.text_content or "").strip() for item in current.traverse(include_text=True)
            if item.tag == "-text" and (item.parent is None or item.parent.tag not in HIDDEN_TAGS))
            if text]
        texts.extend(reversed(inside[-(limit - len(texts)):]))
    return texts


def _dated_element(tree: LexborHTMLParser) -> str | None:
    """The day of the first element marked as a date (class or id "date") that reads
    as a date line."""
    for node in tree.css(_DATE_ELEMENTS)[:MAX_DATE_ELEMENTS]:
        text = visible_text(node) or ""
        if len(text) <= MAX_DATE_TEXT and is_date_line(text):
            return find_date(text)
    return None


def _json_ld(tree: LexborHTMLParser) -> dict[str, Any]:
    """The first article-like JSON-LD object of the page, or {}; an author given as an
    `@id` reference (Yoast's graphs) is replaced by the page's object with that `@id`."""
    chosen: dict[str, Any] | None = None
    fallback: dict[str, Any] | None = None
    by_id: dict[str, dict[str, Any]] = {}
    for node in tree.css('script[type="application/ld+json"]'):
        raw = node.text(deep=True) or ""
        if len(raw) > _MAX_JSON:
            continue
        try:
            data = json.loads(raw)
        except ValueError:
            continue
        for obj in _objects(data, 0):
            ident = obj.get("@id")
            if isinstance(ident, str) and len(obj) > 1:
                by_id.setdefault(ident, obj)
            if chosen is not None:
                continue
            kind = obj.get("@type")
            kinds = {k.casefold() for k in (kind if isinstance(kind, list) else [kind])
                     if isinstance(k, str)}
            if kinds & _ARTICLE_TYPES and (obj.get("headline") or obj.get("datePublished")):
                if kinds - {"webpage"}:
                    chosen = obj
                else:
                    fallback = fallback or obj
    found = chosen or fallback or {}
    if by_id and found.get("author") is not None:
        found = {**found, "author": _resolved(found["author"], by_id)}
    return found


def _resolved(value: Any, by_id: dict[str, dict[str, Any]]) -> Any:
    """A JSON-LD value with `{"@id": ...}` references replaced by the objects they name."""
    if isinstance(value, list):
        return [_resolved(item, by_id) for item in value[:MAX_AUTHORS]]
    if isinstance(value, dict) and "name" not in value and isinstance(value.get("@id"), str):
        return by_id.get(value["@id"], value)
    return value


def _objects(data: Any, depth: int):
    if depth > 4:
        return
    if isinstance(data, list):
        for item in data[:50]:
            yield from _objects(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        graph = data.get("@graph")
        if graph is not None:
            yield from _objects(graph, depth + 1)
        main = data.get("mainEntity")
        if isinstance(main, dict):
            yield main
