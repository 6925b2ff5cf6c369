"""The `scrape fetch` and `scrape crawl` commands (wired into the `scrape` group in cli.py)."""

from __future__ import annotations

import json
import logging
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

import click

from .cli_common import print_records, rules_option
from .crawl import CrawlOptions, fetch_records, run_crawl
from .errors import OutputError, ScraperError
from .fetch import DEFAULT_USER_AGENT, FetchSettings
from .output import RecordWriter
from .record import Record
from .rules import load_rules
from .state import LockedError

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_LOCKED, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


def _fetch_options(func: Any) -> Any:
    options = [
        rules_option,
        click.option("--cache", "cache_dir", type=click.Path(file_okay=False, path_type=Path),
                     default=Path("cache"), show_default=True,
                     help="HTTP cache (and default crawl state) folder."),
        click.option("--no-cache", is_flag=True, help="Neither read nor store the HTTP cache."),
        click.option("--offline", is_flag=True, help="Answer from the cache only; no network."),
        click.option("--user-agent", default=DEFAULT_USER_AGENT, show_default=True,
                     help="User-Agent header; its first word is the robots.txt token."),
        click.option("--delay", type=click.FloatRange(min=0), default=1.0, show_default=True,
                     help="Seconds between requests to one host (a rule's crawl.delay wins; "
                          "robots.txt Crawl-delay can lengthen it)."),
        click.option("--concurrency", type=click.IntRange(min=1), default=8, show_default=True,
                     help="Requests in flight over all hosts (one per host at a time)."),
        click.option("--timeout", type=click.FloatRange(min=0.1), default=20.0, show_default=True,
                     help="Connect and read timeout, seconds."),
        click.option("--max-bytes", type=click.IntRange(min=1024), default=5 * 1024 * 1024,
                     show_default=True, help="Largest body accepted (decompressed: 4 times that)."),
        click.option("--retries", type=click.IntRange(min=0), default=3, show_default=True,
                     help="Retries of a request after a timeout, connection error, 429 or 5xx."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _settings(kw: dict[str, Any]) -> FetchSettings:
    if kw["no_cache"] and kw["offline"]:
        raise click.UsageError("--offline needs the cache; drop --no-cache")
    return FetchSettings(
        user_agent=kw["user_agent"], delay=kw["delay"], concurrency=kw["concurrency"],
        connect_timeout=kw["timeout"], read_timeout=kw["timeout"],
        total_timeout=max(60.0, 3 * kw["timeout"]), max_attempts=kw["retries"] + 1,
        max_bytes=kw["max_bytes"], max_decoded_bytes=4 * kw["max_bytes"],
        cache_dir=None if kw["no_cache"] else kw["cache_dir"], offline=kw["offline"])


def _fail(message: str, code: int = EXIT_USAGE) -> None:
    click.echo(f"scrape: {message}", err=True)
    sys.exit(code)


@click.command("fetch", short_help="Fetch URLs and print or write their records.")
@click.argument("urls", nargs=-1, required=True, metavar="URL...")
@click.option("-o", "--output", metavar="DIR", default="-", show_default=True,
              help="Write records into DIR (NNN_<hash>.txt and records.jsonl); - prints them.")
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "json", "jsonl"]), default="text",
              show_default=True, help="How records are printed: seed-form text, JSON or JSON lines.")
@_fetch_options
def fetch_command(urls: tuple[str, ...], output: str, fmt: str, **kw: Any) -> None:
    """Fetch URLs (- reads them from stdin, one a line), extract, and print or write records.

    Exit codes: 0 every URL gave a record; 1 some URL failed or held no article (one line
    each on stderr); 2 usage or configuration error.
    """
    settings = _settings(kw)
    wanted: list[str] = []
    for url in urls:
        if url == "-":
            wanted += [line.strip() for line in click.get_text_stream("stdin") if line.strip()]
        else:
            wanted.append(url)
    try:
        rules = load_rules(kw["rules_dir"])
        writer = RecordWriter(output) if output != "-" else None
        results = fetch_records(wanted, rules, settings)
    except (ScraperError, OSError, sqlite3.Error) as err:
        _fail(str(err))
    except KeyboardInterrupt:
        _fail("interrupted", EXIT_INTERRUPTED)
    code = EXIT_OK
    records: list[Record] = []
    for url, outcome in results:
        if isinstance(outcome, ScraperError):
            click.echo(f"scrape: {url}: {getattr(outcome, 'reason', None) or outcome}", err=True)
            code = EXIT_FAILED
            continue
        records.append(outcome)
        if writer is not None:
            try:
                result = writer.write(outcome)
            except OutputError as err:
                _fail(str(err))
            click.echo(f"scrape: {result.name} {result.status}: {url}", err=True)
    if writer is None:
        print_records(records, fmt)
    sys.exit(code)


