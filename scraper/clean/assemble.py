"""The record from classified lines: body span, headline, head block and fields.

The head block between headline and body keeps its long lines (standfirst, photo caption);
inside the body BOILER and META lines go, and the short lines the line model finds
unlikely to be article text (`score.DROP_PROBABILITY`, `DROP_MAX_WORDS`); META lines fill
`author` and `published`.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import NoArticleError
from ..lines.classify import Kind, Line
from ..lines.span import find_body
from ..record import Record
from ..text.bylines import byline_name, name_beside_date
from ..text.dates import find_date
from ..text.headings import heading_kind
from ..text.language import guess_language
from .score import DROP_MAX_WORDS, DROP_PROBABILITY
from .title import (
    HEADLINE_MAX_WORDS,
    bare_name,
    find_title,
    opens_with_headline,
    title_like,
)

# Lines between headline and body are kept when this long (standfirst, photo caption).
HEAD_KEEP_WORDS = 8
HEAD_KEEP_SENTENCE_WORDS = 5


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
    opened = end - start > 1 and opens_with_headline(lines, start)
    if opened:
        start += 1  # a headline long enough to weigh as prose opens the body span
    title_at = find_title(lines, start)
    if opened and title_at is not None and title_at != start - 1:
        start -= 1  # the headline stands above a byline block: the span's first line is text
    elif opened:
        # Short lines between that headline and the prose are head lines, as they are
        # when the record is cleaned again (the body span never starts with one).
        while start < end - 1 and lines[start].weight < 0:
            start += 1
    fields = _Fields()
    if title_at is None:
        title_at, start = start, start + 1
    head = lines[title_at + 1:start]
    for i, line in enumerate(head):
        if line.kind is Kind.META:
            fields.take(line)
        elif (bare_name(line) and i + 1 < len(head) and head[i + 1].kind is Kind.META
              and fields.author is None):
            fields.author = line.text  # a bare name just above the date or byline line
    paragraphs = [line.text for line in head if _keep_in_head(line)]
    for i in range(start, end):
        line = lines[i]
        if line.kind is Kind.META:
            fields.take(line)
        elif line.kind is not Kind.BOILER and (line.content >= DROP_PROBABILITY
                                               or line.words > DROP_MAX_WORDS
                                               or _between_prose(lines, i, start, end)):
            paragraphs.append(line.text)
    if not paragraphs:
        raise NoArticleError("no article text found")
    return Record(title=lines[title_at].text, paragraphs=tuple(paragraphs), url=url,
                  source=source, site=site, author=fields.author, published=fields.published,
                  language=guess_language(paragraphs), rule=rule)


def _between_prose(lines: list[Line], i: int, start: int, end: int) -> bool:
    """True when body line i is a single short line between two long ones (a subheading,
    a section label): kept whatever the model says of it, unless it is the heading of a
    chrome section ("Related stories" between the article's last paragraph and a teaser)."""
    return (start < i < end - 1 and lines[i - 1].words > DROP_MAX_WORDS
            and lines[i + 1].words > DROP_MAX_WORDS
            and heading_kind(lines[i].text, lines[i].words) is None)


def _keep_in_head(line: Line) -> bool:
    # A kept line must not read as a headline itself, or cleaning the record again would
    # take it for the title.
    if (line.kind is not Kind.TEXT or title_like(line, HEADLINE_MAX_WORDS)
            or line.content < DROP_PROBABILITY):
        return False
    return line.words >= HEAD_KEEP_WORDS or (line.sentence and line.words >= HEAD_KEEP_SENTENCE_WORDS)
