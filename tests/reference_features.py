"""The per-line implementation of the line features (scraper/lines/features.py before
issue 17), kept as the reference the vectorised one must equal; not used by the package.

Features of each line of a scraped text, for the learned line classifier.

A line is described by its own shape (length, final punctuation, case, list markers, URL
and file-name likeness, digits, date, byline and role lines), by what the rules say of it
(lexicon risk, a site rule's `drop_lines`, repetition across the site's pages), by its
place in the document (relative position, where the prose lies above and below it, the
prose block it belongs to and how far it is from the largest one, runs of short and
headline-like lines it belongs to) and by the same shape features of its neighbours and
of the window around it. Nothing depends on one language's vocabulary
beyond the shared date, byline and lexicon helpers; the cost is linear in the text's size.

`FEATURES` names the columns of the matrix `line_features` returns, in order; a model file
lists the names it was trained on.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

import numpy as np

from scraper.lines.features import RuleSignals
from scraper.lines.repeats import RepeatIndex
from scraper.rules.site import Rules, SiteRule
from scraper.text.bylines import MAX_ROLE_WORDS, byline_name, is_role_line, name_beside_date
from scraper.text.dates import find_date, has_time, has_time_zone, is_date_line
from scraper.text.headings import KINDS as HEADING_KINDS
from scraper.text.headings import heading_kind
from scraper.text.lines import (
    CLOSING_QUOTES,
    clause_marks,
    ends_sentence,
    is_sentence,
    list_marker,
    words,
)
from scraper.text.normalize import match_key, visible


def rule_signals(line: str, rules: Rules, site_rules: tuple[SiteRule, ...] = (),
                 repeats: RepeatIndex | None = None) -> RuleSignals:
    """The rule signals of one cleaned, non-blank line."""
    entry = rules.lexicon.lookup(line)
    return RuleSignals(
        dropped=any(rule.drops(line) for rule in site_rules),
        repeat=repeats.level(line) if repeats is not None else 0,
        date=is_date_line(line),
        byline=byline_name(line) is not None,
        risk=int(entry.risk) if entry is not None else 0,
        media=_MEDIA.match(visible(line)) is not None,
    )


# A prose line (the `prose` feature): a sentence of at least this many words.
PROSE_LINE_WORDS = 10
# A headline-like line has 2 to this many words and no final sentence or clause mark.
HEADLINE_MAX_WORDS = 25
# A short line has fewer words than this and is no sentence (menu items, labels, teasers).
SHORT_WORDS = 8
# Distances to the nearest prose line are capped here (and say "none" at the cap).
DISTANCE_CAP = 30
# Longer lines are never dates, bylines, file names, labels or lists in one line: those
# checks are skipped for them.
META_MAX_CHARS = 200
# A line of at least this many items of at most ITEM_WORDS words each is a list in one line.
MIN_ITEMS = 3
ITEM_WORDS = 3
# Prose lines at most this many lines apart make one prose block (an article's paragraphs,
# with its subheadings, captions and inline links between them; lines the lexicon or the
# rules know as chrome, such as "Advertisement", do not count as apart).
BLOCK_GAP = 3
# Neighbours looked at on each side, and the windows of the aggregates (lines each side).
NEIGHBOURS = 3
NEAR, WIDE = 2, 5

_URL = re.compile(r"(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)*\.[a-z]{2,6}/\S*", re.I)
_DOMAIN = re.compile(r"^[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}$")
_FILE_TYPES = (r"(?:jpe?g|png|gif|webp|svg|bmp|tiff?|avif|heic|ico|pdf|mp[34]|webm|mov|avi|"
               r"docx?|xlsx?|pptx?|zip|rar)")
_FILE = re.compile(rf"[\w.%-]+\.{_FILE_TYPES}(?:\?\S*)?$|\d{{2,4}}[x×]\d{{2,4}}", re.I)
# A line that is nothing but a file's URL or name (an image's, a logo's): never article text.
_MEDIA = re.compile(rf"^\S*[\w%-]\.{_FILE_TYPES}(?:[?#]\S*)?$", re.I)
_SEPARATOR = re.compile(r"(?:^|\s)[|·•/»›>~]+(?=\s|$)")
_ITEMS = re.compile(r"\s*(?:[,،;؛|·•/]|\s[-–—]\s)\s*")
_QUOTES = re.compile(r"[\"“”„«»「」『』]")  # not ’: it is the English apostrophe too
_CLAUSE_ENDS = frozenset(":：,،;؛")
_PUNCTUATION_ENDS = frozenset(".!?؟。！？…:：,،;؛") | frozenset(CLOSING_QUOTES)
_LABEL = re.compile(r"^([^:：]{1,40})[:：]\s*\S")
_HASHTAG = re.compile(r"(?:^|\s)#\w")
_COPYRIGHT = re.compile(r"©|\(c\)|\bcopyright\b", re.I)

BASE = (
    "chars", "words", "word_chars", "sentence_end", "sentence", "clauses", "clauses_per_word",
    "ends_colon", "ends_ellipsis", "ends_symbol", "title_case", "upper_share", "headline",
    "list_marker", "url_share", "file_name", "one_token", "digit_share", "letter_share",
    "date", "has_date", "time", "time_zone", "byline", "name_date", "role", "lexicon_risk",
    "rule_drop", "repeat", "separators", "label_colon", "short_items", "quotes", "at_sign",
    "hashtag", "copyright", "leading_symbol", "meta", "link", "prose", "short",
    *(f"heading_{kind}" for kind in HEADING_KINDS),
)
# The base features also read off each neighbour.
NEIGHBOUR_BASE = ("words", "sentence", "headline", "lexicon_risk", "meta", "link",
                  "list_marker", "short")
# No document-wide constants (its length, its share of prose): beside the positions they
# would single out each training page, and the model would learn pages, not layouts.
CONTEXT = (
    "position", "char_position", "doc_repeats",
    "prose_above", "prose_below", "dist_prose_above", "dist_prose_below",
    "run_short", "run_headline", "run_list", "run_short_index",
    "near_words", "near_sentence", "wide_sentence", "wide_max_words", "near_link", "wide_short",
    "block_share", "block_rank", "block_prose_lines", "above_main_block", "below_main_block",
    *(f"after_{kind}" for kind in HEADING_KINDS),
)
FEATURES: tuple[str, ...] = (
    *BASE, *CONTEXT,
    *(f"{side}{d}_{name}" for d in range(1, NEIGHBOURS + 1) for side in ("prev", "next")
      for name in NEIGHBOUR_BASE),
)
_COLUMN = {name: i for i, name in enumerate(BASE)}


def _shape(line: str, signals: RuleSignals) -> list[float]:
    """The BASE features of one line, in BASE order."""
    text = visible(line)
    chars = len(text) or 1
    n_words = words(text)
    tokens = text.split()
    non_space = chars - text.count(" ") or 1
    upper, lower = sum(map(str.isupper, text)), sum(map(str.islower, text))
    initials = [t[0] for t in tokens]
    capitals = sum(map(str.isupper, initials))
    cased = capitals + sum(map(str.islower, initials))
    digits = sum(map(str.isdigit, text))
    short = chars <= META_MAX_CHARS  # dates, bylines, file names, lists in a line are short
    dated = short and digits > 0
    final = text[-1:]
    tail = text.rstrip(CLOSING_QUOTES)
    sentence_end = ends_sentence(text)
    sentence = is_sentence(text)
    clauses = clause_marks(text)
    if "/" in text or "www." in text:
        url_share = min(1.0, sum(len(m.group(0)) for m in _URL.finditer(text)) / chars)
    else:
        url_share = 1.0 if len(tokens) == 1 and _DOMAIN.match(text) else 0.0
    file_name = short and any(_FILE.search(t) for t in tokens)
    has_date = dated and find_date(text) is not None
    label = _LABEL.match(text) if short else None
    label_words = words(label.group(1)) if label else 0
    items = [p for p in _ITEMS.split(text) if p] if short else []
    role = short and n_words <= MAX_ROLE_WORDS and is_role_line(text)
    name_date = has_date and name_beside_date(text) is not None
    heading = heading_kind(text, n_words)
    values = {
        "chars": chars, "words": n_words, "word_chars": non_space / max(n_words, 1),
        "sentence_end": sentence_end, "sentence": sentence, "clauses": clauses,
        "clauses_per_word": clauses / max(n_words, 1),
        "ends_colon": final in ":：", "ends_ellipsis": tail.endswith(("…", "...")),
        "ends_symbol": bool(final) and not final.isalnum() and final not in _PUNCTUATION_ENDS,
        "title_case": capitals / cased if cased else -1.0,
        "upper_share": upper / (upper + lower) if upper + lower else -1.0,
        "headline": 2 <= n_words <= HEADLINE_MAX_WORDS and final not in _CLAUSE_ENDS
                    and not sentence_end,
        "list_marker": short and list_marker(text) is not None,
        "url_share": url_share, "file_name": file_name, "one_token": len(tokens) == 1,
        "digit_share": digits / non_space,
        "letter_share": sum(map(str.isalpha, text)) / non_space,
        "date": signals.date, "has_date": has_date,
        "time": dated and has_time(text), "time_zone": dated and has_time_zone(text),
        "byline": signals.byline, "name_date": name_date, "role": role,
        "lexicon_risk": signals.risk, "rule_drop": signals.dropped, "repeat": signals.repeat,
        "separators": len(_SEPARATOR.findall(text)),
        "label_colon": label_words if label_words <= 3 else 0,
        "short_items": len(items) if (len(items) >= MIN_ITEMS
                                      and max(map(words, items)) <= ITEM_WORDS) else 0,
        "quotes": bool(_QUOTES.search(text)), "at_sign": "@" in text,
        "hashtag": "#" in text and bool(_HASHTAG.search(text)),
        "copyright": "©" in text or (short and bool(_COPYRIGHT.search(text))),
        "leading_symbol": not text[:1].isalnum(),
        "meta": signals.date or signals.byline or role or name_date,
        "link": url_share > 0.5 or file_name,
        "prose": sentence and n_words >= PROSE_LINE_WORDS,
        "short": n_words < SHORT_WORDS and not sentence,
        **{f"heading_{kind}": heading == kind for kind in HEADING_KINDS},
    }
    return [values[name] for name in BASE]


def line_features(lines: Sequence[str], signals: Sequence[RuleSignals], *,
                  shapes: dict[str, list[float]] | None = None) -> np.ndarray:
    """The (lines, FEATURES) matrix of a document's cleaned, non-blank lines. `shapes`
    keeps each line's own features across calls on versions of one document (a line's
    own features depend on its text and signals only)."""
    n = len(lines)
    if n == 0:
        return np.zeros((0, len(FEATURES)))
    if shapes is None:
        rows = [_shape(line, s) for line, s in zip(lines, signals)]
    else:
        rows = []
        for line, s in zip(lines, signals):
            row = shapes.get(line)
            if row is None:
                row = shapes[line] = _shape(line, s)
            rows.append(row)
    base = np.array(rows, dtype=np.float64)
    col = {name: base[:, _COLUMN[name]] for name in BASE}
    chars, n_words = col["chars"], col["words"]
    prose, short = col["prose"] > 0, col["short"] > 0
    chrome = (col["lexicon_risk"] > 0) | (col["rule_drop"] > 0) | (col["repeat"] > 0)
    index = np.arange(n, dtype=np.float64)
    total_chars = chars.sum() or 1.0
    prose_chars = np.where(prose, chars, 0.0)
    total_prose = prose_chars.sum()
    above = np.cumsum(prose_chars) - prose_chars
    prose_above = above / total_prose if total_prose else np.full(n, -1.0)
    keys = [match_key(line) for line in lines]
    counts = Counter(keys)
    context = {
        "position": index / max(n - 1, 1),
        "char_position": (np.cumsum(chars) - chars) / total_chars,
        "doc_repeats": np.array([min(counts[k], 5) for k in keys], dtype=np.float64),
        "prose_above": prose_above,
        "prose_below": ((total_prose - above - prose_chars) / total_prose if total_prose
                        else np.full(n, -1.0)),
        "dist_prose_above": _distance(prose, backwards=True),
        "dist_prose_below": _distance(prose, backwards=False),
        "run_short": _run_lengths(short),
        "run_headline": _run_lengths(col["headline"] > 0),
        "run_list": _list_runs(lines, col["list_marker"] > 0),
        "run_short_index": _run_index(short),
        "near_words": _window_mean(n_words, NEAR),
        "near_sentence": _window_mean(col["sentence"], NEAR),
        "wide_sentence": _window_mean(col["sentence"], WIDE),
        "wide_max_words": _window_max(n_words, WIDE),
        "near_link": _window_mean(col["link"], NEAR),
        "wide_short": _window_mean(col["short"], WIDE),
        **_prose_blocks(prose & ~chrome, prose_chars, chrome),
        **_after_headings(col, prose_above),
    }
    neighbours = []
    for d in range(1, NEIGHBOURS + 1):
        for shift in (d, -d):  # previous line d above, then next line d below
            for name in NEIGHBOUR_BASE:
                neighbours.append(_shifted(col[name], shift))
    return np.column_stack([base, *(context[name] for name in CONTEXT), *neighbours])


def _prose_blocks(prose: np.ndarray, prose_chars: np.ndarray, chrome: np.ndarray
                  ) -> dict[str, np.ndarray]:
    """Where each line stands relative to the document's prose blocks (runs of prose lines
    at most BLOCK_GAP lines apart, not counting `chrome` lines): the share of the document's prose in its own block, that
    block's rank by prose (1 the largest; 0 outside any block), its prose lines, and how many
    lines above or below the largest block the line is (0 inside it)."""
    n = len(prose)
    share, rank, lines = np.zeros(n), np.zeros(n), np.zeros(n)
    above, below = np.zeros(n), np.zeros(n)
    rows = np.flatnonzero(prose)
    if not len(rows):
        return {"block_share": share, "block_rank": rank, "block_prose_lines": lines,
                "above_main_block": above, "below_main_block": below}
    counted = np.cumsum(~chrome)  # the distance between two lines, chrome lines left out
    cuts = np.flatnonzero(np.diff(counted[rows]) > BLOCK_GAP + 1) + 1
    blocks = [(int(group[0]), int(group[-1]) + 1, len(group)) for group in np.split(rows, cuts)]
    mass = [float(prose_chars[start:end][prose[start:end]].sum()) for start, end, _ in blocks]
    order = np.argsort(mass)[::-1]
    total = sum(mass)
    for place, b in enumerate(order, start=1):
        start, end, count = blocks[b]
        share[start:end], rank[start:end], lines[start:end] = mass[b] / total, place, count
    main_start, main_end, _ = blocks[order[0]]
    index = np.arange(n)
    above[:main_start] = main_start - index[:main_start]
    below[main_end:] = index[main_end:] - main_end + 1
    return {"block_share": share, "block_rank": rank, "block_prose_lines": lines,
            "above_main_block": above, "below_main_block": below}


def _after_headings(col: dict[str, np.ndarray], prose_above: np.ndarray) -> dict[str, np.ndarray]:
    """Per heading kind (`text.headings`), the share of the prose above the last such
    heading at or above each line (-1 below none): "Comments" after most of the prose
    opens the thread, near the top it is a link to it."""
    index = np.arange(len(prose_above))
    out = {}
    for kind in HEADING_KINDS:
        last = np.maximum.accumulate(np.where(col[f"heading_{kind}"] > 0, index, -1))
        out[f"after_{kind}"] = np.where(last >= 0, prose_above[np.maximum(last, 0)], -1.0)
    return out


def _shifted(values: np.ndarray, shift: int) -> np.ndarray:
    """values[i - shift] at row i (-1 beyond the document's ends)."""
    out = np.full(len(values), -1.0)
    if shift > 0:
        out[shift:] = values[:-shift]
    else:
        out[:shift] = values[-shift:]
    return out


def _distance(flags: np.ndarray, *, backwards: bool) -> np.ndarray:
    """Lines from each line to the nearest flagged line above (or below) it, capped."""
    n = len(flags)
    out = np.full(n, float(DISTANCE_CAP))
    order = range(n) if backwards else range(n - 1, -1, -1)
    last = None
    for i in order:
        if last is not None:
            out[i] = min(abs(i - last), DISTANCE_CAP)
        if flags[i]:
            last = i
    return out


def _runs(flags: np.ndarray) -> list[tuple[int, int]]:
    """[start, end) of each run of consecutive flagged lines."""
    runs, start = [], None
    for i, flag in enumerate(flags):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            runs.append((start, i))
            start = None
    if start is not None:
        runs.append((start, len(flags)))
    return runs


def _run_lengths(flags: np.ndarray) -> np.ndarray:
    """The length of the run of flagged lines each line belongs to (0 if not flagged)."""
    out = np.zeros(len(flags))
    for start, end in _runs(flags):
        out[start:end] = end - start
    return out


def _run_index(flags: np.ndarray) -> np.ndarray:
    """Each flagged line's place in its run, from 0 at the run's first line (-1 if not flagged)."""
    out = np.full(len(flags), -1.0)
    for start, end in _runs(flags):
        out[start:end] = np.arange(end - start)
    return out


def _list_runs(lines: Sequence[str], marked: np.ndarray) -> np.ndarray:
    """The length of the run of lines opening with the same list marker (0 if none)."""
    out = np.zeros(len(lines))
    markers = [list_marker(line) if flag else None for line, flag in zip(lines, marked)]
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and markers[j] is not None and markers[j] == markers[i]:
            j += 1
        out[i:j] = j - i
        i = max(j, i + 1)
    return out


def _window_mean(values: np.ndarray, radius: int) -> np.ndarray:
    """The mean of values[i - radius : i + radius + 1], clipped to the document."""
    n = len(values)
    sums = np.concatenate(([0.0], np.cumsum(values)))
    lo = np.clip(np.arange(n) - radius, 0, n)
    hi = np.clip(np.arange(n) + radius + 1, 0, n)
    return (sums[hi] - sums[lo]) / (hi - lo)


def _window_max(values: np.ndarray, radius: int) -> np.ndarray:
    """The maximum of values[i - radius : i + radius + 1], clipped to the document."""
    padded = np.concatenate((np.full(radius, -np.inf), values, np.full(radius, -np.inf)))
    return np.lib.stride_tricks.sliding_window_view(padded, 2 * radius + 1).max(axis=1)

