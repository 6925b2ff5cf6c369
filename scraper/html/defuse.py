"""Bounded work per page: markup that would make the HTML parser quadratic is defused
before parsing, so a valid page under the size limits never costs minutes.

Two shapes are quadratic in Lexbor (selectolax's parser), as in any HTML5 tree builder
that follows the standard:
- a `<select>` with many `<option>`s: the select's selectedness is reset on every option
  inserted, which walks all options so far. Select elements never hold article text, so
  they are renamed to an inert element that the pruning step removes.
- block elements nested thousands deep (`<div>` after `<div>`, closed or not): every block
  start tag looks down the stack of open elements for a `<p>` to close. The sum of the
  stack depths at each block start tag is that work; above NESTING_WORK the block
  containers' tags are dropped (their text stays, in document order), which flattens the
  page into something linear to parse. Real pages, even badly nested ones, stay far below.
"""

from __future__ import annotations

import re

# The inert name a <select> (and its options) is given before parsing; prune drops it.
DEFUSED_SELECT = "scraper-select"
# Sum of open-element depths at block start tags above which block containers are
# flattened. Lexbor spends about 5 ns a unit, so this is some 25 ms; the most nested page
# of the shared corpora (1,831 pages) comes to 36,000.
NESTING_WORK = 5_000_000

_SELECT = re.compile(r"<(/?)(?:select|option|optgroup)\b", re.I)
# A tag, or a script/style element whose content is not markup.
_TAG = re.compile(r"<(?:(script|style)\b.*?</\1\s*>|(/?)([a-zA-Z][a-zA-Z0-9-]*)[^>]*?(/?)>)",
                  re.I | re.S)
# Elements that never stay open (void) or close themselves when a sibling starts: they
# add no depth.
_NO_DEPTH = frozenset("""area base br col embed hr img input link meta param source track wbr
    p li dt dd option optgroup tr td th thead tbody tfoot caption colgroup rt rp head body
    html""".split())
# Start tags that scan the stack for an open <p> (the HTML standard's "close a p element
# in button scope"), and the containers among them that flattening removes.
_BLOCKS = frozenset("""address article aside blockquote center details dialog dir div dl
    fieldset figcaption figure footer form header hgroup main menu nav ol section summary ul
    h1 h2 h3 h4 h5 h6 pre table p li dd dt hr""".split())
_CONTAINERS = ("address|article|aside|blockquote|center|details|dialog|dir|div|dl|fieldset|"
               "figcaption|figure|footer|form|header|hgroup|main|menu|nav|ol|section|summary|ul")
_CONTAINER_TAG = re.compile(rf"</?(?:{_CONTAINERS})\b[^>]*>", re.I)
# Any start tag's name (its leading letters and digits: "<div-x" counts as a div, which
# errs on the safe side of the bound below).
_START_NAME = re.compile(r"<([a-zA-Z][a-zA-Z0-9]*)")


def defuse(html: str) -> str:
    """The page with what would make parsing quadratic taken out (see the module's
    docstring); a page without it comes back unchanged."""
    if _SELECT.search(html):
        html = _SELECT.sub(rf"<\1{DEFUSED_SELECT}", html)
    # The work is at most (block start tags) x (start tags): the exact count, a Python
    # loop over the tags, is only needed when that bound is over the budget.
    blocks = sum(1 for name in _START_NAME.findall(html) if name.lower() in _BLOCKS)
    bound = blocks * (html.count("<") - html.count("</"))
    if bound > NESTING_WORK and nesting_work(html) > NESTING_WORK:
        html = _CONTAINER_TAG.sub(" ", html)
    return html


def nesting_work(html: str) -> int:
    """An estimate, in one pass over the tags, of the parser's stack scans: the sum of the
    open-element depths at every block start tag."""
    depth = work = 0
    for match in _TAG.finditer(html):
        if match.group(1):  # script or style: its text is not markup
            continue
        closing, name, self_closing = match.group(2), match.group(3).lower(), match.group(4)
        if closing:
            if name not in _NO_DEPTH and depth:
                depth -= 1
            continue
        if name in _BLOCKS:
            work += depth
        if name not in _NO_DEPTH and not self_closing:
            depth += 1
    return work
