"""Features of each line of a scraped text, for the learned line classifier.

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
from dataclasses import dataclass

import numpy as np

from ..rules.site import Rules, SiteRule
from ..text import chars
from ..text.bylines import MAX_ROLE_WORDS, ROLE, byline_name, name_beside_date
from ..text.chars import TextLines, sentences_of, words_of
from ..text.dates import find_date, has_time, has_time_zone, is_date_line
from ..text.headings import KINDS as HEADING_KINDS
from ..text.headings import heading_kinds
from ..text.lines import (
    CLOSING_QUOTES,
    HEADLINE_MAX_WORDS,
    SENTENCE_PUNCT,
    list_marker,
    words,
)
from ..text.normalize import match_keys, visible, visible_lines
from .repeats import RepeatIndex


@dataclass(frozen=True)
class RuleSignals:
    """What the rules say about one line."""

    dropped: bool = False   # a claiming site rule's drop_lines pattern matches
    repeat: int = 0         # RepeatIndex level: 0, 1 (a quarter of the pages), 2 (half)
    date: bool = False      # a date or timestamp line
    byline: bool = False    # a byline ("By Jane Doe", "كتب ...")
    risk: int = 0           # lexicon match: 0 none, else its Risk (1 low, 2 medium, 3 high)
    media: bool = False     # the whole line names an image, video or document file


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


_NO_SIGNALS = RuleSignals()


def rule_signals_of(lines: Sequence[str], rules: Rules, site_rules: tuple[SiteRule, ...] = (),
                    repeats: RepeatIndex | None = None) -> list[RuleSignals]:
    """`rule_signals` of each of many cleaned, non-blank lines; each check runs only on the
    lines that can pass it (a date line holds a four-digit year, a byline a space, a file
    name a dot, a lexicon string is short)."""
    n = len(lines)
    if any("\n" in line for line in lines):
        return [rule_signals(line, rules, site_rules, repeats) for line in lines]
    at = TextLines(lines)
    dated = (at.lengths <= 80) & at.has_run(at.has(chars.DIGIT), 4)
    spaced = at.count(at.has(chars.SPACE)) > 0
    dotted = at.count(at.codes == 46) > 0
    levels = repeats.levels(lines) if repeats is not None else [0] * n
    entries = rules.lexicon.lookup_many(lines)
    out = []
    for i, line in enumerate(lines):
        entry = entries[i]
        dropped = any(rule.drops(line) for rule in site_rules)
        date = bool(dated[i]) and is_date_line(line)
        byline = bool(spaced[i]) and byline_name(line) is not None
        media = bool(dotted[i]) and _MEDIA.match(visible(line)) is not None
        if entry is None and not (dropped or levels[i] or date or byline or media):
            out.append(_NO_SIGNALS)  # (frozen: one instance serves every plain line)
        else:
            out.append(RuleSignals(dropped=dropped, repeat=levels[i], date=date, byline=byline,
                                   risk=int(entry.risk) if entry is not None else 0,
                                   media=media))
    return out


# A prose line (the `prose` feature): a sentence of at least this many words.
PROSE_LINE_WORDS = 10
# A headline-like line has 2 to HEADLINE_MAX_WORDS words (text.lines) and no final
# sentence or clause mark.
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
_CLAUSE_ENDS = frozenset(":：,،;؛")
_PUNCTUATION_ENDS = frozenset(".!?؟。！？…:：,،;؛") | frozenset(CLOSING_QUOTES)
# Over the joined lines (`text.chars`): a line that is nothing but a domain, a file name
# ending a token (`_FILE` searched in each token), a "www." anywhere.
_DOMAIN_LINE = re.compile(_DOMAIN.pattern, re.M)
# (`_FILE`'s two branches: its `[\w.%-]+` needs but one such character before the dot.)
_FILE_EXT = re.compile(rf"\.(?<=[\w.%-]\.){_FILE_TYPES}(?:\?\S*)?(?=\s|$)", re.I)
_FILE_SIZE = re.compile(r"\d{2,4}[x×]\d{2,4}", re.I)
_WWW = re.compile(r"www\.")
_SENTENCE_ENDS = frozenset(SENTENCE_PUNCT)
# What a list marker opens with besides digits (`text.lines.list_marker`).
_MARKER_OPENS = frozenset("-+•*–·▪►▸◦(")
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


def _shapes(lines: Sequence[str], signals: Sequence[RuleSignals]) -> np.ndarray:
    """The (lines, BASE) matrix of the lines' own features. The character counts come
    from one table lookup per character, the patterns from one scan of the joined lines;
    only the rarer checks (dates, labels, lists in a line, headings) run per line, and
    only on the lines that can pass them."""
    n = len(lines)
    if any("\n" in line for line in lines):
        raise ValueError("line features are of cleaned lines, which hold no line break")
    texts = visible_lines(lines)
    at = TextLines(texts)
    length = at.lengths
    space = at.has(chars.SPACE)
    token_start = at.run_starts(~space)
    n_tokens = at.count(token_start)
    n_words = words_of(at)
    upper, lower = at.count(at.has(chars.UPPER)), at.count(at.has(chars.LOWER))
    capitals = at.count(token_start & at.has(chars.UPPER))
    cased = capitals + at.count(token_start & at.has(chars.LOWER))
    digits = at.count(at.has(chars.DIGIT))
    letters = at.count(at.has(chars.ALPHA))
    clauses = at.count(at.has(chars.CLAUSE_MARK))
    size = np.maximum(length, 1).astype(np.float64)  # `chars`: an empty line counts one
    non_space = size - at.count(at.codes == 32)
    non_space[non_space == 0] = 1.0
    short = size <= META_MAX_CHARS
    dated = short & (digits > 0)
    finals = [text[-1:] for text in texts]
    tails = [text.rstrip(CLOSING_QUOTES) for text in texts]
    sentence_end = np.array([tail[-1:] in _SENTENCE_ENDS for tail in tails], dtype=bool)
    sentence = sentences_of(at, n_words)
    # The patterns scan only the lines holding what each needs (a scan of all the text
    # costs more than the few lines that can match).
    slashed = (at.count(at.codes == 47) > 0) | (at.matched(_WWW) > 0)
    url_chars = at.match_chars(_URL, slashed)
    domain = (at.matched(_DOMAIN_LINE, (n_tokens == 1) & ~slashed) > 0)
    url_share = np.where(slashed, np.minimum(1.0, url_chars / size), np.where(domain, 1.0, 0.0))
    dots = at.count(at.codes == 46) > 0
    sized = (digits >= 4) & (at.count(at.has(chars.TIMES)) > 0)
    file_name = short & ((at.matched(_FILE_EXT, short & dots) > 0)
                         | (at.matched(_FILE_SIZE, short & sized) > 0))
    role = short & (n_words <= MAX_ROLE_WORDS)
    role &= at.matched(ROLE, role) > 0
    item_marks = at.count(at.has(chars.ITEM_MARK))
    hashes = at.count(at.codes == 35)
    copyright_sign = at.count(at.codes == 0xA9) > 0
    colons = at.count(at.has(chars.COLON))
    has_date, name_date = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    times, zones = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    # Every date pattern holds a four-digit year, a clock time a colon, a time zone a
    # capital, a colon or the "ت" of توقيت and غرينتش.
    year = at.has_run(at.has(chars.DIGIT), 4)
    for i in np.flatnonzero(dated & ((colons > 0) | (upper > 0) | year | at.count(at.codes == 0x62A) > 0)).tolist():
        text = texts[i]
        times[i] = colons[i] > 0 and has_time(text)
        zones[i] = has_time_zone(text)
        if year[i] and find_date(text) is not None:
            has_date[i] = True
            name_date[i] = name_beside_date(text) is not None
    label_colon = np.zeros(n)
    for i in np.flatnonzero(short & (colons > 0)).tolist():
        label = _LABEL.match(texts[i])
        label_words = words(label.group(1)) if label else 0
        label_colon[i] = label_words if label_words <= 3 else 0
    short_items = np.zeros(n)
    for i in np.flatnonzero(short & (item_marks >= MIN_ITEMS - 1)).tolist():
        items = [p for p in _ITEMS.split(texts[i]) if p]
        if len(items) >= MIN_ITEMS and max(map(words, items)) <= ITEM_WORDS:
            short_items[i] = len(items)
    hashtag = np.zeros(n, dtype=bool)
    for i in np.flatnonzero(hashes).tolist():
        hashtag[i] = _HASHTAG.search(texts[i]) is not None
    listed = np.zeros(n, dtype=bool)
    for j, text in enumerate(texts):  # a marker opens with a symbol or a digit
        if short[j] and (text[:1] in _MARKER_OPENS or text[:1].isdigit()):
            listed[j] = list_marker(text) is not None
    headings = {kind: np.zeros(n, dtype=bool) for kind in HEADING_KINDS}
    for j, kind in enumerate(heading_kinds(texts, n_words.tolist())):
        if kind is not None:
            headings[kind][j] = True
    is_date = np.fromiter((s.date for s in signals), dtype=bool, count=n)
    byline = np.fromiter((s.byline for s in signals), dtype=bool, count=n)
    link = (url_share > 0.5) | file_name
    values = {
        "chars": size, "words": n_words, "word_chars": non_space / np.maximum(n_words, 1),
        "sentence_end": sentence_end, "sentence": sentence, "clauses": clauses,
        "clauses_per_word": clauses / np.maximum(n_words, 1),
        "ends_colon": [final in ":：" for final in finals],
        "ends_ellipsis": [tail.endswith(("…", "...")) for tail in tails],
        "ends_symbol": [bool(final) and not final.isalnum() and final not in _PUNCTUATION_ENDS
                        for final in finals],
        "title_case": np.divide(capitals, cased, out=np.full(n, -1.0), where=cased > 0),
        "upper_share": np.divide(upper, upper + lower, out=np.full(n, -1.0),
                                 where=upper + lower > 0),
        "headline": ((n_words >= 2) & (n_words <= HEADLINE_MAX_WORDS)
                     & ~np.array([final in _CLAUSE_ENDS for final in finals], dtype=bool)
                     & ~sentence_end),
        "list_marker": listed,
        "url_share": url_share, "file_name": file_name, "one_token": n_tokens == 1,
        "digit_share": digits / non_space, "letter_share": letters / non_space,
        "date": is_date, "has_date": has_date, "time": times, "time_zone": zones,
        "byline": byline, "name_date": name_date, "role": role,
        "lexicon_risk": [s.risk for s in signals], "rule_drop": [s.dropped for s in signals],
        "repeat": [s.repeat for s in signals],
        "separators": at.matched(_SEPARATOR, at.count(at.has(chars.SEPARATOR)) > 0),
        "label_colon": label_colon, "short_items": short_items,
        "quotes": at.count(at.has(chars.QUOTE)) > 0, "at_sign": at.count(at.codes == 64) > 0,
        "hashtag": hashtag,
        "copyright": copyright_sign | (short & (at.matched(_COPYRIGHT, short) > 0)),
        "leading_symbol": [not text[:1].isalnum() for text in texts],
        "meta": is_date | byline | role | name_date,
        "link": link,
        "prose": sentence & (n_words >= PROSE_LINE_WORDS),
        "short": (n_words < SHORT_WORDS) & ~sentence,
        **{f"heading_{kind}": headings[kind] for kind in HEADING_KINDS},
    }
    base = np.empty((n, len(BASE)))
    for j, name in enumerate(BASE):
        base[:, j] = values[name]
    return base


def line_features(lines: Sequence[str], signals: Sequence[RuleSignals], *,
                  shapes: dict[str, tuple[np.ndarray, str]] | None = None) -> np.ndarray:
    """The (lines, FEATURES) matrix of a document's cleaned, non-blank lines (ValueError
    for a line holding a line break). `shapes` keeps each line's own features and its
    `match_key` across calls on versions of one document (they depend on its text and
    signals only)."""
    n = len(lines)
    if n == 0:
        return np.zeros((0, len(FEATURES)))
    if shapes is None:
        base, keys = _shapes(lines, signals), match_keys(lines)
    else:
        missing = {line: s for line, s in zip(lines, signals) if line not in shapes}
        if missing:
            fresh = list(missing)
            shapes.update(zip(fresh, zip(_shapes(fresh, list(missing.values())),
                                         match_keys(fresh))))
        known = [shapes[line] for line in lines]
        base = np.array([row for row, _ in known])
        keys = [key for _, key in known]
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
    X = np.empty((n, len(FEATURES)))
    X[:, :len(BASE)] = base
    for j, name in enumerate(CONTEXT, start=len(BASE)):
        X[:, j] = context[name]
    # Each neighbour's NEIGHBOUR_BASE columns: the previous line d above, then the next
    # line d below, -1 beyond the document's ends.
    padded = np.full((n + 2 * NEIGHBOURS, len(NEIGHBOUR_BASE)), -1.0)
    padded[NEIGHBOURS:NEIGHBOURS + n] = base[:, [_COLUMN[name] for name in NEIGHBOUR_BASE]]
    at = len(BASE) + len(CONTEXT)
    for d in range(1, NEIGHBOURS + 1):
        for shift in (d, -d):
            X[:, at:at + len(NEIGHBOUR_BASE)] = padded[NEIGHBOURS - shift:NEIGHBOURS - shift + n]
            at += len(NEIGHBOUR_BASE)
    return X


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


def _distance(flags: np.ndarray, *, backwards: bool) -> np.ndarray:
    """Lines from each line to the nearest flagged line above (or below) it, capped."""
    n = len(flags)
    index = np.arange(n)
    if backwards:
        last = np.maximum.accumulate(np.where(flags, index, -1))
        nearest = np.concatenate(([-1], last[:-1]))  # strictly above
        gap = np.where(nearest >= 0, index - nearest, DISTANCE_CAP)
    else:
        first = np.minimum.accumulate(np.where(flags, index, n)[::-1])[::-1]
        nearest = np.concatenate((first[1:], [n]))  # strictly below
        gap = np.where(nearest < n, nearest - index, DISTANCE_CAP)
    return np.minimum(gap, DISTANCE_CAP).astype(np.float64)


def _run_ids(flags: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per line, the number of its run of flagged lines (the runs counted from 0; -1 when
    not flagged), and each run's first line."""
    flags = np.asarray(flags, dtype=bool)
    opens = flags & ~np.concatenate(([False], flags[:-1]))
    ids = np.where(flags, np.cumsum(opens) - 1, -1)
    return ids, np.flatnonzero(opens)


