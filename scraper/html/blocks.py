"""A parsed page as text blocks with the features the learned block classifier reads.

`segment` walks the selectolax (Lexbor) tree once, in document order: every block-level
element (and a `<br>`) ends a block, inline elements are collapsed into their block's
text, scripts, styles and form controls are skipped. Each block remembers its innermost
block-level element, whose context (ancestor tags, class/id vocabulary, depth) and
subtree totals (text, links, blocks) were gathered in the same walk.

`features` turns the blocks into a (blocks, len(FEATURES)) matrix: the block's own text
(size, punctuation, links, digits, dates, lexicon hits), its element's context, the text
of its element and the two block-level elements above it, the page's core, its place in
the page and its distance to the headline, and the same few numbers for the two blocks
before and after. Class and id names count only through a fixed vocabulary
(`prune.CHROME_WORDS` and `LAYOUT_WORDS` below): arbitrary class names are one
site's, they do not generalise. `context_features` adds, for a model's second stage, what
the first stage's logits say around each block; `content_mask` runs a model.

`page_blocks` is what extraction and training call: prune, segment, features. Every stage
is linear in the page's size: one walk, per-block work bounded by the block's text, numpy
over the block and element arrays.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import numpy as np
from selectolax.lexbor import LexborHTMLParser, LexborNode

from ..errors import ModelError
from ..lines.span import heaviest_span
from ..model import Classifier
from ..rules.lexicon import Lexicon
from ..text import chars
from ..text.chars import TextLines, sentences_of, words_of
from ..text.dates import CLOCK_TIME, is_date_line
from ..text.lines import CLOSING_QUOTES, SENTENCE_PUNCT, list_marker
from ..text.normalize import clean_lines, match_key, visible_lines
from .prune import CHROME_WORDS, CONTENT_RE, DROP_TAGS, READ_ALSO, prune
from .visible import BLOCK_TAGS

# Never text: what prune drops, plus what a browser does not show.
SKIP_TAGS = frozenset({tag.split(":")[0] for tag in DROP_TAGS} | {"noscript", "head", "title",
                                                                   "meta", "link", "math"})
# Elements that end a block of text (visible.BLOCK_TAGS and table cells, forms, captions).
BLOCK_LEVEL = frozenset(BLOCK_TAGS) | {"td", "th", "caption", "nav", "form", "fieldset",
                                       "legend", "center", "body", "html", "menu", "dialog"}
# Tags a block may be inside, by group: one bit each in a block's ancestor mask.
ANCESTOR_GROUPS: dict[str, tuple[str, ...]] = {
    "p": ("p",), "li": ("li",), "list": ("ul", "ol", "menu"),
    "table": ("table", "tbody", "thead", "tr", "td", "th"),
    "heading": ("h1", "h2", "h3", "h4", "h5", "h6"), "a": ("a",), "nav": ("nav",),
    "aside": ("aside",), "footer": ("footer",), "header": ("header",),
    "form": ("form", "fieldset", "label"), "article": ("article",), "main": ("main",),
    "blockquote": ("blockquote",), "figure": ("figure", "figcaption"), "section": ("section",),
    "pre": ("pre", "code"), "dl": ("dl", "dt", "dd"), "emphasis": ("strong", "b", "em", "i"),
    "time": ("time",), "address": ("address",), "small": ("small",), "hidden": (),
}
# ARIA roles that mean the same as one of those tags.
ROLE_GROUPS = {"navigation": "nav", "menu": "nav", "menubar": "nav", "banner": "header",
               "contentinfo": "footer", "complementary": "aside", "search": "form",
               "main": "main", "article": "article", "dialog": "hidden", "alertdialog": "hidden"}
# Class/id words of page layout, by kind (beside prune's kinds of chrome): not a reason
# to remove anything by themselves, but telling features.
LAYOUT_WORDS: dict[str, tuple[str, ...]] = {
    "menu": ("menu", "nav", "navbar", "navigation", "topbar", "toolbar", "dropdown"),
    "sidebar": ("sidebar", "widget", "widgets", "aside", "rail"),
    "header": ("header", "masthead", "banner", "topnav"),
    "footer": ("footer", "copyright", "colophon", "bottom"),
    "byline": ("byline", "author", "meta", "date", "time", "dateline", "timestamp", "published"),
    "tags": ("tags", "tag", "category", "categories", "topics", "keywords"),
    "caption": ("caption", "credit", "credits", "figcaption", "photo", "image", "img", "media"),
    "teaser": ("teaser", "card", "promo", "more", "list", "listing", "grid", "feed", "tile"),
    "title": ("title", "headline", "heading", "hed"),
    "lead": ("lead", "intro", "summary", "excerpt", "dek", "standfirst", "subtitle"),
    "body": ("content", "body", "text", "article", "post", "entry", "story", "main"),
    "discussion": ("comment", "reply", "replies", "discussion", "discuss", "forum",
                   "guestbook", "responses"),
}
NAME_KINDS = (*CHROME_WORDS, *LAYOUT_WORDS, "content")  # "content": prune.CONTENT_RE
# The tag of a block's own element, one-hot.
BLOCK_TAG_GROUPS: dict[str, tuple[str, ...]] = {
    "p": ("p",), "div": ("div",), "li": ("li",), "td": ("td", "th"), "h1": ("h1",),
    "h2": ("h2",), "h3": ("h3", "h4", "h5", "h6"), "blockquote": ("blockquote",),
    "pre": ("pre",), "caption": ("figcaption", "caption", "figure"), "dl": ("dt", "dd"),
    "section": ("section", "article", "main"), "chrome": ("header", "footer", "nav", "aside"),
    "body": ("body", "html"),
}
NEIGHBOURS = (-2, -1, 1, 2)
# A page's core: the deepest element holding this share of its unlinked text (the article
# container, on most article pages). Blocks inside it, and how deep, are features.
CORE_SHARES = (0.4, 0.7)
# Block features repeated for each neighbour in NEIGHBOURS.
NEIGHBOUR_FEATURES = ("log_chars", "link_density", "sentence", "tag_p", "tag_li", "tag_h",
                      "in_list", "own_share", "chrome_near", "parent_share", "date")
# A full stop ends a sentence before a space (not in "3.5" or "e.g.x"); the other marks
# (and CJK full stops, written without a space after them) wherever they are.
_OTHER_MARKS = re.escape(SENTENCE_PUNCT.replace(".", ""))
_SENTENCE_MARK = re.compile(rf"\.[{re.escape(CLOSING_QUOTES)}]*(?=\s|$)|[{_OTHER_MARKS}]")
_NAME_PARTS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
# What a list marker opens with besides a digit (`text.lines.list_marker`).
_MARKER_OPENS = frozenset("-+•*–·▪►▸◦(")

_TAG_BITS = {tag: 1 << i for i, (group, tags) in enumerate(ANCESTOR_GROUPS.items()) for tag in tags}
_GROUP_BIT = {group: 1 << i for i, group in enumerate(ANCESTOR_GROUPS)}
_ROLE_BITS = {role: _GROUP_BIT[group] for role, group in ROLE_GROUPS.items()}
_A_BIT, _HIDDEN_BIT = _GROUP_BIT["a"], _GROUP_BIT["hidden"]
_WORD_KIND = {word: 1 << NAME_KINDS.index(kind)
              for vocabulary in (LAYOUT_WORDS, CHROME_WORDS)  # a chrome kind wins a shared word
              for kind, vocabulary_words in vocabulary.items() for word in vocabulary_words}
_CONTENT_BIT = 1 << NAME_KINDS.index("content")
_CHROME_MASK = sum(1 << NAME_KINDS.index(kind) for kind in CHROME_WORDS)
_ARTICLE_BITS = _GROUP_BIT["article"] | _GROUP_BIT["main"]
_BLOCK_TAG_CODE = {tag: i for i, tags in enumerate(BLOCK_TAG_GROUPS.values()) for tag in tags}
_OTHER_TAG = len(BLOCK_TAG_GROUPS)


@dataclass(frozen=True)
class Blocks:
    """A page's text blocks in document order and what the walk learnt of their elements.

    Per block: `texts`, `element` (index of its innermost block-level element), `link_chars`
    and `links`. Per element: `tag` (BLOCK_TAG_GROUPS code), `ancestors` (ANCESTOR_GROUPS
    mask, itself included), `names` (NAME_KINDS mask of its own and two nearest ancestors'
    class/id), `names_any` (of any ancestor), `depth`, `parent` (enclosing block-level
    element, -1 at the root), `chrome` / `article` (nearest element named like chrome /
    nearest <article> or <main>, -1 when none), `chars`, `element_link_chars`, `blocks`:
    the totals of the blocks in its subtree, and `class_repeats`: how many block-level
    elements of the page have the same class attribute (0 without one; comment threads,
    teaser cards and menus repeat theirs), `template`: an id per distinct (tag code, class
    attribute) pair, equal for elements cut from one template (teaser items, comments),
    `tag_names` and `classes`: its tag and class attribute as written (what
    `html.signatures` builds element paths from).
    """

    texts: list[str]
    element: np.ndarray
    link_chars: np.ndarray
    links: np.ndarray
    tag: np.ndarray
    ancestors: np.ndarray
    names: np.ndarray
    names_any: np.ndarray
    depth: np.ndarray
    parent: np.ndarray
    chrome: np.ndarray
    article: np.ndarray
    chars: np.ndarray
    element_link_chars: np.ndarray
    blocks: np.ndarray
    class_repeats: np.ndarray
    extent: np.ndarray  # elements in its subtree, itself included (they follow it)
    template: np.ndarray
    steps: int  # nodes visited: the walk's work, for checking it stays linear
    tag_names: tuple[str, ...] = ()
    classes: tuple[str, ...] = ()

    def __len__(self) -> int:
        return len(self.texts)


class _Walk:
    """The state of one walk over a tree (see `segment`)."""

    def __init__(self) -> None:
        self.raw: list[str] = []  # each block's text as the tree has it (`_finish` cleans)
        self.block_rows: list[tuple[int, int, int]] = []  # element, links, link chars
        self.pieces: list[str] = []
        self.link_chars = 0
        self.links = 0
        # (tag code, ancestors, names, names_any, depth, parent, chrome, article, class)
        self.elements: list[tuple[int, int, int, int, int, int, int, int, str]] = []
        self.ends: list[int] = [1]
        self.tag_names: list[str] = []  # per element, its tag as written

    def flush(self, element: int) -> None:
        """End the current block as a block of `element` (`_finish` drops it if it holds no
        text)."""
        if self.pieces:
            self.raw.append("".join(self.pieces))
            self.block_rows.append((element, self.links, self.link_chars))
            self.pieces.clear()
        self.link_chars = self.links = 0

    def texts(self) -> tuple[list[str], list[tuple[int, int, int]]]:
        """The blocks' cleaned texts (`clean_line`), those with text only (`has_text`), and
        their rows, link characters at most the text's length."""
        # clean_line folds a line break like any white space: each raw text is one line.
        cleaned = clean_lines([raw.replace("\n", " ") for raw in self.raw])
        at = TextLines(cleaned)
        kept = np.flatnonzero(at.count(at.has(chars.WORD)) > 0).tolist()
        rows = self.block_rows
        return ([cleaned[i] for i in kept],
                [(rows[i][0], rows[i][1], min(rows[i][2], len(cleaned[i]))) for i in kept])


