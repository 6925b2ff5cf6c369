"""The Extractor: rules and options loaded once, turning pages and texts into records.

    extractor = scraper.Extractor("rules/")          # or Extractor() for the bundled rules
    record = extractor.extract_html(page_bytes, url=url)
    record = extractor.clean_text(text, source="page.txt")
    record = extractor.record_from_bytes(data)       # HTML or text, told by content

An Extractor is immutable and holds no per-call state, so one instance can serve every
thread of a program. The module-level `extract_html`, `clean_text` and
`record_from_bytes` use one shared Extractor of the bundled rules, built on first use.
"""

from __future__ import annotations

import dataclasses
import os
import threading
from typing import Any

from .clean.pipeline import clean_text as _clean_text
from .config import ExtractOptions
from .errors import EmptyInputError
from .html.extract import extract_html as _extract_html
from .lines.repeats import RepeatIndex
from .model import Classifier, bundled
from .record import Record
from .rules.loader import load_rules
from .rules.site import Rules
from .text.decode import decode_bytes
from .text.sniff import looks_like_html


class Extractor:
    """Extracts records from HTML pages and cleans scraped texts with one set of rules.

    `rules` is a loaded `Rules`, a rules folder, or None for the bundled rules; RulesError
    when a folder or file is invalid. `block_model` is the block classifier of the generic
    HTML path and `line_model` the line classifier of the text cleaner (each a
    `scraper.model.Classifier`, e.g. `Classifier.load(path)`; default: the bundled ones,
    each read once per process); `region_model` decides the generic path's regions whole
    (teaser lists, comment sections: `scraper.html.regions`; default: the bundled one).
    ModelError when a bundled file is unreadable.
    """

    __slots__ = ("rules", "options", "block_model", "line_model", "region_model")
    rules: Rules
    options: ExtractOptions
    block_model: Classifier
    line_model: Classifier
    region_model: Classifier

    def __init__(self, rules: Rules | str | os.PathLike[str] | None = None, *,
                 options: ExtractOptions | None = None,
                 block_model: Classifier | None = None,
                 line_model: Classifier | None = None,
                 region_model: Classifier | None = None) -> None:
        loaded = rules if isinstance(rules, Rules) else load_rules(rules)
        object.__setattr__(self, "rules", loaded)
        object.__setattr__(self, "options", options or ExtractOptions())
        object.__setattr__(self, "block_model",
                           bundled("blocks") if block_model is None else block_model)
        object.__setattr__(self, "line_model",
                           bundled("lines") if line_model is None else line_model)
        object.__setattr__(self, "region_model",
                           bundled("regions") if region_model is None else region_model)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"Extractor is immutable (cannot set {name!r})")

    def __reduce__(self) -> tuple[Any, ...]:
        # Sent whole to worker processes: rebuilt through __init__ (slots are read-only).
        return (_rebuild, (self.rules, self.options, self.block_model, self.line_model,
                           self.region_model))

    def __repr__(self) -> str:
        return (f"Extractor(rules={str(self.rules.path)!r}, options={self.options!r}, "
                f"block_model={self.block_model.name!r}, line_model={self.line_model.name!r}, "
                f"region_model={self.region_model.name!r})")

    def extract_html(self, html: str | bytes, *, url: str | None = None,
                     charset: str | None = None, repeats: RepeatIndex | None = None) -> Record:
        """The article of an HTML page; `charset` is the HTTP header's, if known.

        `repeats` is an index of other pages of the same site (`RepeatIndex` of their
        `html.signatures.document_keys`): a block whose element path and text recur on half
        of them is the site's template and is dropped (on a quarter of them, at the edges
        of the article only), unless it is the page's only prose.

        Raises InputError subclasses for unreadable input (empty, binary, undecodable, too
        large) and NoArticleError when the page holds no article text.
        """
        return _extract_html(html, rules=self.rules, options=self.options,
                             model=self.block_model, region_model=self.region_model, url=url,
                             charset=charset, repeats=repeats)

    def clean_text(self, text: str | bytes, *, source: str | None = None, url: str | None = None,
                   repeats: RepeatIndex | None = None) -> Record:
        """The article of a scraped text dump (bytes are decoded first); `repeats` counts
        lines over other pages of the same site.

        Raises EmptyInputError for an empty or blank text (InputError subclasses for bytes
        that are not text) and NoArticleError when no article is found.
        """
        if isinstance(text, bytes):
            text = decode_bytes(text, name=source or url)
        elif not text.strip():
            raise EmptyInputError("empty input")
        return _clean_text(text, rules=self.rules, model=self.line_model, source=source, url=url,
                           repeats=repeats)

    def record_from_bytes(self, data: bytes, *, source: str | None = None,
                          url: str | None = None, charset: str | None = None,
                          repeats: RepeatIndex | None = None) -> Record:
        """A document's record: an HTML page (told by content, not by file name) is
        extracted, anything else decoded and cleaned as text.

        Raises InputError subclasses for empty, binary, undecodable or oversized input and
        NoArticleError when no article is found.
        """
        if looks_like_html(data):
            record = self.extract_html(data, url=url, charset=charset, repeats=repeats)
            return dataclasses.replace(record, source=source) if source else record
        text = decode_bytes(data, declared=charset, name=source or url)
        return self.clean_text(text, source=source, url=url, repeats=repeats)


def _rebuild(rules: Rules, options: ExtractOptions, block_model: Classifier,
             line_model: Classifier, region_model: Classifier) -> Extractor:
    return Extractor(rules, options=options, block_model=block_model, line_model=line_model,
                     region_model=region_model)


_DEFAULT: list[Extractor] = []
_DEFAULT_LOCK = threading.Lock()


def default_extractor() -> Extractor:
    """The shared Extractor of the bundled rules, built once, on first use."""
    if not _DEFAULT:
        with _DEFAULT_LOCK:
            if not _DEFAULT:
                _DEFAULT.append(Extractor())
    return _DEFAULT[0]


def _extractor(rules: Rules | None) -> Extractor:
    return default_extractor() if rules is None else Extractor(rules)


def extract_html(html: str | bytes, *, url: str | None = None, charset: str | None = None,
                 repeats: RepeatIndex | None = None, rules: Rules | None = None) -> Record:
    """`Extractor.extract_html` with the given rules, or the shared default Extractor."""
    return _extractor(rules).extract_html(html, url=url, charset=charset, repeats=repeats)


def clean_text(text: str | bytes, *, source: str | None = None, url: str | None = None,
               repeats: RepeatIndex | None = None, rules: Rules | None = None) -> Record:
    """`Extractor.clean_text` with the given rules, or the shared default Extractor."""
    return _extractor(rules).clean_text(text, source=source, url=url, repeats=repeats)


def record_from_bytes(data: bytes, *, source: str | None = None, url: str | None = None,
                      charset: str | None = None, repeats: RepeatIndex | None = None,
                      rules: Rules | None = None) -> Record:
    """`Extractor.record_from_bytes` with the given rules, or the shared default Extractor."""
    return _extractor(rules).record_from_bytes(data, source=source, url=url, charset=charset,
                                               repeats=repeats)
