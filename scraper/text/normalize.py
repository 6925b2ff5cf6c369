"""Line normalisation shared by every stage: NFC, no bidi marks, folded whitespace."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

# Bidi control marks that carry no text (LRM, RLM, embeddings, isolates) and BOM/ZWNBSP.
# (A regular expression: str.translate is ten times slower on non-ASCII text.)
_BIDI = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_SPACE = re.compile(r"\s+")
_UNFOLDED = re.compile(r"[^\S ]|  ")  # whitespace that folding would change (or strip)
# In lines joined by "\n": whitespace that folding would change, and what it changes.
_UNFOLDED_IN_LINE = re.compile(r"[^\S \n]|  ")
_FOLD_IN_LINE = re.compile(r"[^\S\n]{2,}|[^\S \n]")


def clean_line(line: str) -> str:
    """The line as the record keeps it: NFC, whitespace runs folded to one space, trimmed.

    Only whitespace and normalisation change; every other character is kept.
    """
    line = unicodedata.normalize("NFC", line)
    if _UNFOLDED.search(line):  # most lines are folded already: spare the substitution
        line = _SPACE.sub(" ", line)
    return line.strip()


def match_key(line: str) -> str:
    """A comparison key: `clean_line`, bidi marks removed, case folded."""
    return clean_line(_BIDI.sub("", line)).casefold()


def visible(line: str) -> str:
    """The line without bidi and BOM marks, for judging its shape (never for output)."""
    return _BIDI.sub("", line).strip()


def visible_lines(lines: Sequence[str]) -> list[str]:
    """`visible` of each line (none holding a "\\n"), in one pass over them all."""
    joined = "\n".join(lines)
    if _BIDI.search(joined):
        joined = _BIDI.sub("", joined)
    return [line.strip() for line in joined.split("\n")] if lines else []


def clean_lines(lines: Sequence[str]) -> list[str]:
    """`clean_line` of each line, in one pass over them all."""
    if not lines:
        return []
    if any("\n" in line for line in lines):
        return [clean_line(line) for line in lines]
    joined = unicodedata.normalize("NFC", "\n".join(lines))
    if _UNFOLDED_IN_LINE.search(joined):
        joined = _FOLD_IN_LINE.sub(" ", joined)
    return [line.strip() for line in joined.split("\n")]


def match_keys(lines: Sequence[str]) -> list[str]:
    """`match_key` of each line, in one pass over them all."""
    if not lines:
        return []
    if any("\n" in line for line in lines):
        return [match_key(line) for line in lines]
    # NFC, bidi marks, folding and case work within a line: "\n" composes with nothing.
    joined = unicodedata.normalize("NFC", _BIDI.sub("", "\n".join(lines)))
    if _UNFOLDED_IN_LINE.search(joined):
        joined = _FOLD_IN_LINE.sub(" ", joined)
    return [line.strip() for line in joined.casefold().split("\n")]
