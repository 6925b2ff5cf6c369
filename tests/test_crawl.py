"""`scrape crawl` end to end against real loopback servers: records, state, politeness,
deduplication, retries across runs, the lock, and resuming after a kill."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from scraper import Extractor, run_crawl
from scraper.cli.crawl import crawl_command
from scraper.cli.fetch import fetch_command
from scraper.run.lock import CrawlLock
from tests.crawl_sites import (
    BASE,
    ROOT,
    article,
    feed_sites,
    index,
    news_sitemap,
    options,
    rss,
    state_rows,
)
from tests.siteserver import Page, SiteServer, article_html


def test_crawl_writes_new_articles_once_politely(sites, tmp_path):
    alpha, beta, rules_dir = sites
    extractor = Extractor(rules_dir)
    opts = options(tmp_path)
    summary = run_crawl(opts, extractor=extractor)

    assert (summary.discovered, summary.new, summary.written, summary.skipped, summary.failed) == \
        (10, 10, 6, 3, 1)
    entries = index(opts.out_dir)
    files = sorted(p.name for p in opts.out_dir.glob("*.txt"))
    assert [e["file"] for e in entries] == files and len(files) == 6
    urls = sorted(e["url"].split("/", 3)[3] for e in entries)
    assert urls == ["b/1.html", "b/2.html", "news/1.html", "news/2.html", "news/3.html",
                    "news/flaky.html"]
    texts = {e["url"].split("/", 3)[3]: (opts.out_dir / e["file"]).read_text("utf-8") for e in entries}
    # windows-1256 pages, by header and by <meta> only, decoded to the same Arabic as UTF-8 ones
    for name, n in (("news/2.html", 2), ("news/3.html", 3), ("news/1.html", 1)):
        assert f"خبر رقم {n} عن أعمال الصيانة" in texts[name]
        assert f"(تقرير رقم {n})" in texts[name]

    state = state_rows(opts.resolved_state_path())
    assert state["news/gone.html"][:2] == ("failed", 1)
    assert state["private/secret.html"][0] == "blocked"
    assert state["news/dup.html"][0] == "duplicate"            # same text, other URL
    assert state["news/dup.html"][2] == state["news/1.html"][2]
    assert state["b/syndicated.html"][0] == "duplicate"         # same text, other site
    assert state["b/syndicated.html"][2] == state["news/2.html"][2]
    assert state["news/flaky.html"][0] == "done"

    # robots.txt: fetched first, and the disallowed page never requested
    assert alpha.paths()[0] == "/robots.txt" and beta.paths()[0] == "/robots.txt"
    assert "/private/secret.html" not in alpha.paths()
    assert alpha.paths().count("/news/flaky.html") == 2       # 500, then 200
    # per-host spacing: alpha's rule delay (0.2 s); beta's robots Crawl-delay (0.3 s) beats its rule
    for server, delay in ((alpha, 0.2), (beta, 0.3)):
        times = [e.time for e in server.log]
        assert all(t2 - t1 >= delay - 0.01 for t1, t2 in zip(times, times[1:])), server.host

    # second run: nothing new; sources revalidated (304); only the failed URL is retried
    alpha.log.clear(), beta.log.clear()
    again = run_crawl(opts, extractor=extractor)
    assert (again.discovered, again.new, again.written, again.failed) == (10, 0, 0, 1)
    article_requests = [e.path for s in (alpha, beta) for e in s.log
                        if e.path.startswith(("/news/", "/b/"))]
    assert article_requests == ["/news/gone.html"]
    assert {e.status for s in (alpha, beta) for e in s.log if not e.path.startswith("/news/")} == {304}
    assert index(opts.out_dir) == entries
    assert state_rows(opts.resolved_state_path())["news/gone.html"][:2] == ("failed", 2)

    # third run with a limit of 2 attempts: the failed URL is given up, exit would be 0
    third = run_crawl(replace(opts, max_attempts=2), extractor=extractor)
    assert (third.written, third.failed, third.skipped) == (0, 0, 10)


def test_broken_sources_are_reported_not_fatal(tmp_path):
    routes: dict = {}
    with SiteServer(routes) as srv:
        routes.update({
            "/feed.xml": Page(article_html("not a feed", ["just a page"])),
            "/sitemap.xml": Page(b"<html><body>nope</body></html>"),
            "/ok.xml": news_sitemap(srv.url, ["/a.html"]),
            "/a.html": Page(article(5)),
        })
        rules_dir = tmp_path / "rules"
        rules_dir.mkdir()
        (rules_dir / "s.toml").write_text(
            f'name = "s"\n[crawl]\nfeeds = ["{srv.url}/feed.xml", "{srv.url}/missing.xml"]\n'
            f'sitemaps = ["{srv.url}/sitemap.xml", "{srv.url}/ok.xml"]\ndelay = 0.0\n')
        result = CliRunner().invoke(crawl_command, ["--rules", str(rules_dir), "-o", str(tmp_path / "o"),
                                                    "--cache", str(tmp_path / "c"), "--retries", "0"])
    assert result.exit_code == 1
    assert result.stdout.strip() == "discovered 1, new 1, written 1, skipped 0, failed 3"
    problems = result.stderr.splitlines()
    assert len(problems) == 3 and all(line.startswith("scrape: failed: ") for line in problems)
    assert any("not an RSS or Atom feed" in p for p in problems)
    assert any("missing.xml: HTTP 404" in p for p in problems)
    assert any("not a sitemap" in p for p in problems)


def test_crawl_one_site_and_offline(sites, tmp_path):
    alpha, beta, rules_dir = sites
    extractor = Extractor(rules_dir)
    opts = options(tmp_path, sites=("beta",), window=1)   # fetch one URL ahead at most
    assert run_crawl(replace(opts, limit=2), extractor=extractor).written == 2
    assert run_crawl(opts, extractor=extractor).written == 1             # the rest, on the next run
    assert alpha.log == []
    # offline, from the cache only, into a fresh folder and state: the same records
    off = replace(opts, out_dir=tmp_path / "off", state_path=tmp_path / "off.sqlite",
                  fetch=replace(opts.fetch, offline=True))
    beta.log.clear()
    summary = run_crawl(off, extractor=extractor)
    assert beta.log == [] and summary.written == 3 and summary.failed == 0
    assert index(off.out_dir) == index(opts.out_dir)


def test_crash_windows_heal_on_rerun(sites, tmp_path):
    """Simulate deaths after a record file was linked: before its index line, and before
    the state said done. The rerun must leave the folder exactly as a clean run."""
    _, _, rules_dir = sites
    extractor = Extractor(rules_dir)
    opts = options(tmp_path)
    run_crawl(opts, extractor=extractor)
    files = {p.name: p.read_bytes() for p in opts.out_dir.iterdir()}
    lines = (opts.out_dir / "records.jsonl").read_text("utf-8").splitlines(keepends=True)
    last3 = [json.loads(line)["file"] for line in lines[-3:]]
    # the last record: linked, its index line cut short; the two before: indexed; none of
    # the three marked done in the state
    (opts.out_dir / "records.jsonl").write_text("".join(lines[:-1]) + lines[-1][:10], "utf-8")
    db = sqlite3.connect(opts.resolved_state_path())
    with db:
        db.executemany("UPDATE urls SET status = 'pending', record_file = NULL, attempts = 0 "
                       "WHERE record_file = ? AND status = 'done'", [(f,) for f in last3])
    db.close()
    (opts.out_dir / ".tmp-half").write_bytes(b"half a record")
    summary = run_crawl(opts, extractor=extractor)
    assert summary.written == 3 and summary.new == 0
    assert {p.name: p.read_bytes() for p in opts.out_dir.iterdir()} == files
    statuses = [s for s, _, _ in state_rows(opts.resolved_state_path()).values()]
    assert statuses.count("done") == 6


def test_cli_crawl_summary_exit_codes_and_json_logs(sites, tmp_path):
    _, _, rules_dir = sites
    runner = CliRunner()
    args = ["--rules", str(rules_dir), "-o", str(tmp_path / "out"), "--cache", str(tmp_path / "c"),
            "--retries", "1"]
    result = runner.invoke(crawl_command, [*args, "--log-json"])
    assert result.exit_code == 1, result.stderr             # one URL failed (404)
    assert result.stdout.strip() == "discovered 10, new 10, written 6, skipped 3, failed 1", \
        result.stderr
    events = [json.loads(line) for line in result.stderr.splitlines()]
    assert {e["event"] for e in events} >= {"site", "todo", "url", "summary"}
    assert any(e["event"] == "url" and e["status"] == "failed" and "404" in e["error"] for e in events)

    with CrawlLock(tmp_path / "c" / "crawl-state.sqlite.lock"):
        locked = runner.invoke(crawl_command, args)
    assert locked.exit_code == 3 and "another crawl" in locked.stderr
    # another state, same output folder: refused too
    other_state = [*args, "--state", str(tmp_path / "other.sqlite")]
    with CrawlLock(tmp_path / "out" / ".crawl.lock"):
        busy = runner.invoke(crawl_command, other_state)
    assert busy.exit_code == 3 and "writing to this folder" in busy.stderr

    bad = runner.invoke(crawl_command, [*args, "--site", "nosuch"])
    assert bad.exit_code == 2 and bad.stderr.count("\n") == 1 and "nosuch" in bad.stderr


def test_cli_fetch_prints_and_writes(sites, tmp_path):
    alpha, _, rules_dir = sites
    runner = CliRunner()
    common = ["--rules", str(rules_dir), "--cache", str(tmp_path / "c"), "--delay", "0"]
    ok = runner.invoke(fetch_command, [*common, alpha.url + "/news/2.html", "-f", "jsonl"])
    assert ok.exit_code == 0, ok.output
    record = json.loads(ok.stdout)
    assert record["url"] == alpha.url + "/news/2.html" and "(تقرير رقم 2)" in record["text"]
    out = tmp_path / "fetched"
    mixed = runner.invoke(fetch_command, [*common, "-o", str(out), alpha.url + "/news/1.html",
                                          alpha.url + "/news/gone.html"])
    assert mixed.exit_code == 1 and "news/gone.html: HTTP 404" in mixed.stderr
    assert len(index(out)) == 1


@pytest.mark.parametrize("kill_after", [2, 9])
def test_killed_crawl_resumes_exactly(tmp_path, kill_after):
    """SIGKILL a real `scrape crawl` process mid-run; the resumed run's folder must equal an
    uninterrupted run's (names, contents, index)."""
    routes_a: dict = {}
    routes_b: dict = {}
    with SiteServer(routes_a) as a, SiteServer(routes_b, host="127.0.0.2") as b:
        rules = feed_sites(tmp_path / "rules", [("a", a, routes_a, 100), ("b", b, routes_b, 200)],
                           delay=0.12)

        def crawl(out: str, cache: str) -> subprocess.Popen:
            cmd = [sys.executable, "-m", "scraper.cli", "crawl", "--rules", str(rules),
                   "-o", str(tmp_path / out), "--cache", str(tmp_path / cache), "--no-progress"]
            return subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    env={**os.environ, "PYTHONPATH": str(ROOT)})

        clean = crawl("clean", "clean-cache")
        assert clean.wait(60) == 0, clean.stderr.read()

        killed_dir = tmp_path / "killed"
        proc = crawl("killed", "killed-cache")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            index_file = killed_dir / "records.jsonl"
            if index_file.exists() and index_file.read_bytes().count(b"\n") >= kill_after:
                break
            time.sleep(0.01)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        partial = (killed_dir / "records.jsonl").read_bytes().count(b"\n")
        assert kill_after <= partial < 16, "the kill came too late to test anything"

        resumed = crawl("killed", "killed-cache")
        out, err = resumed.communicate(timeout=60)
        assert resumed.returncode == 0, err
        assert b"new 0" in out

    def snapshot(folder: Path) -> dict[str, bytes]:
        return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}

    clean_files, killed_files = snapshot(tmp_path / "clean"), snapshot(killed_dir)
    assert list(killed_files) == list(clean_files)
    assert len(clean_files) == 18  # 16 records, records.jsonl, .crawl.lock
    for name in clean_files:
        if name.endswith(".txt"):
            assert killed_files[name] == clean_files[name], name
    assert index(killed_dir) == index(tmp_path / "clean")


