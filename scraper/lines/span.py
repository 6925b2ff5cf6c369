"""The body search: the run of lines with the largest total weight (`score.weigh`), so
chrome around the article falls away while short subheadings inside it stay."""

from __future__ import annotations

from collections.abc import Iterable

from .classify import Line


def find_body(lines: list[Line]) -> tuple[int, int] | None:
    """The [start, end) span of lines with the largest total weight, or None if none weighs."""
    return heaviest_span(line.weight for line in lines)


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
