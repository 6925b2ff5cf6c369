"""The body search: the run of lines with the largest total weight.

A prose line of PROSE_WORDS words weighs nothing; each word more adds one, each word less
takes SHORT_PENALTY off; boilerplate, edge boilerplate and date/byline lines weigh
negative. Capping long lines keeps one long comment or teaser from pulling the body across
a gap of chrome.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..text.lines import PROSE_WORDS
from .classify import Kind, Line

SHORT_PENALTY = 0.5
MAX_LINE_WEIGHT = 40
KIND_WEIGHT = {Kind.BOILER: -12.0, Kind.SOFT: -8.0, Kind.META: -4.0}


def weight(line: Line) -> float:
    """The line's weight in the body search."""
    if line.kind is not Kind.TEXT:
        return KIND_WEIGHT[line.kind]
    excess = line.words - PROSE_WORDS
    if excess < 0:
        excess *= SHORT_PENALTY
    if line.listed:
        excess = max(excess, 0.0)
    return min(excess, MAX_LINE_WEIGHT)


def find_body(lines: list[Line]) -> tuple[int, int] | None:
    """The [start, end) span of lines with the largest total weight, or None if none weighs."""
    return heaviest_span(weight(line) for line in lines)


def heaviest_span(weights: Iterable[float]) -> tuple[int, int] | None:
    """The [start, end) span of items with the largest positive total weight, or None."""
    best, best_span = 0.0, None
    total, start = 0.0, 0
    for i, item in enumerate(weights):
        if total < 0:
            total, start = 0.0, i
        total += item
        if total > best:
            best, best_span = total, (start, i + 1)
    return best_span
