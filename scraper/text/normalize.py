"""Line normalisation shared by every stage: NFC, no bidi marks, folded whitespace."""

from __future__ import annotations

import re
import unicodedata

# Bidi control marks that carry no text (LRM, RLM, embeddings, isolates) and BOM/ZWNBSP.
_BIDI = dict.fromkeys([0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0xFEFF])
_BIDI_ANY = re.compile("[" + "".join(map(chr, _BIDI)) + "]")
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
    if _BIDI_ANY.search(line):
        line = line.translate(_BIDI)
    return clean_line(line).casefold()


def visible(line: str) -> str:
    """The line without bidi and BOM marks, for judging its shape (never for output)."""
    return (line.translate(_BIDI) if _BIDI_ANY.search(line) else line).strip()
