"""Telling the language of a text from its script, where the script says it."""

from __future__ import annotations

from collections.abc import Iterable

# Letters read before the answer is taken to be settled.
_SAMPLE_LETTERS = 2000
_PERSIAN_LETTERS = "پچژگکی"


def guess_language(paragraphs: Iterable[str]) -> str | None:
    """'ar' or 'fa' for text mostly in Arabic script (Persian by its own letters), else None."""
    arabic = persian = letters = 0
    for paragraph in paragraphs:
        for ch in paragraph:
            if ch.isalpha():
                letters += 1
                if "\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f":
                    arabic += 1
                    if ch in _PERSIAN_LETTERS:
                        persian += 1
        if letters > _SAMPLE_LETTERS:
            break
    if not letters or arabic < letters / 2:
        return None
    return "fa" if persian > arabic / 50 else "ar"
