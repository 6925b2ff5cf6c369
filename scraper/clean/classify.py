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
from dataclasses import dataclass, replace

from ..rules.lexicon import Risk
from ..rules.model import Rules, SiteRule
from ..text.lines import has_text, is_sentence, list_marker, words
from ..text.normalize import clean_line
from .features import RuleSignals, rule_signals
from .repeats import RepeatIndex

# This many consecutive lines opening with the same list marker make a list.
LIST_RUN = 3


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
                known: dict[str, RuleSignals] | None = None) -> list[Line]:
    """Clean and classify every line that holds text; blank and symbol-only lines go.

    The items of a run of LIST_RUN lines opening with the same list marker count as
    content however short (a changelog, numbered steps), unlike a menu's items.
    """
    out = []
    for raw in text.splitlines():
        line = clean_line(raw)
        if line and has_text(line):
            signals = known.get(line) if known is not None else None
            if signals is None:
                signals = rule_signals(line, rules, site_rules, repeats)
                if known is not None:
                    known[line] = signals
            out.append(Line(line, kind_of(signals), words(line), is_sentence(line), signals))
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
