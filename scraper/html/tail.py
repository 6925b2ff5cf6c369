"""The last look at an extracted body: lines that are not the article whatever block held
them.

- the headline again, and a line that repeats an earlier line of the body (a pull quote,
  a teaser of the page itself, a caption shown twice);
- a bare number (a share or comment counter: "500", "2.5K");
- after the article's last prose line: a name alone (the author's name shown again), a
  comma-separated keyword list ("Politics, Elections, Congress");
- a chrome section's heading after most of the article ("Related coverage from ...",
  "Comments") and what follows it, when no paragraph follows it (only headlines, names,
  short lines).
"""

from __future__ import annotations

import re

from ..text.headings import heading_kind
from ..text.lines import CLAUSE, ends_sentence, is_prose, is_sentence, words
from ..text.normalize import match_key

# A bare counter: digits with separators and a unit suffix at most ("1,234", "2.5K", "85%").
_COUNTER = re.compile(r"^[\W_]*[\d٠-٩۰-۹]+(?:[.,:/ ][\d٠-٩۰-۹]+)*\s*[kKmM%+]?[\W_]*$")
# A keyword list: at least this many items, each at most KEYWORD_WORDS words.
KEYWORD_ITEMS = 3
KEYWORD_WORDS = 3
# A name alone: at most this many words, each starting with a capital.
NAME_WORDS = 4
# A chrome heading cuts the tail when at least this share of the body's prose is above it
# and no paragraph (a sentence of at least PARAGRAPH_WORDS words) is below it.
HEADING_AFTER = 0.6
PARAGRAPH_WORDS = 16


def tidy_body(lines: list[str], title: str | None) -> list[str]:
    """`lines` less what a body is not (see the module's docstring)."""
    prose = [is_prose(line) for line in lines]
    lines = _cut_chrome_tail(lines, prose)
    headline = match_key(title) if title else ""
    seen: set[str] = set()
    last_prose = max((i for i, flag in enumerate(prose[:len(lines)]) if flag), default=-1)
    kept = []
    for i, line in enumerate(lines):
        key = match_key(line)
        if not key or key == headline or key in seen or _COUNTER.match(line):
            continue
        if i > last_prose and (_name_alone(line) or _keyword_list(line)):
            continue
        seen.add(key)
        kept.append(line)
    return kept


def _cut_chrome_tail(lines: list[str], prose: list[bool]) -> list[str]:
    """`lines` up to the first chrome heading below most of the body's prose (`prose`:
    which lines are), when no paragraph follows it."""
    sizes = [len(line) if flag else 0 for line, flag in zip(lines, prose)]
    total = sum(sizes)
    if not total:
        return lines
    above = 0
    for i, line in enumerate(lines):
        if (above >= HEADING_AFTER * total and heading_kind(line, words(line))
                and not any(words(after) >= PARAGRAPH_WORDS and is_sentence(after)
                            for after in lines[i + 1:])):
            return lines[:i]
        above += sizes[i]
    return lines


def _name_alone(line: str) -> bool:
    """A short line of capitalised words and nothing else: a name shown again."""
    parts = line.split()
    return (0 < len(parts) <= NAME_WORDS and not ends_sentence(line)
            and all(p[:1].isupper() and p.replace("-", "").replace(".", "").isalpha()
                    for p in parts))


def _keyword_list(line: str) -> bool:
    """A comma-separated list of short items, with no sentence in it."""
    items = [item.strip() for item in CLAUSE.split(line)]
    return (len(items) >= KEYWORD_ITEMS and all(0 < words(item) <= KEYWORD_WORDS
                                                for item in items)
            and not ends_sentence(line))
