"""Lines that recur across many pages of one site: boilerplate even when no lexicon knows them."""

from __future__ import annotations

import hashlib
import warnings
from collections import Counter
from collections.abc import Iterable, Sequence
from math import ceil

from ..errors import DecodeWarning, InputError
from ..text.decode import decode_bytes
from ..text.lines import words
from ..text.normalize import match_key, match_keys
from ..text.sniff import looks_like_html

MIN_PAGES = 3          # fewer distinct pages than this say nothing about a site
STRONG_SHARE = 0.5     # on at least this share of pages: drop anywhere
WEAK_SHARE = 0.25      # on at least this share: drop at the edges of the article only


class RepeatIndex:
    """Counts, over a set of pages of one site, on how many distinct pages each line occurs.

    Copies of one page (the same article saved twice) count once.
    """

    def __init__(self, pages: Iterable[Iterable[str]]) -> None:
        counts: Counter[str] = Counter()
        seen: set[str] = set()
        for lines in pages:
            keys = {match_key(line) for line in lines} - {""}
            body = sorted(k for k in keys if words(k) >= 12) or sorted(keys)
            fingerprint = hashlib.sha256("\n".join(body).encode("utf-8")).hexdigest()
            if fingerprint in seen:
                continue
            seen.add(fingerprint)
            counts.update(keys)
        self.pages = len(seen)
        self._counts = counts

    def _share_needed(self, share: float) -> int:
        return max(MIN_PAGES, ceil(share * self.pages))

    def level(self, line: str) -> int:
        """0: not repeated; 1: repeated on a quarter of the pages; 2: on half of them."""
        return self.levels([line])[0]

    def levels(self, lines: Sequence[str]) -> list[int]:
        """`level` of each line."""
        if self.pages < MIN_PAGES:
            return [0] * len(lines)
        strong, weak = self._share_needed(STRONG_SHARE), self._share_needed(WEAK_SHARE)
        counts = [self._counts.get(key, 0) for key in match_keys(lines)]
        return [2 if count >= strong else 1 if count >= weak else 0 for count in counts]


def document_lines(data: bytes) -> list[str]:
    """The lines of a text document as the index counts them ([] for an HTML page, whose
    extraction does not use the index, and for unreadable input)."""
    if looks_like_html(data):
        return []
    try:
        with warnings.catch_warnings():  # the document's own decoding reports them
            warnings.simplefilter("ignore", DecodeWarning)
            return decode_bytes(data).splitlines()
    except InputError:  # an unreadable page contributes nothing; its own error comes later
        return []
