"""HTML page to Record (first version: trafilatura main text and metadata)."""

from __future__ import annotations

import trafilatura

from .decode import decode_bytes
from .errors import NoArticleError
from .record import Record
from .rules import Rules, load_rules
from .urls import site_of


def extract_html(html: str | bytes, *, url: str | None = None, rules: Rules | None = None,
                 charset: str | None = None) -> Record:
    """Extract the article of an HTML page; `charset` is the HTTP header's, if known.

    Raises InputError subclasses for unreadable input and NoArticleError when the page
    holds no article.
    """
    rules = rules if rules is not None else load_rules()
    text = decode_bytes(html, declared=charset, html=True) if isinstance(html, bytes) else html
    doc = trafilatura.bare_extraction(text, url=url, with_metadata=True, as_dict=True)
    if not doc or not (doc.get("text") or "").strip():
        raise NoArticleError("no article text found in the page")
    paragraphs = [p.strip() for p in doc["text"].splitlines() if p.strip()]
    title = (doc.get("title") or "").strip() or paragraphs.pop(0)
    return Record(title=title, paragraphs=tuple(paragraphs), url=url, source=url,
                  site=doc.get("sitename") or site_of(url), author=doc.get("author"),
                  published=doc.get("date"), language=doc.get("language"), rule="generic")
