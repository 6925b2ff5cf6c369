"""The clean article record: the toolkit's unit of output."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Record:
    """A clean article: headline, body paragraphs and what is known about it."""

    title: str
    paragraphs: tuple[str, ...] = field(default_factory=tuple)
    url: str | None = None
    source: str | None = None
    site: str | None = None
    author: str | None = None
    published: str | None = None
    language: str | None = None
    rule: str = "generic"
    # When the page was captured: a WARC record's WARC-Date; None for files and live
    # fetches. `published` stays the page's own date.
    fetched: str | None = None

    def __post_init__(self) -> None:
        # Accept any sequence for paragraphs but store a tuple, so records stay hashable.
        if not isinstance(self.paragraphs, tuple):
            object.__setattr__(self, "paragraphs", tuple(self.paragraphs))

    def to_text(self) -> str:
        """The seed form: headline, blank line, paragraphs separated by blank lines."""
        return "\n\n".join((self.title, *self.paragraphs)) + "\n"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping of every field, with `text` (the seed form) and its hash."""
        data = dataclasses.asdict(self)
        data["paragraphs"] = list(self.paragraphs)
        data["text"] = self.to_text()
        data["text_sha256"] = self.text_hash()
        return data

    def to_json(self) -> str:
        """`to_dict()` as one line of JSON (UTF-8 characters kept as is)."""
        return json.dumps(self.to_dict(), ensure_ascii=False)

    def text_hash(self) -> str:
        """SHA-256 of the seed form: equal text, equal hash."""
        return hashlib.sha256(self.to_text().encode("utf-8")).hexdigest()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Record:
        """Rebuild a record from `to_dict()` output (extra keys are ignored)."""
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})
