"""Lines that recur across many pages of one site: boilerplate even when no lexicon knows them."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from math import ceil

from .lines import words
from .normalize import match_key

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
        if self.pages < MIN_PAGES:
            return 0
        count = self._counts.get(match_key(line), 0)
        if count >= self._share_needed(STRONG_SHARE):
            return 2
        if count >= self._share_needed(WEAK_SHARE):
            return 1
        return 0
