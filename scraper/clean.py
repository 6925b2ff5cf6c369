"""Scraped text to a clean article record: the text cleaner behind `scrape clean`.

Stages, each a function below:
1. `classify`: each non-blank line becomes TEXT, BOILER (drop anywhere: a low-risk lexicon
   string, a site rule's drop_lines, a line on half the site's pages), SOFT (boilerplate at
   the article's edges only: riskier lexicon strings, lines on a quarter of the pages) or
   META (a date or byline line, taken into the record's fields).
2. `find_body`: the article body is the run of lines with the largest total weight, where
   long prose lines weigh positive and short or boilerplate lines negative.
3. `find_title`: the headline is the nearest headline-like line above the body, above any
   byline or date block.
4. `assemble`: the head block between title and body keeps its long lines (standfirst,
   photo caption); inside the body only BOILER and META lines go.
"""

from __future__ import annotations

import enum
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace

from .bylines import byline_name, name_beside_date
from .dates import find_date, is_date_line
from .errors import NoArticleError
from .lexicon import Risk
from .lines import has_text, is_sentence, list_marker, words
from .normalize import clean_line, visible
from .record import Record
from .repeats import RepeatIndex
from .rules import Rules, SiteRule, bundled_rules


class Kind(enum.Enum):
    """What a line is, before its place in the page is considered."""

    TEXT = "text"
    BOILER = "boiler"
    SOFT = "soft"
    META = "meta"


# Weights for the body search. A prose line of PROSE_WORDS words weighs nothing; each word
# more adds one, each word less takes SHORT_PENALTY off. Capping long lines keeps one long
# comment or teaser from pulling the body across a gap of chrome.
PROSE_WORDS = 8
SHORT_PENALTY = 0.5
MAX_LINE_WEIGHT = 40
KIND_WEIGHT = {Kind.BOILER: -12.0, Kind.SOFT: -8.0, Kind.META: -4.0}
# This many consecutive lines opening with the same list marker make a list.
LIST_RUN = 3
# The headline is looked for among this many lines above the body.
TITLE_WINDOW = 12
TITLE_MAX_WORDS = 40
# The first line of the body span is taken for the headline only when at most this long.
HEADLINE_MAX_WORDS = 25
# Shorter title-like lines (site names, section labels) are the headline only if none longer is.
HEADLINE_MIN_WORDS = 4
# Lines between headline and body are kept when this long (standfirst, photo caption).
HEAD_KEEP_WORDS = 8
HEAD_KEEP_SENTENCE_WORDS = 5
# A line this short right above a date or byline line is taken for the author's name.
BYLINE_NAME_WORDS = 5
BYLINE_NAME_CHARS = 32


@dataclass(frozen=True)
class Line:
    """A non-blank input line with what `classify` and its neighbours say of it."""

    text: str
    kind: Kind
    words: int
    sentence: bool
    listed: bool = False  # one item of a run of list items (a changelog, steps, a list)

    @property
    def weight(self) -> float:
        """The line's weight in the body search."""
        if self.kind is not Kind.TEXT:
            return KIND_WEIGHT[self.kind]
        excess = self.words - PROSE_WORDS
        if excess < 0:
            excess *= SHORT_PENALTY
        if self.listed:
            excess = max(excess, 0.0)
        return min(excess, MAX_LINE_WEIGHT)


def classify(text: str, rules: Rules, site_rules: tuple[SiteRule, ...] = (),
             repeats: RepeatIndex | None = None) -> Kind:
    """The kind of one cleaned, non-blank line."""
    if any(rule.drops(text) for rule in site_rules):
        return Kind.BOILER
    level = repeats.level(text) if repeats is not None else 0
    if level == 2:
        return Kind.BOILER
    if is_date_line(text) or byline_name(text) is not None:
        return Kind.META  # never printed either; checked first so its fields can be read
    entry = rules.lexicon.lookup(text)
    if entry is not None and entry.risk is Risk.LOW:
        return Kind.BOILER
    if entry is not None or level == 1:
        return Kind.SOFT
    return Kind.TEXT


