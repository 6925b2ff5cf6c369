"""Line classes: what each line of a text is before its place in the page counts.

TEXT is candidate article text; BOILER is dropped anywhere (a low-risk lexicon string, a
site rule's drop_lines, a line on half the site's pages, a bare image or file URL); SOFT is
boilerplate at the article's edges only (riskier lexicon strings, lines on a quarter of the
pages); META is a date or byline line, whose values go into the record's fields. The rules
decide these classes, nothing else; the line model (`score`) then weighs TEXT lines. The
HTML path uses the same classes for its last pass over extracted lines.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

import numpy as np

from ..rules.lexicon import Risk
from ..rules.site import Rules, SiteRule
from ..text import chars
from ..text.chars import TextLines, sentences_of, words_of
from ..text.lines import list_marker
from ..text.normalize import clean_lines, visible_lines
from .features import RuleSignals, rule_signals, rule_signals_of
from .repeats import RepeatIndex

# This many consecutive lines opening with the same list marker make a list.
LIST_RUN = 3
# What a list marker opens with besides a digit (`text.lines.list_marker`).
_MARKER_OPENS = frozenset("-+•*–·▪►▸◦(")


class Kind(enum.Enum):
    """What a line is, before its place in the page is considered."""

    TEXT = "text"
    BOILER = "boiler"
    SOFT = "soft"
    META = "meta"


@dataclass(frozen=True)
class Line:
    """A non-blank input line with what the rules, its neighbours and the model say of it."""

    text: str
    kind: Kind
    words: int
    sentence: bool
    signals: RuleSignals = RuleSignals()
    listed: bool = False   # one item of a run of list items (a changelog, steps, a list)
    content: float = 1.0   # the line model's probability that the line is article text
    weight: float = 0.0    # the line's weight in the body search (`score.weigh`)


def make_line(text: str, kind: Kind, words: int, sentence: bool,
              signals: RuleSignals = RuleSignals(), listed: bool = False, content: float = 1.0,
              weight: float = 0.0) -> Line:
    """`Line(...)`, at a fraction of its cost: the cleaner makes a Line per line and pass,
    and the frozen dataclass's constructor sets each field through object.__setattr__."""
    line = object.__new__(Line)
    line.__dict__.update(text=text, kind=kind, words=words, sentence=sentence, signals=signals,
                         listed=listed, content=content, weight=weight)
    return line


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
                repeats: RepeatIndex | None = None, *,
                known: dict[str, Line] | None = None) -> list[Line]:
    """Clean and classify every line that holds text; blank and symbol-only lines go.
    `known` keeps each line's classification (outside a list) across calls on versions
    of one text under the same rules: a line's class depends on its text alone.

    The items of a run of LIST_RUN lines opening with the same list marker count as
    content however short (a changelog, numbered steps), unlike a menu's items.
    """
    cleaned = clean_lines(text.splitlines())
    known = {} if known is None else known
    # A known line holds text; of the others, those with a letter or digit (`has_text`).
    fresh = [i for i, line in enumerate(cleaned) if line not in known]
    if fresh:
        shown = TextLines([cleaned[i] for i in fresh])
        blank = {fresh[i] for i in np.flatnonzero(shown.count(shown.has(chars.WORD)) == 0)}
        new = list(dict.fromkeys(cleaned[i] for i in fresh if i not in blank))
        known.update(zip(new, _classified(new, rules, site_rules, repeats)))
    out = [known[line] for line in cleaned if line in known]
    markers = [list_marker(line.text) if line.text[:1] in _MARKER_OPENS
               or line.text[:1].isdigit() else None for line in out]
    i = 0
    while i < len(out):
        j = i
        while j < len(out) and markers[j] is not None and markers[j] == markers[i]:
            j += 1
        if j - i >= LIST_RUN:
            out[i:j] = [make_line(line.text, line.kind, line.words, line.sentence,
                                  line.signals, listed=True) for line in out[i:j]]
        i = max(j, i + 1)
    return out


def _classified(lines: list[str], rules: Rules, site_rules: tuple[SiteRule, ...],
                repeats: RepeatIndex | None) -> list[Line]:
    """Each line with its rule signals, kind, words and sentence flag."""
    if not lines:
        return []
    signals = rule_signals_of(lines, rules, site_rules, repeats)
    n_words = words_of(TextLines(lines))  # of the line itself: a mark inside splits a word
    shown = TextLines(visible_lines(lines))
    sentence = sentences_of(shown, words_of(shown))
    return [make_line(line, kind_of(s), w, sent, s)
            for line, s, w, sent in zip(lines, signals, n_words.tolist(), sentence.tolist())]
