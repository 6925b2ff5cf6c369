"""Benchmark: the per-call cost of the simplest library calls against a prepared Extractor.

In one run, on the same pages, each call repeated over them in turn:
- `scraper.extract_html(html)` / `scraper.clean_text(text)`: the shared default Extractor;
- `extractor.extract_html(html)` / `extractor.clean_text(text)`: an Extractor built once;
- `scraper.extract_html(html, rules=scraper.load_rules())`: rules loaded on every call, which
  is what a call without `rules=` cost before the Extractor existed.
Prints CPU milliseconds per call (process time: other jobs on the machine do not count) and
the ratios to the prepared Extractor.

    python bench/calls.py [--corpora ../shared/corpora] [--pages N] [--rounds R]
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import scraper
from scraper import ScraperError

ROOT = Path(__file__).resolve().parent.parent


def _per_call(calls: dict[str, Callable[[bytes | str], object]], inputs: list,
              rounds: int) -> dict[str, float]:
    """CPU milliseconds per call of each variant, the best of `rounds` passes over the inputs;
    the variants take turns pass by pass, so all see the same machine load."""
    best = dict.fromkeys(calls, float("inf"))
    for _ in range(rounds):
        for label, call in calls.items():
            start = time.process_time()
            for item in inputs:
                try:
                    call(item)
                except ScraperError:
                    pass
            best[label] = min(best[label], (time.process_time() - start) / len(inputs))
    return {label: seconds * 1000 for label, seconds in best.items()}


def main() -> int:
    warnings.filterwarnings("ignore", message=".*undecodable byte")  # DecodeWarning: a few corpus pages
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=ROOT.parent / "shared" / "corpora")
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    folders = sorted(p for p in (args.corpora / "readability").iterdir() if p.is_dir())
    if not folders:
        print(f"corpora not found at {args.corpora}", file=sys.stderr)
        return 2
    folders = folders[:: max(1, len(folders) // args.pages)][: args.pages]
    pages = [(f / "page.html").read_bytes() for f in folders]
    texts = [(f / "dirty.txt").read_text(encoding="utf-8") for f in folders]
    extractor = scraper.Extractor()
    scraper.default_extractor()  # built before timing, as after a program's first call

    rows = [
        ("extract_html", pages, {
            "prepared Extractor": extractor.extract_html,
            "scraper.extract_html(html)": scraper.extract_html,
            "rules loaded per call (before)":
                lambda html: scraper.extract_html(html, rules=scraper.load_rules()),
        }),
        ("clean_text", texts, {
            "prepared Extractor": extractor.clean_text,
            "scraper.clean_text(text)": scraper.clean_text,
            "rules loaded per call (before)":
                lambda text: scraper.clean_text(text, rules=scraper.load_rules()),
        }),
    ]
    print(f"{len(pages)} readability pages, best of {args.rounds} passes, the variants in turn")
    for name, inputs, calls in rows:
        costs = _per_call(calls, inputs, args.rounds)
        base = costs["prepared Extractor"]
        print(f"{name}:")
        for label, cost in costs.items():
            print(f"  {label:<32} {cost:8.2f} ms/call  {cost / base:6.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
