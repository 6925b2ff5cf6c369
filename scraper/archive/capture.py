"""What a crawl or a fetch run archives, and in which order.

Article responses are held until their URL is settled and then written in settling order
(a crawl's fixed commit order, `scrape fetch`'s argument order), so that `scrape warc` over
the files, in name order, commits the records in the order the run did and names them the
same. Every other response (robots.txt, feeds, sitemaps, start pages) is written when it
arrives, marked `Scraper-Role: discovery`.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..net.exchange import Exchange
from .write import WarcWriter

DISCOVERY = "discovery"


class Capture:
    """The Fetcher's `on_exchange` hook for one run, writing into `writer`."""

    def __init__(self, writer: WarcWriter) -> None:
        self.writer = writer
        self._articles: set[str] = set()
        self._held: dict[str, list[Exchange]] = {}

    def expect(self, urls: Iterable[str]) -> None:
        """These URLs are articles: hold their responses until `settle`."""
        self._articles.update(urls)

    def __call__(self, exchange: Exchange) -> None:
        if exchange.url in self._articles:
            self._held.setdefault(exchange.url, []).append(exchange)
        else:
            self.writer.write(exchange, role=DISCOVERY)

    def settle(self, url: str) -> None:
        """Write what was fetched for `url` (before its outcome is committed)."""
        for exchange in self._held.pop(url, []):
            self.writer.write(exchange)
        self._articles.discard(url)

    def close(self) -> None:
        """Write what is still held (a run that stopped early) and finish the file."""
        for url in list(self._held):
            self.settle(url)
        self.writer.close()
