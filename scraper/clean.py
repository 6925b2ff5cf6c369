"""Scraped text to a clean article record: the text cleaner behind `scrape clean`.

Stages, each a function below:
1. `split_lines` / `classify`: each non-blank line becomes TEXT, BOILER (drop anywhere: a
   low-risk lexicon string, a site rule's drop_lines, a line on half the site's pages, a
   bare image or file URL), SOFT
   (a riskier lexicon string, a line on a quarter of the pages) or META (a date or byline
   line, taken into the record's fields). The rules decide BOILER and META; nothing else.
2. `score_lines`: the line model (`scraper.model`, trained by `python -m scraper.train
   lines`) gives each line its probability of being article text, from the features of
   `scraper.line_features`; a line's weight is the article text it is expected to add
   (its words times its probability less one half), capped.
3. `find_body`: the article body is the run of lines with the largest total weight, so
   chrome around the article falls away while short subheadings inside it stay.
4. `find_title`: the headline is the nearest headline-like line above the body, above any
   byline or date block.
5. `assemble`: the head block between title and body keeps its long lines (standfirst,
   photo caption); inside the body BOILER and META lines go, and lines the model finds
   unlikely to be article text (below DROP_PROBABILITY).
"""

from __future__ import annotations

import enum
import functools
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from .bylines import byline_name, name_beside_date
from .dates import find_date, is_date_line
from .errors import ModelError, NoArticleError
from .lexicon import Risk
from .line_features import FEATURES, RuleSignals, line_features, rule_signals
from .lines import has_text, is_sentence, list_marker, words
from .model import Classifier
from .normalize import clean_line, visible
from .record import Record
from .repeats import RepeatIndex
from .rules import Rules, SiteRule, load_rules


class Kind(enum.Enum):
    """What a line is, before its place in the page is considered."""

    TEXT = "text"
    BOILER = "boiler"
    SOFT = "soft"
    META = "meta"


# The bundled line model, read on first use.
BUNDLED_MODEL = Path(__file__).resolve().parent / "model" / "lines.json"
# A line's weight in the body search is the article text it is expected to add: its words
# times (its content probability - CONTENT_PRIOR), within +-WEIGHT_CAP (one long comment or
# teaser cannot pull the body across a gap of chrome, nor one long footer cut it short).
CONTENT_PRIOR = 0.5
WEIGHT_CAP = 20.0
# Rule-decided boilerplate weighs like a short line the model is sure of: it is dropped
# anyway, and must not split an article it interrupts ("Share this" between paragraphs).
BOILER_WEIGHT = -4.0
# A line on a quarter of the site's pages weighs at most this much: the corpora have too
# few pages per site for the model to learn what repetition means.
REPEAT_WEIGHT = BOILER_WEIGHT
# Inside the body, a line whose content probability is below this is dropped.
DROP_PROBABILITY = 0.3
# This many consecutive lines opening with the same list marker make a list (a changelog,
# numbered steps): its items never weigh against the body and are not dropped inside it,
# however short (the corpora's dumps hardly hold such lists, so the model cannot tell).
LIST_RUN = 3
# Rows scored at once: bounds the model's working memory on very long texts.
SCORE_ROWS = 256
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
    """A non-blank input line with what the rules and the model say of it."""

    text: str
    kind: Kind
    words: int
    sentence: bool
    signals: RuleSignals = RuleSignals()
    content: float = 1.0  # the model's probability that the line is article text
    weight: float = 0.0   # the line's weight in the body search


def kind_of(signals: RuleSignals) -> Kind:
    """The kind the rules give a line."""
    if signals.dropped or signals.repeat == 2 or signals.media:
        return Kind.BOILER
    if signals.date or signals.byline:
        return Kind.META  # never printed either; checked first so its fields can be read
    if signals.risk == Risk.LOW:
        return Kind.BOILER
    if signals.risk or signals.repeat == 1:
        return Kind.SOFT
    return Kind.TEXT


def classify(text: str, rules: Rules, site_rules: tuple[SiteRule, ...] = (),
             repeats: RepeatIndex | None = None) -> Kind:
    """The kind of one cleaned, non-blank line."""
    return kind_of(rule_signals(text, rules, site_rules, repeats))


def split_lines(text: str, rules: Rules, site_rules: tuple[SiteRule, ...] = (),
                repeats: RepeatIndex | None = None) -> list[Line]:
    """Clean and classify every line that holds text; blank and symbol-only lines go."""
    out = []
    for raw in text.splitlines():
        line = clean_line(raw)
        if line and has_text(line):
            signals = rule_signals(line, rules, site_rules, repeats)
            out.append(Line(line, kind_of(signals), words(line), is_sentence(line), signals))
    return out


@functools.cache
def bundled_model() -> Classifier:
    """The bundled line model, read once on first use and shared (it is immutable)."""
    return Classifier.load(BUNDLED_MODEL)


