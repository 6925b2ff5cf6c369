"""Benchmark of the text cleaner (`scrape clean`) on the shared corpora's text dumps.

Cleans ../shared/corpora/readability/*/dirty.txt and scores the result against gold.txt
(token F1, see metrics.py) beside the do-nothing baseline (the dirty text itself), in the
same run; reports throughput in MB/s and peak memory. Then, as a check on pages the
cleaner was never tuned on, snippet P/R/F1 on ../shared/corpora/trafilatura/*/dirty.txt.

    python bench/clean.py [--corpus DIR] [--worst N] [--no-snippets]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import tracemalloc
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from metrics import shingles, snippet_score, token_f1  # noqa: E402

from scraper import NoArticleError, clean_text, load_rules  # noqa: E402

CORPUS = HERE.parent.parent / "shared" / "corpora" / "readability"
SNIPPET_CORPUS = CORPUS.parent / "trafilatura"
MIN_GOLD_WORDS = 50
SKIP_LANGS = {"la", "zxx"}  # Lorem-ipsum unit tests and pages with no language


def pages(corpus: Path) -> list[tuple[str, str, str]]:
    """(name, dirty, gold) for every page the benchmark scores."""
    out = []
    for folder in sorted(p for p in corpus.iterdir() if p.is_dir()):
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        gold = (folder / "gold.txt").read_text(encoding="utf-8")
        if meta.get("lang_detected") in SKIP_LANGS or len(gold.split()) < MIN_GOLD_WORDS:
            continue
        out.append((folder.name, (folder / "dirty.txt").read_text(encoding="utf-8"), gold))
    return out


def main() -> int:
    warnings.filterwarnings("ignore", message=".*undecodable byte")  # DecodeWarning: a few corpus pages
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--worst", type=int, default=0, help="list the N pages with the lowest F1")
    ap.add_argument("--no-snippets", action="store_true", help="skip the trafilatura-corpus check")
    args = ap.parse_args()
    if not args.corpus.is_dir():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 2
    data = pages(args.corpus)
    rules = load_rules()
    size = sum(len(dirty.encode("utf-8")) for _, dirty, _ in data)

    def run() -> list[str]:
        outputs = []
        for name, dirty, _ in data:
            try:
                outputs.append(clean_text(dirty, rules=rules, source=name).to_text())
            except NoArticleError:
                outputs.append("")
        return outputs

    started = time.perf_counter()
    outputs = run()
    elapsed = time.perf_counter() - started
    tracemalloc.start()  # a second pass: tracing slows Python down, so it is not timed
    run()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()

    ours = token_f1((gold, out) for (_, _, gold), out in zip(data, outputs))
    baseline = token_f1((gold, dirty) for _, dirty, gold in data)
    print(f"readability text dumps: {len(data)} pages, {size / 1e6:.2f} MB")
    print(f"  do-nothing baseline  {baseline}")
    print(f"  scrape clean         {ours}")
    print(f"  F1 ratio {ours.f1 / baseline.f1:.3f}; precision ratio {ours.precision / baseline.precision:.3f}; "
          f"recall ratio {ours.recall / baseline.recall:.3f}")
    print(f"  throughput {size / 1e6 / elapsed:.2f} MB/s ({len(data) / elapsed:.0f} pages/s, one core); "
          f"peak traced memory {peak / 1e6:.1f} MB")
    if not args.no_snippets and SNIPPET_CORPUS.is_dir():
        snippets(rules)
    if args.worst:
        scored = []
        for (name, _, gold), out in zip(data, outputs):
            scored.append((token_f1([(gold, out)]).f1, name, bool(shingles(out))))
        for f1, name, nonempty in sorted(scored)[: args.worst]:
            print(f"  {f1:.3f} {name}{'' if nonempty else ' (empty)'}")
    return 0


def snippets(rules: object) -> None:
    """Snippet P/R/F1 of the cleaner and of the do-nothing baseline on the trafilatura dumps."""
    ours, baseline = [], []
    for folder in sorted(p for p in SNIPPET_CORPUS.iterdir() if p.is_dir()):
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        dirty = (folder / "dirty.txt").read_text(encoding="utf-8")
        try:
            out = clean_text(dirty, rules=rules).to_text()
        except NoArticleError:
            out = ""
        ours.append((meta["with"], meta["without"], out))
        baseline.append((meta["with"], meta["without"], dirty))
    print(f"trafilatura text dumps: {len(ours)} pages (snippets; never used for tuning)")
    print(f"  do-nothing baseline  {snippet_score(baseline)}")
    print(f"  scrape clean         {snippet_score(ours)}")


if __name__ == "__main__":
    sys.exit(main())
