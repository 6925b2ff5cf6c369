"""HTML page to Record: the public `extract_html` entry point.

Steps: decode the bytes; parse once with selectolax; read the page's metadata; find the
rule files that claim the page (domain, generator, fingerprint) and remove what their
`strip` selectors name; take the body from the first rule whose `body` selector matches,
else prune the page's obvious chrome (`html_prune`) and keep the text blocks the learned
block classifier calls content (`blocks`, model in `model/blocks.json`), trafilatura's
reading only when they hold no prose line; last, drop boilerplate lines from what was
extracted, with the text cleaner's line classes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import htmldate
import trafilatura
from selectolax.lexbor import LexborHTMLParser

from . import site_rules
from .blocks import content_mask, page_blocks
from .clean import Kind, classify
from .dates import find_date
from .decode import decode_bytes
from .errors import NoArticleError, PageTooLargeError
from .metadata import PageMeta, page_metadata
from .model import Classifier, bundled
from .normalize import clean_line, match_key
from .record import Record
from .rules import Rules, SiteRule, bundled_rules
from .urls import site_of

# Pages above these sizes are refused rather than parsed, so memory and time stay bounded
# (HTML parsing is quadratic in nesting depth). The largest pages of the shared corpora
# have 1.6 MB and 20,000 tags.
MAX_PAGE_BYTES = 8_000_000
MAX_TAGS = 60_000
MAX_TITLE_CHARS = 200
MAX_TITLE_WORDS = 20
# An article has at least one line this long (characters, or words): else it is an index.
PROSE_CHARS = 50
PROSE_WORDS = 8
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_ERROR_TITLE = re.compile(r"\b(?:40[0-9]|50[0-9]|(?:page )?not found|error|forbidden|access "
                          r"denied|nicht gefunden|introuvable|no encontrad[ao])\b|"
                          r"غير موجودة|لم يتم العثور|خطأ", re.I)
# The fast extraction is redone with trafilatura's fallbacks when it holds less than this
# share of the pruned page's visible text, or fewer characters than this.
FALLBACK_SHARE = 0.3
FALLBACK_CHARS = 300
# ... or when less than this share of it is in prose lines (it found a menu, not a text).
FALLBACK_PROSE = 0.5


def extract_html(html: str | bytes, *, url: str | None = None, rules: Rules | None = None,
                 charset: str | None = None, model: Classifier | None = None) -> Record:
    """Extract the article of an HTML page; `charset` is the HTTP header's, if known.

    `model` is the block classifier of the generic path (default: the bundled one, read
    once). Raises InputError subclasses for unreadable input (empty, binary, undecodable,
    too large), NoArticleError when the page holds no article text, and ModelError when
    the bundled model file is missing or invalid.
    """
    rules = rules if rules is not None else bundled_rules()
    page = parse_page(html, url=url, rules=rules, charset=charset)
    text, tree, meta, claimed = page.text, page.tree, page.meta, page.claimed
    matched = site_rules.body(tree, claimed)
    if matched is not None:
        rule, matched_lines = matched
        lines = list(matched_lines)
        if page.standfirst and page.standfirst not in lines:
            lines.insert(0, page.standfirst)
    else:
        lines = _generic_lines(page, rules, model if model is not None else bundled("blocks"))
        rule = f"generic+{claimed[0].name}" if claimed else "generic"
    lines = filter_lines(lines, rules, claimed)
    title = meta.title
    if title and lines and match_key(lines[0]) == match_key(title):
        lines.pop(0)
    reason = _no_article(title, lines)
    if reason:
        raise NoArticleError(reason)
    if not title:  # a headline-like first line stands in for a missing headline
        title = lines.pop(0) if _headline_like(lines[0]) and len(lines) > 1 else ""
    return Record(title=title, paragraphs=tuple(lines), url=url, source=url,
                  site=meta.site or site_of(url), author=meta.author,
                  published=_published(meta.published, text, url), language=meta.language, rule=rule)


@dataclass(frozen=True)
class ParsedPage:
    """A decoded, parsed page with its metadata, the rules claiming it and their `strip`
    selectors applied: what the body is looked for in."""

    text: str
    tree: LexborHTMLParser
    meta: PageMeta
    claimed: tuple[SiteRule, ...]
    url: str | None = None
    standfirst: str | None = None  # a rule's standfirst selector's text


def parse_page(html: str | bytes, *, url: str | None, rules: Rules,
               charset: str | None = None) -> ParsedPage:
    """Decode and parse a page, read its metadata, apply its rules' `strip` selectors.

    Raises InputError subclasses for unreadable input (empty, binary, undecodable, too large).
    """
    if len(html) > MAX_PAGE_BYTES:
        raise PageTooLargeError(f"page too large ({len(html):,} bytes; the limit is "
                                f"{MAX_PAGE_BYTES:,})")
    text = decode_bytes(html, declared=charset, html=True) if isinstance(html, bytes) else html
    tags = text.count("<")
    if tags > MAX_TAGS:
        raise PageTooLargeError(f"page has too many tags ({tags:,}; the limit is {MAX_TAGS:,})")
    tree = LexborHTMLParser(text)
    meta = page_metadata(tree)
    claimed = rules.for_html(tree, url)
    found = site_rules.metadata(tree, claimed)
    if found is not None:  # the rules' selectors win, but a machine-readable date first
        meta = PageMeta(title=found.title, author=found.author,
                        published=meta.published or found.published).fill(meta)
    site_rules.strip(tree, claimed)
    standfirst = found.standfirst if found is not None else None
    return ParsedPage(text, tree, meta, claimed, url, standfirst)


def _published(declared: str | None, html: str, url: str | None) -> str | None:
    """The publication date as YYYY-MM-DD, as the text cleaner gives it: the page's
    declared date, else a date in its URL path, else htmldate's reading of the page."""
    if declared:
        return find_date(declared) or declared
    in_url = _URL_DATE.search(url or "")
    if in_url:
        return "-".join(in_url.groups())
    try:
        found = htmldate.find_date(html, url=url, extensive_search=False, original_date=True)
    except Exception:  # htmldate's own parser errors are not the page's fault
        return None
    return found or None