def _name_kinds(names: str, cache: dict[str, int]) -> int:
    kinds = cache.get(names)
    if kinds is None:
        kinds = 0
        for part in _NAME_PARTS.findall(names):
            kinds |= _WORD_KIND.get(part.lower(), 0)
        if CONTENT_RE.search(names):
            kinds |= _CONTENT_BIT
        cache[names] = kinds
    return kinds


def segment(root: LexborNode) -> Blocks:
    """The text blocks under `root` (a page's <body>, usually), in document order."""
    walk = _Walk()
    elements = walk.elements
    pieces = walk.pieces
    cache: dict[str, int] = {}
    elements.append((_BLOCK_TAG_CODE.get(root.tag or "body", _OTHER_TAG), 0, 0, 0, 0, -1, -1, -1,
                     ""))
    walk.tag_names.append(root.tag or "body")
    ends = walk.ends  # one past each element's last descendant (they follow it in order)
    # A context: (ancestor mask, own names, parent's own names, names of any ancestor,
    # depth, block element, chrome element, article element); the root is element 0.
    ctx = (0, 0, 0, 0, 0, 0, -1, -1)
    stack: list[tuple[LexborNode, tuple, bool]] = []
    node = root.child
    steps = 0
    while True:
        while node is None:
            if not stack:
                walk.flush(ctx[5])
                ends[0] = len(elements)
                return _finish(walk, steps)
            done, parent_ctx, block = stack.pop()
            if block:
                if pieces or walk.links:
                    walk.flush(ctx[5])
                ends[ctx[5]] = len(elements)
            ctx = parent_ctx
            node = done.next
        steps += 1
        tag = node.tag or ""
        if tag == "-text":
            piece = node.text_content
            if piece:
                stripped = piece.strip()
                if stripped or pieces:  # leading white space of a block is no text
                    pieces.append(piece)
                    if ctx[0] & _A_BIT:
                        walk.link_chars += len(stripped)
            node = node.next
            continue
        if tag in SKIP_TAGS or tag[:1] in ("_", "!"):  # comments, doctype
            node = node.next
            continue
        if tag == "br":
            if pieces:
                walk.flush(ctx[5])
            node = node.next
            continue
        ancestors, own, parent_own, names_any, depth, blk, chrome, article = ctx
        attrs = node.attributes
        bits = _TAG_BITS.get(tag, 0)
        kinds = 0
        classes = ""
        if attrs:
            classes = attrs.get("class") or ""
            names = f"{classes} {attrs.get('id') or ''}"
            if len(names) > 1:
                kinds = _name_kinds(names, cache)
            if attrs.get("itemprop") == "articleBody":
                kinds |= _CONTENT_BIT
            role = attrs.get("role")
            if role:
                bits |= _ROLE_BITS.get(role, 0)
            if "hidden" in attrs or attrs.get("aria-hidden") == "true" or (
                    "style" in attrs and _HIDDEN_STYLE.search(attrs["style"] or "")):
                bits |= _HIDDEN_BIT
        if tag == "a":
            walk.links += 1
        ancestors |= bits
        depth += 1
        block = tag in BLOCK_LEVEL
        if block:
            if pieces or walk.links:
                walk.flush(blk)
            parent, blk = blk, len(elements)
            if kinds & _CHROME_MASK:
                chrome = blk
            if bits & _ARTICLE_BITS:
                article = blk
            elements.append((_BLOCK_TAG_CODE.get(tag, _OTHER_TAG), ancestors,
                             kinds | own | parent_own, names_any | kinds, depth, parent, chrome,
                             article, classes))
            walk.tag_names.append(tag)
            ends.append(blk + 1)  # until its children are seen
        child = node.child
        if child is None:
            node = node.next
            continue
        stack.append((node, ctx, block))
        ctx = (ancestors, kinds, own, names_any | kinds, depth, blk, chrome, article)
        node = child


