"""A page's regions, decided whole: chrome comes in regions, not in single blocks.

After the block classifier has spoken, the blocks are grouped into the regions a page's
chrome is built of, and each region is kept or dropped as a whole by a second learned
model (`regions.json`), so a teaser whose lede reads like a paragraph goes with its list:

- template regions: an element whose children repeat one template (the same tag and
  class attribute, at least MIN_ITEMS times): teaser lists and carousels, link lists,
  comment threads, and article paragraphs too, which the model tells apart;
- heading regions: what follows a chrome section's heading (`text.headings`: "Related
  coverage", "Comments", "اقرأ أيضا") inside the heading's container, up to the next
  heading;
- form regions: a form (a poll, a comment form) inside the article, which pruning keeps.

`region_features` describes each region by what carries over to unseen sites and
languages: how many items share the template, their size and link shares, whether an item
opens with a link and runs on into a lede (a teaser), dates among the items, the heading
that opens it, comment-policy phrases (`text.policies`), the block model's logits over it,
and its place against the page's main run of content. `drop_mask` gives the blocks of the
regions the model calls chrome.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..lines.span import heaviest_span
from ..model import Classifier
from ..text.headings import HEADING_WORDS, heading_kind
from ..text.headings import KINDS as HEADING_KINDS
from ..text.policies import block_policy_hits
from .blocks import ANCESTOR_GROUPS, FEATURES, NAME_KINDS, Blocks

# A template region has at least this many items, and its template is this share of the
# container's children that hold text.
MIN_ITEMS = 3
MIN_TEMPLATE_SHARE = 0.6
# ... and its items hold at most this many blocks on average: more, and the "items" are
# the page's columns (header, article, sidebar), not a list.
MAX_ITEM_BLOCKS = 6
# A region is dropped when the region model's logit is below this: only when it is sure,
# chosen on the leave-one-corpus-out figures (0 and -2 gained less there).
DROP_LOGIT = -1.0
# Chrome whatever the model says, on evidence that carries over to any site: a teaser list
# (at least TEASER_SHARE of its items open with a link and run on into an unlinked lede)
# mostly outside the main run or above the headline, and a region holding at least
# POLICY_HITS comment-policy phrases, POLICY_DENSITY a block or more. Each was checked
# neutral or better out-of-fold and leave-one-corpus-out on the three corpora.
TEASER_SHARE = 0.6
POLICY_HITS = 2
POLICY_DENSITY = 0.5
# Logits are clipped to this before the main-run search (as for the block context).
SPAN_CLIP = 4.0
KIND_NAMES = ("template", "heading", "form")
_FORM_BIT = 1 << list(ANCESTOR_GROUPS).index("form")
_COL = {name: i for i, name in enumerate(FEATURES)}
_REGION_NAME_KINDS = ("comments", "share", "related", "newsletter", "advert", "sidebar",
                      "teaser", "discussion", "body", "content", "tags", "footer", "menu")
_NAME_BITS = {kind: 1 << NAME_KINDS.index(kind) for kind in _REGION_NAME_KINDS}


@dataclass(frozen=True)
class Region:
    """Blocks [start, end) of a page, cut into items (each [start, end) too), opened by a
    container element (`element`), of kind KIND_NAMES[kind]; `heading`: the kind of chrome
    heading that opens it, if any."""

    kind: int
    element: int
    start: int
    end: int
    items: tuple[tuple[int, int], ...]
    heading: str | None = None


def find_regions(blocks: Blocks, X: np.ndarray) -> list[Region]:
    """The page's template, heading and form regions (they may nest and overlap)."""
    n = len(blocks)
    if not n:
        return []
    first, last = _block_ranges(blocks)
    regions = _template_regions(blocks, first, last)
    regions += _heading_regions(blocks, X, last)
    regions += _form_regions(blocks, first, last)
    return regions


def _block_ranges(blocks: Blocks) -> tuple[np.ndarray, np.ndarray]:
    """Per element, the [first, last) blocks of its subtree (first == last: none)."""
    n_el = len(blocks.tag)
    index = np.arange(n_el)
    # blocks are in document order and an element's subtree is elements [e, e + extent)
    first = np.searchsorted(blocks.element, index, side="left")
    last = np.searchsorted(blocks.element, index + blocks.extent, side="left")
    return first, last