FOCUS = False
FOCUS_SHARE = 0.5
_URL_DATE = re.compile(r"/((?:19|20)\d\d)[/-](0[1-9]|1[0-2])[/-](0[1-9]|[12]\d|3[01])(?:/|$|[-_])")


def _focus(tree: LexborHTMLParser, visible: int) -> str:
    """The page to hand to trafilatura: only its single <article> (or <main>) when that
    holds most of the text, which spares parsing and scoring the rest; else all of it."""
    for tag in ("article", "main"):
        nodes = tree.css(tag)
        if len(nodes) == 1:
            text = len(nodes[0].text(deep=True, separator=" ", strip=True))
            if text >= FOCUS_SHARE * visible:
                return f"<html><body>{nodes[0].html}</body></html>"
    return tree.html or ""


def _no_article(title: str | None, lines: list[str]) -> str | None:
    """Why the extracted lines are not an article (None when they are)."""
    if not lines:
        return "no article text found in the page"
    if not any(_is_prose(line) for line in lines):
        return "no article text, only short lines (an index, home or error page?)"
    if title and _ERROR_TITLE.search(title) and sum(len(line.split()) for line in lines) < 60:
        return f"an error page ({title})"
    return None


def _headline_like(line: str) -> bool:
    return len(line) <= MAX_TITLE_CHARS and len(line.split()) <= MAX_TITLE_WORDS \
        and not line.endswith((".", "!", "?", "؟", "。", ":", "،", ","))


def _is_prose(line: str) -> bool:
    """Long enough to be a sentence of an article (a CJK character counts as three)."""
    size = len(line) + 2 * len(_CJK.findall(line))
    return size >= PROSE_CHARS or len(line.split()) >= PROSE_WORDS


def _generic_lines(page: ParsedPage, rules: Rules, model: Classifier) -> list[str]:
    """The main text of a page no rule's body selector claims: the blocks the model calls
    content, one line each; trafilatura's reading when they hold no prose line."""
    found, X = page_blocks(page.tree, lexicon=rules.lexicon, title=page.meta.title)
    keep = content_mask(model, found, X)
    lines = [text for text, kept in zip(found.texts, keep) if kept]
    if any(_is_prose(line) for line in lines):
        return lines
    return _trafilatura_lines(page.tree, page.url)


def _trafilatura_lines(tree: LexborHTMLParser, url: str | None) -> list[str]:
    """trafilatura's main text of the (pruned) page: its fast path first; its slower
    comparison with readability and jusText only when the fast result looks short for the
    page or is mostly short lines."""
    body = tree.body
    if body is None:
        return []
    visible = len(body.text(deep=True, separator=" ", strip=True))
    html = _focus(tree, visible)
    if not html.strip():
        return []
    text = trafilatura.extract(html, url=url, include_comments=False, fast=True) or ""
    lines = [line for line in (clean_line(raw) for raw in text.splitlines()) if line]
    prose = sum(len(line) for line in lines if _is_prose(line))
    if (len(text) < FALLBACK_SHARE * visible or len(text) < FALLBACK_CHARS
            or prose < FALLBACK_PROSE * len(text)):
        text = trafilatura.extract(html, url=url, include_comments=False) or text
        lines = [line for line in (clean_line(raw) for raw in text.splitlines()) if line]
    if not lines:  # lxml gives up on markup nested over 256 deep: take the pruned text
        lines = list(site_rules.block_lines(body))
    return lines


_LONGEST_UI_LINE = 300  # longer lines are prose: never a UI string, a date or a byline


def filter_lines(lines: list[str], rules: Rules, claimed: tuple[SiteRule, ...]) -> list[str]:
    """The last pass over extracted lines, with the text cleaner's line classes: lines it
    calls boilerplate (a low-risk lexicon string, a claiming rule's `drop_lines`) and
    date or byline lines go anywhere; riskier lexicon matches only at the edges (the
    leading and trailing runs of non-text lines)."""
    kinds = [Kind.TEXT if len(line) > _LONGEST_UI_LINE and not any(r.drops(line) for r in claimed)
             else classify(line, rules, claimed) for line in lines]
    start, end = 0, len(lines)
    while start < end and kinds[start] is not Kind.TEXT:
        start += 1
    while end > start and kinds[end - 1] is not Kind.TEXT:
        end -= 1
    return [line for i, (line, kind) in enumerate(zip(lines, kinds))
            if start <= i < end and kind not in (Kind.BOILER, Kind.META)]
