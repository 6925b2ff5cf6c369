"""Text dumps of HTML pages as a careless scraper makes them: all visible text, one block
per line, a blank line between blocks (the form of the corpora's `dirty.txt`)."""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser

from ..html.visible import BLOCK_TAGS
from ..text.decode import decode_bytes
from ..text.normalize import clean_line

# What a browser does not show: never part of a dump.
INVISIBLE = ("script", "style", "noscript", "template", "iframe", "svg", "object", "embed",
             "canvas", "select", "[hidden]", "[style*='display:none' i]",
             "[style*='display: none' i]", "[style*='visibility:hidden' i]")
# Elements that end a block of text: the shared block tags, and the cells, forms and
# controls a careless dump also breaks on; <br> ends a line.
BLOCKS = (*BLOCK_TAGS, "td", "th", "nav", "caption", "form", "fieldset", "legend", "br",
          "option", "label")
# Private-use character standing for a block boundary while the text is read out.
_BREAK = "\ue000"


def text_dump(page: bytes | str) -> str:
    """The page's visible text, one block (paragraph, heading, list item, cell) per line,
    blocks separated by a blank line; "" when it shows no text."""
    html = decode_bytes(page, html=True) if isinstance(page, bytes) else page
    tree = LexborHTMLParser(html.replace(_BREAK, " "))
    root = tree.body
    if root is None:
        return ""
    for node in root.css(", ".join(INVISIBLE)):
        node.decompose(recursive=False)
    for node in root.css("pre"):  # preformatted text keeps its line breaks
        lines = node.text(deep=True, separator="").split("\n")
        node.replace_with(_BREAK + _BREAK.join(lines) + _BREAK)
    for node in root.css(", ".join(BLOCKS)):
        node.insert_before(_BREAK)
        node.insert_after(_BREAK)
    text = root.text(deep=True, separator="")
    blocks = (clean_line(block) for block in text.split(_BREAK))
    return "\n\n".join(block for block in blocks if block)
