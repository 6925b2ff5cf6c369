"""`scrape warc`: the HTML responses of WARC files into records."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import click

from ..archive.read import stdin_spool, warc_files
from ..archive.repeats import site_indexes
from ..archive.run import WarcOutcome, WarcSource, WarcSummary, run_warc
from ..config import PoolSettings
from ..errors import ClusterError, LockedError, ScraperError
from ..extractor import Extractor
from ..record import Record
from ..run.lock import output_lock
from ..run.pool import open_extraction
from ..run.store import RecordWriter
from .common import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_LOCKED,
    EXIT_OK,
    EXIT_USAGE,
    STDIO,
    extractor_option,
    fail,
    format_option,
    jobs_option,
    output_option,
    page_timeout_option,
    print_records,
    repeats_option,
    warn,
)


@click.command("warc", short_help="Extract the HTML pages of WARC files into records.")
@click.argument("paths", nargs=-1, required=True, metavar="FILE...")
@output_option
@format_option("warc")
@jobs_option
@page_timeout_option
@repeats_option
@click.option("--dask", "dask_address", metavar="[ADDRESS]", is_flag=False, flag_value="local",
              help="Run on a Dask cluster (scheduler address, e.g. tcp://host:8786); with no "
                   "address, or 'local', on a LocalCluster of --jobs workers (a bare --dask "
                   "goes last or before another option, else the next word is its address). "
                   "Needs scraper[dask] and -o DIR on storage the workers share.")
@extractor_option
def warc_command(paths: tuple[str, ...], output: str, fmt: str, jobs: int,
                 page_timeout: float | None, repeats: bool, dask_address: str | None,
                 extractor: Extractor) -> None:
    """Extract the HTML responses of WARC files (.warc, .warc.gz; a folder: its WARC
    files; - reads standard input) and print the records or, with -o, write them as
    `scrape clean -o` does. The URL is the WARC-Target-URI; the capture date (WARC-Date)
    goes into the record's `fetched` field, `published` stays the page's own date.

    The pages of one site (host) are cleaned together: a first pass over the files counts
    the blocks and lines that recur on many of a site's pages (its first pages, up to a
    bound), and the extraction drops them (--no-repeats: not; nor with --dask).

    Every record that gives no record is reported on one line (damaged or truncated
    records, bad gzip members, payloads over the size limit, revisits, responses that are
    not HTTP or not HTML, pages with no article, extractions over --page-timeout) and the
    run goes on; it ends with a summary line on stderr.

    With -o DIR the run holds the folder's lock (as `scrape crawl` does): a second run
    on the same folder exits 3.

    Exit codes: 0 done (records that are not pages are only reported); 1 some record was
    damaged or its extraction failed, or the Dask cluster lost its workers; 2 usage error;
    3 another run is writing to the folder.
    """
    sources: list[WarcSource | tuple[WarcSource, str]] = []
    for path in paths:
        if path == STDIO:
            sources.append((stdin_spool(sys.stdin.buffer), "<stdin>"))
        elif Path(path).is_dir():
            found = warc_files(Path(path))
            if not found:
                fail(f"{path}: no .warc or .warc.gz files in this folder")
            sources.extend(found)
        elif Path(path).exists():
            sources.append(Path(path))
        else:
            fail(f"{path}: no such file or folder")
    settings = PoolSettings(jobs=jobs, page_timeout=page_timeout)
    if dask_address is not None:
        _run_dask(dask_address, sources, output, settings, extractor)
        return
    printed: list[Record] = []
    try:
        # One run per folder, as a crawl: two would each write every record.
        with _folder_lock(output):
            writer = RecordWriter(output) if output != STDIO else None
            indexes = (site_indexes(sources, max_bytes=extractor.options.max_page_bytes)
                       if repeats else {})
            with open_extraction(extractor, settings, repeats=indexes) as extraction:
                summary = run_warc(sources, extraction, writer, on_outcome=_report,
                                   on_record=printed.append,
                                   max_bytes=extractor.options.max_page_bytes)
    except LockedError as err:
        fail(f"{err}; exiting", EXIT_LOCKED)
    except ScraperError as err:
        fail(str(err))
    except KeyboardInterrupt:
        fail("interrupted", EXIT_INTERRUPTED)
    if writer is None:
        print_records(printed, fmt)
    _finish(summary, writer.folder if writer else None)


def _folder_lock(output: str) -> contextlib.AbstractContextManager[object]:
    return contextlib.nullcontext() if output == STDIO else output_lock(output)


def _report(outcome: WarcOutcome) -> None:
    if outcome.status not in ("written", "duplicate"):
        warn(outcome.line())


def _finish(summary: WarcSummary, folder: Path | None) -> None:
    warn(summary.line() + (f" -> {folder}" if folder else ""))
    sys.exit(EXIT_FAILED if summary.failed else EXIT_OK)


def _run_dask(address: str, sources: list[WarcSource | tuple[WarcSource, str]], output: str,
              settings: PoolSettings, extractor: Extractor) -> None:
    try:
        from ..archive import dask as distributed

    except ImportError as err:
        fail(f"--dask needs the dask extra: pip install 'scraper[dask]' ({err.name} is missing)",
             EXIT_USAGE)
    if output == STDIO:
        fail("--dask writes records into a folder: give -o DIR (on storage the workers share)")
    paths = [s for s in sources if isinstance(s, Path)]
    if len(paths) != len(sources):
        fail("--dask reads WARC files by name; standard input cannot be shared with workers")
    try:
        summary = distributed.run_warc_dask(paths, Path(output), extractor=extractor,
                                            settings=settings, address=address,
                                            on_line=warn)
    except LockedError as err:
        fail(f"{err}; exiting", EXIT_LOCKED)
    except ClusterError as err:
        fail(str(err), EXIT_FAILED)
    except ScraperError as err:
        fail(str(err))
    except KeyboardInterrupt:
        fail("interrupted", EXIT_INTERRUPTED)
    _finish(summary, Path(output))
