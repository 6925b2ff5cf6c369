"""What the `scrape` commands share: exit codes, the one-line error printer, the --rules
option (which hands a command its Extractor), the fetch options (which hand it its
FetchSettings, defaults read from FetchSettings itself) and the record output formats."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import json
import sys
import warnings
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from ..config import DECODED_FACTOR, ArchiveSettings, FetchSettings, PoolSettings
from ..errors import ScraperError, ScraperWarning
from ..extractor import Extractor
from ..record import Record

# One set of exit codes for every command.
EXIT_OK = 0            # every input (URL, file) gave a record; nothing failed
EXIT_FAILED = 1        # some input gave no record or failed; the rest was done
EXIT_USAGE = 2         # usage or configuration error; an output, state or cache unusable
EXIT_LOCKED = 3        # another crawl holds a lock; nothing was done
EXIT_INTERRUPTED = 130  # Ctrl-C; a crawl resumes on its next run

STDIO = "-"
FORMATS = ("text", "json", "jsonl")
# Between records printed as text: a form feed on a line of its own, as `pr` does.
RECORD_SEPARATOR = "\f\n"
DEFAULT_CACHE = Path("cache")
DEFAULT_FETCH = FetchSettings()
DEFAULT_POOL = PoolSettings()
DEFAULT_ARCHIVE = ArchiveSettings()

F = TypeVar("F", bound=Callable[..., Any])


def warn(message: str) -> None:
    """One line on stderr, prefixed with the program name."""
    click.echo(f"scrape: {message}", err=True)


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    """Say what went wrong in one line on stderr and exit with `code`."""
    warn(message)
    sys.exit(code)


@contextlib.contextmanager
def warnings_to(sink: Callable[[str], None]) -> Iterator[None]:
    """Within the block, each warning the library issues (e.g. undecodable bytes replaced)
    goes to `sink` as one line, never as Python's two-line warning print-out."""
    def show(message: Warning | str, category: type[Warning], *args: Any, **kwargs: Any) -> None:
        sink(f"warning: {message}")

    with warnings.catch_warnings():
        warnings.simplefilter("always", ScraperWarning)
        warnings.showwarning = show
        yield


def open_extractor(rules_dir: str | None) -> Extractor:
    """The Extractor of a rules folder (None: the bundled rules); an invalid rule file
    ends the command with one line and exit 2."""
    try:
        return Extractor(rules_dir)
    except ScraperError as err:
        fail(str(err))


def extractor_option(func: F) -> F:
    """The --rules option every command shares; the command gets `extractor: Extractor`."""
    @functools.wraps(func)
    def command(*args: Any, rules_dir: str | None, **kwargs: Any) -> Any:
        return func(*args, extractor=open_extractor(rules_dir), **kwargs)

    return click.option(  # type: ignore[return-value]
        "--rules", "rules_dir", envvar="SCRAPE_RULES", metavar="DIR",
        type=click.Path(file_okay=False, exists=True),
        help="Rules folder (lexicon and site rules); default: the bundled rules.",
    )(command)


def output_option(func: F) -> F:
    """-o/--output DIR, or - (the default) to print."""
    return click.option(
        "-o", "--output", metavar="DIR", default=STDIO, show_default=True,
        help="Write records into DIR (NNN_<hash>.txt and records.jsonl); - prints them.",
    )(func)


def repeats_option(func: F) -> F:
    """--repeats/--no-repeats: clean one site's pages together (also SCRAPE_<COMMAND>_REPEATS)."""
    return click.option(
        "--repeats/--no-repeats", default=True, show_default=True,
        help="Drop what recurs on many pages of one site (a folder's pages; a WARC's pages "
             "of one host): text lines, and HTML blocks with the same element path and text.",
    )(func)


def format_option(command: str) -> Callable[[F], F]:
    """-f/--format: how printed records look (also SCRAPE_<COMMAND>_FORMAT)."""
    return click.option(
        "-f", "--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
        envvar=f"SCRAPE_{command.upper()}_FORMAT",
        help="How records are printed: seed-form text, JSON or JSON lines.",
    )


def jobs_option(func: F) -> F:
    """-j/--jobs N: extraction worker processes (default: the machine's cores)."""
    return click.option(
        "-j", "--jobs", type=click.IntRange(min=1), default=DEFAULT_POOL.jobs,
        show_default=True,
        help="Extraction worker processes (default: this machine's cores); the output is "
             "the same for any number.",
    )(func)


def page_timeout_option(func: F) -> F:
    """--page-timeout SECONDS: the per-page extraction time limit; the command gets
    `page_timeout: float | None` (0 on the command line: no limit)."""
    @functools.wraps(func)
    def command(*args: Any, page_timeout: float, **kwargs: Any) -> Any:
        return func(*args, page_timeout=page_timeout or None, **kwargs)

    return click.option(  # type: ignore[return-value]
        "--page-timeout", type=click.FloatRange(min=0), metavar="SECONDS",
        default=DEFAULT_POOL.page_timeout or 0, show_default=True,
        help="A page whose extraction takes longer is abandoned (its worker process "
             "killed and replaced) and reported; 0: no limit.",
    )(command)


