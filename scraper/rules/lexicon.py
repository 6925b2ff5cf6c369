"""The boilerplate lexicon: known UI strings, each with the risk of dropping a line on it alone.

The lexicon lives in `rules/lexicon*.tsv` (columns: lang, string, line_regex, risk, component,
source). `lexicon.tsv` is generated from the shared lexicon with
`python -m scraper.rules.lexicon SRC_DIR rules/lexicon.tsv`; hand-kept rows go in other
`lexicon*.tsv` files beside it.
"""

from __future__ import annotations

import csv
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path

from ..errors import RulesError
from ..text import chars
from ..text.chars import TextLines
from ..text.lines import WORD
from ..text.normalize import match_key, match_keys

COLUMNS = ("lang", "string", "line_regex", "risk", "component", "source")
# A line made of several UI strings ("Your email address will not be published. Required
# fields are marked *") is split after sentence punctuation and each piece looked up.
_PIECES = re.compile(r"(?<=[.!?؟|·•»])\s+")
_TRAILING = ":：.…»«›‹*|-–— "
# A placeholder stands for a count, a name or a date: a line may exceed the fixed words of
# its string by this many words at most, or "%1$s at %2$s" would match any sentence.
PLACEHOLDER_WORDS = 4
_PLACEHOLDER = re.compile(r"%(\d\$)?[sd]")


class Risk(IntEnum):
    """How safe a lexicon match is as the only reason to drop a line (lower is safer)."""

    LOW = 1
    MEDIUM = 2
    HIGH = 3


@dataclass(frozen=True)
class Entry:
    """One lexicon row."""

    lang: str
    string: str
    risk: Risk
    component: str
    source: str