def split_lines(text: str, rules: Rules, site_rules: tuple[SiteRule, ...] = (),
                repeats: RepeatIndex | None = None) -> list[Line]:
    """Clean and classify every line that holds text; blank and symbol-only lines go.

    The items of a run of LIST_RUN lines opening with the same list marker count as
    content however short (a changelog, numbered steps), unlike a menu's items.
    """
    out = []
    for raw in text.splitlines():
        line = clean_line(raw)
        if line and has_text(line):
            kind = classify(line, rules, site_rules, repeats)
            out.append(Line(line, kind, words(line), is_sentence(line)))
    markers = [list_marker(line.text) for line in out]
    i = 0
    while i < len(out):
        j = i
        while j < len(out) and markers[j] is not None and markers[j] == markers[i]:
            j += 1
        if j - i >= LIST_RUN:
            out[i:j] = [replace(line, listed=True) for line in out[i:j]]
        i = max(j, i + 1)
    return out


def find_body(lines: list[Line]) -> tuple[int, int] | None:
    """The [start, end) span of lines with the largest total weight, or None if none weighs."""
    return heaviest_span(line.weight for line in lines)


def heaviest_span(weights: Iterable[float]) -> tuple[int, int] | None:
    """The [start, end) span of items with the largest positive total weight, or None."""
    best, best_span = 0.0, None
    total, start = 0.0, 0
    for i, weight in enumerate(weights):
        if total < 0:
            total, start = 0.0, i
        total += weight
        if total > best:
            best, best_span = total, (start, i + 1)
    return best_span


def _title_like(line: Line, max_words: int = TITLE_MAX_WORDS) -> bool:
    if line.kind is not Kind.TEXT or not 2 <= line.words <= max_words:
        return False
    return not visible(line.text).endswith((".", "。", ":", "،", ","))


def _opens_with_headline(lines: list[Line], start: int) -> bool:
    """True when the body span's first line is the headline rather than prose."""
    first = lines[start]
    if not _title_like(first, HEADLINE_MAX_WORDS) or first.sentence:
        return False
    above = lines[start - 1] if start else None
    if above is None:
        return True
    if above.kind is Kind.META:
        # News pages: headline, byline block, caption, body. Blogs: date, post title, body.
        return not _headline_above_byline(lines, start)
    # A headline right above the span already: the span's first line is a standfirst.
    return not (_title_like(above) and above.words >= HEADLINE_MIN_WORDS)


def _headline_above_byline(lines: list[Line], start: int) -> bool:
    """True when the first line above the byline block ending at `start` is a headline."""
    for i in range(start - 1, max(-1, start - 1 - TITLE_WINDOW), -1):
        if lines[i].kind is Kind.META or _bare_name(lines[i]):
            continue
        return _title_like(lines[i]) and lines[i].words >= HEADLINE_MIN_WORDS
    return False


def _bare_name(line: Line) -> bool:
    return (line.kind is Kind.TEXT and line.words <= BYLINE_NAME_WORDS
            and len(line.text) <= BYLINE_NAME_CHARS and not line.sentence)


def find_title(lines: list[Line], body_start: int) -> int | None:
    """Index of the headline above the body, or None.

    The nearest headline-like line wins, unless a date or byline block stands between
    it and the body: then the nearest one above that block (a photo caption or standfirst
    often sits between the byline and the body, the headline never does).
    """
    window = range(body_start - 1, max(-1, body_start - 1 - TITLE_WINDOW), -1)
    meta = [i for i in window if lines[i].kind is Kind.META]
    boundaries = [body_start]
    if meta:
        above = min(meta)
        boundaries.insert(0, above)
        while above > 0 and _bare_name(lines[above - 1]):
            above -= 1  # "Jane Doe" on its own line just above the date belongs to the byline
        boundaries.insert(0, above)
    for min_words in (HEADLINE_MIN_WORDS, 2):  # a real headline before a site name or label
        for boundary in boundaries:
            for i in window:
                if i < boundary and _title_like(lines[i]) and lines[i].words >= min_words:
                    return i
    return None