def _finish(walk: _Walk, steps: int) -> Blocks:
    n_elements = len(walk.elements)
    tag, ancestors, names, names_any, depth, parent, chrome, article, classes = (
        zip(*walk.elements) if walk.elements else ((),) * 9)
    texts, block_rows = walk.texts()
    rows = np.array(block_rows, dtype=np.int64).reshape(-1, 3)
    element = rows[:, 0].astype(np.intp)
    link_chars = rows[:, 2].astype(np.float64)
    block_chars = np.fromiter((len(t) for t in texts), dtype=np.float64, count=len(texts))
    extent = np.array(walk.ends[:n_elements], dtype=np.intp) - np.arange(n_elements)
    counts = Counter(classes)
    counts[""] = 0
    templates: dict[tuple[int, str], int] = {}
    template = np.fromiter((templates.setdefault(pair, len(templates))
                            for pair in zip(tag, classes)), dtype=np.intp, count=n_elements)
    return Blocks(texts=texts, element=element, link_chars=link_chars,
                  links=rows[:, 1].astype(np.float64),
                  tag=np.array(tag, dtype=np.intp), ancestors=np.array(ancestors, dtype=np.int64),
                  names=np.array(names, dtype=np.int64),
                  names_any=np.array(names_any, dtype=np.int64),
                  depth=np.array(depth, dtype=np.float64), parent=np.array(parent, dtype=np.intp),
                  chrome=np.array(chrome, dtype=np.intp), article=np.array(article, dtype=np.intp),
                  chars=subtree_sums(element, block_chars, extent),
                  element_link_chars=subtree_sums(element, link_chars, extent),
                  blocks=subtree_sums(element, np.ones(len(element)), extent),
                  class_repeats=np.array([counts[c] for c in classes], dtype=np.float64),
                  extent=extent, template=template, steps=steps,
                  tag_names=tuple(walk.tag_names), classes=tuple(classes))


