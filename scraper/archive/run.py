"""WARC files into records: each record's outcome, in file order, committed in that order.

The same functions serve `scrape warc` in one process, with `--jobs` worker processes,
and on each Dask worker (`scraper.archive.dask`): only how pages are extracted differs.

Outcomes: `written` / `duplicate` (a record, new or already in the folder); `skipped`
(not a page: not HTTP, a revisit, not HTML, an HTTP error status, a crawl's discovery
response); `empty` (an HTML page holding no article, or unreadable); `failed` (a damaged
record, a payload over the size limit, an extraction that failed or overran the time
limit). Only `failed` makes a run's exit code 1.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import BinaryIO

from ..errors import ArchiveError, InputError, NoArticleError, ScraperError
from ..net.urls import site_of
from ..record import Record
from ..run.pool import Extraction
from ..run.store import RecordWriter
from .read import Entry, Page, Skipped, read_warc

WarcSource = str | os.PathLike[str] | BinaryIO


@dataclass(frozen=True)
class WarcOutcome:
    """What became of one record (or damaged stretch) of a WARC file."""

    source: str                   # FILE@OFFSET
    url: str | None
    status: str                   # written, duplicate, skipped, empty, failed
    record: Record | None = None
    error: ScraperError | None = None
    file: str | None = None       # the record file, when written or a duplicate

    def line(self) -> str:
        """One line for the user: where, which URL, what happened."""
        if self.status in ("written", "duplicate"):
            return f"{self.file} {self.status}: {self.url}"
        message = str(self.error) if self.error else ""
        if message.startswith(self.source):      # the reader's messages name the place
            message = message[len(self.source):].lstrip(": ")
        where = f"{self.source} {self.url}" if self.url else self.source
        return f"{where}: {self.status}: {message}"


@dataclass
class WarcSummary:
    """Counts of a run over WARC files."""

    pages: int = 0        # HTML responses extracted
    written: int = 0
    duplicate: int = 0
    skipped: int = 0
    empty: int = 0
    failed: int = 0
    lines: list[str] = field(default_factory=list)   # kept only when asked (Dask partitions)

    def add(self, outcome: WarcOutcome) -> None:
        """Count one outcome."""
        setattr(self, outcome.status, getattr(self, outcome.status) + 1)

    def merge(self, other: WarcSummary) -> None:
        """Add another run's counts (a partition's)."""
        for name in ("pages", "written", "duplicate", "skipped", "empty", "failed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def line(self) -> str:
        """The one-line summary printed at the end of a run."""
        return (f"pages {self.pages}, written {self.written}, duplicate {self.duplicate}, "
                f"skipped {self.skipped}, empty {self.empty}, failed {self.failed}")


def page_problem(page: Page) -> ScraperError | None:
    """Why a response is not extracted (not a 2xx HTML page, or a crawl's discovery
    response), or None when it is an HTML page to extract."""
    if page.role:
        return InputError(f"a crawl's {page.role} response (robots.txt, feed, sitemap or "
                          "start page), not an article")
    if not 200 <= page.status < 300:
        return InputError(f"HTTP {page.status}")
    if not page.is_html:
        return InputError(f"not HTML ({page.content_type or 'no Content-Type'})")
    return None


def outcomes(entries: Iterable[Entry], extraction: Extraction) -> Iterator[WarcOutcome]:
    """The outcome of each entry, in order: HTML pages extracted by `extraction` (in this
    process or in its workers, with the repetition index of the page's site when the
    extraction has one), everything else settled at once. Records carry the URL
    (WARC-Target-URI) and `fetched` (WARC-Date)."""
    def submit(entry: Entry) -> Future[Record] | WarcOutcome:
        if isinstance(entry, Skipped):
            return WarcOutcome(entry.source, entry.url, "failed" if entry.failed else "skipped",
                               error=entry.error)
        problem = page_problem(entry)
        if problem is not None:
            return WarcOutcome(entry.source, entry.url, "skipped", error=problem)
        return extraction.submit_html(entry.body, url=entry.url, charset=entry.charset,
                                      group=site_of(entry.url))

    for entry, result in extraction.ordered(entries, submit):
        if isinstance(result, WarcOutcome):
            yield result
            continue
        assert isinstance(entry, Page)
        if isinstance(result, Record):
            yield WarcOutcome(entry.source, entry.url, "extracted",
                              record=dataclasses.replace(result, fetched=entry.fetched))
        elif isinstance(result, (NoArticleError, InputError)) and not isinstance(result, ArchiveError):
            yield WarcOutcome(entry.source, entry.url, "empty", error=result)
        else:
            yield WarcOutcome(entry.source, entry.url, "failed", error=result)


def run_warc(sources: Iterable[WarcSource | tuple[WarcSource, str]], extraction: Extraction,
             writer: RecordWriter | None, *, on_outcome: Callable[[WarcOutcome], None] | None = None,
             on_record: Callable[[Record], None] | None = None,
             span: tuple[int, int | None] = (0, None), max_bytes: int | None = None
             ) -> WarcSummary:
    """Extract every WARC file of `sources` (paths, or (file object, name) pairs) and
    commit the records in file order: written by `writer`, or handed to `on_record` when
    there is no writer. `on_outcome` hears of every outcome, in order; `span` limits
    reading to records starting in [start, stop) (a partition of one file). Raises
    ArchiveError when a file cannot be opened, OutputError when the folder cannot be
    written."""
    summary = WarcSummary()

    def entries() -> Iterator[Entry]:
        for source in sources:
            path, name = source if isinstance(source, tuple) else (source, None)
            try:
                yield from read_warc(path, name=name, start=span[0], stop=span[1],
                                     max_bytes=max_bytes)
            except ArchiveError as err:  # the file cannot be opened: that file's outcome
                yield Skipped(name or str(path), None, err, True)

    for outcome in outcomes(entries(), extraction):
        if outcome.status == "extracted":
            summary.pages += 1
            record = outcome.record
            assert record is not None  # an extracted outcome carries its record
            if writer is None:
                if on_record is not None:
                    on_record(record)
                outcome = dataclasses.replace(outcome, status="written")
            else:
                result = writer.write(record)
                outcome = dataclasses.replace(outcome, status=result.status, file=result.name)
        elif outcome.status == "empty":
            summary.pages += 1
        summary.add(outcome)
        if on_outcome is not None:
            on_outcome(outcome)
    return summary
