"""`scrape crawl --warc` / `scrape fetch --warc`: every response archived, the archive
re-extracted by `scrape warc` into the crawl's own records, files that rotate and survive
a kill -9; and the crawl's per-page time limit."""

from __future__ import annotations

import gzip
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

from click.testing import CliRunner

from scraper import Extractor, PoolSettings, run_crawl
from scraper.archive.read import Page, Skipped, read_warc
from scraper.archive.write import OPEN_SUFFIX, complete_prefix
from scraper.cli import main
from tests.conftest import SLOW_RULE, hostile_page
from tests.crawl_sites import article, index, options, rss, state_rows
from tests.siteserver import Page as Served
from tests.siteserver import SiteServer

ROOT = Path(__file__).resolve().parent.parent


def warc(*args: str):
    return CliRunner().invoke(main, ["warc", *args])


def texts(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.txt"))}


def without_fetched(entries: list[dict]) -> list[dict]:
    return [{k: v for k, v in e.items() if k != "fetched"} for e in entries]


def assert_sound(folder: Path) -> list[Path]:
    """Every finished WARC file is whole: complete gzip members only, and no damaged record."""
    files = sorted(folder.glob("*.warc.gz"))
    for path in files:
        with path.open("rb") as fh:
            assert complete_prefix(fh) == path.stat().st_size, path
        assert not [e for e in read_warc(path) if isinstance(e, Skipped) and e.failed], path
    return files


def test_a_crawls_archive_re_extracts_into_the_crawls_records(sites, tmp_path):
    alpha, beta, rules_dir = sites
    extractor = Extractor(rules_dir)
    opts = options(tmp_path, warc_dir=tmp_path / "warc")
    summary = run_crawl(opts, extractor=extractor)
    assert summary.written == 6
    files = assert_sound(opts.warc_dir)
    assert len(files) == 1 and not list(opts.warc_dir.glob("*" + OPEN_SUFFIX))
    entries = list(read_warc(files[0]))
    pages = [e for e in entries if isinstance(e, Page)]
    # every response read in full: robots.txt, feed, start page, sitemaps, articles, the 404
    urls = {p.url.split("/", 3)[3] for p in pages}
    assert {"robots.txt", "feed.xml", "", "sitemap_index.xml", "news/1.html", "news/gone.html",
            "b/syndicated.html"} <= urls
    assert "private/secret.html" not in urls
    assert {p.role for p in pages if p.url.endswith(("robots.txt", "feed.xml", "/"))} == {"discovery"}

    out = tmp_path / "again"
    result = warc(str(opts.warc_dir), "-o", str(out), "--rules", str(rules_dir))
    assert result.exit_code == 0, result.output
    assert texts(out) == texts(opts.out_dir)
    assert without_fetched(index(out)) == without_fetched(index(opts.out_dir))
    assert {e["fetched"] for e in index(opts.out_dir)} == {None}   # live fetches carry no capture date
    assert all(e["fetched"] for e in index(out))
    assert "news/gone.html: skipped: HTTP 404" in result.stderr
    assert "skipped: a crawl's discovery response" in result.stderr

    # The next run: sources revalidated (304s) and the failed URL retried, in a new file.
    run_crawl(opts, extractor=extractor)
    files = assert_sound(opts.warc_dir)
    assert len(files) == 2
    second = [e for e in read_warc(files[1]) if isinstance(e, Page)]
    assert "news/gone.html" in {p.url.split("/", 3)[3] for p in second}


def test_a_304_answered_by_the_cache_is_archived_as_the_full_response(sites, tmp_path):
    _, _, rules_dir = sites
    extractor = Extractor(rules_dir)
    opts = options(tmp_path, warc_dir=tmp_path / "warc")
    run_crawl(opts, extractor=extractor)
    # A run that died before marking news/2 done: the rerun revalidates it (a 304).
    db = sqlite3.connect(opts.resolved_state_path())
    with db:
        db.execute("UPDATE urls SET status = 'pending', attempts = 0 WHERE url LIKE '%news/2.html'")
    db.close()
    for path in opts.warc_dir.glob("*.warc.gz"):
        path.rename(tmp_path / path.name)        # keep only the new run's file
    run_crawl(opts, extractor=extractor)
    (file,) = opts.warc_dir.glob("*.warc.gz")
    raw = [e for e in read_warc(file) if isinstance(e, Page) and e.url.endswith("news/2.html")]
    assert len(raw) == 1 and raw[0].status == 200 and "(تقرير رقم 2)".encode("windows-1256") in raw[0].body
    assert b"Scraper-Cache: revalidated" in gzip.decompress(file.read_bytes())
    out = tmp_path / "again"
    assert warc(str(file), "-o", str(out), "--rules", str(rules_dir)).exit_code == 0
    (record,) = index(out)
    crawl_record = next(e for e in index(opts.out_dir) if e["url"].endswith("news/2.html"))
    same = ("file", "fetched")   # a folder of one record numbers it 000
    assert {k: v for k, v in record.items() if k not in same} == \
        {k: v for k, v in crawl_record.items() if k not in same}


def test_files_rotate_at_the_size_limit_and_fetch_archives_too(sites, tmp_path):
    alpha, _, rules_dir = sites
    runner = CliRunner()
    warc_dir = tmp_path / "warc"
    urls = [alpha.url + f"/news/{n}.html" for n in (1, 2, 3)]
    result = runner.invoke(main, ["fetch", "--rules", str(rules_dir), "--cache", str(tmp_path / "c"),
                                  "--delay", "0", "-o", str(tmp_path / "out"), "--warc", str(warc_dir),
                                  "--warc-size", "4096", *urls])
    assert result.exit_code == 0, result.output
    files = assert_sound(warc_dir)
    assert len(files) >= 2
    again = warc(str(warc_dir), "-o", str(tmp_path / "again"), "--rules", str(rules_dir))
    assert again.exit_code == 0, again.output
    assert texts(tmp_path / "again") == texts(tmp_path / "out")
    assert [e["url"] for e in index(tmp_path / "again")] == urls


def test_a_crawl_killed_while_archiving_leaves_no_corrupt_file(tmp_path):
    routes: dict = {}
    with SiteServer(routes) as srv:
        rules = tmp_path / "rules"
        rules.mkdir()
        paths = [f"/news/{i}.html" for i in range(12)]
        routes["/feed.xml"] = rss(srv.url, paths)
        for i, path in enumerate(paths):
            routes[path] = Served(article(300 + i), delay=0.15)
        (rules / "a.toml").write_text(f'name = "a"\n[crawl]\nfeeds = ["{srv.url}/feed.xml"]\n'
                                      f'delay = 0.0\n')

        def crawl(out: str, cache: str, warc_dir: str) -> subprocess.Popen:
            cmd = [sys.executable, "-m", "scraper.cli", "crawl", "--rules", str(rules),
                   "-o", str(tmp_path / out), "--cache", str(tmp_path / cache), "--no-progress",
                   "--warc", str(tmp_path / warc_dir), "--warc-size", "20000", "--jobs", "1"]
            return subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    env={**os.environ, "PYTHONPATH": str(ROOT)})

        clean = crawl("clean", "clean-cache", "clean-warc")
        assert clean.wait(90) == 0, clean.stderr.read()

        killed = tmp_path / "killed"
        proc = crawl("killed", "killed-cache", "killed-warc")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            index_file = killed / "records.jsonl"
            if index_file.exists() and index_file.read_bytes().count(b"\n") >= 4:
                break
            time.sleep(0.01)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        partial = (killed / "records.jsonl").read_bytes().count(b"\n")
        assert 4 <= partial < 12, "the kill came too late to test anything"
        # What the killed run left: finished files whole, at most its open file unfinished.
        assert_sound(tmp_path / "killed-warc")
        assert len(list((tmp_path / "killed-warc").glob("*" + OPEN_SUFFIX))) <= 1

        resumed = crawl("killed", "killed-cache", "killed-warc")
        out, err = resumed.communicate(timeout=90)
        assert resumed.returncode == 0, err
    files = assert_sound(tmp_path / "killed-warc")
    assert not list((tmp_path / "killed-warc").glob("*" + OPEN_SUFFIX))
    # Re-extracting the killed and the resumed run's files gives the uninterrupted crawl's records.
    result = warc(*map(str, files), "-o", str(tmp_path / "again"), "--rules", str(rules))
    assert result.exit_code == 0, result.output
    assert texts(tmp_path / "again") == texts(tmp_path / "clean")
    assert without_fetched(index(tmp_path / "again")) == without_fetched(index(tmp_path / "clean"))


