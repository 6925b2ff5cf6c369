"""One document's bytes to a record: an HTML page is extracted, a text is cleaned."""

from __future__ import annotations

import dataclasses

from .clean import clean_text
from .decode import decode_bytes
from .errors import InputError
from .extract import extract_html
from .record import Record
from .repeats import RepeatIndex
from .rules import Rules
from .sniff import looks_like_html


def record_from_bytes(data: bytes, *, rules: Rules, source: str | None = None,
                      url: str | None = None, repeats: RepeatIndex | None = None) -> Record:
    """Decode a document and clean it into a record; HTML (told by content, not by file
    name) goes through `extract_html`.

    Raises InputError subclasses for empty, binary, undecodable or oversized input and
    NoArticleError when no article is found.
    """
    if looks_like_html(data):
        record = extract_html(data, url=url, rules=rules)
        return dataclasses.replace(record, source=source) if source else record
    return clean_text(decode_bytes(data), source=source, rules=rules, url=url, repeats=repeats)


def text_lines(data: bytes) -> list[str]:
    """The lines of a text document as the repetition index counts them ([] for an HTML
    page, whose extraction does not use the index, and for unreadable input)."""
    if looks_like_html(data):
        return []
    try:
        return decode_bytes(data).splitlines()
    except InputError:  # an unreadable page contributes nothing; its own error comes later
        return []