def warc_options(func: F) -> F:
    """--warc DIR and --warc-size BYTES: archive every response fetched; the command gets
    `warc_dir: Path | None` and `archive: ArchiveSettings`."""
    @functools.wraps(func)
    def command(*args: Any, warc_size: int, **kwargs: Any) -> Any:
        return func(*args, archive=ArchiveSettings(max_file_bytes=warc_size), **kwargs)

    command = click.option(
        "--warc-size", type=click.IntRange(min=1024), metavar="BYTES",
        default=DEFAULT_ARCHIVE.max_file_bytes, show_default=True,
        help="Start a new WARC file once one holds this many (compressed) bytes.")(command)
    return click.option(  # type: ignore[return-value]
        "--warc", "warc_dir", type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
        help="Archive every response fetched (request and response records) into WARC "
             "files in DIR, for `scrape warc` to re-extract without the network.")(command)


def fetch_options(func: F) -> F:
    """The options of every command that fetches (defaults from FetchSettings); the
    command gets `settings: FetchSettings` and `cache_dir: Path` (the cache folder, named
    even with --no-cache, for what else lives there)."""
    @functools.wraps(func)
    def command(*args: Any, cache_dir: Path, no_cache: bool, offline: bool, user_agent: str,
                delay: float, concurrency: int, timeout: float | None, max_bytes: int,
                retries: int, allow_private: bool, **kwargs: Any) -> Any:
        if no_cache and offline:
            raise click.UsageError("--offline needs the cache; drop --no-cache")
        settings = FetchSettings(
            user_agent=user_agent, delay=delay, concurrency=concurrency,
            max_attempts=retries + 1, max_bytes=max_bytes,
            cache_dir=None if no_cache else cache_dir, offline=offline,
            allow_private=allow_private)
        if timeout is not None:  # else each timeout keeps FetchSettings' own default
            settings = dataclasses.replace(settings, connect_timeout=timeout,
                                           read_timeout=timeout)
        return func(*args, settings=settings, cache_dir=cache_dir, **kwargs)

    d = DEFAULT_FETCH
    options = [
        click.option("--cache", "cache_dir", type=click.Path(file_okay=False, path_type=Path),
                     default=DEFAULT_CACHE, show_default=True,
                     help="HTTP cache (and default crawl state) folder."),
        click.option("--no-cache", is_flag=True, help="Neither read nor store the HTTP cache."),
        click.option("--offline", is_flag=True, help="Answer from the cache only; no network."),
        click.option("--user-agent", default=d.user_agent, show_default=True,
                     help="User-Agent header; its first word is the robots.txt token."),
        click.option("--delay", type=click.FloatRange(min=0), default=d.delay, show_default=True,
                     help="Seconds between requests to one host (a rule's crawl.delay wins; "
                          "robots.txt Crawl-delay can lengthen it)."),
        click.option("--concurrency", type=click.IntRange(min=1), default=d.concurrency,
                     show_default=True,
                     help="Requests in flight over all hosts (one per host at a time)."),
        click.option("--timeout", type=click.FloatRange(min=0.1), metavar="SECONDS",
                     help=f"Connect and read timeout, seconds (default: {d.connect_timeout:g} "
                          f"to connect, {d.read_timeout:g} to read)."),
        click.option("--max-bytes", type=click.IntRange(min=1024), default=d.max_bytes,
                     show_default=True,
                     help=f"Largest body accepted (decompressed: {DECODED_FACTOR} times that)."),
        click.option("--retries", type=click.IntRange(min=0), default=d.max_attempts - 1,
                     show_default=True,
                     help="Retries of a request after a timeout, connection error, 429 or 5xx."),
        click.option("--allow-private", is_flag=True, default=d.allow_private,
                     help="Also connect to loopback, private and link-local addresses of hosts "
                          "nobody named (for testing against local servers); named hosts "
                          "(URLs given, rules' domains and crawl URLs) always may."),
    ]
    for option in reversed(options):
        command = option(command)
    return command  # type: ignore[return-value]


def print_records(records: Sequence[Record], fmt: str) -> None:
    """Print records on stdout: seed-form text, one JSON document, or JSON lines."""
    if fmt == "text":
        click.echo(RECORD_SEPARATOR.join(r.to_text() for r in records), nl=False)
    elif fmt == "jsonl":
        for record in records:
            click.echo(record.to_json())
    elif len(records) == 1:
        click.echo(json.dumps(records[0].to_dict(), ensure_ascii=False, indent=2))
    elif records:
        click.echo(json.dumps([r.to_dict() for r in records], ensure_ascii=False, indent=2))