def subtree_sums(element: np.ndarray, values: np.ndarray, extent: np.ndarray) -> np.ndarray:
    """Per element, the sum of `values` (one per block) over the blocks of its subtree:
    an element's descendants are the `extent - 1` elements after it."""
    own = np.bincount(element, weights=values, minlength=len(extent))
    cumulative = np.concatenate([[0.0], np.cumsum(own)])
    index = np.arange(len(extent))
    return cumulative[index + extent] - cumulative[index]


def _text_features(texts: list[str], lexicon: Lexicon | None) -> np.ndarray:
    """The (texts, _TEXT_FEATURES) matrix of block texts (each cleaned: no line break),
    computed for all texts at once (`text.chars`); the rarer checks (dates, times, "read
    also" labels, list markers) only on the texts that can pass them."""
    n = len(texts)
    at = TextLines(texts)
    n_words = words_of(at)  # of the text itself: a mark inside splits a word
    shown = TextLines(visible_lines(texts))
    digits = at.count(at.has(chars.DECIMAL))
    first = [text[:1] for text in texts]
    entries = lexicon.lookup_many(texts) if lexicon is not None else [None] * n
    dated = (at.lengths <= 80) & at.has_run(at.has(chars.DIGIT), 4)
    labelled = at.count(at.has(chars.COLON) | at.has(chars.ITEM_MARK)) > 0
    out = np.zeros((n, len(_TEXT_FEATURES)))
    out[:, 0] = n_words
    out[:, 1] = at.matched(_SENTENCE_MARK)
    out[:, 2] = sentences_of(shown, words_of(shown))
    out[:, 3] = at.count(at.has(chars.CLAUSE_MARK))
    out[:, 4] = digits
    for i in np.flatnonzero(dated).tolist():
        out[i, 5] = is_date_line(texts[i])
    for i in np.flatnonzero(digits > 0).tolist():  # "14:32 ..." tickers
        out[i, 6] = first[i].isdigit() and CLOCK_TIME.match(texts[i]) is not None
    out[:, 7] = [4 - int(entry.risk) if entry is not None else 0 for entry in entries]
    for i in np.flatnonzero(labelled).tolist():
        out[i, 8] = READ_ALSO.match(texts[i]) is not None
    out[:, 9] = [(opens in _MARKER_OPENS or opens.isdigit()) and list_marker(text) is not None
                 for opens, text in zip(first, texts)]
    out[:, 10] = at.count(at.has(chars.BLOCK_SEPARATOR))
    out[:, 11] = at.count(at.codes == 0xA9) > 0  # ©
    return out


