"""The main text of a page that no rule's body selector claims: the obvious chrome pruned
with selectolax, then the text blocks the learned block classifier calls content
(`blocks`); trafilatura's reading only when those hold no prose line.

trafilatura's fast path first; its slower comparison with readability and jusText only
when the fast result looks short for the page or is mostly short lines.
"""

from __future__ import annotations

import trafilatura
from selectolax.lexbor import LexborHTMLParser

from ..lines.repeats import RepeatIndex
from ..model import Classifier
from ..rules.lexicon import Lexicon
from ..text.lines import is_prose
from ..text.normalize import clean_line
from .blocks import content_logits, page_blocks
from .regions import drop_mask
from .signatures import repeated_mask
from .visible import block_lines

# The fast extraction is redone with trafilatura's fallbacks when it holds less than this
# share of the pruned page's visible text, or fewer characters than this...
FALLBACK_SHARE = 0.3
FALLBACK_CHARS = 300
# ... or when less than this share of it is in prose lines (it found a menu, not a text).
FALLBACK_PROSE = 0.5
# trafilatura is handed only the page's single <article> (or <main>) when that holds at
# least this share of the visible text.
FOCUS_SHARE = 0.5


def generic_lines(tree: LexborHTMLParser, *, model: Classifier,
                  region_model: Classifier | None = None, url: str | None = None,
                  title: str | None = None, lexicon: Lexicon | None = None,
                  repeats: RepeatIndex | None = None) -> list[str]:
    """The page's main text, one line per block the block model calls content, less the
    regions `region_model` calls chrome (`title`: the page's headline, which the features
    measure distances to) and less the blocks of the site's template that `repeats` (an
    index of the site's pages) knows; prunes `tree` in place."""
    found, X = page_blocks(tree, lexicon=lexicon, title=title)
    z = content_logits(model, found, X)
    keep = z > 0
    if region_model is not None and keep.any():
        keep &= ~drop_mask(region_model, found, X, z)
    if repeats is not None:
        keep &= ~repeated_mask(found, keep, repeats)
    lines = [text for text, kept in zip(found.texts, keep) if kept]
    if any(is_prose(line) for line in lines):
        return lines
    if not any(is_prose(text) for text in found.texts):
        # No block of the page is prose, so trafilatura finds no article either; asking it
        # would cost seconds on a page of thousands of list items (jusText is quadratic).
        return lines
    return trafilatura_lines(tree, url)


def trafilatura_lines(tree: LexborHTMLParser, url: str | None) -> list[str]:
    """trafilatura's main text of the (pruned) page, one line per paragraph."""
    body = tree.body
    if body is None:
        return []
    visible = len(body.text(deep=True, separator=" ", strip=True))
    html = _focus(tree, visible)
    if not html.strip():
        return []
    text = trafilatura.extract(html, url=url, include_comments=False, fast=True) or ""
    lines = _lines(text)
    prose = sum(len(line) for line in lines if is_prose(line))
    if (len(text) < FALLBACK_SHARE * visible or len(text) < FALLBACK_CHARS
            or prose < FALLBACK_PROSE * len(text)):
        text = trafilatura.extract(html, url=url, include_comments=False) or text
        lines = _lines(text)
    if not lines:  # lxml gives up on markup nested over 256 deep: take the pruned text
        lines = list(block_lines(body))
    return lines


def _lines(text: str) -> list[str]:
    return [line for line in (clean_line(raw) for raw in text.splitlines()) if line]


def _focus(tree: LexborHTMLParser, visible: int) -> str:
    """The page to hand to trafilatura: only its single <article> (or <main>) when that
    holds most of the text, which spares parsing and scoring the rest; else all of it."""
    for tag in ("article", "main"):
        nodes = tree.css(tag)
        if len(nodes) == 1:
            text = len(nodes[0].text(deep=True, separator=" ", strip=True))
            if text >= FOCUS_SHARE * visible:
                return f"<html><body>{nodes[0].html}</body></html>"
    return tree.html or ""
