"""Telling an HTML page from plain text by its content, whatever the file is called."""

from __future__ import annotations

import re

from .decode import bom_encoding

_HEAD = 4096
_LATER = 65536
# A document that opens (after a BOM, an XML declaration, comments and blanks) with one of
# these tags is HTML.
_OPENING = re.compile(r"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*"
                      r"<(?:!doctype\s+html|html|head|body|meta|title|link|base|style|script)\b", re.S)
# Otherwise, markup making up much of the start says HTML (a saved fragment, a page with
# junk first); a text quoting a few tags (a tutorial) stays text.
_TAG = re.compile(r"</?(?:p|div|br|span|a|li|ul|h[1-6]|table|tr|td|script|style|meta|link|"
                  r"article|section|header|footer|nav|img|body|html)\b[^>]{0,500}>")
MIN_TAGS = 12
MIN_MARKUP_SHARE = 0.3


def looks_like_html(data: bytes | str) -> bool:
    """True when the start of a document is HTML markup rather than text."""
    if isinstance(data, bytes):
        head = data[:_HEAD]
        marked = bom_encoding(head)
        if marked is not None:
            encoding, skip = marked
            text = head[skip:].decode(encoding, "ignore")
        else:
            text = head.decode("latin-1")
    else:
        text = data[:_HEAD].lstrip("\ufeff")
    text = text.lower()
    if _OPENING.match(text):
        return True
    if isinstance(data, bytes) and text.lstrip().startswith("<"):  # server warnings first
        later = data[:_LATER].lower()
        if b"<!doctype html" in later or (b"<html" in later and b"</head>" in later):
            return True
    tags = _TAG.findall(text)
    return len(tags) >= MIN_TAGS and sum(map(len, tags)) >= MIN_MARKUP_SHARE * len(text)
