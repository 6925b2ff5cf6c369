"""What a single line of scraped text looks like: its length in words and its shape.

The patterns and thresholds every stage shares (what a word is, which scripts are written
without spaces, what ends a sentence or rules out a headline) are named here once.
"""

from __future__ import annotations

import re

from .normalize import visible

WORD = re.compile(r"\w+")
# Scripts written without spaces: count characters, not runs, so a Chinese paragraph is long.
UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]")
# Sentence-final punctuation (Latin, Arabic, Urdu, CJK), optionally followed by closing quotes.
SENTENCE_PUNCT = ".!?؟۔。！？…"
CLOSING_QUOTES = "\"'”’»)]」』"
# Clause punctuation (Latin, Arabic, CJK).
CLAUSE = re.compile(r"[,،;؛、，]")
# A line ending with one of these is a sentence or a label, never a headline.
NOT_HEADLINE_END = (".", "。", ":", "،", ",")
# A headline-like line of a text has at most this many words (the text cleaner's headline
# choice and the line model's `headline` feature).
HEADLINE_MAX_WORDS = 25
# A line of an article has at least PROSE_CHARS characters (a CJK character counting as
# three) or PROSE_WORDS words; shorter ones are menus, labels and widgets.
PROSE_CHARS = 50
PROSE_WORDS = 8
_LIST_MARKER = re.compile(r"^(?:[-+•*–·▪►▸◦]|\(?\d{1,2}[.)])\s")


def words(line: str) -> int:
    """The line's length in words (two CJK characters count as one word)."""
    runs = WORD.findall(line)
    unspaced = len(UNSPACED.findall(line))
    return len(runs) + unspaced // 2 if unspaced else len(runs)


def has_text(line: str) -> bool:
    """True when the line holds at least one letter or digit."""
    return WORD.search(line) is not None


def is_sentence(line: str) -> bool:
    """True when the line reads as prose: it ends a sentence, or runs on with clauses."""
    line = visible(line)
    return ends_sentence(line) or (words(line) >= 12 and clause_marks(line) > 0)


def ends_sentence(line: str) -> bool:
    """True when the line ends with sentence punctuation (closing quotes may follow it)."""
    last = visible(line).rstrip(CLOSING_QUOTES)[-1:]
    return bool(last) and last in SENTENCE_PUNCT


def clause_marks(line: str) -> int:
    """How many clause punctuation marks (commas, semicolons; Arabic and CJK too) the line holds."""
    return len(CLAUSE.findall(line))


def is_prose(line: str) -> bool:
    """True when the line is long enough to be a sentence of an article."""
    size = len(line) + 2 * len(UNSPACED.findall(line))
    return size >= PROSE_CHARS or len(line.split()) >= PROSE_WORDS


def list_marker(line: str) -> str | None:
    """The list marker a line opens with ("-", "+", "•"; "1." and "(2)" count as "#"), or None."""
    match = _LIST_MARKER.match(line)
    if not match:
        return None
    marker = match.group(0).strip().strip("()")
    return "#" if marker[:1].isdigit() else marker
