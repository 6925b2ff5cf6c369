"""Scraped text to a clean article record: the stages of the text cleaner in order.

1. the site rules that claim the text (line markers, the URL's domain);
2. `classify.split_lines`: every line cleaned and given a class by the rules;
3. `score.score_lines`: the line model's content probability and weight of each line;
4. `assemble`: the body (`body.find_body`), the headline (`title.find_title`), the fields.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field, replace

import numpy as np

from ..errors import NoArticleError
from ..lines.classify import Line, split_lines
from ..lines.repeats import RepeatIndex
from ..model import Classifier
from ..record import Record
from ..rules.site import Rules, SiteRule
from .assemble import assemble
from .score import score_lines


def clean_text(text: str, *, rules: Rules, model: Classifier, source: str | None = None,
               url: str | None = None, repeats: RepeatIndex | None = None) -> Record:
    """Turn a scraped text dump into a clean Record; `model` is the line classifier.

    `repeats` holds line counts over other pages of the same site. Raises NoArticleError
    when no article is found, ModelError when the model reads other features.
    """
    # What a line's text decides under the claiming rules (its rule signals, its own
    # features), kept for the passes below: they see the same lines again.
    memo: dict[tuple[str, ...], _Known] = {}
    lines, site_rules = read_lines(text, rules, url=url, repeats=repeats, memo=memo)
    name = site_rules[0].name if site_rules else "generic"
    record = assemble(score_lines(lines, model, shapes=memo[_key(site_rules)].shapes),
                      source=source, url=url, rule=name)
    # The model sees a line beside its neighbours, and a clean record has other neighbours
    # than the dump it came from: the record is cleaned again until it stays the same, so
    # that cleaning a clean record changes nothing. Each pass keeps a subset of the lines
    # (all of them only when nothing changes), so this ends, mostly after one more pass. A
    # record that holds no article once cleaned again was never a sure one: refused too.
    while True:
        again_lines, again_rules = read_lines(record.to_text(), rules, url=url,
                                              repeats=repeats, memo=memo)
        try:
            again = assemble(score_lines(again_lines, model,
                                         shapes=memo[_key(again_rules)].shapes))
        except NoArticleError:
            raise NoArticleError("no article text found (what looked like one does not "
                                 "read as an article on its own)") from None
        if (again.title, again.paragraphs) == (record.title, record.paragraphs):
            return record
        record = replace(record, title=again.title, paragraphs=again.paragraphs,
                         language=again.language)


@dataclass
class _Known:
    lines: dict[str, Line] = field(default_factory=dict)
    shapes: dict[str, tuple[np.ndarray, str]] = field(default_factory=dict)


def read_lines(text: str, rules: Rules, *, url: str | None = None,
               repeats: RepeatIndex | None = None,
               memo: dict[tuple[str, ...], _Known] | None = None
               ) -> tuple[list[Line], tuple[SiteRule, ...]]:
    """The text's classified lines (not yet scored) and the site rules that claim it (by a
    line marker, or by the URL's domain); `memo` keeps what is known of lines under each
    set of claiming rules across calls on versions of one text."""
    text = unicodedata.normalize("NFC", text)
    site_rules = rules.for_text(text.splitlines())
    if url:
        by_url = rules.for_url(url)
        if by_url is not None and by_url not in site_rules:
            site_rules = (by_url, *site_rules)
    known = memo.setdefault(_key(site_rules), _Known()).lines if memo is not None else None
    return split_lines(text, rules, site_rules, repeats, known=known), site_rules


def _key(site_rules: tuple[SiteRule, ...]) -> tuple[str, ...]:
    return tuple(rule.name for rule in site_rules)