def _template_regions(blocks: Blocks, first: np.ndarray, last: np.ndarray) -> list[Region]:
    holding = np.flatnonzero((last > first) & (blocks.parent >= 0))
    if not len(holding):
        return []
    parents = blocks.parent[holding]
    order = np.argsort(parents, kind="stable")
    regions = []
    bounds = np.flatnonzero(np.diff(parents[order])) + 1
    for group in np.split(holding[order], bounds):
        if len(group) < MIN_ITEMS:
            continue
        templates, counts = np.unique(blocks.template[group], return_counts=True)
        best = int(np.argmax(counts))
        if counts[best] < MIN_ITEMS or counts[best] < MIN_TEMPLATE_SHARE * len(group):
            continue
        items = group[blocks.template[group] == templates[best]]
        if (last[items] - first[items]).mean() > MAX_ITEM_BLOCKS:
            continue
        spans = tuple((int(first[e]), int(last[e])) for e in items)
        regions.append(Region(0, int(blocks.parent[items[0]]), spans[0][0], spans[-1][1], spans))
    return regions


def _heading_regions(blocks: Blocks, X: np.ndarray, last: np.ndarray) -> list[Region]:
    words = X[:, _COL["words"]]
    regions = []
    heading_block = X[:, _COL["tag_h"]] > 0  # an <h1>..<h6> block
    for i in np.flatnonzero(words <= HEADING_WORDS).tolist():
        text = blocks.texts[i]
        kind = heading_kind(text, int(words[i]))
        if kind is None:
            continue
        container = blocks.parent[blocks.element[i]]
        end = int(last[container]) if container >= 0 else len(blocks)
        following = np.flatnonzero(heading_block[i + 1:end])
        if len(following):
            end = i + 1 + int(following[0])
        if end > i + 1:
            regions.append(Region(1, int(container), i, end, ((i, i + 1), (i + 1, end)), kind))
    return regions


def _form_regions(blocks: Blocks, first: np.ndarray, last: np.ndarray) -> list[Region]:
    in_form = (blocks.ancestors & _FORM_BIT) != 0
    parent_in_form = np.where(blocks.parent >= 0, in_form[np.maximum(blocks.parent, 0)], False)
    tops = np.flatnonzero(in_form & ~parent_in_form & (last > first))
    return [Region(2, int(e), int(first[e]), int(last[e]), ((int(first[e]), int(last[e])),))
            for e in tops]


def _feature_names() -> tuple[str, ...]:
    names = [f"kind_{k}" for k in KIND_NAMES] + [f"heading_{k}" for k in HEADING_KINDS]
    names += ["log_items", "log_blocks", "log_chars", "page_share", "blocks_per_item",
              "item_words_mean", "item_chars_cv", "link_density", "items_linked",
              "items_open_linked", "teaser_items", "item_dates", "sentence_share",
              "words_per_block", "policy_hits", "z_mean", "z_max", "z_min", "z_first",
              "kept_share", "kept_of_page", "before_run", "after_run", "in_run_share",
              "run_char_distance", "start_position", "end_position", "in_article",
              "headline_after", "container_depth"]
    names += [f"name_{kind}" for kind in _REGION_NAME_KINDS]
    return tuple(names)


REGION_FEATURES = _feature_names()
_R = {name: i for i, name in enumerate(REGION_FEATURES)}


def main_run(chars: np.ndarray, z: np.ndarray) -> tuple[int, int] | None:
    """The page's main run of content: the [start, end) blocks of largest clipped logit
    weight (`chars`: the blocks' sizes, `z`: the block model's logits)."""
    return heaviest_span(np.clip(z, -SPAN_CLIP, SPAN_CLIP) * np.log1p(chars))