_TEXT_FEATURES = ("words", "sentence_marks", "sentence", "clauses", "digits", "date",
                  "opens_with_time", "lexicon", "read_also", "list_marker", "separators",
                  "copyright")
_CONTAINERS = ("own", "parent", "grandparent")


def _feature_names() -> tuple[str, ...]:
    names = ["chars", "log_chars", *_TEXT_FEATURES, "link_density", "links", "digit_share",
             "words_per_sentence", "chars_per_word", "position", "char_position", "page_share",
             "page_blocks", "page_log_chars", "page_link_density", "depth", "headline_distance",
             "headline_char_distance", "is_headline", "after_headline", "article_share",
             "chrome_share", "chrome_near"]
    for share in CORE_SHARES:
        names += [f"in_core{share:.0%}", f"core{share:.0%}_gap", f"core{share:.0%}_share"]
    for level in _CONTAINERS:
        names += [f"{level}_share", f"{level}_link_density", f"{level}_blocks",
                  f"{level}_block_share", f"{level}_class_repeats"]
    names += [f"tag_{group}" for group in BLOCK_TAG_GROUPS] + ["tag_other", "tag_h"]
    names += [f"in_{group}" for group in ANCESTOR_GROUPS]
    names += [f"name_{kind}" for kind in NAME_KINDS]
    names += [f"name_any_{kind}" for kind in NAME_KINDS]
    names += [f"{name}@{k:+d}" for k in NEIGHBOURS for name in NEIGHBOUR_FEATURES]
    return tuple(names)


