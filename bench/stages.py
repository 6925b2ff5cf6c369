"""Where the time of `clean_text` and `extract_html` goes: CPU time per stage, per page,
on the readability pages (their `dirty.txt` dumps and `page.html`), bundled models.

Each stage is a module-level function wrapped with a timer for the run; a stage called
inside another is subtracted from it, so the rows add up to the total.

    python bench/stages.py [--repeat N]
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import scraper  # noqa: E402
from scraper.clean import pipeline as cleaner  # noqa: E402
from scraper.clean import score  # noqa: E402
from scraper.html import blocks, extract, generic  # noqa: E402
from scraper.model import classifier  # noqa: E402
from scraper.train import corpora  # noqa: E402

# (label, module, attribute): the functions timed, by the name their caller looks up.
CLEAN_STAGES = (
    ("read and classify lines", cleaner, "split_lines"),
    ("line features", score, "line_features"),
    ("model", classifier.Classifier, "logits"),
    ("weights", score, "weigh"),
    ("assemble", cleaner, "assemble"),
)
HTML_STAGES = (
    ("decode, parse, metadata, rules", extract, "parse_page"),
    ("date", extract, "_published"),
    ("pruning", blocks, "prune"),
    ("segmentation", blocks, "segment"),
    ("block features", blocks, "features"),
    ("model", classifier.Classifier, "logits"),
    ("context features", blocks, "context_features"),
    ("last pass", extract, "filter_lines"),
    ("trafilatura fallback", generic, "trafilatura_lines"),
)


class _Timers:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.stack: list[float] = []  # time spent in nested stages, per open stage

    def wrap(self, label: str, function):
        def timed(*args, **kwargs):
            self.stack.append(0.0)
            started = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                spent = time.process_time() - started
                nested = self.stack.pop()
                self.seconds[label] += spent - nested
                if self.stack:
                    self.stack[-1] += spent
        return timed


def profile(stages, call, items, repeat: int) -> tuple[dict[str, float], float]:
    """Seconds per stage and in all over `repeat` runs of `call` on each item."""
    timers = _Timers()
    saved = [(owner, name, getattr(owner, name)) for _, owner, name in stages]
    for (label, owner, name), (_, _, function) in zip(stages, saved):
        setattr(owner, name, timers.wrap(label, function))
    try:
        started = time.process_time()
        for _ in range(repeat):
            for item in items:
                try:
                    call(item)
                except scraper.ScraperError:
                    pass
        total = time.process_time() - started
    finally:
        for owner, name, function in saved:
            setattr(owner, name, function)
    return timers.seconds, total


def table(title: str, stages, seconds: dict[str, float], total: float, pages: int) -> None:
    print(f"{title}: {1000 * total / pages:.2f} ms per page")
    rest = total
    for label, _, _ in stages:
        rest -= seconds.get(label, 0.0)
        print(f"  {label:32} {1000 * seconds.get(label, 0.0) / pages:6.2f} ms")
    print(f"  {'other':32} {1000 * rest / pages:6.2f} ms")


def main() -> int:
    warnings.filterwarnings("ignore")
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    extractor = scraper.Extractor()
    pages = corpora.readability()
    dumps = [page.dump() for page in pages]
    htmls = [(page.html(), page.url) for page in pages]
    n = len(pages) * args.repeat
    seconds, total = profile(CLEAN_STAGES, lambda d: extractor.clean_text(d), dumps, args.repeat)
    table(f"clean_text ({len(pages)} readability dumps)", CLEAN_STAGES, seconds, total, n)
    seconds, total = profile(HTML_STAGES, lambda h: extractor.extract_html(h[0], url=h[1]),
                             htmls, args.repeat)
    table(f"extract_html ({len(pages)} readability pages)", HTML_STAGES, seconds, total, n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