def _run_lengths(flags: np.ndarray) -> np.ndarray:
    """The length of the run of flagged lines each line belongs to (0 if not flagged)."""
    ids, starts = _run_ids(flags)
    if not len(starts):
        return np.zeros(len(ids))
    lengths = np.bincount(ids[ids >= 0], minlength=len(starts))
    return np.where(ids >= 0, lengths[np.maximum(ids, 0)], 0).astype(np.float64)


def _run_index(flags: np.ndarray) -> np.ndarray:
    """Each flagged line's place in its run, from 0 at the run's first line (-1 if not flagged)."""
    ids, starts = _run_ids(flags)
    if not len(starts):
        return np.full(len(ids), -1.0)
    return np.where(ids >= 0, np.arange(len(ids)) - starts[np.maximum(ids, 0)],
                    -1).astype(np.float64)


def _list_runs(lines: Sequence[str], marked: np.ndarray) -> np.ndarray:
    """The length of the run of lines opening with the same list marker (0 if none)."""
    codes: dict[str | None, int] = {None: -1}
    marker = np.array([codes.setdefault(list_marker(line), len(codes)) if flag else -1
                       for line, flag in zip(lines, marked)], dtype=np.int64)
    opens = np.concatenate(([True], marker[1:] != marker[:-1]))
    ids = np.cumsum(opens) - 1
    lengths = np.bincount(ids)
    return np.where(marker >= 0, lengths[ids], 0).astype(np.float64)


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
