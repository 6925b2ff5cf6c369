"""Benchmark: our `extract_html` against plain `trafilatura.extract` in the same run.

Each extractor runs in its own fresh process (so peak memory is its own) pinned to one
core; the pages go to the two in turn, so both see the same machine load. For each:
- readability corpus: token P/R/F1 against gold.txt (Lorem-ipsum and near-empty pages left out);
- trafilatura corpus: snippet P/R/F1 (`with` / `without` snippets of meta.json);
- pages per second (time inside the extraction call only; both corpora) and peak RSS.

    .venv/bin/python bench/extract.py [--corpora ../shared/corpora] [--limit N] [--only ours]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import resource
import sys
import time
import warnings
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from metrics import snippet_score, token_f1  # noqa: E402

MIN_GOLD_CHARS = 150  # the README's near-empty golds are all shorter than this


def readability_pages(corpora: Path) -> list[tuple[str, Path, dict[str, Any]]]:
    """(id, folder, meta) of the readability pages with a real, non-Lorem-ipsum gold."""
    pages = []
    for folder in sorted((corpora / "readability").iterdir()):
        meta_path = folder / "meta.json"
        if not meta_path.is_file():
            continue
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("lang_detected") == "la" or meta["stats"]["gold_chars"] < MIN_GOLD_CHARS:
            continue
        pages.append((folder.name, folder, meta))
    return pages


def trafilatura_pages(corpora: Path) -> list[tuple[str, Path, dict[str, Any]]]:
    """(id, folder, meta) of every trafilatura-corpus page."""
    pages = []
    for folder in sorted((corpora / "trafilatura").iterdir()):
        meta_path = folder / "meta.json"
        if meta_path.is_file():
            pages.append((folder.name, folder, json.loads(meta_path.read_text(encoding="utf-8"))))
    return pages


def _make_extractor(name: str):
    if name == "trafilatura":
        import trafilatura

        def run(data: bytes, url: str | None) -> str:
            return trafilatura.extract(data, url=url) or ""
        return run
    from scraper import extract_html, load_rules
    from scraper.errors import ScraperError
    rules = load_rules()

    def run(data: bytes, url: str | None) -> str:
        try:
            return "\n".join(extract_html(data, url=url, rules=rules).paragraphs)
        except ScraperError:
            return ""
    return run


def _worker(name: str, conn) -> None:
    """Extract the pages the parent sends, one at a time; report time and peak memory."""
    warnings.filterwarnings("ignore", message=".*undecodable byte")  # DecodeWarning: a few corpus pages
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    extract = _make_extractor(name)
    elapsed = 0.0
    while True:
        message = conn.recv()
        if message is None:
            break
        path, url = message
        data = Path(path).read_bytes()
        start = time.perf_counter()
        text = extract(data, url)
        elapsed += time.perf_counter() - start
        conn.send(text)
    conn.send({"seconds": elapsed,
               "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024})
    conn.close()


def run(names: list[str], corpora: Path, limit: int | None) -> dict[str, Any]:
    """Each extractor in its own process; pages go to them in turn, so both see the
    machine under the same load (other jobs come and go)."""
    ctx = mp.get_context("spawn")
    workers = {}
    for name in names:
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=_worker, args=(name, child))
        proc.start()
        workers[name] = (parent, proc)
    pairs: dict[str, list] = {n: [] for n in names}
    cases: dict[str, list] = {n: [] for n in names}
    per_page: dict[str, dict] = {n: {} for n in names}
    pages = 0
    for page_id, folder, meta in readability_pages(corpora)[:limit]:
        gold = (folder / "gold.txt").read_text(encoding="utf-8")
        pages += 1
        for name, (conn, _) in workers.items():
            conn.send((str(folder / "page.html"), None))
            text = conn.recv()
            pairs[name].append((gold, text))
            one = token_f1([(gold, text)])
            per_page[name]["r/" + page_id] = (one.precision, one.recall)
    for page_id, folder, meta in trafilatura_pages(corpora)[:limit]:
        with_, without = meta.get("with", []), meta.get("without", [])
        pages += 1
        for name, (conn, _) in workers.items():
            conn.send((str(folder / "page.html"), meta.get("url")))
            text = conn.recv()
            cases[name].append((with_, without, text))
            per_page[name]["t/" + page_id] = (sum(s in text for s in with_),
                                              sum(s in text for s in without),
                                              len(with_), len(without))
    results = {}
    for name, (conn, proc) in workers.items():
        conn.send(None)
        stats = conn.recv()
        proc.join()
        token, snippet = token_f1(pairs[name]), snippet_score(cases[name])
        results[name] = {
            "pages": pages, **stats,
            "token": (token.precision, token.recall, token.f1, token.pages),
            "snippet": (snippet.precision, snippet.recall, snippet.f1, snippet.pages),
            "per_page": per_page[name],
        }
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=ROOT.parent / "shared" / "corpora")
    parser.add_argument("--limit", type=int, default=None, help="first N pages of each corpus")
    parser.add_argument("--only", choices=("ours", "trafilatura"), default=None)
    parser.add_argument("--dump", type=Path, default=None, help="write per-page scores (JSON)")
    args = parser.parse_args()
    if not (args.corpora / "readability").is_dir():
        print(f"corpora not found at {args.corpora}", file=sys.stderr)
        return 2
    names = [args.only] if args.only else ["trafilatura", "ours"]
    results = run(names, args.corpora, args.limit)
    print(f"{'extractor':<12} {'tokP':>6} {'tokR':>6} {'tokF1':>6} | {'snipP':>6} {'snipR':>6} "
          f"{'snipF1':>6} | {'pages/s':>7} {'peakMB':>7}")
    for name, r in results.items():
        tp, tr, tf, _ = r["token"]
        sp, sr, sf = r["snippet"][:3]
        print(f"{name:<12} {tp:6.3f} {tr:6.3f} {tf:6.3f} | {sp:6.3f} {sr:6.3f} {sf:6.3f} | "
              f"{r['pages'] / r['seconds']:7.1f} {r['peak_mb']:7.0f}")
    if len(results) == 2:
        o, t = results["ours"], results["trafilatura"]
        print(f"ratios ours/trafilatura: token F1 {o['token'][2] / t['token'][2]:.3f}, "
              f"snippet F1 {o['snippet'][2] / t['snippet'][2]:.3f}, "
              f"speed {(o['pages'] / o['seconds']) / (t['pages'] / t['seconds']):.2f}x, "
              f"peak memory {o['peak_mb'] / t['peak_mb']:.2f}x")
    tr = results[names[0]]
    print(f"pages: {tr['token'][3]} readability (token F1), "
          f"{tr['snippet'][3]} trafilatura-corpus pages (snippets)")
    if args.dump:
        args.dump.write_text(json.dumps({n: r["per_page"] for n, r in results.items()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
