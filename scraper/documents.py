"""One document's bytes to a record: decode, then clean it as text."""

from __future__ import annotations

from .clean import clean_text
from .decode import decode_bytes
from .errors import InputError
from .record import Record
from .repeats import RepeatIndex
from .rules import Rules


def record_from_bytes(data: bytes, *, rules: Rules, source: str | None = None,
                      url: str | None = None, repeats: RepeatIndex | None = None) -> Record:
    """Decode a document and clean it into a record.

    Raises InputError subclasses for empty, binary or undecodable input and
    NoArticleError when no article is found.
    """
    return clean_text(decode_bytes(data), source=source, rules=rules, url=url, repeats=repeats)


def text_lines(data: bytes) -> list[str]:
    """The lines of a document as the repetition index counts them ([] if unreadable)."""
    try:
        return decode_bytes(data).splitlines()
    except InputError:  # an unreadable page contributes nothing; its own error comes later
        return []
