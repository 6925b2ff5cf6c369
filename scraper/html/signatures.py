"""Block signatures: what makes a block the same block on another page of its site.

A block's signature is the hash of its element path (the tag and class chain of its
block-level ancestors, `div.sidebar>ul.list>li`, digits left out of class names so
`post-1234` does not make every page unique) and its text (`match_key`). A block whose
signature recurs on many of a site's pages is the site's template, not an article
(`clean.repeats.RepeatIndex` counts them; `repeated_mask` decides).
"""

from __future__ import annotations

import re
import warnings

import numpy as np
from selectolax.lexbor import LexborHTMLParser

from ..errors import DecodeWarning, InputError
from ..lines.repeats import MIN_PAGES, PageKeys, RepeatIndex, document_lines, key_hashes
from ..text.decode import decode_bytes
from ..text.lines import is_prose
from ..text.normalize import match_keys
from ..text.sniff import looks_like_html
from .blocks import Blocks, segment
from .defuse import defuse
from .prune import prune

_DIGITS = re.compile(r"\d+")
STRONG = 2  # RepeatIndex level: on half of the site's pages
WEAK = 1    # on a quarter of them


def element_paths(blocks: Blocks) -> list[str]:
    """Per element, its path from the root: `tag.class class>tag.class>...`."""
    names: dict[tuple[str, str], str] = {}
    paths: list[str] = []
    for i, (tag, classes) in enumerate(zip(blocks.tag_names, blocks.classes)):
        name = names.get((tag, classes))
        if name is None:
            tokens = sorted(set(_DIGITS.sub("", classes.lower()).split()))
            name = names[(tag, classes)] = ".".join([tag, *tokens])
        parent = int(blocks.parent[i])
        paths.append(f"{paths[parent]}>{name}" if parent >= 0 else name)
    return paths


def block_signatures(blocks: Blocks) -> np.ndarray:
    """Per block, the 8-byte hash of its element path and its text."""
    paths = element_paths(blocks)
    return key_hashes(f"{paths[e]}\n{key}"
                      for e, key in zip(blocks.element.tolist(), match_keys(blocks.texts)))


def page_blocks_only(html: str | bytes) -> Blocks | None:
    """A page's blocks as extraction sees them (parsed, pruned, segmented; no model), or
    None for unreadable input."""
    try:
        with warnings.catch_warnings():  # the page's own extraction reports them
            warnings.simplefilter("ignore", DecodeWarning)
            text = decode_bytes(html, html=True) if isinstance(html, bytes) else html
    except InputError:
        return None
    tree = LexborHTMLParser(defuse(text))
    prune(tree)
    root = tree.body if tree.body is not None else tree.root
    return segment(root) if root is not None else None


def page_keys(html: str | bytes) -> PageKeys:
    """What an HTML page contributes to its site's RepeatIndex: its blocks' texts as
    lines and their signatures."""
    found = page_blocks_only(html)
    if found is None:
        return PageKeys.of([], np.zeros(0, dtype=np.uint64))
    return PageKeys.of(found.texts, block_signatures(found))


def repeated_mask(blocks: Blocks, keep: np.ndarray, repeats: RepeatIndex) -> np.ndarray:
    """Which of the kept blocks are the site's template: a signature on half of the
    site's pages anywhere, on a quarter of them at the edges of the kept run. Never all
    of the kept prose: when nothing prose-like would be left, nothing is dropped."""
    drop = np.zeros(len(blocks), dtype=bool)
    if repeats.html_pages < MIN_PAGES or not keep.any():
        return drop
    levels = repeats.block_levels(block_signatures(blocks))
    drop = keep & (levels >= STRONG)
    kept = np.flatnonzero(keep & ~drop)
    for order in (kept, kept[::-1]):  # the weak level peels the run's edges
        for i in order:
            if levels[i] < WEAK:
                break
            drop[i] = True
    left = keep & ~drop
    if not any(is_prose(blocks.texts[i]) for i in np.flatnonzero(left)):
        return np.zeros(len(blocks), dtype=bool)
    return drop


def document_keys(data: bytes) -> PageKeys:
    """What a document contributes to its site's index: an HTML page's block texts and
    signatures (below), a text document's lines; nothing for unreadable
    input (its own error comes when it is extracted)."""
    if looks_like_html(data):
        return page_keys(data)
    return PageKeys.of(document_lines(data))
