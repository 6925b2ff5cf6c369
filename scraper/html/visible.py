"""The text a reader sees in an element: scripts, styles and templates left out, and, for
block text, one line per paragraph-level element."""

from __future__ import annotations

from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ..text.normalize import clean_line

# Elements whose content is never visible text.
HIDDEN_TAGS = frozenset({"script", "style", "noscript", "template"})
_HIDDEN_QUERY = ", ".join(sorted(HIDDEN_TAGS))
# Removed before block text is taken: they hold no text a reader sees.
_NOT_TEXT = ("script", "style", "noscript", "template", "iframe", "svg")
# Elements that end a line of text (a <br> too).
BLOCK_TAGS = ("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "tr",
              "figure", "figcaption", "section", "article", "header", "footer", "ul", "ol",
              "table", "dd", "dt", "dl", "address", "details", "summary", "main", "aside", "hr")
_BLOCK_QUERY = ",".join(BLOCK_TAGS)


def visible_text(node: Any) -> str | None:
    """An element's text on one line, without what scripts, styles and templates in it hold."""
    if node is None:
        return None
    if node.css_first(_HIDDEN_QUERY) is not None:
        copy = LexborHTMLParser(node.html or "")
        copy.strip_tags(sorted(HIDDEN_TAGS), recursive=True)
        node = copy.body if copy.body is not None else copy.root
        if node is None:
            return None
    return node.text(deep=True, separator=" ", strip=True)


def block_lines(node: LexborNode) -> tuple[str, ...]:
    """The text of an element, one line per block (paragraph, heading, list item...)."""
    copy = LexborHTMLParser(node.html or "")
    copy.strip_tags(list(_NOT_TEXT), recursive=True)
    root = copy.body if copy.body is not None else copy.root
    if root is None:
        return ()
    for br in root.css("br"):
        br.insert_after("\n")
    for block in root.css(_BLOCK_QUERY):
        block.insert_before("\n")
        block.insert_after("\n")
    text = root.text(deep=True, separator="")
    return tuple(line for line in (clean_line(raw) for raw in text.split("\n")) if line)
