"""Extraction quality metrics, as defined in ../shared/corpora/README.md.

- Token F1 (Scrapinghub article-extraction-benchmark): tokens are the matches of `\\w+`,
  shingles are runs of 4 consecutive tokens (a text of 1 to 3 tokens has one shorter
  shingle), compared as multisets per page; precision and recall are averaged over pages,
  F1 is computed from the two means.
- Snippet P/R/F1 (trafilatura's evaluation): `with` snippets found are true positives,
  missing ones false negatives; `without` snippets found are false positives; counts are
  summed over the whole corpus.

Importable by every benchmark (`from bench.metrics import ...` or with `bench/` on the path).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

_TOKEN = re.compile(r"\w+")
_SPACE = re.compile(r"\s+")
SHINGLE = 4


def tokens(text: str) -> list[str]:
    """The `\\w+` tokens of a text."""
    return _TOKEN.findall(text)


def shingles(text: str, size: int = SHINGLE) -> Counter[tuple[str, ...]]:
    """The multiset of `size`-token shingles (one shorter shingle for a short text)."""
    toks = tokens(text)
    if not toks:
        return Counter()
    if len(toks) < size:
        return Counter([tuple(toks)])
    return Counter(tuple(toks[i:i + size]) for i in range(len(toks) - size + 1))


@dataclass(frozen=True)
class PageScore:
    """One page's shingle counts."""

    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None


def page_score(reference: str, extracted: str) -> PageScore:
    """Shingle tp/fp/fn of one extraction against its reference."""
    ref, got = shingles(reference), shingles(extracted)
    tp = sum((ref & got).values())
    return PageScore(tp=tp, fp=sum(got.values()) - tp, fn=sum(ref.values()) - tp)


@dataclass
class TokenF1:
    """Accumulates page scores; precision and recall are means over pages."""

    pages: list[PageScore] = field(default_factory=list)

    def add(self, reference: str, extracted: str) -> PageScore:
        score = page_score(reference, extracted)
        self.pages.append(score)
        return score

    @property
    def precision(self) -> float:
        values = [p.precision for p in self.pages if p.precision is not None]
        return sum(values) / len(values) if values else 0.0

    @property
    def recall(self) -> float:
        values = [p.recall for p in self.pages if p.recall is not None]
        return sum(values) / len(values) if values else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _norm(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


@dataclass
class SnippetScore:
    """Corpus-wide snippet counts (trafilatura's evaluation)."""

    tp: int = 0
    fn: int = 0
    fp: int = 0
    tn: int = 0

    def add(self, extracted: str, with_: list[str], without: list[str]) -> None:
        text = _norm(extracted)
        for snippet in with_:
            if _norm(snippet) in text:
                self.tp += 1
            else:
                self.fn += 1
        for snippet in without:
            if _norm(snippet) in text:
                self.fp += 1
            else:
                self.tn += 1

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0
