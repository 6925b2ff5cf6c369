"""`scrape clean`: scraped texts and saved pages into records."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator

import click

from ..config import PoolSettings
from ..errors import InputError, ScraperError
from ..extractor import Extractor
from ..html.signatures import document_keys
from ..lines.repeats import RepeatIndex
from ..record import Record
from ..run.pool import open_extraction
from ..run.store import RecordWriter
from .common import (
    EXIT_FAILED,
    EXIT_OK,
    STDIO,
    extractor_option,
    fail,
    format_option,
    jobs_option,
    output_option,
    print_records,
    repeats_option,
    warn,
    warnings_to,
)
from .inputs import Input, check_paths, count_inputs, folder_inputs, iter_inputs


@click.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@output_option
@format_option("clean")
@repeats_option
@jobs_option
@extractor_option
def clean(paths: tuple[str, ...], output: str, fmt: str, repeats: bool, jobs: int,
          extractor: Extractor) -> None:
    """Clean scraped texts into article records.

    PATH is a file, a folder (its .txt and .html files) or - for standard input. Records
    are printed (text records separated by a form-feed line) or, with -o, written to a
    folder. Several inputs are extracted by --jobs worker processes; records are still
    written in input order, so the output is the same for any number of jobs. Exit 0 when
    every input gave an article, 1 when some did not, 2 on usage errors.
    """
    try:
        check_paths(paths)
    except InputError as err:
        fail(str(err))
    writer = None
    if output != STDIO:
        try:
            writer = RecordWriter(output)
        except ScraperError as err:
            fail(str(err))
    # The inputs are read as they are extracted, never all held: a folder of millions of
    # dumps is read twice (its repetition index first), in bounded memory.
    indexes = _repeat_indexes(paths) if repeats else {}
    inputs = iter_inputs(paths)
    printed: list[Record] = []
    failed = written = duplicates = 0
    with warnings_to(warn):
        for item, result in _extracted(inputs, indexes, extractor, jobs, paths):
            if isinstance(item, InputError):
                warn(str(item))
                failed += 1
                continue
            try:
                if isinstance(result, ScraperError):
                    raise result
                if writer is None:
                    printed.append(result)
                    continue
                stored = writer.write(result, source_bytes=item.data)
            except ScraperError as err:
                warn(f"{item.name}: {err}")
                failed += 1
                continue
            if stored.status == "written":
                written += 1
            else:
                duplicates += 1
    if writer is None:
        print_records(printed, fmt)
    else:
        warn(f"{written} written, {duplicates} already there, {failed} failed -> {writer.folder}")
    sys.exit(EXIT_FAILED if failed else EXIT_OK)


def _extracted(inputs: Iterable[Input | InputError], indexes: dict[str | None, RepeatIndex],
               extractor: Extractor, jobs: int, paths: tuple[str, ...]
               ) -> Iterator[tuple[Input | InputError, Record | ScraperError]]:
    """Each input with its record or error, in input order: in this process for one job
    or one input, else by a pool of `jobs` worker processes."""
    if jobs <= 1 or count_inputs(paths) < 2:
        for item in inputs:
            if isinstance(item, InputError):
                yield item, item
                continue
            try:
                yield item, extractor.record_from_bytes(item.data, source=item.name,
                                                        repeats=indexes.get(item.group))
            except ScraperError as err:
                yield item, err
        return

    def submit(item: Input | InputError) -> object:
        if isinstance(item, InputError):
            return item
        return pool.submit_bytes(item.data, source=item.name, group=item.group)

    # No time limit here: the output must not depend on the number of jobs.
    with open_extraction(extractor, PoolSettings(jobs=jobs, page_timeout=None),
                         repeats=indexes) as pool:
        yield from pool.ordered(inputs, submit)


def _repeat_indexes(paths: tuple[str, ...]) -> dict[str | None, RepeatIndex]:
    """One repetition index per folder given on the command line (its text lines and its
    HTML pages' blocks), its files read one at a time (the index keeps key hashes and
    counts, not the pages)."""
    return {group: RepeatIndex(document_keys(item.data) for item in items)
            for group, items in folder_inputs(paths).items()}
