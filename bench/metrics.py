"""Quality metrics of ../shared/corpora/README.md: token-shingle F1 and snippet P/R/F1."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

_TOKEN = re.compile(r"\w+")
SHINGLE = 4


def shingles(text: str) -> Counter[tuple[str, ...]]:
    """The multiset of runs of 4 consecutive \\w+ tokens (one shorter run for 1-3 tokens)."""
    tokens = _TOKEN.findall(text)
    if not tokens:
        return Counter()
    if len(tokens) < SHINGLE:
        return Counter([tuple(tokens)])
    return Counter(tuple(tokens[i:i + SHINGLE]) for i in range(len(tokens) - SHINGLE + 1))


@dataclass(frozen=True)
class Score:
    """Precision, recall and F1 over a corpus."""

    precision: float
    recall: float
    f1: float
    pages: int

    def __str__(self) -> str:
        return f"F1 {self.f1:.3f} (P {self.precision:.3f}, R {self.recall:.3f}; {self.pages} pages)"


def token_f1(pairs: Iterable[tuple[str, str]]) -> Score:
    """Token F1 over (reference, extraction) pairs, every page weighing the same."""
    precisions, recalls, pages = [], [], 0
    for reference, extraction in pairs:
        pages += 1
        truth, pred = shingles(reference), shingles(extraction)
        tp = sum((truth & pred).values())
        if pred:
            precisions.append(tp / sum(pred.values()))
        if truth:
            recalls.append(tp / sum(truth.values()))
    p = sum(precisions) / len(precisions) if precisions else 0.0
    r = sum(recalls) / len(recalls) if recalls else 0.0
    return Score(p, r, 2 * p * r / (p + r) if p + r else 0.0, pages)


def _folded(text: str) -> str:
    return " ".join(text.split())


def snippet_score(cases: Iterable[tuple[list[str], list[str], str]]) -> Score:
    """Snippet P/R/F1 over (with, without, extraction) triples, pooled over the corpus.

    Whitespace is folded on both sides, so a snippet spanning two paragraphs still matches.
    """
    tp = fn = fp = pages = 0
    for with_, without, extraction in cases:
        pages += 1
        text = _folded(extraction)
        for snippet in with_:
            if _folded(snippet) in text:
                tp += 1
            else:
                fn += 1
        fp += sum(1 for snippet in without if _folded(snippet) in text)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return Score(p, r, 2 * p * r / (p + r) if p + r else 0.0, pages)


def leaked(cases: Iterable[tuple[list[str], list[str], str]]) -> int:
    """How many `without` snippets (boilerplate) the extractions hold, over all cases."""
    return sum(_folded(snippet) in _folded(extraction)
               for _, without, extraction in cases for snippet in without)


def _words(text: str) -> Counter[str]:
    return Counter(_TOKEN.findall(text.lower()))


def word_f1(pairs: Iterable[tuple[str, str]]) -> Score:
    """WCXB's word F1 over (reference, extraction) pairs: lower-cased \\w+ tokens, multiset
    overlap; per page P = overlap / predicted, R = overlap / reference, F1 from those (an
    empty extraction scores 0); P, R and F1 are the means over pages."""
    precisions, recalls, f1s = [], [], []
    for reference, extraction in pairs:
        truth, pred = _words(reference), _words(extraction)
        overlap = sum((truth & pred).values())
        p = overlap / sum(pred.values()) if pred else 0.0
        r = overlap / sum(truth.values()) if truth else 0.0
        precisions.append(p)
        recalls.append(r)
        f1s.append(2 * p * r / (p + r) if p + r else 0.0)
    pages = len(f1s)
    mean = (lambda xs: sum(xs) / pages) if pages else (lambda xs: 0.0)
    return Score(mean(precisions), mean(recalls), mean(f1s), pages)
