"""The crawl state (SQLite) and its lock."""

from __future__ import annotations

import pytest

from scraper import LockedError
from scraper.crawl.state import NEAR_BITS, CrawlState
from scraper.net.robots import RobotsPolicy, robots_token
from scraper.run.lock import CrawlLock


def test_rows_todo_attempts_and_reopen(tmp_path):
    path = tmp_path / "state.sqlite"
    with CrawlState(path) as state:
        assert state.add("s", ["http://a/1", "http://a/2", "http://a/3"]) == 3
        assert state.add("s", ["http://a/2", "http://a/4"]) == 1
        state.finish("http://a/1", "done", content_hash="h", record_file="000_x.txt")
        assert state.fail("http://a/2", "HTTP 500") == 1
        assert state.fail("http://a/2", "HTTP 500") == 2
        state.finish("http://a/3", "empty")
    with CrawlState(path) as state:  # committed as it went: a kill loses nothing
        assert [r.url for r in state.todo(["s"], max_attempts=3)] == ["http://a/2", "http://a/4"]
        assert [r.url for r in state.todo(["s"], max_attempts=2)] == ["http://a/4"]
        assert state.todo(["other"], max_attempts=3) == []
        row = state.get("http://a/2")
        assert (row.status, row.attempts, row.last_error) == ("failed", 2, "HTTP 500")
        assert state.owner("000_x.txt") == "http://a/1" and state.owner("001_y.txt") is None


def test_todo_order_is_stable_for_any_subset(tmp_path):
    with CrawlState(tmp_path / "s.sqlite") as state:
        state.add("a", [f"http://a/{i}" for i in range(3)])
        state.add("b", [f"http://b/{i}" for i in range(2)])
        state.add("a", ["http://a/3", "http://a/0"])
        order = [r.url for r in state.todo(["a", "b"], 3)]
        assert order == ["http://a/0", "http://b/0", "http://a/1", "http://b/1", "http://a/2",
                         "http://a/3"]
        for url in ("http://a/0", "http://b/1", "http://a/2"):
            state.finish(url, "done")
        rest = [r.url for r in state.todo(["a", "b"], 3)]
        assert rest == [u for u in order if u in rest]
        assert [r.url for r in state.todo(["b"], 3)] == ["http://b/0"]


def test_state_from_an_earlier_version_is_migrated(tmp_path):
    import sqlite3
    path = tmp_path / "old.sqlite"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE urls (id INTEGER PRIMARY KEY AUTOINCREMENT, url TEXT NOT NULL UNIQUE, "
               "site TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'pending', attempts INTEGER NOT NULL "
               "DEFAULT 0, last_error TEXT, content_hash TEXT, record_file TEXT, first_seen TEXT NOT "
               "NULL, updated TEXT NOT NULL)")
    db.executemany("INSERT INTO urls (url, site, first_seen, updated) VALUES (?, 's', '', '')",
                   [("http://a/1",), ("http://b/1",), ("http://a/2",)])
    db.commit()
    db.close()
    with CrawlState(path) as state:
        assert [r.url for r in state.todo(["s"], 3)] == ["http://a/1", "http://b/1", "http://a/2"]
        assert state.add("s", ["http://b/2"]) == 1
        assert [r.url for r in state.todo(["s"], 3)][-1] == "http://b/2"


def test_old_state_gains_the_refresh_columns(tmp_path):
    import sqlite3
    path = tmp_path / "old.sqlite"
    with CrawlState(path) as state:
        state.add("s", ["http://a/1", "http://a/2"])
        state.finish("http://a/1", "done", content_hash="h", record_file="000_x.txt")
    db = sqlite3.connect(path)   # back to the columns of the previous version
    for column in ("page_hash", "checked_at", "version", "written_at"):
        db.execute("DROP INDEX IF EXISTS urls_written")
        db.execute(f"ALTER TABLE urls DROP COLUMN {column}")
    db.execute("UPDATE urls SET updated = '2024-05-01T10:00:00Z' WHERE status = 'done'")
    db.commit()
    db.close()
    with CrawlState(path) as state:
        row = state.get("http://a/1")
        assert (row.written_at, row.version, row.checked_at) == ("2024-05-01T10:00:00Z", 1, None)
        assert state.get("http://a/2").written_at is None