FEATURES = _feature_names()
_INDEX = {name: i for i, name in enumerate(FEATURES)}
_MISSING = -1.0  # neighbours past the page's ends, containers above the root


def features(blocks: Blocks, *, lexicon: Lexicon | None = None,
             title: str | None = None) -> np.ndarray:
    """The (len(blocks), len(FEATURES)) feature matrix; `title` is the page's headline
    (from its metadata), used to find the headline block."""
    n = len(blocks)
    X = np.zeros((n, len(FEATURES)), dtype=np.float64)
    if not n:
        return X
    col = {name: X[:, i] for name, i in _INDEX.items()}
    chars = np.fromiter((len(t) for t in blocks.texts), dtype=np.float64, count=n)
    total = chars.sum()
    col["chars"][:] = chars
    col["log_chars"][:] = np.log1p(chars)
    distinct = {t: i for i, t in enumerate(dict.fromkeys(blocks.texts))}  # menus repeat theirs
    text = _text_features(list(distinct), lexicon)[[distinct[t] for t in blocks.texts]]
    for j, name in enumerate(_TEXT_FEATURES):
        col[name][:] = text[:, j]
    col["link_density"][:] = blocks.link_chars / chars
    col["links"][:] = blocks.links
    col["digit_share"][:] = col["digits"] / chars
    col["words_per_sentence"][:] = col["words"] / np.maximum(col["sentence_marks"], 1)
    col["chars_per_word"][:] = chars / np.maximum(col["words"], 1)
    col["position"][:] = np.arange(n) / n
    before = np.cumsum(chars) - chars
    col["char_position"][:] = before / total
    col["page_share"][:] = chars / total
    col["page_blocks"][:] = n
    col["page_log_chars"][:] = np.log1p(total)
    col["page_link_density"][:] = blocks.link_chars.sum() / total

    element = blocks.element
    col["depth"][:] = blocks.depth[element]
    head = _headline(blocks, title)
    if head is None:
        for name in ("headline_distance", "headline_char_distance"):
            col[name][:] = np.nan
        col["after_headline"][:] = _MISSING
    else:
        col["headline_distance"][:] = np.arange(n) - head
        col["headline_char_distance"][:] = (before - before[head]) / total
        col["is_headline"][head] = 1.0
        col["after_headline"][:] = np.arange(n) > head
    article = blocks.article[element]
    inside = article >= 0
    col["article_share"][:] = np.where(inside, blocks.chars[article] / total, 0.0)
    chrome = blocks.chrome[element]
    col["chrome_share"][:] = np.where(chrome >= 0, blocks.chars[chrome] / total, 0.0)
    col["chrome_near"][:] = (blocks.names[element] & _CHROME_MASK) != 0
    level = element
    for name in _CONTAINERS:
        valid = level >= 0
        at = np.where(valid, level, 0)
        size = blocks.chars[at]
        col[f"{name}_share"][:] = np.where(valid, size / total, _MISSING)
        col[f"{name}_link_density"][:] = np.where(
            valid, blocks.element_link_chars[at] / np.maximum(size, 1), _MISSING)
        col[f"{name}_blocks"][:] = np.where(valid, blocks.blocks[at], _MISSING)
        col[f"{name}_block_share"][:] = np.where(valid, chars / np.maximum(size, 1), _MISSING)
        col[f"{name}_class_repeats"][:] = np.where(valid, blocks.class_repeats[at], _MISSING)
        level = np.where(valid, blocks.parent[at], -1)

    for share in CORE_SHARES:
        core = _core(blocks, share)
        inside = (element >= core) & (element < core + blocks.extent[core])
        col[f"in_core{share:.0%}"][:] = inside
        col[f"core{share:.0%}_gap"][:] = np.where(inside, blocks.depth[element] - blocks.depth[core],
                                                  _MISSING)
        col[f"core{share:.0%}_share"][:] = blocks.chars[core] / total
    tag = blocks.tag[element]
    for code, group in enumerate(BLOCK_TAG_GROUPS):
        col[f"tag_{group}"][:] = tag == code
    col["tag_other"][:] = tag == _OTHER_TAG
    col["tag_h"][:] = col["tag_h1"] + col["tag_h2"] + col["tag_h3"]
    ancestors = blocks.ancestors[element]
    for bit, group in enumerate(ANCESTOR_GROUPS):
        col[f"in_{group}"][:] = (ancestors >> bit) & 1
    names, names_any = blocks.names[element], blocks.names_any[element]
    for bit, kind in enumerate(NAME_KINDS):
        col[f"name_{kind}"][:] = (names >> bit) & 1
        col[f"name_any_{kind}"][:] = (names_any >> bit) & 1
    for k in NEIGHBOURS:
        for name in NEIGHBOUR_FEATURES:
            shifted = np.full(n, _MISSING)
            source = col[name]
            if k < 0:
                shifted[-k:] = source[:k]
            else:
                shifted[:-k] = source[k:]
            col[f"{name}@{k:+d}"][:] = shifted
    return X


