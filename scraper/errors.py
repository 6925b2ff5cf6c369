"""The exception tree: every error the toolkit raises on purpose is a ScraperError.

ScraperError                  str(err) is one line fit to show a user as is
├── InputError                the input cannot be read as a page or text
│   ├── EmptyInputError       empty, or only whitespace
│   ├── BinaryInputError      not text (NUL bytes, a PDF or an image)
│   ├── DecodeError           bytes that no encoding explains
│   ├── PageTooLargeError     a page above the Extractor's size limits, refused unread
│   └── ArchiveError          a WARC file or record is damaged (truncated, bad gzip member)
├── NoArticleError            the input was read, but holds no article
├── ExtractTimeout            a page's extraction overran the time limit and was abandoned
├── RulesError                a rule file or the lexicon is invalid (names file and key)
│   └── ModelError            a model file is missing or invalid (names the file)
├── OutputError               a record or the records index cannot be written (names the path)
├── StateError                the crawl state cannot be opened, read or written (names the file)
├── CacheError                the HTTP cache folder cannot be created or written (names it)
├── LockedError               another crawl holds the state's or the output folder's lock
└── FetchError                a URL could not be fetched (`url`, `reason`, `status`)
    ├── RobotsBlocked         robots.txt forbids the URL
    ├── AddressBlocked        its host (or a redirect's) is at a private address nobody named
    └── OffsiteError          it (or a redirect) leaves the crawl's hosts (`target`)

Warnings (not raised: issued with `warnings.warn`, so a caller may filter or record them):

ScraperWarning
└── DecodeWarning             some undecodable bytes were replaced with U+FFFD (says how many)

Operating-system and SQLite errors never escape the library's entry points bare: they are
wrapped in the error of the stage they concern, with the path in the message.
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
    """The page is larger than the extractor accepts (memory and time stay bounded)."""


class ArchiveError(InputError):
    """A WARC file or one of its records cannot be read: truncated, a bad gzip member,
    a malformed header block or HTTP message; the message names the file and offset."""


class NoArticleError(ScraperError):
    """The input was read but no article text was found in it."""


class ExtractTimeout(ScraperError):
    """A page's extraction took longer than the per-page time limit; the worker process
    doing it was killed and replaced, and the run went on."""


class RulesError(ScraperError):
    """A rule file or the lexicon is invalid; the message names the file and key."""


class ModelError(RulesError):
    """A model file is missing, unreadable or not a valid model; the message names it."""


class OutputError(ScraperError):
    """A record, or the folder's records index, could not be written."""


class StateError(ScraperError):
    """The crawl state database could not be opened, read or written."""


class CacheError(ScraperError):
    """The HTTP cache folder cannot be created or written."""


class LockedError(ScraperError):
    """Another crawl holds the lock on the state or on the output folder."""


class FetchError(ScraperError):
    """A URL could not be fetched; `reason` says why in a few words."""

    def __init__(self, url: str, reason: str, *, status: int | None = None) -> None:
        self.url = url
        self.reason = reason
        self.status = status
        super().__init__(f"{url}: {reason}")


class RobotsBlocked(FetchError):
    """robots.txt disallows the URL for our user agent (final: not retried)."""


class AddressBlocked(FetchError):
    """The URL's host, or the host a redirect leads to, resolves to a loopback, private,
    link-local, unique-local or unspecified address and was not named by the user (a
    command-line URL, a rule's domains or crawl URLs): nothing was sent (final). `host` and
    `address` say which (the guard under the fetcher raises it with the host as `url`; the
    fetcher raises it again for the URL asked)."""

    def __init__(self, url: str, reason: str, *, host: str = "", address: str = "") -> None:
        self.host, self.address = host, address
        super().__init__(url, reason)


class OffsiteError(FetchError):
    """The URL, or a redirect on the way, leads to `target`, a host outside the crawl's
    scope (its rule's domains and crawl hosts): not fetched (final)."""

    def __init__(self, url: str, target: str) -> None:
        self.target = target
        where = "" if target == url else f"redirected to {target}: "
        super().__init__(url, f"{where}offsite: not one of the site's hosts")


class ScraperWarning(UserWarning):
    """Base class of the warnings the toolkit issues (input it could read, but not all of)."""


class DecodeWarning(ScraperWarning):
    """Some bytes of the input could not be decoded and were replaced with U+FFFD."""


def os_reason(err: OSError) -> str:
    """An operating-system error in a few words ("Permission denied"), without the errno
    and path that `str(err)` adds (messages name the path themselves)."""
    return err.strerror or str(err) or type(err).__name__
