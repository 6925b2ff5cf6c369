"""HTML page to Record: the stages of `extract_html` in order.

1. decode the bytes (`text.decode`) and refuse pages over the size limits;
2. parse once with selectolax and read the page's metadata (`metadata`);
3. find the rule files that claim the page and remove what their `strip` selectors name
   (`rules.apply`);
4. take the body from the first rule whose `body` selector matches, else the generic
   path (`generic`: pruning, then the learned block classifier of `blocks`);
5. drop boilerplate lines from what was extracted, with the text cleaner's line classes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import htmldate
from selectolax.lexbor import LexborHTMLParser

from ..config import ExtractOptions
from ..errors import EmptyInputError, NoArticleError, PageTooLargeError
from ..lines.classify import Kind, kind_of
from ..lines.features import rule_signals_of
from ..lines.repeats import RepeatIndex
from ..model import Classifier
from ..net.urls import site_of
from ..record import Record
from ..rules.site import Rules, SiteRule
from ..text.bylines import author_name
from ..text.dates import date_in_url, find_date
from ..text.decode import decode_bytes
from ..text.lines import NOT_HEADLINE_END, is_prose
from . import select as apply
from .defuse import defuse
from .generic import generic_lines
from .metadata import PageMeta, page_metadata
from .tail import tidy_body

# A page that declares no headline: the first extracted line stands in for it when at most
# this long (whitespace-separated words; a limit of its own, not text.lines.HEADLINE_MAX_WORDS).
STAND_IN_TITLE_MAX_CHARS = 200
STAND_IN_TITLE_MAX_WORDS = 20
_ERROR_TITLE = re.compile(r"\b(?:40[0-9]|50[0-9]|(?:page )?not found|error|forbidden|access "
                          r"denied|nicht gefunden|introuvable|no encontrad[ao])\b|"
                          r"غير موجودة|لم يتم العثور|خطأ", re.I)
# A short page titled as an error has fewer words than this.
ERROR_PAGE_WORDS = 60
_LONGEST_UI_LINE = 300  # longer lines are prose: never a UI string, a date or a byline


@dataclass(frozen=True)
class ParsedPage:
    """A decoded, parsed page with its metadata, the rules that claim it and their `strip`
    selectors applied: what the body is looked for in."""

    text: str
    tree: LexborHTMLParser
    meta: PageMeta
    claimed: tuple[SiteRule, ...]
    url: str | None = None
    standfirst: str | None = None  # the text of a claiming rule's standfirst selector


def parse_page(html: str | bytes, *, rules: Rules, options: ExtractOptions,
               url: str | None = None, charset: str | None = None) -> ParsedPage:
    """Steps 1-3: decode and parse a page, read its metadata, apply its rules' `strip`
    selectors. Raises InputError subclasses for unreadable input (empty, binary,
    undecodable, too large)."""
    size = len(html) if isinstance(html, bytes) else _utf8_size(html)
    if size > options.max_page_bytes:
        raise PageTooLargeError(f"page too large ({size:,} bytes; the limit is "
                                f"{options.max_page_bytes:,})")
    if isinstance(html, bytes):
        text = decode_bytes(html, declared=charset, html=True, name=url)
    elif not html.strip():
        raise EmptyInputError("empty input")
    else:
        text = html
    tags = text.count("<")
    if tags > options.max_tags:
        raise PageTooLargeError(f"page has too many tags ({tags:,}; the limit is "
                                f"{options.max_tags:,})")
    tree = LexborHTMLParser(defuse(text))
    meta = page_metadata(tree)
    claimed = rules.for_html(tree, url)
    found = apply.metadata(tree, claimed)
    if found is not None:  # the rules' selectors win, but a machine-readable date first
        meta = PageMeta(title=found.title, author=author_name(found.author),
                        published=meta.published or found.published).fill(meta)
    apply.strip(tree, claimed)
    standfirst = found.standfirst if found is not None else None
    return ParsedPage(text, tree, meta, claimed, url, standfirst)


def extract_html(html: str | bytes, *, rules: Rules, options: ExtractOptions,
                 model: Classifier, region_model: Classifier | None = None,
                 url: str | None = None, charset: str | None = None,
                 repeats: RepeatIndex | None = None) -> Record:
    """Extract the article of an HTML page; `charset` is the HTTP header's, if known;
    `model` is the block classifier of the generic path and `region_model` the model that
    decides its regions whole (None: block by block only); `repeats` counts blocks and
    lines over other pages of the same site (the site's template is dropped).

    Raises InputError subclasses for unreadable input (empty, binary, undecodable, too
    large), NoArticleError when the page holds no article text, and ModelError when the
    model reads other features than this version computes.
    """
    page = parse_page(html, rules=rules, options=options, url=url, charset=charset)
    tree, meta, claimed = page.tree, page.meta, page.claimed
    matched = apply.body(tree, claimed)
    if matched is not None:
        rule, matched_lines = matched
        lines = list(matched_lines)
        if page.standfirst and page.standfirst not in lines:
            lines.insert(0, page.standfirst)
    else:
        lines = generic_lines(tree, model=model, region_model=region_model, url=url,
                              title=meta.title, lexicon=rules.lexicon, repeats=repeats)
        rule = f"generic+{claimed[0].name}" if claimed else "generic"
    if not any(is_prose(line) for line in lines):  # the last pass cannot make prose
        raise NoArticleError(_no_article(meta.title, lines) or "no article text found")
    title = meta.title
    lines = tidy_body(filter_lines(lines, rules, claimed), title)
    reason = _no_article(title, lines)
    if reason:
        raise NoArticleError(reason)
    if not title:  # a headline-like first line stands in for a missing headline
        title = lines.pop(0) if _headline_like(lines[0]) and len(lines) > 1 else ""
    return Record(title=title, paragraphs=tuple(lines), url=url, source=url,
                  site=meta.site or site_of(url), author=meta.author,
                  published=_published(meta.published, page.text, url),
                  language=meta.language, rule=rule)


def filter_lines(lines: list[str], rules: Rules, claimed: tuple[SiteRule, ...]) -> list[str]:
    """The last pass over extracted lines, with the text cleaner's line classes: lines it
    calls boilerplate (a low-risk lexicon string, a claiming rule's `drop_lines`) and
    date or byline lines go anywhere; riskier lexicon matches only at the edges (the
    leading and trailing runs of non-text lines)."""
    prose = [len(line) > _LONGEST_UI_LINE and not any(r.drops(line) for r in claimed)
             for line in lines]
    signals = iter(rule_signals_of([line for line, long in zip(lines, prose) if not long],
                                   rules, claimed))
    kinds = [Kind.TEXT if long else kind_of(next(signals)) for long in prose]
    start, end = 0, len(lines)
    while start < end and kinds[start] is not Kind.TEXT:
        start += 1
    while end > start and kinds[end - 1] is not Kind.TEXT:
        end -= 1
    return [line for i, (line, kind) in enumerate(zip(lines, kinds))
            if start <= i < end and kind not in (Kind.BOILER, Kind.META)]


def _utf8_size(text: str) -> int:
    """The text's size in UTF-8 bytes, as if it had come as bytes."""
    return len(text.encode("utf-8", "surrogatepass"))


def _published(declared: str | None, html: str, url: str | None) -> str | None:
    """The publication date as YYYY-MM-DD, as the text cleaner gives it: a date in the
    URL path (the day the site filed the story under, in its own time zone), else the
    page's declared date, else htmldate's reading of the page."""
    day = date_in_url(url) or (find_date(declared) if declared else None)
    if day:
        return day
    try:
        found = htmldate.find_date(html, url=url, extensive_search=False, original_date=True)
    except Exception:  # htmldate's own parser errors are not the page's fault
        return None
    return found or None


def _no_article(title: str | None, lines: list[str]) -> str | None:
    """Why the extracted lines are not an article (None when they are)."""
    if not lines:
        return "no article text found in the page"
    if not any(is_prose(line) for line in lines):
        return "no article text, only short lines (an index, home or error page?)"
    if (title and _ERROR_TITLE.search(title)
            and sum(len(line.split()) for line in lines) < ERROR_PAGE_WORDS):
        return f"an error page ({title})"
    return None


def _headline_like(line: str) -> bool:
    return (len(line) <= STAND_IN_TITLE_MAX_CHARS
            and len(line.split()) <= STAND_IN_TITLE_MAX_WORDS
            and not line.endswith(NOT_HEADLINE_END))