def _core(blocks: Blocks, share: float) -> int:
    """The deepest element holding `share` of the page's unlinked text (0: the root)."""
    text = blocks.chars - blocks.element_link_chars
    need = share * text[0]
    node = 0
    while True:
        child, end = node + 1, node + blocks.extent[node]
        while child < end and text[child] < need:  # children follow their parent in order
            child += blocks.extent[child]
        if child >= end:
            return node
        node = child


def _headline(blocks: Blocks, title: str | None) -> int | None:
    """Index of the headline block: the first matching the page's title, else the first
    <h1>; None when neither is found."""
    if title:
        key = match_key(title)
        for i, text in enumerate(blocks.texts):
            if len(text) <= 2 * len(title) and match_key(text) == key:
                return i
    h1 = _BLOCK_TAG_CODE["h1"]
    found = np.flatnonzero(blocks.tag[blocks.element] == h1)
    return int(found[0]) if len(found) else None


def page_blocks(tree: LexborHTMLParser, *, lexicon: Lexicon | None = None,
                title: str | None = None) -> tuple[Blocks, np.ndarray]:
    """A parsed page's blocks (under its <body>) and their feature matrix, after its
    obvious chrome is pruned (`prune.prune`, in place): the classifier only decides
    what the names and tags alone leave in doubt."""
    prune(tree)
    root = tree.body if tree.body is not None else tree.root
    found = segment(root) if root is not None else _finish(_Walk(), 0)
    return found, features(found, lexicon=lexicon, title=title)


# The second stage reads the first stage's logits around each block (and every first-stage
# feature): content comes in runs, so a block's neighbours and container say much of it.
CONTEXT_NEIGHBOURS = (-3, -2, -1, 1, 2, 3)
CONTEXT_WINDOWS = (3, 10)
CONFIDENT = 2.0  # a first-stage logit this high is a sure content block
_SPAN_CLIP = 4.0  # logits are clipped to this before the heaviest-span search


def _context_names() -> tuple[str, ...]:
    names = ["z", *(f"z@{k:+d}" for k in CONTEXT_NEIGHBOURS)]
    for w in CONTEXT_WINDOWS:
        names += [f"z_mean{w}", f"z_max{w}", f"z_min{w}"]
    names += ["z_page_max", "z_page_mean", "page_content_share", "z_element_mean",
              "z_parent_mean", "z_grandparent_mean", "in_span", "span_distance",
              "span_char_distance", "before_confident", "after_confident"]
    return (*FEATURES, *names)


CONTEXT_FEATURES = _context_names()


