"""Lines and blocks that recur across many pages of one site: boilerplate even when no
lexicon knows them.

A text dump contributes its lines; an HTML page its blocks' texts (as lines) and its
blocks' signatures (element path and text, `html.signatures`). Keys are kept as 8-byte
hashes, so an index of many pages stays small.
"""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from math import ceil

import numpy as np

from ..errors import DecodeWarning, InputError
from ..text.decode import decode_bytes
from ..text.lines import words
from ..text.normalize import match_keys
from ..text.sniff import looks_like_html

MIN_PAGES = 3          # fewer distinct pages than this say nothing about a site
STRONG_SHARE = 0.5     # on at least this share of pages: drop anywhere
WEAK_SHARE = 0.25      # on at least this share: drop at the edges of the article only
FINGERPRINT_WORDS = 12  # a page's copies are told by its lines of at least this many words
_EMPTY = np.zeros(0, dtype=np.uint64)


def key_hash(key: str) -> int:
    """A stable 8-byte hash of a key (the same in every process, unlike `hash`)."""
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8", "surrogatepass"),
                                          digest_size=8).digest(), "little")


def key_hashes(keys: Iterable[str]) -> np.ndarray:
    """`key_hash` of each key, in order (uint64): the digests joined and read at once."""
    blake2b = hashlib.blake2b
    digests = b"".join([blake2b(k.encode("utf-8", "surrogatepass"), digest_size=8).digest()
                        for k in keys])
    return np.frombuffer(digests, dtype="<u8").astype(np.uint64)


def _hashes(keys: Iterable[str]) -> np.ndarray:
    return np.unique(key_hashes(keys))


@dataclass(frozen=True)
class PageKeys:
    """What one page contributes to a RepeatIndex: the hashes of its line keys and, for an
    HTML page, of its block signatures (None for a text page), each without repeats, and
    a fingerprint that its copies share."""

    lines: np.ndarray
    blocks: np.ndarray | None
    fingerprint: bytes

    @classmethod
    def of(cls, lines: Iterable[str], blocks: np.ndarray | None = None) -> PageKeys:
        """The keys of a page's lines and (an HTML page) its block signatures."""
        keys = set(match_keys(list(lines))) - {""}
        body = sorted(k for k in keys if words(k) >= FINGERPRINT_WORDS) or sorted(keys)
        fingerprint = hashlib.sha256("\n".join(body).encode("utf-8", "surrogatepass")).digest()
        signatures = None if blocks is None else np.unique(np.asarray(blocks, dtype=np.uint64))
        return cls(_hashes(keys), signatures, fingerprint)


class RepeatIndex:
    """Counts, over a set of pages of one site, on how many distinct pages each line
    occurs and (over its HTML pages) each block signature.

    `pages` holds each page's lines, or its `PageKeys`. Copies of one page (the same
    article saved twice) count once.
    """

    def __init__(self, pages: Iterable[Iterable[str] | PageKeys]) -> None:
        seen: set[bytes] = set()
        lines: list[np.ndarray] = []
        blocks: list[np.ndarray] = []
        for page in pages:
            keys = page if isinstance(page, PageKeys) else PageKeys.of(page)
            if keys.fingerprint in seen:
                continue
            seen.add(keys.fingerprint)
            lines.append(keys.lines)
            if keys.blocks is not None:
                blocks.append(keys.blocks)
        self.pages = len(seen)
        self.html_pages = len(blocks)
        self._lines = _counts(lines)
        self._blocks = _counts(blocks)

    def level(self, line: str) -> int:
        """0: not repeated; 1: repeated on a quarter of the pages; 2: on half of them."""
        return self.levels([line])[0]

    def levels(self, lines: Sequence[str]) -> list[int]:
        """`level` of each line."""
        if self.pages < MIN_PAGES:
            return [0] * len(lines)
        if not len(lines):
            return []
        counts = _count(self._lines, key_hashes(match_keys(lines)))
        return _levels(counts, self.pages).tolist()

    def block_levels(self, signatures: np.ndarray) -> np.ndarray:
        """The level (as `level`) of each block signature, over the index's HTML pages."""
        if self.html_pages < MIN_PAGES:
            return np.zeros(len(signatures), dtype=np.int8)
        return _levels(_count(self._blocks, signatures), self.html_pages)


def _counts(pages: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The distinct keys of `pages` (sorted) and on how many pages each occurs."""
    if not pages:
        return _EMPTY, np.zeros(0, dtype=np.int32)
    keys, counts = np.unique(np.concatenate(pages), return_counts=True)
    return keys, counts.astype(np.int32)


def _count(index: tuple[np.ndarray, np.ndarray], keys: np.ndarray) -> np.ndarray:
    known, counts = index
    if not len(known):
        return np.zeros(len(keys), dtype=np.int32)
    at = np.minimum(np.searchsorted(known, keys), len(known) - 1)
    return np.where(known[at] == keys, counts[at], 0)


def _levels(counts: np.ndarray, pages: int) -> np.ndarray:
    strong = max(MIN_PAGES, ceil(STRONG_SHARE * pages))
    weak = max(MIN_PAGES, ceil(WEAK_SHARE * pages))
    return np.where(counts >= strong, 2, np.where(counts >= weak, 1, 0)).astype(np.int8)


def document_lines(data: bytes) -> list[str]:
    """The lines of a text document as the index counts them ([] for an HTML page, whose
    blocks `document_keys` reads, and for unreadable input)."""
    if looks_like_html(data):
        return []
    try:
        with warnings.catch_warnings():  # the document's own decoding reports them
            warnings.simplefilter("ignore", DecodeWarning)
            return decode_bytes(data).splitlines()
    except InputError:  # an unreadable page contributes nothing; its own error comes later
        return []
