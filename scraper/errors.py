"""The exception tree: every error the toolkit raises on purpose derives from ScraperError.

ScraperError
├── InputError            the input cannot be read as a page or text
│   ├── EmptyInputError   empty, or only whitespace
│   ├── BinaryInputError  not text (NUL bytes, a PDF or an image)
│   ├── DecodeError       bytes that no encoding explains
│   └── PageTooLargeError a page above the size limit, refused unread
├── NoArticleError        the input was read, but holds no article
├── RulesError            a rule file or the lexicon is invalid (names file and key)
│   └── ModelError        a model file is missing or invalid (names the file)
├── OutputError           a record could not be written
└── FetchError            a URL could not be fetched (status, reason)
    └── RobotsBlocked     robots.txt forbids the URL (defined in scraper.fetch)
"""

from __future__ import annotations


class ScraperError(Exception):
    """Base class of every error the toolkit raises on purpose.

    `str(err)` is a one-line message fit to show a user as is.
    """


class InputError(ScraperError):
    """The input cannot be read as a page or a text."""


class EmptyInputError(InputError):
    """The input is empty or holds only whitespace."""


class BinaryInputError(InputError):
    """The input is binary data (NUL bytes, a PDF, an image), not text."""


class DecodeError(InputError):
    """The input's bytes could not be decoded as text in any likely encoding."""


class PageTooLargeError(InputError):
    """The page is larger than the extractor accepts (memory stays bounded)."""


class NoArticleError(ScraperError):
    """The input was read but no article text was found in it."""


class RulesError(ScraperError):
    """A rule file or the lexicon is invalid; the message names the file and key."""


class ModelError(RulesError):
    """A model file is missing, unreadable or not a valid model; the message names it."""


class OutputError(ScraperError):
    """A record could not be written."""


class FetchError(ScraperError):
    """A URL could not be fetched."""

    def __init__(self, url: str, reason: str, *, status: int | None = None) -> None:
        self.url = url
        self.reason = reason
        self.status = status
        super().__init__(f"{url}: {reason}")
