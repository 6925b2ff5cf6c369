"""Crawl state in SQLite (WAL): one row per article URL.

A row's status is `pending` (discovered, not done), `done` (its record is in the output
folder: `record_file`, whose text hash is `content_hash`), `duplicate` (same text as
`record_file`, written for another URL), `near-duplicate` (with --near-duplicates: its
simhash is within NEAR_BITS bits of `record_file`'s), `empty` (fetched, but no article in
the page), `blocked` (robots.txt disallows it, or its host is at a private address nobody
named), `offsite` (it, or a redirect, leads off its site's hosts) or `failed` (`attempts`
failed runs so far,
`last_error`; retried while under the limit). `host` and `host_rank` (the row's place
among its host's URLs, in discovery order) fix the order records are committed in.

Refreshing (`scrape crawl --refresh DAYS`) revalidates the done rows whose record was
first written (`written_at`) within the window: `page_hash` is the SHA-256 of the page
body whose text is `content_hash` (a cached 304 with that body needs no extraction),
`version` counts the record's versions (1: as first written), `checked_at` is the last
refresh that got an answer. A refreshed page that has no article any more (404, 410, no
article in it) becomes `gone`: its record is kept, `last_error` says why, and it is asked
again only once `checked_at` is older than the recheck interval (back to `done` if the
article returns). `done` and `gone` rows own their record file.

Every SQLite or file-system error is raised as a StateError naming the file."""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from ..errors import StateError, os_reason

_SCHEMA = """
CREATE TABLE IF NOT EXISTS urls (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    url          TEXT NOT NULL UNIQUE,
    site         TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'pending',
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT,
    content_hash TEXT,
    simhash      TEXT,
    record_file  TEXT,
    host         TEXT NOT NULL DEFAULT '',
    host_rank    INTEGER NOT NULL DEFAULT 0,
    first_seen   TEXT NOT NULL,
    updated      TEXT NOT NULL,
    written_at   TEXT,
    version      INTEGER NOT NULL DEFAULT 1,
    checked_at   TEXT,
    page_hash    TEXT
);
CREATE INDEX IF NOT EXISTS urls_status ON urls (status);
CREATE INDEX IF NOT EXISTS urls_host ON urls (host, host_rank);
CREATE INDEX IF NOT EXISTS urls_record ON urls (record_file);
CREATE INDEX IF NOT EXISTS urls_written ON urls (status, written_at);
CREATE TABLE IF NOT EXISTS simhash_bands (
    band  INTEGER NOT NULL,
    value INTEGER NOT NULL,
    url   TEXT NOT NULL,
    PRIMARY KEY (band, value, url)
);
"""
NEAR_BITS = 6             # near-duplicates: 64-bit simhashes at most this many bits apart
# The 64 bits in NEAR_BITS + 1 bands: two hashes within NEAR_BITS of each other agree on at
# least one whole band (pigeonhole), so candidates are found by an indexed lookup.
BAND_WIDTHS = (10, 9, 9, 9, 9, 9, 9)
FINISHED = ("done", "duplicate", "near-duplicate", "empty", "blocked", "offsite")
OWNING = ("done", "gone")   # the statuses of a row whose record file is its own


@dataclass(frozen=True)
class UrlRow:
    """One article URL as the state knows it."""

    id: int
    url: str
    site: str
    status: str
    attempts: int
    last_error: str | None
    content_hash: str | None
    record_file: str | None
    version: int = 1
    page_hash: str | None = None
    written_at: str | None = None
    checked_at: str | None = None


F = TypeVar("F", bound=Callable[..., Any])


