"""The repetition indexes of a WARC run: one per site (host) with enough pages, built in a
first pass over the files, so each page is extracted knowing its site's template.

The pass is bounded: at most MAX_SITE_PAGES pages of a site and MAX_INDEXED_PAGES in all
are read into indexes (the first ones in file order), and an index keeps 8-byte hashes,
so memory stays small however large the files are.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from ..errors import ArchiveError
from ..html.signatures import document_keys
from ..lines.repeats import MIN_PAGES, PageKeys, RepeatIndex
from ..net.urls import site_of
from .read import Page, read_warc
from .run import WarcSource, page_problem

MAX_SITE_PAGES = 200      # a site's template shows on far fewer of its pages
MAX_INDEXED_PAGES = 5000  # in all, over every site of the run


def site_indexes(sources: Iterable[WarcSource | tuple[WarcSource, str]], *,
                 max_bytes: int | None = None) -> dict[str | None, RepeatIndex]:
    """Site (the URL's host without `www.`, as `run.outcomes` groups pages) -> the
    RepeatIndex of its HTML pages in `sources`, for the sites with at least MIN_PAGES pages. A file that cannot be read contributes nothing (the run
    itself reports it); a file object is read from where it is and put back there."""
    pages: dict[str, list[PageKeys]] = defaultdict(list)
    indexed = 0
    for source in sources:
        path, name = source if isinstance(source, tuple) else (source, None)
        at = path.tell() if hasattr(path, "tell") else None
        try:
            for entry in read_warc(path, name=name, max_bytes=max_bytes):
                if indexed >= MAX_INDEXED_PAGES:
                    break
                if not isinstance(entry, Page) or page_problem(entry) is not None:
                    continue
                site = site_of(entry.url)
                if site is None or len(pages[site]) >= MAX_SITE_PAGES:
                    continue
                pages[site].append(document_keys(entry.body))
                indexed += 1
        except ArchiveError:
            pass
        finally:
            if at is not None:
                path.seek(at)  # type: ignore[union-attr]
    return {site: RepeatIndex(keys) for site, keys in pages.items() if len(keys) >= MIN_PAGES}

