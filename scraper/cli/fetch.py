"""`scrape fetch`: URLs fetched, extracted, and printed or written as records."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..config import ArchiveSettings, FetchSettings
from ..crawl.fetch import PageStatus, fetch_pages
from ..errors import ScraperError
from ..extractor import Extractor
from ..record import Record
from ..run.store import RecordWriter
from .common import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    STDIO,
    extractor_option,
    fail,
    fetch_options,
    format_option,
    output_option,
    print_records,
    warc_options,
    warn,
    warnings_to,
)


@click.command("fetch", short_help="Fetch URLs and print or write their records.")
@click.argument("urls", nargs=-1, required=True, metavar="URL...")
@output_option
@format_option("fetch")
@warc_options
@fetch_options
@extractor_option
def fetch_command(urls: tuple[str, ...], output: str, fmt: str, warc_dir: Path | None,
                  archive: ArchiveSettings, settings: FetchSettings, cache_dir: Path,
                  extractor: Extractor) -> None:
    """Fetch URLs (- reads them from stdin, one a line), extract, and print or write records.

    Exit codes: 0 every URL gave a record; 1 some URL failed or held no article (one line
    each on stderr); 2 usage or configuration error.
    """
    wanted: list[str] = []
    for url in urls:
        if url == STDIO:
            wanted += [line.strip() for line in sys.stdin if line.strip()]
        else:
            wanted.append(url)
    try:
        writer = RecordWriter(output) if output != STDIO else None
        with warnings_to(warn):
            outcomes = fetch_pages(wanted, extractor=extractor, settings=settings,
                                   warc_dir=warc_dir, archive=archive)
    except ScraperError as err:
        fail(str(err))
    except KeyboardInterrupt:
        fail("interrupted", EXIT_INTERRUPTED)
    code = EXIT_OK
    records: list[Record] = []
    for outcome in outcomes:
        if outcome.status is not PageStatus.OK or outcome.record is None:
            warn(f"{outcome.url}: {outcome.reason}")
            code = EXIT_FAILED
            continue
        records.append(outcome.record)
        if writer is not None:
            try:
                result = writer.write(outcome.record)
            except ScraperError as err:
                fail(str(err))
            warn(f"{result.name} {result.status}: {outcome.url}")
    if writer is None:
        print_records(records, fmt)
    sys.exit(code)