def test_refresh_window_gone_and_versions(tmp_path):
    import sqlite3
    path = tmp_path / "s.sqlite"
    with CrawlState(path) as state:
        state.add("a", ["http://a/1", "http://a/2", "http://a/old", "http://a/dup"])
        state.add("b", ["http://b/1"])
        for url in ("http://a/1", "http://a/2", "http://a/old", "http://b/1"):
            state.finish(url, "done", content_hash="h1", record_file=url[7:], page_hash="p1")
        state.finish("http://a/dup", "duplicate", content_hash="h1", record_file="a/1")
    db = sqlite3.connect(path)
    with db:
        db.execute("UPDATE urls SET written_at = '2000-01-01T00:00:00Z' WHERE url = 'http://a/old'")
    db.close()
    with CrawlState(path) as state:
        due = state.refresh_due({"a": 7, "b": 0}, gone_recheck_days=1)
        assert [r.url for r in due] == ["http://a/1", "http://a/2"]     # b: 0 days; old; dup
        assert state.refresh_due({"a": 0}, 1) == []
        assert [r.url for r in state.refresh_due({"a": 1e12}, 1)][-1] == "http://a/old"
        state.revised("http://a/1", content_hash="h2", page_hash="p2", version=2)
        row = state.get("http://a/1")
        assert (row.status, row.content_hash, row.page_hash, row.version) == ("done", "h2", "p2", 2)
        assert row.checked_at is not None and row.attempts == 1
        state.gone("http://a/2", "HTTP 410")
        assert state.owner("a/2") == "http://a/2"                       # the record stays its own
        assert [r.url for r in state.refresh_due({"a": 7}, 1)] == ["http://a/1"]
        gone = [r for r in state.refresh_due({"a": 7}, 0) if r.status == "gone"]
        assert [(r.url, r.last_error) for r in gone] == [("http://a/2", "HTTP 410")]
        state.checked("http://a/2")                                       # it came back
        row = state.get("http://a/2")
        assert (row.status, row.page_hash, row.last_error) == ("done", "p1", None)


def test_near_finds_hashes_within_the_distance_only(tmp_path):
    base = 0x0123_4567_89AB_CDEF
    with CrawlState(tmp_path / "s.sqlite") as state:
        state.add("s", ["http://a/1"])
        state.finish("http://a/1", "done", record_file="000_a.txt", simhash=base)
        spread = base ^ sum(1 << b for b in range(0, 64, 64 // NEAR_BITS)[:NEAR_BITS])
        assert state.near(spread) == "000_a.txt"          # NEAR_BITS bits apart, over all bands
        assert state.near(spread ^ (1 << 63)) is None       # one more bit: too far
        assert state.near(~base & (2**64 - 1)) is None


def test_lock_is_exclusive_and_released(tmp_path):
    lock = tmp_path / "x.lock"
    with CrawlLock(lock):
        with pytest.raises(LockedError, match="another crawl"):
            with CrawlLock(lock):
                pass
    with CrawlLock(lock):
        pass


def test_robots_policy_forms():
    policy = RobotsPolicy.parse("User-agent: *\nDisallow: /x/\nCrawl-delay: 2\nSitemap: http://a/s.xml\n")
    assert not policy.allowed("http://a/x/1", "scraper") and policy.allowed("http://a/y", "scraper")
    assert policy.crawl_delay("scraper") == 2.0 and policy.sitemaps() == ("http://a/s.xml",)
    assert RobotsPolicy.allow_all().allowed("http://a/x/1", "scraper")
    assert not RobotsPolicy.blocked("robots.txt unavailable").allowed("http://a/", "scraper")
    assert robots_token("scraper/0.1 (news crawler)") == "scraper"