class Lexicon:
    """Whole-line lookup of boilerplate strings; immutable once built."""

    def __init__(self, entries: list[tuple[Entry, str]]) -> None:
        """Build from (entry, anchored line regex) pairs."""
        self._exact: dict[str, Entry] = {}
        # Placeholder patterns by their longest fixed word: a line can only match a pattern
        # whose fixed words are among its own words (a placeholder never abuts a letter),
        # so a lookup tries the few patterns its words name instead of all of them.
        self._by_word: dict[str, list[tuple[int, re.Pattern[str], Entry, int]]] = {}
        max_words = 0
        for number, (entry, regex) in enumerate(entries):
            if "%" in entry.string and regex:
                fixed = [w.casefold() for w in WORD.findall(_PLACEHOLDER.sub(" ", entry.string))]
                pattern = (number, re.compile(regex, re.I), entry, len(fixed) + PLACEHOLDER_WORDS)
                self._by_word.setdefault(max(fixed, key=len, default=""), []).append(pattern)
                max_words = max(max_words, pattern[3])
            else:
                for key in _keys(entry.string):
                    old = self._exact.get(key)
                    if old is None or entry.risk < old.risk:
                        self._exact[key] = entry
        self._max_words = max_words
        self._pattern_words = frozenset(self._by_word) - {""}
        # No line much longer than the longest string can be one (two, joined, at most).
        self._max_chars = 2 * max((len(k) for k in self._exact), default=0) + 16
        self.size = len(entries)

    @classmethod
    def load(cls, paths: list[Path]) -> Lexicon:
        """Read lexicon TSV files; a malformed row is a RulesError naming file and line."""
        entries: list[tuple[Entry, str]] = []
        for path in paths:
            try:
                with path.open(encoding="utf-8", newline="") as fh:
                    rows = list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
            except (OSError, UnicodeDecodeError) as err:
                raise RulesError(f"{path}: cannot read lexicon: {err}") from err
            if not rows or tuple(rows[0]) != COLUMNS:
                raise RulesError(f"{path}: lexicon header must be {'/'.join(COLUMNS)}")
            for number, row in enumerate(rows[1:], start=2):
                if not row:
                    continue
                if len(row) != len(COLUMNS):
                    raise RulesError(f"{path}:{number}: expected {len(COLUMNS)} columns, got {len(row)}")
                lang, string, regex, risk, component, source = row
                try:
                    level = Risk[risk.upper()]
                except KeyError:
                    raise RulesError(f"{path}:{number}: risk must be low, medium or high, not {risk!r}") from None
                if regex:
                    try:
                        re.compile(regex)
                    except re.error as err:
                        raise RulesError(f"{path}:{number}: line_regex: {err}") from err
                entries.append((Entry(lang, string, level, component, source), regex))
        return cls(entries)

    def lookup(self, line: str) -> Entry | None:
        """The lexicon entry the whole line is, or None.

        A line made of several UI strings matches when every piece does; its risk is
        the highest of the pieces'.
        """
        if len(line) > self._max_chars:
            return None
        return self._lookup(line, match_key(line))

    def lookup_many(self, lines: Sequence[str]) -> list[Entry | None]:
        """`lookup` of each line (their comparison keys made in one pass)."""
        out: list[Entry | None] = [None] * len(lines)
        rows = [i for i, line in enumerate(lines) if len(line) <= self._max_chars]
        keys = match_keys([lines[i] for i in rows])
        at = TextLines(keys)
        lengths = at.count(at.run_starts(at.has(chars.WORD))).tolist()  # len(WORD.findall)
        for i, key, length in zip(rows, keys, lengths):
            out[i] = self._lookup(lines[i], key, length)
        return out

    def _lookup(self, line: str, key: str, length: int | None = None) -> Entry | None:
        found = self._lookup_key(key, length)
        if found is not None:
            return found
        pieces = _PIECES.split(line.strip())
        if len(pieces) < 2:
            return None
        worst: Entry | None = None
        for piece in pieces:
            entry = self._lookup_key(match_key(piece))
            if entry is None:
                return None
            if worst is None or entry.risk > worst.risk:
                worst = entry
        return worst

    def _lookup_key(self, key: str, length: int | None = None) -> Entry | None:
        """The entry of one piece, by its `match_key` (and its words, when known)."""
        if not key:
            return None
        for candidate in (key, key.strip(_TRAILING)):
            entry = self._exact.get(candidate)
            if entry is not None:
                return entry
        if length is not None and length > self._max_words:
            return None
        tokens = WORD.findall(key)
        length = len(tokens)
        if length > self._max_words:
            return None
        candidates = [p for word in self._pattern_words.intersection(tokens)
                      for p in self._by_word[word]]
        candidates += self._by_word.get("", ())
        best: Entry | None = None
        for _, pattern, entry, max_words in sorted(candidates, key=lambda p: p[0]):
            if length <= max_words and pattern.match(key) and (best is None or entry.risk < best.risk):
                best = entry
        return best


def _keys(string: str) -> set[str]:
    key = match_key(string)
    return {key, key.strip(_TRAILING)} - {""}


def build(src: Path, dst: Path) -> int:
    """Write `dst` (lexicon.tsv) from the shared lexicon's detailed TSV; returns the row count."""
    with (src / "boilerplate_strings_detailed.tsv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    seen: set[tuple[str, str]] = set()
    out = ["\t".join(COLUMNS)]
    for row in rows:
        key = (row["lang"], row["string"])
        if key in seen or not row["string"].strip():
            continue
        seen.add(key)
        source = f"{row['repo']}:{row['path']}@{row['commit'][:12]}"
        regex = row["line_regex"] if row["has_placeholder"] == "1" else ""
        fields = (row["lang"], row["string"], regex, row["risk"], row["component"], source)
        out.append("\t".join(f.replace("\t", " ") for f in fields))
    dst.write_text("\n".join(out) + "\n", encoding="utf-8")
    return len(out) - 1


if __name__ == "__main__":  # python -m scraper.rules.lexicon SRC_DIR DST_TSV
    if len(sys.argv) != 3:
        sys.exit("usage: python -m scraper.rules.lexicon SHARED_LEXICON_DIR rules/lexicon.tsv")
    print(f"{build(Path(sys.argv[1]), Path(sys.argv[2]))} rows written to {sys.argv[2]}")
