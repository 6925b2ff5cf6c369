"""The headline: the nearest headline-like line above the body, above any byline block.

News layouts put headline, byline block, photo caption, body; blogs put date, post title,
body. A headline never sits between a byline and the body.
"""

from __future__ import annotations

from ..lines.classify import Kind, Line
from ..text.lines import HEADLINE_MAX_WORDS, NOT_HEADLINE_END
from ..text.normalize import visible

# The headline is looked for among this many lines above the body.
TITLE_WINDOW = 12
TITLE_MAX_WORDS = 40
# The first line of the body span is taken for the headline only when at most
# HEADLINE_MAX_WORDS long (text.lines).
# Shorter title-like lines (site names, section labels) are the headline only if none longer is.
HEADLINE_MIN_WORDS = 4
# A line this short right above a date or byline line is taken for the author's name.
BYLINE_NAME_WORDS = 5
BYLINE_NAME_CHARS = 32


def title_like(line: Line, max_words: int = TITLE_MAX_WORDS) -> bool:
    """True when the line could be a headline: text, 2 to `max_words` words, no final
    sentence or label punctuation."""
    if line.kind is not Kind.TEXT or not 2 <= line.words <= max_words:
        return False
    return not visible(line.text).endswith(NOT_HEADLINE_END)


def opens_with_headline(lines: list[Line], start: int) -> bool:
    """True when the body span's first line is the headline rather than prose."""
    first = lines[start]
    if not title_like(first, HEADLINE_MAX_WORDS) or first.sentence:
        return False
    above = lines[start - 1] if start else None
    if above is None:
        return True
    if above.kind is Kind.META:
        # News pages: headline, byline block, caption, body. Blogs: date, post title, body.
        return not _headline_above_byline(lines, start)
    # A headline right above the span already: the span's first line is a standfirst.
    return not (title_like(above) and above.words >= HEADLINE_MIN_WORDS)


def _headline_above_byline(lines: list[Line], start: int) -> bool:
    """True when the first line above the byline block ending at `start` is a headline.

    A short line that could be a name is skipped as part of the byline block; when nothing
    else stands above the block, a skipped one that reads as a headline is the headline
    (as `find_title` then takes it)."""
    skipped_headline = False
    for i in range(start - 1, max(-1, start - 1 - TITLE_WINDOW), -1):
        line = lines[i]
        if line.kind is Kind.META:
            continue
        headline = title_like(line) and line.words >= HEADLINE_MIN_WORDS
        if bare_name(line):
            skipped_headline = skipped_headline or headline
            continue
        return headline
    return skipped_headline


def bare_name(line: Line) -> bool:
    """True for a short line that could be a name standing alone ("Jane Doe")."""
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
        while above > 0 and bare_name(lines[above - 1]):
            above -= 1  # "Jane Doe" on its own line just above the date belongs to the byline
        boundaries.insert(0, above)
    for min_words in (HEADLINE_MIN_WORDS, 2):  # a real headline before a site name or label
        for boundary in boundaries:
            for i in window:
                if i < boundary and title_like(lines[i]) and lines[i].words >= min_words:
                    return i
    return None