@click.command("crawl", short_help="Crawl the rule files' sites: new articles into records.")
@click.option("--site", "sites", multiple=True, metavar="NAME",
              help="Crawl only this rule's site (repeatable; default: every site with [crawl]).")
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Records folder (NNN_<hash>.txt + records.jsonl, as `scrape clean -o`).")
@click.option("--state", "state_path", type=click.Path(dir_okay=False, path_type=Path),
              help="SQLite crawl state (default: CACHE/crawl-state.sqlite).")
@click.option("--max-attempts", type=click.IntRange(min=1), default=3, show_default=True,
              help="Runs in which a URL may fail before it is given up.")
@click.option("--limit", type=click.IntRange(min=0), metavar="N",
              help="Fetch at most N article URLs this run; the rest wait for the next runs.")
@click.option("--near-duplicates", is_flag=True,
              help="Also skip an article whose text's 64-bit simhash is within 6 bits of a "
                   "record already written (catches light edits; may merge templated stories).")
@click.option("--log-json", is_flag=True, help="One JSON object a line on stderr per event.")
@click.option("--progress/--no-progress", default=None,
              help="Progress bar (default: when stderr is a terminal).")
@_fetch_options
def crawl_command(sites: tuple[str, ...], output: Path, state_path: Path | None, max_attempts: int,
                  limit: int | None, near_duplicates: bool, log_json: bool, progress: bool | None,
                  **kw: Any) -> None:
    """Discover the sites' articles (feeds, sitemaps, start pages), fetch the new ones and
    write their records. Safe to run from cron, and to kill: the next run resumes.

    Ends with one line: discovered, new, written, skipped, failed.

    Exit codes: 0 ok (also when nothing was new); 1 some URLs or feeds failed (the rest is
    written; failed URLs are retried on later runs, up to --max-attempts); 2 usage or
    configuration error, or the output folder or state cannot be written; 3 another crawl
    holds the lock on the state or the output folder (nothing was done); 130 interrupted
    (Ctrl-C; the next run resumes).
    """
    settings = _settings(kw)
    if state_path is None:  # beside the HTTP cache, even when --no-cache leaves that unused
        state_path = Path(kw["cache_dir"]) / "crawl-state.sqlite"
    options = CrawlOptions(out_dir=output, sites=sites, state_path=state_path,
                           max_attempts=max_attempts, near_duplicates=near_duplicates, limit=limit,
                           fetch=settings)
    show_bar = sys.stderr.isatty() if progress is None else progress
    reporter = _Reporter(log_json=log_json, bar=show_bar and not log_json)
    handler = _LogToReporter(reporter)
    logging.getLogger().addHandler(handler)  # libraries' warnings: one line, or a JSON event
    try:
        try:
            rules = load_rules(kw["rules_dir"])
            summary = run_crawl(rules, options, on_event=reporter)
        finally:
            reporter.close()
        if log_json:
            click.echo(json.dumps({"event": "summary", **vars(summary)}), err=True)
        click.echo(summary.line())
    except LockedError as err:
        click.echo(f"scrape: {err}; exiting", err=True)
        sys.exit(EXIT_LOCKED)
    except (ScraperError, OSError, sqlite3.Error) as err:
        _fail(str(err))
    except KeyboardInterrupt:
        _fail("interrupted; the next run resumes", EXIT_INTERRUPTED)
    finally:
        logging.getLogger().removeHandler(handler)
    sys.exit(EXIT_FAILED if summary.failed else EXIT_OK)


class _Reporter:
    """Turns crawl events into a progress bar, JSON log lines or one-line warnings."""

    def __init__(self, *, log_json: bool, bar: bool) -> None:
        self.log_json, self.want_bar = log_json, bar
        self.bar: Any = None

    def __call__(self, kind: str, **fields: Any) -> None:
        if self.log_json:
            click.echo(json.dumps({"time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                                   "event": kind, **fields}, ensure_ascii=False), err=True)
        elif kind == "error" or (kind == "url" and fields.get("status") == "failed"):
            self._echo(f"scrape: failed: {fields.get('url')}: {fields.get('error')}")
        elif kind == "log":
            self._echo(f"scrape: {fields['level'].lower()}: {fields['logger']}: {fields['message']}")
        if kind == "todo" and self.want_bar and fields["total"]:
            self.bar = click.progressbar(length=fields["total"], label="crawl", file=sys.stderr)
            self.bar.__enter__()
        elif kind == "url" and self.bar is not None:
            self.bar.update(1)

    def _echo(self, line: str) -> None:
        if self.bar is not None:
            click.echo("", err=True)
        click.echo(line, err=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


class _LogToReporter(logging.Handler):
    """Warnings that libraries (hishel, httpx, ...) log become `log` events: one line on
    stderr, or a JSON object with --log-json; never a traceback."""

    def __init__(self, reporter: _Reporter) -> None:
        super().__init__(logging.WARNING)
        self.reporter = reporter

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            message += f" ({type(record.exc_info[1]).__name__}: {record.exc_info[1]})"
        try:
            self.reporter("log", level=record.levelname, logger=record.name,
                          message=" ".join(message.split()))
        except Exception:  # noqa: BLE001 - logging must never break the crawl
            self.handleError(record)
