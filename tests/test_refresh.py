"""`scrape crawl --refresh DAYS` against real loopback servers: edited articles rewritten in
place, unchanged ones left alone, pages taken down kept and marked, duplicates refused,
the window, --limit, the rule's crawl.refresh, and resuming after a kill mid-refresh."""

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

from scraper import CrawlOptions, Extractor, FetchSettings, run_crawl
from scraper.cli.crawl import crawl_command
from scraper.crawl.state import CrawlState
from tests.crawl_sites import article, feed_sites, index, options, rss
from tests.siteserver import ARABIC_PARAGRAPHS, Page, SiteServer, article_html

ROOT = Path(__file__).resolve().parent.parent
PATHS = [f"/a/{i}.html" for i in range(1, 5)]
ADDED = "وفي تطور لاحق، أعلنت البلدية تأجيل افتتاح الطريق الجديد أسبوعين بسبب الأمطار الغزيرة."


def edited(n: int) -> bytes:
    """Article n after an edit: a corrected headline and a paragraph added."""
    paragraphs = [f"{p} (تقرير رقم {n})" for p in ARABIC_PARAGRAPHS] + [ADDED]
    return article_html(f"خبر رقم {n} عن أعمال الصيانة في المدينة (محدث)", paragraphs)


@pytest.fixture
def site(tmp_path: Path):
    """One host with a feed of four articles; the test edits `routes`."""
    routes: dict = {}
    with SiteServer(routes) as srv:
        routes["/feed.xml"] = rss(srv.url, PATHS)
        for i, path in enumerate(PATHS, start=1):
            routes[path] = Page(article(i))
        rules = tmp_path / "rules"
        rules.mkdir()
        (rules / "alpha.toml").write_text(
            f'name = "alpha"\n[crawl]\nfeeds = ["{srv.url}/feed.xml"]\ndelay = 0.0\n')
        yield srv, routes, Extractor(rules), rules


