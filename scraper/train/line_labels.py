"""Training labels for the lines of a text dump, from each corpus's kind of reference.

The labeling rule:

- Against a reference text (readability's `gold.txt`, WCXB's `main_content`): the dump's
  lines and the reference's lines are aligned in order, whole lines first (exact matches
  after `match_key`), then the tokens (lower-cased `\\w+`) of the lines left between two
  aligned lines, counting only runs of MIN_RUN tokens or more, or a whole line. A line is
  content (1) when at least CONTENT_SHARE of its tokens align, boilerplate (0) when at most
  BOILER_SHARE do, unlabeled (None) in between.
- Against snippets (the trafilatura corpus): a line holding part of a `with` snippet is
  content, part of a `without` snippet boilerplate, both or neither unlabeled (snippets may
  span lines: they are found in the dump's lines joined with spaces).
- Hand labels (the seeds' K/D/O): K content, D boilerplate, O unlabeled; the first K line
  (the headline) is unlabeled too, since no other corpus counts a headline as body text.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from difflib import SequenceMatcher

from ..text.lines import WORD
from ..text.normalize import match_key

CONTENT_SHARE = 0.7
BOILER_SHARE = 0.3
MIN_RUN = 3


Label = float | None


def _tokens(text: str) -> list[str]:
    return WORD.findall(text.casefold())


def by_reference(lines: Sequence[str], reference: str) -> list[Label]:
    """Each line's label against a reference text of the article (see the module's rule)."""
    ref_lines = [line for line in reference.splitlines() if line.strip()]
    keys = [match_key(line) for line in lines]
    ref_keys = [match_key(line) for line in ref_lines]
    tokens = [_tokens(line) for line in lines]
    ref_tokens = [_tokens(line) for line in ref_lines]
    matched = [0] * len(lines)
    blocks = SequenceMatcher(None, keys, ref_keys, autojunk=False).get_matching_blocks()
    i0 = j0 = 0
    for i, j, size in blocks:  # the last block is (len, len, 0): it closes the final gap
        _align_gap(tokens, ref_tokens, range(i0, i), range(j0, j), matched)
        for k in range(i, i + size):
            matched[k] = len(tokens[k])
        i0, j0 = i + size, j + size
    return [_label(m, len(t)) for m, t in zip(matched, tokens)]


def _align_gap(tokens: list[list[str]], ref_tokens: list[list[str]], rows: range,
               ref_rows: range, matched: list[int]) -> None:
    """Count, per line of `rows`, its tokens aligned with the reference lines `ref_rows`."""
    if not rows or not ref_rows:
        return
    flat: list[str] = []
    owner: list[int] = []
    starts: dict[int, int] = {}
    for row in rows:
        starts[row] = len(flat)
        flat.extend(tokens[row])
        owner.extend([row] * len(tokens[row]))
    ref_flat = [t for row in ref_rows for t in ref_tokens[row]]
    if not flat or not ref_flat:
        return
    for a, _, size in SequenceMatcher(None, flat, ref_flat, autojunk=False).get_matching_blocks():
        if size == 0:
            continue
        whole = (starts[owner[a]] == a and size >= len(tokens[owner[a]]))
        if size < MIN_RUN and not whole:
            continue
        for k in range(a, a + size):
            matched[owner[k]] += 1


def _label(aligned: int, total: int) -> Label:
    if total == 0:
        return None
    share = aligned / total
    if share >= CONTENT_SHARE:
        return 1.0
    if share <= BOILER_SHARE:
        return 0.0
    return None


def _folded(text: str) -> str:
    return " ".join(text.split())


def by_snippets(lines: Sequence[str], with_: Sequence[str], without: Sequence[str]) -> list[Label]:
    """Each line's label from `with` (content) and `without` (boilerplate) snippets."""
    starts, parts, pos = [], [], 0
    for line in lines:
        folded = _folded(line)
        starts.append(pos)
        parts.append(folded)
        pos += len(folded) + 1
    text = " ".join(parts)
    content: set[int] = set()
    boiler: set[int] = set()
    for snippets, into in ((with_, content), (without, boiler)):
        for snippet in snippets:
            snippet = _folded(snippet)
            if not snippet:
                continue
            at = text.find(snippet)
            while at >= 0:
                into.update(_rows_between(starts, at, at + len(snippet)))
                at = text.find(snippet, at + 1)
    return [None if (i in content) == (i in boiler) else float(i in content)
            for i in range(len(lines))]


def _rows_between(starts: list[int], begin: int, end: int) -> range:
    """The rows whose text overlaps [begin, end) of the joined text."""
    first = bisect_right(starts, begin) - 1
    last = bisect_right(starts, end - 1) - 1
    return range(max(first, 0), last + 1)


def by_hand(lines: Sequence[str], tagged: Sequence[tuple[str, str]]) -> list[Label]:
    """Each line's label from (K/D/O, line) hand labels, matched in order by `match_key`."""
    first_k = next((match_key(line) for tag, line in tagged if tag == "K"), None)
    queue = [(tag, match_key(line)) for tag, line in tagged]
    labels: list[Label] = []
    at = 0
    for line in lines:
        key = match_key(line)
        tag = None
        for k in range(at, len(queue)):
            if queue[k][1] == key:
                tag, at = queue[k][0], k + 1
                break
        if tag == "K" and key == first_k:
            labels.append(None)
            first_k = None  # only the first occurrence is the headline
        else:
            labels.append({"K": 1.0, "D": 0.0}.get(tag or "O"))
    return labels