def context_features(blocks: Blocks, X: np.ndarray, z: np.ndarray) -> np.ndarray:
    """The second stage's matrix: `X` (from `features`) beside what the first stage's
    logits `z` say around each block."""
    n = len(z)
    extra = np.zeros((n, len(CONTEXT_FEATURES) - len(FEATURES)))
    if not n:
        return np.hstack([X, extra])
    col = {name: extra[:, i] for i, name in enumerate(CONTEXT_FEATURES[len(FEATURES):])}
    col["z"][:] = z
    for k in CONTEXT_NEIGHBOURS:
        shifted = np.full(n, -_SPAN_CLIP)  # past the page's ends: surely not content
        if k < 0:
            shifted[-k:] = z[:k]
        else:
            shifted[:-k] = z[k:]
        col[f"z@{k:+d}"][:] = shifted
    padded_low = np.full(n + 2 * max(CONTEXT_WINDOWS), np.inf)
    padded_high = np.full(n + 2 * max(CONTEXT_WINDOWS), -np.inf)
    pad = max(CONTEXT_WINDOWS)
    padded_low[pad:pad + n] = padded_high[pad:pad + n] = z
    cumulative = np.concatenate([[0.0], np.cumsum(z)])
    index = np.arange(n)
    windows = np.lib.stride_tricks.sliding_window_view
    for w in CONTEXT_WINDOWS:
        lo, hi = np.maximum(index - w, 0), np.minimum(index + w + 1, n)
        col[f"z_mean{w}"][:] = (cumulative[hi] - cumulative[lo]) / (hi - lo)
        col[f"z_max{w}"][:] = windows(padded_high, 2 * w + 1)[pad - w:pad - w + n].max(axis=1)
        col[f"z_min{w}"][:] = windows(padded_low, 2 * w + 1)[pad - w:pad - w + n].min(axis=1)
    chars = np.fromiter((len(t) for t in blocks.texts), dtype=np.float64, count=n)
    col["z_page_max"][:] = z.max()
    col["z_page_mean"][:] = (z * chars).sum() / chars.sum()
    col["page_content_share"][:] = chars[z > 0].sum() / chars.sum()
    level = blocks.element
    for name in ("z_element_mean", "z_parent_mean", "z_grandparent_mean"):
        valid = level >= 0
        group = np.where(valid, level, len(blocks.tag))  # one bucket past the last: none
        size = np.bincount(group, weights=chars, minlength=len(blocks.tag) + 1)
        total = np.bincount(group, weights=z * chars, minlength=len(blocks.tag) + 1)
        col[name][:] = total[group] / np.maximum(size[group], 1)
        level = np.where(valid, blocks.parent[np.where(valid, level, 0)], -1)
    span = heaviest_span(np.clip(z, -_SPAN_CLIP, _SPAN_CLIP) * np.log1p(chars))
    if span is None:
        col["in_span"][:] = 0
        col["span_distance"][:] = col["span_char_distance"][:] = _MISSING
    else:
        start, end = span
        col["in_span"][start:end] = 1
        col["span_distance"][:] = np.maximum(start - index, 0) + np.maximum(index - end + 1, 0)
        before = np.cumsum(chars) - chars
        outside = np.maximum(before[start] - before, 0) + np.maximum(before - before[end - 1], 0)
        col["span_char_distance"][:] = outside / chars.sum()
    sure = np.flatnonzero(z > CONFIDENT)
    if len(sure):
        col["before_confident"][:] = index < sure[0]
        col["after_confident"][:] = index > sure[-1]
    else:
        col["before_confident"][:] = col["after_confident"][:] = _MISSING
    return np.hstack([X, extra])


def content_logits(model: Classifier, blocks: Blocks, X: np.ndarray) -> np.ndarray:
    """Per block, `model`'s final logit less its threshold (above 0: content; X: the
    blocks' `features`); through its second stage when it has one. ModelError when the
    model reads other features than these."""
    if model.features != FEATURES or (model.second_stage is not None
                                      and model.second_stage.features != CONTEXT_FEATURES):
        raise ModelError(f"model {model.name!r} reads other features than scraper.html.blocks "
                         "computes (trained by another version?)")
    z = model.logits(X)
    if model.second_stage is None:
        return z - model.threshold
    second = model.second_stage
    return second.logits(context_features(blocks, X, z)) - second.threshold


def content_mask(model: Classifier, blocks: Blocks, X: np.ndarray) -> np.ndarray:
    """Which blocks `model` calls content (see `content_logits`)."""
    return content_logits(model, blocks, X) > 0
