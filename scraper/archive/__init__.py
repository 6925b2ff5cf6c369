"""WARC archives: reading pages out of them (`read`), extracting their records (`run`),
and writing what a crawl fetched into them (`write`)."""

from .read import Page, Skipped, iter_warc, read_warc

__all__ = ["Page", "Skipped", "iter_warc", "read_warc"]
