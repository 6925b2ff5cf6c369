"""Block labels from a corpus's reference: alignment with a gold text, or snippets.

Gold text (wcxb `main_content`, readability `gold.txt`): the page's blocks are read as one
token stream (lower-cased `\\w+` runs, each CJK character a token of its own); a token is
covered when one of the runs of SHINGLE consecutive tokens that hold it, across block
boundaries, also occurs in the gold. A block's label is the share of its tokens covered:
a short subheading between two gold paragraphs is covered by the runs spanning it, a
"Share" button between them is not.

Snippets (trafilatura corpus `with` / `without`): a block holding part of a `with`
snippet is content (1), of a `without` snippet boilerplate (0); the rest, and blocks
both claim, are unlabeled (NaN).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

SHINGLE = 4
_TOKEN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]|"
                    r"[^\W\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]+")


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens; a CJK character is a token by itself."""
    return _TOKEN.findall(text.lower())


def coverage(texts: Sequence[str], gold: str) -> np.ndarray:
    """The share of each block's tokens covered by a shingle of the gold text."""
    reference = tokens(gold)
    shingles = {tuple(reference[i:i + SHINGLE]) for i in range(len(reference) - SHINGLE + 1)}
    stream: list[str] = []
    owner: list[int] = []
    for i, text in enumerate(texts):
        found = tokens(text)
        stream += found
        owner += [i] * len(found)
    covered = np.zeros(len(stream), dtype=bool)
    for i in range(len(stream) - SHINGLE + 1):
        if tuple(stream[i:i + SHINGLE]) in shingles:
            covered[i:i + SHINGLE] = True
    owner_array = np.asarray(owner, dtype=np.intp)
    counts = np.bincount(owner_array, minlength=len(texts))
    hits = np.bincount(owner_array, weights=covered, minlength=len(texts))
    return np.divide(hits, counts, out=np.zeros(len(texts)), where=counts > 0)


def snippet_labels(texts: Sequence[str], with_: Sequence[str],
                   without: Sequence[str]) -> np.ndarray:
    """1 for blocks holding a `with` snippet, 0 for a `without` one, NaN for the rest."""
    joined = " ".join(texts)
    starts = np.cumsum([0] + [len(t) + 1 for t in texts[:-1]]) if texts else np.zeros(0)
    content = np.zeros(len(texts), dtype=bool)
    chrome = np.zeros(len(texts), dtype=bool)
    for snippets, marks in ((with_, content), (without, chrome)):
        for snippet in snippets:
            snippet = " ".join(snippet.split())
            if not snippet:
                continue
            at = joined.find(snippet)
            while at >= 0:
                first = np.searchsorted(starts, at, side="right") - 1
                last = np.searchsorted(starts, at + len(snippet) - 1, side="right") - 1
                marks[first:last + 1] = True
                at = joined.find(snippet, at + 1)
    labels = np.full(len(texts), np.nan)
    labels[content & ~chrome] = 1.0
    labels[chrome & ~content] = 0.0
    return labels
