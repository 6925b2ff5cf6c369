"""Benchmark: our `extract_html` against `trafilatura.extract` (default and
favor_precision) in the same run, on the three corpora of ../shared/corpora.

Each extractor runs in its own fresh process (so peak memory is its own) pinned to one
core; the pages go to them in turn, so all see the same machine load. Quality, per corpus:
- wcxb (709 article pages with a human-reviewed main text): WCXB's word F1;
- readability (94 pages; Lorem-ipsum and near-empty golds left out): token F1;
- trafilatura corpus (990 pages): snippet P/R/F1 (`with` / `without` snippets).
Ours is scored out-of-fold: each page by the fold models (build/models/blocks-fold{k}.json
and regions-fold{k}.json, written by `python -m scraper.train blocks` and `regions`) that
never saw its site; and leave-one-corpus-out ("ours-loco"): each page by the models trained
on the other two corpora only (blocks-loco-<corpus>.json, regions-loco-<corpus>.json), the
better proxy for sites nobody has seen. Beside the means, the pages under F1 0.7. Speed is
pages per second (CPU time inside the call only, all corpora) of the simplest call,
`scraper.extract_html(html, url=url)` with the bundled model, and of trafilatura; peak
RSS is each process's.

    .venv/bin/python bench/extract.py [--corpora ../shared/corpora] [--limit N] [--dump FILE]
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
sys.path.insert(0, str(ROOT))

from metrics import Score, leaked, snippet_score, token_f1, word_f1  # noqa: E402

from scraper.train.corpora import CORPORA, NAMES, READERS, Page  # noqa: E402

FOLD_MODELS = ROOT / "build" / "models"
# name: what runs in the process
EXTRACTORS = {
    "trafilatura": "trafilatura.extract(html, url=url)",
    "traf-precision": "trafilatura.extract(html, url=url, favor_precision=True)",
    "ours": "Extractor(block_model=<fold model of the page's site>).extract_html(html, url=url)",
    "ours-loco": "Extractor(<models trained without the page's corpus>).extract_html(...)",
    "ours-bundled": "extract_html(html, url=url)  (speed only: the bundled model saw every page)",
}
METRIC = {"wcxb": word_f1, "readability": token_f1}
LOW_F1 = 0.7  # a page under this F1 is a large failure


def _make_extractor(name: str, models: Path):
    if name.startswith("tra"):
        import trafilatura
        precision = name == "traf-precision"

        def run_trafilatura(page: Page, data: bytes) -> str:
            return trafilatura.extract(data, url=page.url, favor_precision=precision) or ""
        return run_trafilatura
    import scraper
    from scraper.errors import ScraperError
    from scraper.model import Classifier, site_fold
    from scraper.train.blocks import FOLDS

    def extractor(kind: str) -> scraper.Extractor:
        return scraper.Extractor(block_model=Classifier.load(models / f"blocks-{kind}.json"),
                                 region_model=Classifier.load(models / f"regions-{kind}.json"))

    folds = [extractor(f"fold{k}") for k in range(FOLDS)] if name == "ours" else []
    loco = {c: extractor(f"loco-{c}") for c in NAMES} if name == "ours-loco" else {}

    def run_ours(page: Page, data: bytes) -> str:
        try:
            if folds:
                record = folds[site_fold(page.site, FOLDS)].extract_html(data, url=page.url)
            elif loco:
                record = loco[page.corpus].extract_html(data, url=page.url)
            else:
                record = scraper.extract_html(data, url=page.url)
        except ScraperError:
            return ""
        return "\n".join(record.paragraphs)
    return run_ours


def _worker(name: str, models: Path, conn) -> None:
    """Extract the pages the parent sends, one at a time; report time and peak memory."""
    warnings.filterwarnings("ignore", message=".*undecodable byte")  # DecodeWarning: a few corpus pages
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    extract = _make_extractor(name, models)
    elapsed = 0.0
    while True:
        page = conn.recv()
        if page is None:
            break
        data = page.html()
        start = time.process_time()
        text = extract(page, data)
        elapsed += time.process_time() - start
        conn.send(text)
    conn.send({"seconds": elapsed,
               "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024})
    conn.close()


def run(names: list[str], corpora: Path, models: Path, limit: int | None) -> dict[str, Any]:
    """Each extractor in its own process; pages go to them in turn."""
    ctx = mp.get_context("spawn")
    workers = {}
    for name in names:
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=_worker, args=(name, models, child))
        proc.start()
        workers[name] = (parent, proc)
    outputs: dict[str, dict[str, list]] = {n: {c: [] for c in NAMES} for n in names}
    pages: dict[str, list[Page]] = {}
    for corpus in NAMES:
        pages[corpus] = READERS[corpus](corpora)[:limit]
        for page in pages[corpus]:
            for name, (conn, _) in workers.items():
                conn.send(page)
                outputs[name][corpus].append(conn.recv())
    results = {}
    for name, (conn, proc) in workers.items():
        conn.send(None)
        stats = conn.recv()
        proc.join()
        scores: dict[str, Score] = {}
        per_page: dict[str, Any] = {}
        for corpus in NAMES:
            texts = outputs[name][corpus]
            if corpus in METRIC:
                pairs = [(p.gold or "", t) for p, t in zip(pages[corpus], texts)]
                scores[corpus] = METRIC[corpus](pairs)
                per_page.update({p.key: METRIC[corpus]([pair]).f1
                                 for p, pair in zip(pages[corpus], pairs)})
            else:
                cases = [(list(p.with_), list(p.without), t) for p, t in zip(pages[corpus], texts)]
                scores[corpus] = snippet_score(cases)
                stats["leaked"] = leaked(cases)
                per_page.update({p.key: snippet_score([case]).f1
                                 for p, case in zip(pages[corpus], cases)})
        total = sum(len(p) for p in pages.values())
        low = {c: sum(per_page[p.key] < LOW_F1 for p in pages[c]) for c in NAMES}
        results[name] = {"pages": total, **stats, "pages_per_s": total / stats["seconds"],
                         "scores": scores, "per_page": per_page, "low": low}
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=CORPORA)
    parser.add_argument("--models", type=Path, default=FOLD_MODELS, help="fold models folder")
    parser.add_argument("--limit", type=int, default=None, help="first N pages of each corpus")
    parser.add_argument("--only", choices=tuple(EXTRACTORS), action="append", default=None)
    parser.add_argument("--dump", type=Path, default=None, help="write per-page F1 (JSON)")
    args = parser.parse_args()
    if not (args.corpora / "wcxb").is_dir():
        print(f"corpora not found at {args.corpora}", file=sys.stderr)
        return 2
    names = args.only or list(EXTRACTORS)
    if {"ours", "ours-loco"} & set(names) and not (args.models / "regions-fold0.json").is_file():
        print(f"no fold models in {args.models}: run python -m scraper.train blocks, then "
              "regions", file=sys.stderr)
        return 2
    results = run(names, args.corpora, args.models, args.limit)
    print(f"{'extractor':<15} {'wcxb word P/R/F1':>20} | {'readability token P/R/F1':>24} | "
          f"{'traf. snippets P/R/F1':>21} | {'pages/s':>7} {'peak MB':>7} | pages < {LOW_F1}")
    for name, r in results.items():
        s = r["scores"]
        cells = [f"{s[c].precision:.3f} {s[c].recall:.3f} {s[c].f1:.3f}" for c in NAMES]
        if name == "ours-bundled":
            cells = ["(in-sample)" for _ in NAMES]
        low = " / ".join(str(r["low"][c]) for c in NAMES) + f" | leaked {r.get('leaked', 0)}"
        print(f"{name:<15} {cells[0]:>20} | {cells[1]:>24} | {cells[2]:>21} | "
              f"{r['pages_per_s']:7.1f} {r['peak_mb']:7.0f} | {low}")
    baselines = [n for n in ("trafilatura", "traf-precision") if n in results]
    for mine in ("ours", "ours-loco"):
        if mine not in results or not baselines:
            continue
        for corpus in NAMES:
            best = max(baselines, key=lambda n: results[n]["scores"][corpus].f1)
            ours, theirs = results[mine]["scores"][corpus].f1, results[best]["scores"][corpus].f1
            print(f"{corpus:<12} F1 {mine} {ours:.3f} vs {best} {theirs:.3f}: "
                  f"{ours - theirs:+.3f}")
    fast = "ours-bundled" if "ours-bundled" in results else "ours"
    if fast in results and "trafilatura" in results:
        o, t = results[fast], results["trafilatura"]
        print(f"speed {fast}/trafilatura {o['pages_per_s'] / t['pages_per_s']:.2f}x, "
              f"peak memory {o['peak_mb'] / t['peak_mb']:.2f}x")
    first = results[names[0]]["scores"]
    print("pages: " + ", ".join(f"{first[c].pages} {c}" for c in NAMES))
    if args.dump:
        args.dump.write_text(json.dumps({n: r["per_page"] for n, r in results.items()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