def article_log(srv: SiteServer) -> list:
    return [e for e in srv.log if e.path.startswith("/a/")]


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file of a records folder (but the crawl's lock, rewritten by each run) with
    its bytes and modification time."""
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.iterdir())
            if p.name != ".crawl.lock"}


def rows(opts) -> dict[str, object]:
    with CrawlState(opts.resolved_state_path()) as state:
        return {r.url.rsplit("/", 1)[1]: r for r in state.rows()}


def set_state(opts, sql: str, *params) -> None:
    db = sqlite3.connect(opts.resolved_state_path())
    with db:
        db.execute(sql, params)
    db.close()


def test_an_edited_article_is_rewritten_in_place_and_unchanged_ones_cost_a_304(site, tmp_path):
    srv, routes, extractor, _ = site
    opts = options(tmp_path)
    assert run_crawl(opts, extractor=extractor).written == 4
    before = snapshot(opts.out_dir)
    old_index = index(opts.out_dir)
    name = rows(opts)["2.html"].record_file
    # The cache revalidates with the validators of its newest answer by Date, which counts
    # seconds: the edit comes a second after the first fetch, as edits do.
    time.sleep(1.1)
    routes["/a/2.html"] = Page(edited(2))   # new body, so new validators
    srv.log.clear()

    summary = run_crawl(replace(opts, refresh_days=7), extractor=extractor)
    assert (summary.refreshed, summary.updated, summary.unchanged, summary.gone) == (4, 1, 3, 0)
    assert (summary.new, summary.written, summary.skipped, summary.failed) == (0, 0, 0, 0)
    assert summary.line().endswith(", refreshed 4 (updated 1, unchanged 3, gone 0)")
    requests = article_log(srv)
    assert len(requests) == 4 and all("if-none-match" in e.headers for e in requests)
    assert sorted(e.status for e in requests) == [200, 304, 304, 304]

    after = snapshot(opts.out_dir)
    assert list(after) == list(before)                       # same names, nothing else left
    for other, (data, mtime) in before.items():
        if other not in (name, "records.jsonl"):
            assert after[other] == (data, mtime), other       # untouched, mtime too
    text = (opts.out_dir / name).read_text("utf-8")
    assert text.startswith("خبر رقم 2 عن أعمال الصيانة في المدينة (محدث)\n") and ADDED in text
    entries = index(opts.out_dir)
    assert [e["file"] for e in entries] == [e["file"] for e in old_index]
    changed = [(old, new) for old, new in zip(old_index, entries) if old != new]
    assert len(changed) == 1
    old, new = changed[0]
    assert new["file"] == name and new["version"] == 2 and new["updated"].endswith("Z")
    assert "version" not in old and new["title"].endswith("(محدث)")
    assert new["text_sha256"] != old["text_sha256"]
    row = rows(opts)["2.html"]
    assert (row.status, row.version, row.content_hash) == ("done", 2, new["text_sha256"])

    # nothing changed since: four 304s, nothing written, not even the index
    srv.log.clear()
    before = snapshot(opts.out_dir)
    again = run_crawl(replace(opts, refresh_days=7), extractor=extractor)
    assert (again.refreshed, again.updated, again.unchanged) == (4, 0, 4)
    assert [e.status for e in article_log(srv)] == [304] * 4
    assert snapshot(opts.out_dir) == before
    # without --refresh, done articles are not requested at all
    srv.log.clear()
    assert run_crawl(opts, extractor=extractor).refreshed == 0 and article_log(srv) == []


def test_pages_taken_down_are_reported_kept_and_not_asked_every_run(site, tmp_path):
    srv, routes, _, rules = site
    args = ["--rules", str(rules), "-o", str(tmp_path / "out"), "--cache", str(tmp_path / "c"),
            "--retries", "0"]
    runner = CliRunner()
    assert runner.invoke(crawl_command, args).exit_code == 0
    before = snapshot(tmp_path / "out")
    routes["/a/1.html"] = Page(b"not found", "text/plain", status=404)
    routes["/a/2.html"] = Page(b"gone", "text/plain", status=410)
    routes["/a/3.html"] = Page(article_html("Page not found", ["This article was removed."],
                                            lang="en"))
    result = runner.invoke(crawl_command, [*args, "--refresh", "7"])
    assert result.exit_code == 0, result.stderr                # archived, not a failure
    assert result.stdout.strip() == ("discovered 4, new 0, written 0, skipped 0, failed 0, "
                                     "refreshed 4 (updated 0, unchanged 1, gone 3)")
    reports = sorted(result.stderr.splitlines())
    assert len(reports) == 3
    assert all(r.startswith("scrape: gone: ") and "kept" in r for r in reports)
    assert "HTTP 404" in reports[0] and "HTTP 410" in reports[1] and "no article" in reports[2]
    assert snapshot(tmp_path / "out") == before                # every record kept, untouched
    opts = options(tmp_path, state_path=tmp_path / "c" / "crawl-state.sqlite")
    state = rows(opts)
    assert [state[f"{i}.html"].status for i in range(1, 5)] == ["gone", "gone", "gone", "done"]
    assert state["2.html"].last_error == "HTTP 410"

    # the next run (within the recheck interval) leaves them alone
    srv.log.clear()
    logged = runner.invoke(crawl_command, [*args, "--refresh", "7", "--log-json"])
    assert [e.path for e in article_log(srv)] == ["/a/4.html"]
    events = [json.loads(line) for line in logged.stderr.splitlines()]
    summary = [e for e in events if e["event"] == "summary"][0]
    assert (summary["refreshed"], summary["unchanged"], summary["gone"]) == (1, 1, 0)
    assert [e for e in events if e["event"] == "todo"][0]["refresh"] == 1

    # a day later they are asked again; one came back
    set_state(opts, "UPDATE urls SET checked_at = '2000-01-01T00:00:00Z' WHERE status = 'gone'")
    routes["/a/1.html"] = Page(article(1))
    srv.log.clear()
    back = runner.invoke(crawl_command, [*args, "--refresh", "7", "--log-json"])
    assert sorted(e.path for e in article_log(srv)) == PATHS
    events = [json.loads(line) for line in back.stderr.splitlines()]
    statuses = {e["url"].rsplit("/", 1)[1]: e["status"] for e in events if e["event"] == "url"}
    assert statuses == {"1.html": "unchanged", "2.html": "gone", "3.html": "gone",
                        "4.html": "unchanged"}
    assert rows(opts)["1.html"].status == "done" and snapshot(tmp_path / "out") == before


def test_an_edit_that_duplicates_another_record_is_reported_not_written(site, tmp_path):
    srv, routes, extractor, _ = site
    opts = options(tmp_path, refresh_days=7)
    run_crawl(opts, extractor=extractor)
    before = snapshot(opts.out_dir)
    state = rows(opts)
    routes["/a/3.html"] = Page(article(1))      # now the same story as /a/1.html
    events: list = []

    def hear(kind: str, **fields) -> None:
        events.append((kind, fields))

    summary = run_crawl(opts, extractor=extractor, on_event=hear)
    assert (summary.updated, summary.unchanged) == (0, 4)
    refused = [f for kind, f in events if kind == "url" and f["status"] == "duplicate"]
    assert refused == [{"url": state["3.html"].url, "refresh": True, "status": "duplicate",
                        "file": state["3.html"].record_file,
                        "same_as": state["1.html"].record_file}]
    assert snapshot(opts.out_dir) == before
    assert rows(opts)["3.html"].content_hash == state["3.html"].content_hash
    # still reported on the next run: the page is looked at again, not taken as known
    events.clear()
    run_crawl(opts, extractor=extractor, on_event=hear)
    third = [f["status"] for kind, f in events if kind == "url" and "3.html" in f["url"]]
    assert third == ["duplicate"]


def test_window_limit_and_the_rules_refresh(tmp_path):
    """Old articles are not asked; new articles come first under --limit; a rule's
    crawl.refresh wins over the run's for its site, 0 included."""
    routes_a: dict = {}
    routes_b: dict = {}
    with SiteServer(routes_a) as a, SiteServer(routes_b, host="127.0.0.2") as b:
        rules = tmp_path / "rules"
        rules.mkdir()
        for name, srv, routes, refresh in (("a", a, routes_a, 3), ("b", b, routes_b, 0)):
            routes["/feed.xml"] = rss(srv.url, PATHS[:3])
            for i, path in enumerate(PATHS, start=1):
                routes[path] = Page(article(i + (10 if name == "b" else 0)))
            (rules / f"{name}.toml").write_text(
                f'name = "{name}"\n[crawl]\nfeeds = ["{srv.url}/feed.xml"]\ndelay = 0.0\n'
                f'refresh = {refresh}\n')
        extractor = Extractor(rules)
        opts = options(tmp_path)
        run_crawl(opts, extractor=extractor)
        set_state(opts, "UPDATE urls SET written_at = '2000-01-01T00:00:00Z' WHERE url LIKE ?",
                  "%/a/1.html")   # long before a's 3 days and the run's 7
        a.log.clear(), b.log.clear()
        run_crawl(opts, extractor=extractor)          # run: 0 days; rule a: 3 days
        assert [e.path for e in article_log(a)] == ["/a/2.html", "/a/3.html"]
        assert article_log(b) == []
        a.log.clear()
        run_crawl(replace(opts, refresh_days=7), extractor=extractor)   # rule b: 0 wins
        assert [e.path for e in article_log(a)] == ["/a/2.html", "/a/3.html"]
        assert article_log(b) == []

        # two new articles and an edit: with --limit 3, the new ones go first
        routes_a["/feed.xml"] = rss(a.url, PATHS)
        routes_b["/feed.xml"] = rss(b.url, PATHS)
        routes_a["/a/3.html"] = Page(edited(3))
        a.log.clear(), b.log.clear()
        summary = run_crawl(replace(opts, limit=3), extractor=extractor)
        assert (summary.new, summary.written, summary.refreshed, summary.updated) == (2, 2, 1, 0)
        assert [e.path for e in article_log(a)] == ["/a/4.html", "/a/2.html"]
        assert [e.path for e in article_log(b)] == ["/a/4.html"]
        a.log.clear()
        later = run_crawl(replace(opts, limit=3), extractor=extractor)
        assert (later.new, later.refreshed, later.updated) == (0, 3, 1)
        assert [e.path for e in article_log(a)] == ["/a/2.html", "/a/3.html", "/a/4.html"]


def test_kill_windows_of_a_refresh_heal_on_rerun(site, tmp_path):
    """Deaths after a record was replaced: before the index caught up (its journal is
    there), and after it but before the state took the new hash. The rerun must end
    exactly as the uninterrupted refresh did."""
    srv, routes, extractor, _ = site
    opts = options(tmp_path, refresh_days=7)
    run_crawl(opts, extractor=extractor)
    state = rows(opts)
    old_lines = (opts.out_dir / "records.jsonl").read_text("utf-8").splitlines(keepends=True)
    routes["/a/2.html"] = Page(edited(2))
    routes["/a/4.html"] = Page(edited(4))
    run_crawl(opts, extractor=extractor)
    done = {name: data for name, (data, _) in snapshot(opts.out_dir).items()}
    new_state = rows(opts)
    new_lines = done["records.jsonl"].decode("utf-8").splitlines(keepends=True)
    two, four = (state[n].record_file for n in ("2.html", "4.html"))
    assert [json.loads(line)["file"] for line in new_lines].index(two) == 1
    # 2: record replaced, its journal written, the index not yet; 4: index rewritten too
    (opts.out_dir / f".update-{two}").write_text(new_lines[1], "utf-8")
    (opts.out_dir / "records.jsonl").write_text("".join(old_lines[:3] + new_lines[3:]), "utf-8")
    for name in ("2.html", "4.html"):  # neither reached the state
        old = state[name]
        set_state(opts, "UPDATE urls SET content_hash = ?, page_hash = ?, version = 1 "
                  "WHERE url = ?", old.content_hash, old.page_hash, old.url)
    srv.log.clear()
    summary = run_crawl(opts, extractor=extractor)
    assert (summary.updated, summary.unchanged) == (2, 2)
    assert {p.name: p.read_bytes() for p in sorted(opts.out_dir.iterdir())
            if p.name != ".crawl.lock"} == done
    assert {n: (r.content_hash, r.page_hash, r.version) for n, r in rows(opts).items()} == \
        {n: (r.content_hash, r.page_hash, r.version) for n, r in new_state.items()}


@pytest.mark.parametrize("kill_after", [2, 9])
def test_killed_refresh_resumes_exactly(tmp_path, kill_after):
    """SIGKILL a real `scrape crawl --refresh` mid-refresh; after the resumed run the folder
    must equal an uninterrupted refresh's (names, record bytes, index but its timestamps)."""
    routes_a: dict = {}
    routes_b: dict = {}
    with SiteServer(routes_a) as a, SiteServer(routes_b, host="127.0.0.2") as b:
        rules = feed_sites(tmp_path / "rules", [("a", a, routes_a, 100), ("b", b, routes_b, 200)],
                           delay=0.05)

        def crawl(out: str, *extra: str) -> subprocess.Popen:
            cmd = [sys.executable, "-m", "scraper.cli", "crawl", "--rules", str(rules),
                   "-o", str(tmp_path / out), "--cache", str(tmp_path / f"{out}-cache"),
                   "--no-progress", *extra]
            return subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    env={**os.environ, "PYTHONPATH": str(ROOT)})

        # the first crawls and the uninterrupted refresh in this process (as the command
        # would run them), the killed refresh and its resumption as commands
        extractor = Extractor(rules)

        def in_process(out: str, refresh: float = 0) -> CrawlOptions:
            return CrawlOptions(out_dir=tmp_path / out, refresh_days=refresh,
                                fetch=FetchSettings(cache_dir=tmp_path / f"{out}-cache"))

        for out in ("clean", "killed"):
            assert run_crawl(in_process(out), extractor=extractor).written == 16
        # 14 of the 16 articles edited, slowly served
        for name, routes, base in (("a", routes_a, 100), ("b", routes_b, 200)):
            for i in range(7):
                routes[f"/news/{i}.html"] = Page(edited(base + i), delay=0.12)

        assert run_crawl(in_process("clean", 7), extractor=extractor).updated == 14
        killed_dir = tmp_path / "killed"
        proc = crawl("killed", "--refresh", "7")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if len(list(killed_dir.glob(".update-*"))) >= kill_after:
                break
            time.sleep(0.01)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        partial = len(list(killed_dir.glob(".update-*")))
        assert kill_after <= partial < 14, "the kill came too late to test anything"

        resumed = crawl("killed", "--refresh", "7")
        out, err = resumed.communicate(timeout=60)
        assert resumed.returncode == 0, err
        assert b"new 0" in out and b"refreshed 16" in out

    def files(folder: Path) -> dict[str, bytes]:
        return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}

    def untimed(folder: Path) -> list[dict]:
        return [{k: v for k, v in e.items() if k != "updated"} for e in index(folder)]

    clean_files, killed_files = files(tmp_path / "clean"), files(killed_dir)
    assert list(killed_files) == list(clean_files)
    assert len(clean_files) == 18  # 16 records, records.jsonl, .crawl.lock: no journal left
    for name in clean_files:
        if name.endswith(".txt"):
            assert killed_files[name] == clean_files[name], name
    assert untimed(killed_dir) == untimed(tmp_path / "clean")
    assert sorted(e.get("version", 1) for e in index(killed_dir)) == [1, 1] + [2] * 14
    assert all("updated" in e for e in index(killed_dir) if e.get("version"))