def _state_errors(method: F) -> F:
    """Raise the SQLite errors of a CrawlState method as StateError naming the file."""
    @functools.wraps(method)
    def guarded(self: CrawlState, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as err:
            raise StateError(f"{self.path}: crawl state: {err}") from err
    return guarded  # type: ignore[return-value]


class CrawlState:
    """The URL table; every change is committed at once (a kill loses nothing written)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, isolation_level=None, timeout=30)
        except (OSError, sqlite3.Error) as err:
            reason = os_reason(err) if isinstance(err, OSError) else err
            raise StateError(f"{self.path}: cannot open crawl state: {reason}") from err
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._migrate()
            self._db.executescript(_SCHEMA)
        except sqlite3.Error as err:
            self._db.close()
            raise StateError(f"{self.path}: cannot open crawl state: {err}") from err

    def _migrate(self) -> None:
        """Bring a state file from an earlier version up to the current columns."""
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(urls)")}
        if not columns:
            return
        with self._db:
            self._db.execute("BEGIN")
            if "simhash" not in columns:
                self._db.execute("ALTER TABLE urls ADD COLUMN simhash TEXT")
            if "host" not in columns:
                self._db.execute("ALTER TABLE urls ADD COLUMN host TEXT NOT NULL DEFAULT ''")
                self._db.execute("ALTER TABLE urls ADD COLUMN host_rank INTEGER NOT NULL DEFAULT 0")
                ranks: dict[str, int] = {}
                for row_id, url in self._db.execute("SELECT id, url FROM urls ORDER BY id").fetchall():
                    host = _host(url)
                    ranks[host] = ranks.get(host, 0) + 1
                    self._db.execute("UPDATE urls SET host = ?, host_rank = ? WHERE id = ?",
                                     (host, ranks[host], row_id))
            if "written_at" not in columns:
                self._db.execute("ALTER TABLE urls ADD COLUMN written_at TEXT")
                self._db.execute("ALTER TABLE urls ADD COLUMN version INTEGER NOT NULL DEFAULT 1")
                self._db.execute("ALTER TABLE urls ADD COLUMN checked_at TEXT")
                self._db.execute("ALTER TABLE urls ADD COLUMN page_hash TEXT")
                # A done row was last updated when it was finished, i.e. written.
                self._db.execute("UPDATE urls SET written_at = updated WHERE status = 'done'")

    def close(self) -> None:
        """Close the database."""
        self._db.close()

    def __enter__(self) -> CrawlState:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @_state_errors
    def add(self, site: str, urls: Iterable[str]) -> int:
        """Record discovered URLs (already-known ones are left as they are); how many were new."""
        now = _utc_now()
        added = 0
        ranks: dict[str, int] = {}
        with self._db:
            self._db.execute("BEGIN")
            for url in urls:
                host = _host(url)
                if host not in ranks:
                    ranks[host] = self._db.execute(
                        "SELECT COALESCE(MAX(host_rank), 0) FROM urls WHERE host = ?", (host,)
                    ).fetchone()[0]
                cursor = self._db.execute(
                    "INSERT OR IGNORE INTO urls (url, site, host, host_rank, first_seen, updated) "
                    "VALUES (?, ?, ?, ?, ?, ?)", (url, site, host, ranks[host] + 1, now, now))
                if cursor.rowcount:
                    ranks[host] += 1
                    added += 1
        return added

    @_state_errors
    def get(self, url: str) -> UrlRow | None:
        """The row of a URL, if known."""
        row = self._db.execute(f"SELECT {_COLUMNS} FROM urls WHERE url = ?", (url,)).fetchone()
        return UrlRow(*row) if row else None

    @_state_errors
    def todo(self, sites: Iterable[str], max_attempts: int) -> list[UrlRow]:
        """Rows of these sites still to fetch (pending, or failed fewer than `max_attempts`
        times) in commit order: by rank within their host (discovery order), hosts taking
        turns in order of first appearance. The order is a property of each row, so any
        subset (what a resumed run has left) comes in the order it has within the whole."""
        names = list(sites)
        marks = ",".join("?" * len(names))
        return self._in_commit_order(
            f"u.site IN ({marks}) AND "
            "(u.status = 'pending' OR (u.status = 'failed' AND u.attempts < ?))",
            (*names, max_attempts))

    @_state_errors
    def refresh_due(self, windows: dict[str, float], gone_recheck_days: float) -> list[UrlRow]:
        """Rows to revalidate, in commit order: of each site in `windows` (site -> days;
        sites with 0 are left out), the done rows first written within its days, and the
        gone ones among those last checked at least `gone_recheck_days` ago."""
        clauses: list[str] = []
        params: list[Any] = []
        recheck = _utc_ago(gone_recheck_days)
        for site, days in windows.items():
            if days > 0:
                clauses.append("(u.site = ? AND u.written_at >= ? AND (u.status = 'done' OR "
                               "(u.status = 'gone' AND COALESCE(u.checked_at, '') <= ?)))")
                params += [site, _utc_ago(days), recheck]
        if not clauses:
            return []
        return self._in_commit_order(" OR ".join(clauses), params)

    def _in_commit_order(self, where: str, params: Iterable[Any]) -> list[UrlRow]:
        rows = self._db.execute(
            f"SELECT {', '.join('u.' + c for c in _COLUMNS.split(', '))} FROM urls u "
            "JOIN (SELECT host, MIN(id) AS first_id FROM urls GROUP BY host) h ON h.host = u.host "
            f"WHERE {where} ORDER BY u.host_rank, h.first_id", tuple(params)).fetchall()
        return [UrlRow(*r) for r in rows]

    @_state_errors
    def rows(self, sites: Iterable[str] | None = None) -> list[UrlRow]:
        """Every row (of these sites), in discovery order."""
        if sites is None:
            cursor = self._db.execute(f"SELECT {_COLUMNS} FROM urls ORDER BY id")
        else:
            names = list(sites)
            cursor = self._db.execute(f"SELECT {_COLUMNS} FROM urls WHERE site IN "
                                      f"({','.join('?' * len(names))}) ORDER BY id", names)
        return [UrlRow(*r) for r in cursor]

    @_state_errors
    def owner(self, record_file: str) -> str | None:
        """The URL whose record is `record_file` (status done or gone), if any."""
        row = self._db.execute("SELECT url FROM urls WHERE record_file = ? AND status IN "
                               f"{OWNING}", (record_file,)).fetchone()
        return row[0] if row else None

    @_state_errors
    def finish(self, url: str, status: str, *, content_hash: str | None = None,
               record_file: str | None = None, simhash: int | None = None,
               page_hash: str | None = None) -> None:
        """Mark a URL done, duplicate, near-duplicate, empty or blocked; a done URL's
        `simhash` is indexed for `near()`, and its `written_at` set."""
        assert status in FINISHED
        now = _utc_now()
        with self._db:
            self._db.execute("BEGIN")
            self._db.execute(
                "UPDATE urls SET status = ?, content_hash = ?, record_file = ?, simhash = ?, "
                "page_hash = ?, last_error = NULL, attempts = attempts + 1, updated = ?, "
                "written_at = CASE WHEN ? = 'done' THEN COALESCE(written_at, ?) END WHERE url = ?",
                (status, content_hash, record_file, None if simhash is None else f"{simhash:016x}",
                 page_hash, now, status, now, url))
            if simhash is not None and status == "done":
                self._index_simhash(url, simhash)

    @_state_errors
    def checked(self, url: str, *, page_hash: str | None = None) -> None:
        """A refreshed URL's record still holds its text (`page_hash`: the page body now
        behind it; None keeps the one known). A gone URL that answers again is done."""
        now = _utc_now()
        self._db.execute(
            "UPDATE urls SET status = 'done', page_hash = COALESCE(?, page_hash), "
            "last_error = NULL, checked_at = ?, updated = ? WHERE url = ?",
            (page_hash, now, now, url))

    @_state_errors
    def revised(self, url: str, *, content_hash: str, page_hash: str | None, version: int,
                simhash: int | None = None) -> None:
        """A refreshed URL's record was replaced by `version` of its article, of text hash
        `content_hash`; its simhash (None: not computed) replaces the old one."""
        now = _utc_now()
        with self._db:
            self._db.execute("BEGIN")
            self._db.execute(
                "UPDATE urls SET status = 'done', content_hash = ?, page_hash = ?, version = ?, "
                "simhash = ?, last_error = NULL, checked_at = ?, updated = ? WHERE url = ?",
                (content_hash, page_hash, version,
                 None if simhash is None else f"{simhash:016x}", now, now, url))
            self._db.execute("DELETE FROM simhash_bands WHERE url = ?", (url,))
            if simhash is not None:
                self._index_simhash(url, simhash)

    @_state_errors
    def gone(self, url: str, reason: str) -> None:
        """A refreshed URL has no article any more (its record is kept): why, and when."""
        now = _utc_now()
        self._db.execute(
            "UPDATE urls SET status = 'gone', last_error = ?, checked_at = ?, updated = ? "
            "WHERE url = ?", (reason, now, now, url))

    def _index_simhash(self, url: str, simhash: int) -> None:
        self._db.executemany(
            "INSERT OR IGNORE INTO simhash_bands (band, value, url) VALUES (?, ?, ?)",
            ((band, value, url) for band, value in _bands(simhash)))

    @_state_errors
    def near(self, simhash: int) -> str | None:
        """The record file of a done (or gone) URL whose simhash is within NEAR_BITS bits of
        `simhash`, the earliest if several."""
        pairs = list(_bands(simhash))
        where = " OR ".join("(b.band = ? AND b.value = ?)" for _ in pairs)
        rows = self._db.execute(
            f"SELECT DISTINCT u.id, u.simhash, u.record_file FROM simhash_bands b "
            f"JOIN urls u ON u.url = b.url WHERE ({where}) AND u.status IN {OWNING} "
            "ORDER BY u.id",
            [x for pair in pairs for x in pair]).fetchall()
        for _, other, record_file in rows:
            if other and (int(other, 16) ^ simhash).bit_count() <= NEAR_BITS:
                return record_file
        return None

    @_state_errors
    def fail(self, url: str, error: str) -> int:
        """Count a failed attempt at a URL; the attempts so far."""
        self._db.execute(
            "UPDATE urls SET status = 'failed', attempts = attempts + 1, last_error = ?, updated = ? "
            "WHERE url = ?", (error, _utc_now(), url))
        row = self._db.execute("SELECT attempts FROM urls WHERE url = ?", (url,)).fetchone()
        return int(row[0]) if row else 0


_COLUMNS = ("id, url, site, status, attempts, last_error, content_hash, record_file, version, "
            "page_hash, written_at, checked_at")


def _utc_now() -> str:
    """The current UTC time, ISO 8601 to the second."""
    return _utc_ago(0)


def _utc_ago(days: float) -> str:
    """The UTC time `days` ago, ISO 8601 to the second (such strings sort by time)."""
    try:
        when = datetime.now(timezone.utc) - timedelta(days=days)
    except OverflowError:  # more days than the calendar holds: before any time
        return ""
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def _host(url: str) -> str:
    return urlsplit(url).netloc.lower()


def _bands(simhash: int) -> list[tuple[int, int]]:
    bands, shift = [], 0
    for band, width in enumerate(BAND_WIDTHS):
        bands.append((band, (simhash >> shift) & ((1 << width) - 1)))
        shift += width
    return bands