def region_features(blocks: Blocks, X: np.ndarray, z: np.ndarray,
                    regions: list[Region]) -> np.ndarray:
    """The (len(regions), len(REGION_FEATURES)) matrix; `X` the block features, `z` the
    block model's final logits."""
    R = np.zeros((len(regions), len(REGION_FEATURES)))
    if not regions:
        return R
    chars = X[:, _COL["chars"]]
    words = X[:, _COL["words"]]
    link = blocks.link_chars
    sentence = X[:, _COL["sentence"]]
    date = X[:, _COL["date"]]
    total = chars.sum()
    kept = z > 0
    kept_total = max(float(chars[kept].sum()), 1.0)
    before = np.concatenate([[0.0], np.cumsum(chars)])
    run = main_run(chars, z)
    names = blocks.names
    policy = np.concatenate([[0], np.cumsum(block_policy_hits(blocks.texts))])
    # per-block sums over any [a, b) as differences of running totals (all whole numbers)
    cw, cl, cd, cs_ = (np.concatenate([[0.0], np.cumsum(v)])
                       for v in (words, link, date > 0, sentence * chars))
    for r, region in enumerate(regions):
        row = R[r]
        s, e = region.start, region.end
        size = max(before[e] - before[s], 1.0)
        row[_R[f"kind_{KIND_NAMES[region.kind]}"]] = 1
        if region.heading:
            row[_R[f"heading_{region.heading}"]] = 1
        items = region.items
        A, B = np.array(items, dtype=np.intp).T
        item_chars = before[B] - before[A]
        item_words = cw[B] - cw[A]
        row[_R["log_items"]] = np.log1p(len(items))
        row[_R["log_blocks"]] = np.log1p(e - s)
        row[_R["log_chars"]] = np.log1p(size)
        row[_R["page_share"]] = size / total
        row[_R["blocks_per_item"]] = (e - s) / len(items)
        row[_R["item_words_mean"]] = item_words.mean()
        row[_R["item_chars_cv"]] = item_chars.std() / max(item_chars.mean(), 1.0)
        row[_R["link_density"]] = (cl[e] - cl[s]) / size
        row[_R["items_linked"]] = np.mean(cl[B] - cl[A] > 0)
        opens = link[A] >= 0.8 * chars[A]
        row[_R["items_open_linked"]] = np.mean(opens)
        rest = np.minimum(A + 1, B)  # an item's blocks after its first
        row[_R["teaser_items"]] = np.mean(
            opens & (B - A > 1) & (cl[B] - cl[rest] < 0.5 * (before[B] - before[rest])))
        row[_R["item_dates"]] = np.mean(cd[B] - cd[A] > 0)
        row[_R["sentence_share"]] = (cs_[e] - cs_[s]) / size
        row[_R["words_per_block"]] = (cw[e] - cw[s]) / (e - s)
        row[_R["policy_hits"]] = policy[e] - policy[s]
        zs, cs = z[s:e], chars[s:e]
        row[_R["z_mean"]] = (zs * cs).sum() / size
        row[_R["z_max"]], row[_R["z_min"]], row[_R["z_first"]] = zs.max(), zs.min(), zs[0]
        row[_R["kept_share"]] = cs[zs > 0].sum() / size
        row[_R["kept_of_page"]] = cs[zs > 0].sum() / kept_total
        if run is None:
            row[_R["before_run"]] = row[_R["after_run"]] = -1
            row[_R["run_char_distance"]] = -1
        else:
            a, b = run
            row[_R["before_run"]] = e <= a
            row[_R["after_run"]] = s >= b
            inside = max(0.0, before[min(e, b)] - before[max(s, a)])
            row[_R["in_run_share"]] = inside / size
            gap = max(before[a] - before[e], before[s] - before[b], 0.0)
            row[_R["run_char_distance"]] = gap / total
        row[_R["start_position"]] = before[s] / total
        row[_R["end_position"]] = before[e] / total
        row[_R["in_article"]] = (X[s:e, _COL["in_article"]] * cs).sum() / size
        row[_R["headline_after"]] = X[s, _COL["after_headline"]]
        element = max(region.element, 0)
        row[_R["container_depth"]] = blocks.depth[element]
        mask = names[element] | blocks.names_any[element]
        for kind, bit in _NAME_BITS.items():
            row[_R[f"name_{kind}"]] = (mask & bit) != 0
    return R


def sure_chrome(R: np.ndarray) -> np.ndarray:
    """Per region (rows of `region_features`), whether it is chrome on evidence alone: a
    teaser list outside the main run or above the headline, or a comment policy."""
    teasers = ((R[:, _R["kind_template"]] > 0) & (R[:, _R["teaser_items"]] >= TEASER_SHARE)
               & (R[:, _R["items_open_linked"]] >= TEASER_SHARE)
               & ((R[:, _R["in_run_share"]] < 0.5) | (R[:, _R["headline_after"]] == 0)))
    policy = ((R[:, _R["policy_hits"]] >= POLICY_HITS)
              & (R[:, _R["policy_hits"]] >= POLICY_DENSITY * np.expm1(R[:, _R["log_blocks"]])))
    return teasers | policy


def chrome_mask(model: Classifier, regions: list[Region], R: np.ndarray, n: int) -> np.ndarray:
    """Per block of a page of `n`, whether a region decided chrome holds it: the model is
    sure (logit below DROP_LOGIT) or the evidence alone says so (`sure_chrome`); `R` the
    regions' `region_features`."""
    drop = np.zeros(n, dtype=bool)
    if not regions:
        return drop
    chrome = (model.logits(R) < DROP_LOGIT) | sure_chrome(R)
    for region, is_chrome in zip(regions, chrome):
        if is_chrome:
            drop[region.start:region.end] = True
    return drop


def drop_mask(model: Classifier, blocks: Blocks, X: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Per block, whether a region the model calls chrome holds it (`z`: the block
    model's final logits). Only regions holding a kept block are read: dropping the
    others changes nothing."""
    kept = np.concatenate([[0], np.cumsum(z > 0)])
    regions = [r for r in find_regions(blocks, X) if kept[r.end] > kept[r.start]]
    R = region_features(blocks, X, z, regions)
    return chrome_mask(model, regions, R, len(blocks))
