"""What a single line of scraped text looks like: its length in words and its shape."""

from __future__ import annotations

import re

from .normalize import visible

_WORD = re.compile(r"\w+")
# Scripts written without spaces: count characters, not runs, so a Chinese paragraph is long.
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]")
# Sentence-final punctuation (Latin, Arabic, CJK), optionally followed by closing quotes.
_SENTENCE_END = re.compile(r"[.!?؟。！？…][\"'”’»)\]」』]*$")
_CLAUSE = re.compile(r"[,،;؛、，]")


def words(line: str) -> int:
    """The line's length in words (two CJK characters count as one word)."""
    runs = _WORD.findall(line)
    unspaced = len(_UNSPACED.findall(line))
    return len(runs) + unspaced // 2 if unspaced else len(runs)


def has_text(line: str) -> bool:
    """True when the line holds at least one letter or digit."""
    return _WORD.search(line) is not None


def ends_sentence(line: str) -> bool:
    """True when the line ends with sentence-final punctuation (Latin, Arabic, CJK)."""
    return bool(_SENTENCE_END.search(visible(line)))


def clause_marks(line: str) -> int:
    """How many clause punctuation marks (commas, semicolons; Arabic and CJK too) the line holds."""
    return len(_CLAUSE.findall(line))


def is_sentence(line: str) -> bool:
    """True when the line reads as prose: it ends a sentence, or runs on with clauses."""
    return ends_sentence(line) or (words(line) >= 12 and clause_marks(line) > 0)


_LIST_MARKER = re.compile(r"^(?:[-+•*–·▪►▸◦]|\(?\d{1,2}[.)])\s")


def list_marker(line: str) -> str | None:
    """The list marker a line opens with ("-", "+", "•"; "1." and "(2)" count as "#"), or None."""
    match = _LIST_MARKER.match(line)
    if not match:
        return None
    marker = match.group(0).strip().strip("()")
    return "#" if marker[:1].isdigit() else marker
