"""`scrape crawl`: the rule files' sites crawled into records, with progress reporting."""

from __future__ import annotations

import json
import logging
import sys
import time
from pathlib import Path
from typing import Any

import click

from ..config import ArchiveSettings, CrawlOptions, FetchSettings, PoolSettings, default_state_path
from ..crawl.run import CrawlSummary, run_crawl
from ..crawl.state import NEAR_BITS
from ..errors import LockedError, ScraperError
from ..extractor import Extractor
from .common import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_LOCKED,
    EXIT_OK,
    extractor_option,
    fail,
    fetch_options,
    jobs_option,
    page_timeout_option,
    warc_options,
    warnings_to,
)

_DEFAULTS = CrawlOptions(out_dir=Path("."))


@click.command("crawl", short_help="Crawl the rule files' sites: new articles into records.")
@click.option("--site", "sites", multiple=True, metavar="NAME",
              help="Crawl only this rule's site (repeatable; default: every site with [crawl]).")
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Records folder (NNN_<hash>.txt + records.jsonl, as `scrape clean -o`).")
@click.option("--state", "state_path", type=click.Path(dir_okay=False, path_type=Path),
              help="SQLite crawl state (default: CACHE/crawl-state.sqlite).")
@click.option("--max-attempts", type=click.IntRange(min=1), default=_DEFAULTS.max_attempts,
              show_default=True, help="Runs in which a URL may fail before it is given up.")
@click.option("--limit", type=click.IntRange(min=0), metavar="N",
              help="Fetch at most N article URLs this run; the rest wait for the next runs.")
@click.option("--refresh", "refresh_days", type=click.FloatRange(min=0), metavar="DAYS",
              default=_DEFAULTS.refresh_days, show_default=True,
              help="Also revalidate the articles first written within the last DAYS days and "
                   "rewrite those whose text changed (0: never; a rule's crawl.refresh wins).")
@click.option("--near-duplicates", is_flag=True,
              help=f"Also skip an article whose text's 64-bit simhash is within {NEAR_BITS} bits "
                   "of a record already written (catches light edits; may merge templated stories).")
@click.option("--log-json", is_flag=True, help="One JSON object a line on stderr per event.")
@click.option("--progress/--no-progress", default=None,
              help="Progress bar (default: when stderr is a terminal).")
@jobs_option
@page_timeout_option
@warc_options
@fetch_options
@extractor_option
def crawl_command(sites: tuple[str, ...], output: Path, state_path: Path | None, max_attempts: int,
                  limit: int | None, refresh_days: float, near_duplicates: bool, log_json: bool,
                  progress: bool | None, jobs: int, page_timeout: float | None,
                  warc_dir: Path | None, archive: ArchiveSettings, settings: FetchSettings,
                  cache_dir: Path, extractor: Extractor) -> None:
    """Discover the sites' articles (feeds, sitemaps, start pages), fetch the new ones and
    write their records. Safe to run from cron, and to kill: the next run resumes.

    Ends with one line: discovered, new, written, skipped, failed (and offsite, when URLs
    led off their site's hosts; and, when records were revalidated, refreshed with how many
    were updated, unchanged and gone).

    Only the sites' own hosts are fetched (a rule's match.domains, crawl.extra_domains and
    crawl URLs' hosts): a feed item, link or redirect elsewhere is one `offsite` line and
    is not fetched. A host nobody named that resolves to a loopback, private or link-local
    address is refused (one `blocked` line) unless --allow-private.

    Exit codes: 0 ok (also when nothing was new); 1 some URLs or feeds failed (the rest is
    written; failed URLs are retried on later runs, up to --max-attempts); 2 usage or
    configuration error, or the output folder or state cannot be written; 3 another crawl
    holds the lock on the state or the output folder (nothing was done); 130 interrupted
    (Ctrl-C; the next run resumes).
    """
    # The state lives beside the HTTP cache, even when --no-cache leaves that unused.
    options = CrawlOptions(out_dir=output, sites=sites,
                           state_path=state_path or default_state_path(cache_dir),
                           max_attempts=max_attempts, near_duplicates=near_duplicates,
                           limit=limit, refresh_days=refresh_days, fetch=settings,
                           pool=PoolSettings(jobs=jobs, page_timeout=page_timeout),
                           warc_dir=warc_dir, archive=archive)
    show_bar = sys.stderr.isatty() if progress is None else progress
    reporter = _Reporter(log_json=log_json, bar=show_bar and not log_json)
    handler = _LogToReporter(reporter)
    logging.getLogger().addHandler(handler)  # libraries' warnings: one line, or a JSON event
    summary = CrawlSummary()
    try:
        try:
            with warnings_to(lambda line: reporter("log", level="WARNING", logger="scraper",
                                                   message=line.removeprefix("warning: "))):
                summary = run_crawl(options, extractor=extractor, on_event=reporter)
        finally:
            reporter.close()
        if log_json:
            click.echo(json.dumps({"event": "summary", **vars(summary)}), err=True)
        click.echo(summary.line())
    except LockedError as err:
        fail(f"{err}; exiting", EXIT_LOCKED)
    except ScraperError as err:
        fail(str(err))
    except KeyboardInterrupt:
        fail("interrupted; the next run resumes", EXIT_INTERRUPTED)
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
        elif kind == "offsite":
            self._echo(f"scrape: offsite: {fields['url']} (from {fields['source']})")
        elif kind == "url" and fields.get("status") == "offsite":
            target, url = fields["target"], fields["url"]
            self._echo(f"scrape: offsite: {target}" + (f" (from {url})" if target != url else ""))
        elif kind == "url" and fields.get("status") == "blocked":
            self._echo(f"scrape: {fields['url']}: {fields['error']}")
        elif kind == "url" and fields.get("refresh") and fields["status"] == "gone":
            self._echo(f"scrape: gone: {fields['url']}: {fields['error']} "
                       f"(record {fields['file']} kept)")
        elif kind == "url" and fields.get("refresh") and "same_as" in fields:
            self._echo(f"scrape: {fields['status']}: {fields['url']}: its new text is "
                       f"(nearly) that of {fields['same_as']}; {fields['file']} left as it was")
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
