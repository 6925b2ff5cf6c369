"""Benchmark of `scrape crawl` against a plain sequential httpx loop, in the same run.

A local server process serves N article pages (default 1,000) spread over H hosts
(default 20: 127.0.0.2 ... 127.0.0.21), each host with an RSS feed of its articles; every
answer (200 or 304) comes after a fixed delay (default 50 ms). Then, each in its own
process (peak memory = that process's max RSS):

1. the sequential loop: httpx.Client, for each host GET its feed, then GET and extract
   every article (extract_html) and write it with RecordWriter;
2. `scrape crawl` (robots.txt, cache, state, per-host politeness with a rule delay of 0,
   concurrency 8) into a fresh folder, cache and state;
3. `scrape crawl` again, nothing changed: the incremental run;
4. `scrape crawl --refresh 7` after the server edited a fraction of the articles (default
   5%: a corrected headline and an added paragraph, served with new validators): every
   record is revalidated, and exactly the edited ones must be rewritten;
5. `scrape crawl --refresh 7` again, nothing changed: a steady-state refresh.

    python bench/crawl.py [--pages 1000] [--hosts 20] [--latency 0.05] [--concurrency 8]
                          [--edit 0.05]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests"))
from siteserver import ARABIC_PARAGRAPHS  # noqa: E402

PARAGRAPHS = [
    *ARABIC_PARAGRAPHS,
    "The council said the works would continue until the end of next month, with partial road "
    "closures at night to limit the disruption for residents and commuters.",
    "Shop owners voiced concern about the effect on trade, while others welcomed a project they "
    "expect to bring more visitors to the city centre in the coming months.",
]


ADDED = ("وفي تطور لاحق، أعلنت البلدية تأجيل افتتاح الطريق الجديد أسبوعين بسبب الأمطار "
         "الغزيرة، على أن تستأنف الأعمال مطلع الشهر المقبل.")


def page(host: int, n: int, *, edited: bool = False) -> bytes:
    """Article n of a host; `edited`: its headline corrected and a paragraph added."""
    nav = "".join(f'<li><a href="/section/{i}">قسم {i}</a></li>' for i in range(40))
    paragraphs = [*PARAGRAPHS * 2, *([ADDED] if edited else [])]
    body = "".join(f"<p>{p} ({host}-{n}-{i})</p>" for i, p in enumerate(paragraphs))
    related = "".join(f'<li><a href="/news/{(n + i) % 50}.html">خبر ذو صلة {i}</a></li>'
                      for i in range(10))
    headline = f"خبر رقم {n} من الموقع {host}" + (" (محدث)" if edited else "")
    return (f'<!DOCTYPE html><html lang="ar"><head><meta charset="utf-8"><title>خبر {host}-{n}</title>'
            f'</head><body><header><nav><ul>{nav}</ul></nav></header><main><article>'
            f"<h1>{headline}</h1>{body}</article><aside><ul>{related}</ul></aside>"
            f"</main><footer><p>جميع الحقوق محفوظة</p></footer></body></html>").encode()


def serve(pages: int, hosts: int, latency: float, ready: Path) -> None:
    """The server process: one SiteServer per loopback host. Commands on stdin, one a line:
    `stats` prints request counts (by status, and of article requests, how many were
    conditional) and clears the logs; `edit F` edits every (1/F)th article and prints the
    edited URLs."""
    from siteserver import Page, SiteServer

    servers = []
    per_host = pages // hosts
    for h in range(hosts):
        routes: dict = {}
        srv = SiteServer(routes, host=f"127.0.0.{h + 2}")
        paths = [f"/news/{i}.html" for i in range(per_host)]
        items = "".join(f"<item><title>{p}</title><link>{srv.url}{p}</link></item>" for p in paths)
        routes["/feed.xml"] = Page(f"<?xml version='1.0'?><rss version='2.0'><channel><title>h{h}"
                                   f"</title>{items}</channel></rss>".encode(), "application/rss+xml",
                                   delay=latency)
        routes["/robots.txt"] = Page(b"User-agent: *\nDisallow: /private/\n", "text/plain", delay=latency)
        for i, p in enumerate(paths):
            routes[p] = Page(page(h, i), delay=latency)
        servers.append(srv)
    ready.write_text(json.dumps([s.url for s in servers]))
    for line in sys.stdin:
        command = line.split()
        if command[0] == "edit":
            step = max(1, round(1 / float(command[1])))
            edited = []
            for h, srv in enumerate(servers):
                for i in range(per_host):
                    if (h * per_host + i) % step == 0:
                        # new body, so a new ETag; a later Last-Modified too
                        srv.routes[f"/news/{i}.html"] = Page(
                            page(h, i, edited=True), delay=latency,
                            headers={"Last-Modified": "Tue, 02 Jan 2024 00:00:00 GMT"})
                        edited.append(f"{srv.url}/news/{i}.html")
            print(json.dumps(edited), flush=True)
            continue
        counts: dict[str, int] = {}
        articles: dict[str, int] = {}
        conditional = 0
        for srv in servers:
            with srv._lock:
                for e in srv.log:
                    counts[str(e.status)] = counts.get(str(e.status), 0) + 1
                    if e.path.startswith("/news/"):
                        articles[str(e.status)] = articles.get(str(e.status), 0) + 1
                        conditional += any(h in e.headers
                                           for h in ("if-none-match", "if-modified-since"))
                srv.log.clear()
        print(json.dumps({"all": counts, "articles": articles, "conditional": conditional}),
              flush=True)
    for srv in servers:
        srv.close()


def sequential(urls_file: Path, out: Path) -> None:
    """The baseline: one httpx.Client, feeds then articles, one after the other."""
    import feedparser
    import httpx

    from scraper import RecordWriter, extract_html, load_rules
    from scraper.text.decode import charset_from_content_type

    rules = load_rules()
    writer = RecordWriter(out)
    with httpx.Client(timeout=20) as client:
        for feed in json.loads(urls_file.read_text()):
            response = client.get(feed)
            for entry in feedparser.parse(response.content).entries:
                r = client.get(entry.link)
                record = extract_html(r.content, url=str(r.url), rules=rules,
                                      charset=charset_from_content_type(r.headers.get("content-type")))
                writer.write(record)


def measure(cmd: list[str]) -> tuple[float, float, str]:
    """(seconds, peak RSS in MiB, stdout) of a child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    out_text = []
    reader = threading.Thread(target=lambda: out_text.append(proc.stdout.read()))
    reader.start()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    reader.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{cmd[:4]} failed ({proc.returncode}): {proc.stderr.read().decode()[-2000:]}")
    return elapsed, usage.ru_maxrss / 1024, out_text[0].decode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds before each answer")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--edit", type=float, default=0.05,
                        help="fraction of the articles edited before the refresh")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--sequential", nargs=2, metavar=("URLS", "OUT"), help=argparse.SUPPRESS)
    parser.add_argument("--ready", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.pages, args.hosts, args.latency, Path(args.ready))
        return
    if args.sequential:
        sequential(Path(args.sequential[0]), Path(args.sequential[1]))
        return

    work = Path(tempfile.mkdtemp(prefix="bench-crawl-"))
    ready = work / "ready.json"
    server = subprocess.Popen([sys.executable, __file__, "--serve", "--ready", str(ready),
                               "--pages", str(args.pages), "--hosts", str(args.hosts),
                               "--latency", str(args.latency)],
                              cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        deadline = time.monotonic() + 60
        while not ready.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        bases = json.loads(ready.read_text())
        rules = work / "rules"
        rules.mkdir()
        for i, base in enumerate(bases):
            (rules / f"host{i:02d}.toml").write_text(
                f'name = "host{i:02d}"\n[crawl]\nfeeds = ["{base}/feed.xml"]\n'
                f'article_urls = "/news/"\ndelay = 0.0\n')
        feeds = work / "feeds.json"
        feeds.write_text(json.dumps([f"{b}/feed.xml" for b in bases]))

        def ask(command: str) -> Any:
            server.stdin.write(command + "\n")
            server.stdin.flush()
            return json.loads(server.stdout.readline())

        def stats() -> dict[str, Any]:
            return ask("stats")

        # warm the OS file cache and imports so neither side pays them alone
        subprocess.run([sys.executable, "-c", "import scraper.cli, httpx, trafilatura"], cwd=ROOT,
                       env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True)
        startup, _, _ = measure([sys.executable, "-c", "import scraper.cli"])

        seq_time, seq_mem, _ = measure([sys.executable, __file__, "--sequential", str(feeds),
                                        str(work / "seq-out")])
        seq_requests = stats()
        crawl = [sys.executable, "-m", "scraper.cli", "crawl", "--rules", str(rules),
                 "-o", str(work / "crawl-out"), "--cache", str(work / "cache"),
                 "--concurrency", str(args.concurrency), "--no-progress"]
        crawl_time, crawl_mem, crawl_out = measure(crawl)
        crawl_requests = stats()
        again_time, again_mem, again_out = measure(crawl)
        again_requests = stats()

        before = records(work / "crawl-out")
        edited = set(ask(f"edit {args.edit}"))
        refresh_time, refresh_mem, refresh_out = measure([*crawl, "--refresh", "7"])
        refresh_requests = stats()
        after = records(work / "crawl-out")
        steady_time, steady_mem, steady_out = measure([*crawl, "--refresh", "7"])
        steady_requests = stats()
        steady = records(work / "crawl-out")
    finally:
        server.stdin.close()
        server.wait(30)

    n_seq = len(list((work / "seq-out").glob("*.txt")))
    n_crawl = len(list((work / "crawl-out").glob("*.txt")))
    print(f"{args.pages} pages on {args.hosts} hosts, {args.latency * 1000:.0f} ms per answer, "
          f"crawl concurrency {args.concurrency}, {os.cpu_count()} CPUs")
    print(f"{'':24} {'seconds':>8} {'pages/s':>8} {'peak MiB':>9} {'records':>8}  requests by status")
    print(f"{'sequential httpx loop':24} {seq_time:8.1f} {n_seq / seq_time:8.1f} {seq_mem:9.0f} "
          f"{n_seq:8d}  {by_status(seq_requests)}")
    print(f"{'scrape crawl':24} {crawl_time:8.1f} {n_crawl / crawl_time:8.1f} {crawl_mem:9.0f} "
          f"{n_crawl:8d}  {by_status(crawl_requests)}")
    print(f"{'scrape crawl, unchanged':24} {again_time:8.1f} {'':>8} {again_mem:9.0f} {'':>8}  "
          f"{by_status(again_requests)}")
    rewritten = {url for name, (url, digest, mtime) in after.items()
                 if (digest, mtime) != before[name][1:]}
    print(f"{'--refresh 7, edited':24} {refresh_time:8.1f} {'':>8} {refresh_mem:9.0f} "
          f"{len(rewritten):8d}  {by_status(refresh_requests)}")
    touched = sum(1 for name, entry in steady.items() if entry != after[name])
    print(f"{'--refresh 7, unchanged':24} {steady_time:8.1f} {'':>8} {steady_mem:9.0f} "
          f"{touched:8d}  {by_status(steady_requests)}")
    print(f"speed-up {seq_time / crawl_time:.1f}x; memory ratio crawl/loop {crawl_mem / seq_mem:.2f}; "
          f"python startup + imports {startup:.1f} s")
    print(f"refresh: {len(edited)} articles edited, {len(rewritten)} records rewritten, "
          f"{'exactly the edited ones' if rewritten == edited else 'NOT the edited ones'}; "
          f"{refresh_requests['conditional']} of {sum(refresh_requests['articles'].values())} "
          f"article requests conditional; "
          f"{refresh_time / again_time:.1f}x the unchanged rerun's time")
    print(f"first run:  {crawl_out.strip()}")
    print(f"second run: {again_out.strip()}")
    print(f"refresh:    {refresh_out.strip()}")
    print(f"refresh 2:  {steady_out.strip()}")


def by_status(counts: dict[str, Any]) -> str:
    """Request counts by status; of the article requests, by status and how many conditional."""
    def join(by: dict[str, int]) -> str:
        return ", ".join(f"{n} x {status}" for status, n in sorted(by.items()))
    return (f"{join(counts['all'])} (articles: {join(counts['articles']) or 'none'}; "
            f"{counts['conditional']} conditional)")


def records(folder: Path) -> dict[str, tuple[str, str, int]]:
    """Each record file of a folder: (its URL per the index, SHA-256, mtime in ns)."""
    urls = {}
    for line in (folder / "records.jsonl").read_text("utf-8").splitlines():
        entry = json.loads(line)
        urls[entry["file"]] = entry["url"]
    return {p.name: (urls[p.name], hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
            for p in folder.glob("*.txt")}


if __name__ == "__main__":
    main()