def test_a_page_over_the_crawls_time_limit_fails_and_the_rest_is_written(tmp_path):
    routes: dict = {}
    with SiteServer(routes) as srv:
        routes.update({
            "/feed.xml": rss(srv.url, ["/a.html", "/slow.html", "/b.html"]),
            "/a.html": Served(article(1)),
            "/slow.html": Served(hostile_page()),
            "/b.html": Served(article(2)),
        })
        rules = tmp_path / "rules"
        rules.mkdir()
        (rules / "s.toml").write_text(f'name = "s"\n[crawl]\nfeeds = ["{srv.url}/feed.xml"]\n'
                                      f'delay = 0.0\n')
        (rules / "catastrophe.toml").write_text(SLOW_RULE, encoding="utf-8")
        events: list[dict] = []
        opts = replace(options(tmp_path), pool=PoolSettings(jobs=1, page_timeout=1.5))
        summary = run_crawl(opts, extractor=Extractor(rules),
                            on_event=lambda kind, **f: events.append({"kind": kind, **f}))
    assert (summary.written, summary.failed) == (2, 1)
    failed = [e for e in events if e["kind"] == "url" and e["status"] == "failed"]
    assert len(failed) == 1 and failed[0]["url"].endswith("/slow.html")
    assert "longer than 1.5s" in failed[0]["error"]
    assert state_rows(opts.resolved_state_path())["slow.html"][:2] == ("failed", 1)
    assert json.dumps(events)  # events stay plain data
