"""Many lines as one text, for per-line facts computed all at once: the character classes
of `str` and `text.lines` looked up in a table for every character, counted per line with
cumulative sums, and regular expressions run once over the joined text, their matches
mapped to the line they fall in.

The lines are joined with "\\n"; a pattern run over the joined text must not match across
a line break (no `\\s`, `.` or negated class that could take the "\\n"), so that each match
is one a search of its own line finds too.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

import numpy as np

from .lines import CLAUSE, CLOSING_QUOTES, SENTENCE_PUNCT, UNSPACED

# One bit per character class.
(UPPER, LOWER, DIGIT, ALPHA, ALNUM, SPACE, WORD, CJK, CLAUSE_MARK, QUOTE, COLON, ITEM_MARK,
 SEPARATOR, TIMES, DECIMAL, BLOCK_SEPARATOR) = (1 << i for i in range(16))
# Quotation marks (not ’: it is the English apostrophe too).
QUOTES = "\"“”„«»「」『』"
# What the line features look for: colons, the marks that separate items in a line or
# sections in a menu, the x of image sizes.
COLONS = ":："
ITEM_MARKS = ",،;؛|·•/-–—"
SEPARATORS = "|·•/»›>~"
TIMES_SIGNS = "xX×"
# The separators the block features count (`html.blocks`).
BLOCK_SEPARATORS = "|·•»«/›‹"
_DECIMAL = re.compile(r"\d")
_SENTENCE_ENDS = frozenset(SENTENCE_PUNCT)
_BMP = 0x10000
_WORD_CHAR = re.compile(r"\w")


def _bits(char: str) -> int:
    return (UPPER * char.isupper() | LOWER * char.islower() | DIGIT * char.isdigit()
            | ALPHA * char.isalpha() | ALNUM * char.isalnum() | SPACE * char.isspace()
            | WORD * (_WORD_CHAR.match(char) is not None)
            | CJK * (UNSPACED.match(char) is not None)
            | CLAUSE_MARK * (CLAUSE.match(char) is not None) | QUOTE * (char in QUOTES)
            | COLON * (char in COLONS) | ITEM_MARK * (char in ITEM_MARKS)
            | SEPARATOR * (char in SEPARATORS) | TIMES * (char in TIMES_SIGNS)
            | DECIMAL * (_DECIMAL.match(char) is not None)
            | BLOCK_SEPARATOR * (char in BLOCK_SEPARATORS))


@functools.cache
def _table() -> np.ndarray:
    """The class bits of every character of the Basic Multilingual Plane (read-only)."""
    table = np.fromiter((_bits(chr(code)) for code in range(_BMP)), dtype=np.uint16, count=_BMP)
    table.flags.writeable = False
    return table


def char_bits(codes: np.ndarray) -> np.ndarray:
    """The class bits of each code point."""
    bits = _table()[np.minimum(codes, _BMP - 1)]
    astral = np.flatnonzero(codes >= _BMP)
    for i in astral:  # emoji and rare scripts: few
        bits[i] = _bits(chr(int(codes[i])))
    return bits


class TextLines:
    """Lines (none holding a "\\n") joined into one text, with each character's classes."""

    def __init__(self, lines: Sequence[str]) -> None:
        self.lines = list(lines)
        self.text = "\n".join(self.lines)
        n = len(self.lines)
        lengths = np.fromiter(map(len, self.lines), dtype=np.int64, count=n)
        self.lengths = lengths
        self.starts = np.cumsum(lengths + 1) - lengths - 1
        self.ends = self.starts + lengths
        self.codes = np.frombuffer(self.text.encode("utf-32-le", "surrogatepass"),
                                   dtype=np.uint32)
        self.bits = char_bits(self.codes)

    def __len__(self) -> int:
        return len(self.lines)

    def has(self, bit: int) -> np.ndarray:
        """Per character: whether it is of the class."""
        return (self.bits & bit) != 0

    def count(self, flags: np.ndarray) -> np.ndarray:
        """Per line: how many of its characters are flagged."""
        sums = np.concatenate(([0], np.cumsum(flags, dtype=np.int64)))
        return sums[self.ends] - sums[self.starts]

    def run_starts(self, flags: np.ndarray) -> np.ndarray:
        """Per character: whether a run of flagged characters starts there (the line
        breaks are never flagged, or runs would join lines)."""
        previous = np.concatenate(([False], flags[:-1]))
        return flags & ~previous

    def has_run(self, flags: np.ndarray, length: int) -> np.ndarray:
        """Per line: whether it holds `length` flagged characters in a row."""
        run = flags.copy()
        for k in range(1, length):
            run[k:] &= flags[:-k]
            run[:k] = False
        return self.count(run) > 0

    def _scan(self, pattern: re.Pattern[str], among: np.ndarray | None
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(line, start, end) of each match of `pattern` in the lines (in those flagged
        by `among` only: the others are known not to match, and are not scanned)."""
        if among is None:
            rows, text, starts = None, self.text, self.starts
        else:
            rows = np.flatnonzero(among)
            if not len(rows):
                empty = np.zeros(0, dtype=np.int64)
                return empty, empty, empty
            text = "\n".join([self.lines[i] for i in rows])
            lengths = self.lengths[rows]
            starts = np.cumsum(lengths + 1) - lengths - 1
        spans = [m.span() for m in pattern.finditer(text)]
        if not spans:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, empty
        start, end = np.array(spans, dtype=np.int64).T
        line = np.searchsorted(starts, end - 1, side="right") - 1  # by a match's last character
        return (line if rows is None else rows[line]), start, end

    def matched(self, pattern: re.Pattern[str], among: np.ndarray | None = None) -> np.ndarray:
        """Per line: how many matches of `pattern` end in it (`among`: see `_scan`)."""
        line, _, _ = self._scan(pattern, among)
        return np.bincount(line, minlength=len(self.lines))

    def match_chars(self, pattern: re.Pattern[str], among: np.ndarray | None = None
                    ) -> np.ndarray:
        """Per line: the characters its matches of `pattern` cover (`among`: see `_scan`)."""
        line, start, end = self._scan(pattern, among)
        return np.bincount(line, weights=end - start, minlength=len(self.lines)).astype(np.int64)


def words_of(at: TextLines) -> np.ndarray:
    """`text.lines.words` of each line."""
    unspaced = at.count(at.has(CJK))
    return at.count(at.run_starts(at.has(WORD))) + unspaced // 2


def sentences_of(at: TextLines, words: np.ndarray) -> np.ndarray:
    """`text.lines.is_sentence` of each line (`at` holding the lines' `visible` text,
    `words` the `words_of` that text: a bidi mark or BOM inside a word splits it in the
    line, not in its visible text)."""
    ends = np.array([line.rstrip(CLOSING_QUOTES)[-1:] in _SENTENCE_ENDS for line in at.lines],
                    dtype=bool)
    return ends | ((words >= 12) & (at.count(at.has(CLAUSE_MARK)) > 0))
