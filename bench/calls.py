"""Benchmark: the per-call cost of the simplest library calls against a prepared Extractor.

In one run, on the same pages, each call repeated over them in turn:
- `scraper.extract_html(html)` / `scraper.clean_text(text)`: the shared default Extractor;
- `extractor.extract_html(html)` / `extractor.clean_text(text)`: an Extractor built once;
- `scraper.extract_html(html, rules=scraper.load_rules())`: rules loaded on every call, which
  is what a call without `rules=` cost before the Extractor existed.
Prints milliseconds per call and the ratios to the prepared Extractor.

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


def _per_call(call: Callable[[bytes | str], object], inputs: list, rounds: int) -> float:
    """Milliseconds per call, the best of `rounds` passes over the inputs."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for item in inputs:
            try:
                call(item)
            except ScraperError:
                pass
        best = min(best, (time.perf_counter() - start) / len(inputs))
    return best * 1000


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
    print(f"{len(pages)} readability pages, best of {args.rounds} passes")
    for name, inputs, calls in rows:
        costs = {label: _per_call(call, inputs, args.rounds) for label, call in calls.items()}
        base = costs["prepared Extractor"]
        print(f"{name}:")
        for label, cost in costs.items():
            print(f"  {label:<32} {cost:8.2f} ms/call  {cost / base:6.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