def test_near_duplicates_are_opt_in(tmp_path):
    edited = [BASE[0].replace("الرئيسية", "الفرعية"), BASE[1], BASE[2]]
    other = ["The council approved a new budget for the public library network on Tuesday, "
             "adding evening opening hours in three districts and a mobile service for villages.",
             "Librarians welcomed the decision but warned that staffing remained the main problem, "
             "since several branches had relied on volunteers during the past two winters.",
             "The first extended hours are expected in the spring, after a consultation with "
             "readers' associations and the regional education office."]
    routes: dict = {}
    with SiteServer(routes) as srv:
        routes.update({
            "/feed.xml": rss(srv.url, ["/a.html", "/b.html", "/c.html"]),
            "/a.html": Page(article_html("أعمال الصيانة في المدينة", BASE)),
            "/b.html": Page(article_html("أعمال الصيانة في المدينة", edited)),   # lightly edited
            "/c.html": Page(article_html("Library hours extended", other, lang="en")),
        })
        rules_dir = tmp_path / "rules"
        rules_dir.mkdir()
        (rules_dir / "s.toml").write_text(f'name = "s"\n[crawl]\nfeeds = ["{srv.url}/feed.xml"]\n'
                                          f'delay = 0.0\n')
        extractor = Extractor(rules_dir)
        plain = run_crawl(options(tmp_path / "plain"), extractor=extractor)
        near = run_crawl(options(tmp_path / "near", near_duplicates=True), extractor=extractor)
    assert plain.written == 3
    assert (near.written, near.skipped) == (2, 1)
    rows = state_rows(options(tmp_path / "near").resolved_state_path())
    assert rows["b.html"][0] == "near-duplicate" and rows["b.html"][2] == rows["a.html"][2]
    assert rows["c.html"][0] == "done"
