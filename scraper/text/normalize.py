"""Line normalisation shared by every stage: NFC, no bidi marks, folded whitespace."""

from __future__ import annotations

import re
import unicodedata

# Bidi control marks that carry no text (LRM, RLM, embeddings, isolates) and BOM/ZWNBSP.
# (A regular expression: str.translate is ten times slower on non-ASCII text.)
_BIDI = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_SPACE = re.compile(r"\s+")
_UNFOLDED = re.compile(r"[^\S ]|  ")  # whitespace that folding would change (or strip)


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