@dataclass
class _Fields:
    author: str | None = None
    published: str | None = None

    def take(self, line: Line) -> None:
        if self.published is None:
            self.published = find_date(line.text)
        if self.author is None:
            self.author = byline_name(line.text) or name_beside_date(line.text)


def assemble(lines: list[Line], *, source: str | None = None, url: str | None = None,
             rule: str = "generic", site: str | None = None) -> Record:
    """Build the record from classified lines; NoArticleError if there is no body."""
    span = find_body(lines)
    if span is None:
        raise NoArticleError("no article text found")
    start, end = span
    if end - start > 1 and _opens_with_headline(lines, start):
        start += 1  # a headline long enough to weigh as prose opens the body span
    fields = _Fields()
    title_at = find_title(lines, start)
    if title_at is None:
        title_at, start = start, start + 1
    head = lines[title_at + 1:start]
    for i, line in enumerate(head):
        if line.kind is Kind.META:
            fields.take(line)
        elif (_bare_name(line) and i + 1 < len(head) and head[i + 1].kind is Kind.META
              and fields.author is None):
            fields.author = line.text  # a bare name just above the date or byline line
    paragraphs = [line.text for line in head if _keep_in_head(line)]
    for line in lines[start:end]:
        if line.kind is Kind.META:
            fields.take(line)
        elif line.kind is not Kind.BOILER:
            paragraphs.append(line.text)
    if not paragraphs:
        raise NoArticleError("no article text found")
    return Record(title=lines[title_at].text, paragraphs=tuple(paragraphs), url=url,
                  source=source, site=site, author=fields.author, published=fields.published,
                  language=guess_language(paragraphs), rule=rule)


def _keep_in_head(line: Line) -> bool:
    # A kept line must not read as a headline itself, or cleaning the record again would
    # take it for the title.
    if line.kind is not Kind.TEXT or _title_like(line, HEADLINE_MAX_WORDS):
        return False
    return line.words >= HEAD_KEEP_WORDS or (line.sentence and line.words >= HEAD_KEEP_SENTENCE_WORDS)


def guess_language(paragraphs: Iterable[str]) -> str | None:
    """'ar' or 'fa' for text mostly in Arabic script (Persian by its own letters), else None."""
    arabic = persian = letters = 0
    for paragraph in paragraphs:
        for ch in paragraph:
            if ch.isalpha():
                letters += 1
                if "\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f":
                    arabic += 1
                    if ch in "پچژگکی":
                        persian += 1
        if letters > 2000:
            break
    if not letters or arabic < letters / 2:
        return None
    return "fa" if persian > arabic / 50 else "ar"


def clean_text(text: str, *, source: str | None = None, rules: Rules | None = None,
               url: str | None = None, repeats: RepeatIndex | None = None) -> Record:
    """Turn a scraped text dump into a clean Record.

    `rules` defaults to the bundled rules (`bundled_rules()`, loaded once);
    `repeats` holds line counts over other pages of the same site. Raises NoArticleError
    when no article is found.
    """
    rules = rules if rules is not None else bundled_rules()
    text = unicodedata.normalize("NFC", text)
    raw_lines = text.splitlines()
    site_rules = rules.for_text(raw_lines)
    if url:
        by_url = rules.for_url(url)
        if by_url is not None and by_url not in site_rules:
            site_rules = (by_url, *site_rules)
    lines = split_lines(text, rules, site_rules, repeats)
    name = site_rules[0].name if site_rules else "generic"
    return assemble(lines, source=source, url=url, rule=name)