def content_logits(lines: list[Line], model: Classifier) -> np.ndarray:
    """The model's content log-odds of each line."""
    X = line_features([line.text for line in lines], [line.signals for line in lines])
    try:
        columns = [_FEATURE_COLUMN[name] for name in model.features]
    except KeyError as err:
        raise ModelError(f"line model {model.name!r} needs feature {err.args[0]!r}, "
                         "which this version does not compute") from None
    X = X[:, columns]
    return np.concatenate([model.logits(X[i:i + SCORE_ROWS])
                           for i in range(0, len(X), SCORE_ROWS)] or [np.zeros(0)])


_FEATURE_COLUMN = {name: i for i, name in enumerate(FEATURES)}


def score_lines(lines: list[Line], model: Classifier) -> list[Line]:
    """The lines with the model's content probability and their body-search weight."""
    return weigh(lines, content_logits(lines, model))


def weigh(lines: list[Line], logits: np.ndarray) -> list[Line]:
    """The lines with their content probability and weight, from their content log-odds."""
    listed = _list_items(lines)
    out = []
    for line, logit, in_list in zip(lines, logits, listed):
        content = float(1.0 / (1.0 + np.exp(-logit)))
        weight = min(max(max(line.words, 1) * (content - CONTENT_PRIOR), -WEIGHT_CAP), WEIGHT_CAP)
        if in_list:
            weight, content = max(weight, 0.0), max(content, CONTENT_PRIOR)
        if line.kind is Kind.BOILER:
            weight = BOILER_WEIGHT
        elif line.signals.repeat == 1:
            weight = min(weight, REPEAT_WEIGHT)
        out.append(replace(line, content=content, weight=weight))
    return out


def _list_items(lines: list[Line]) -> list[bool]:
    """Which lines are items of a run of LIST_RUN or more lines opening with one list marker."""
    markers = [list_marker(line.text) for line in lines]
    out = [False] * len(lines)
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and markers[j] is not None and markers[j] == markers[i]:
            j += 1
        if j - i >= LIST_RUN:
            out[i:j] = [True] * (j - i)
        i = max(j, i + 1)
    return out


def find_body(lines: list[Line]) -> tuple[int, int] | None:
    """The [start, end) span of lines with the largest total weight, or None if none weighs."""
    best, best_span = 0.0, None
    total, start = 0.0, 0
    for i, line in enumerate(lines):
        if total < 0:
            total, start = 0.0, i
        total += line.weight
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
        elif line.kind is not Kind.BOILER and line.content >= DROP_PROBABILITY:
            paragraphs.append(line.text)
    if not paragraphs:
        raise NoArticleError("no article text found")
    return Record(title=lines[title_at].text, paragraphs=tuple(paragraphs), url=url,
                  source=source, site=site, author=fields.author, published=fields.published,
                  language=guess_language(paragraphs), rule=rule)


def _keep_in_head(line: Line) -> bool:
    # A kept line must not read as a headline itself, or cleaning the record again would
    # take it for the title.
    if (line.kind is not Kind.TEXT or _title_like(line, HEADLINE_MAX_WORDS)
            or line.content < DROP_PROBABILITY):
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
               url: str | None = None, repeats: RepeatIndex | None = None,
               model: Classifier | None = None) -> Record:
    """Turn a scraped text dump into a clean Record.

    `rules` defaults to the bundled rules (pass a loaded `Rules` to reuse it across calls);
    `repeats` holds line counts over other pages of the same site; `model` is the line
    classifier (default: the bundled one). Raises NoArticleError when no article is found,
    ModelError when the bundled model file is missing or invalid.
    """
    rules = rules if rules is not None else load_rules()
    model = model if model is not None else bundled_model()
    lines, site_rules = read_lines(text, rules, url=url, repeats=repeats)
    name = site_rules[0].name if site_rules else "generic"
    record = assemble(score_lines(lines, model), source=source, url=url, rule=name)
    # The model sees a line beside its neighbours, and a clean record has other neighbours
    # than the dump it came from: the record is cleaned again until it stays the same, so
    # that cleaning a clean record changes nothing. Each pass keeps a subset of the lines
    # (all of them only when nothing changes), so this ends, mostly after one more pass.
    while True:
        again_lines, _ = read_lines(record.to_text(), rules, url=url, repeats=repeats)
        try:
            again = assemble(score_lines(again_lines, model))
        except NoArticleError:
            return record
        if (again.title, again.paragraphs) == (record.title, record.paragraphs):
            return record
        record = replace(record, title=again.title, paragraphs=again.paragraphs,
                         language=again.language)


def read_lines(text: str, rules: Rules, *, url: str | None = None,
               repeats: RepeatIndex | None = None) -> tuple[list[Line], tuple[SiteRule, ...]]:
    """The text's classified lines (not yet scored) and the site rules that claim it (by
    a line marker, or by the URL's domain)."""
    text = unicodedata.normalize("NFC", text)
    site_rules = rules.for_text(text.splitlines())
    if url:
        by_url = rules.for_url(url)
        if by_url is not None and by_url not in site_rules:
            site_rules = (by_url, *site_rules)
    return split_lines(text, rules, site_rules, repeats), site_rules
