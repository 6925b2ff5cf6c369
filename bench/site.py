"""Benchmark: HTML pages of one site cleaned together, with and without the site's
repetition (`RepeatIndex` over the site's pages), in the same run.

The folders: the pages of ../shared/corpora grouped by site (`Page.site`, each corpus
apart) where a site has at least 3 pages, and by hosting platform (wordpress.com,
blogspot.com, substack.com: blogs of many authors served from one template) with at
least 3 pages. Each page is extracted by `Extractor.extract_html` with the bundled block
model (or, with --models, the fold model that never saw the page's site; with --model, a
model trained without these folders' pages), once alone and once with its folder's
index. Quality, per corpus: wcxb word F1, readability
token F1, trafilatura snippet P/R/F1 (bench/metrics.py). With the bundled model the pages
are in-sample (it saw them): the figures are indicative only.

    .venv/bin/python bench/site.py [--corpora ../shared/corpora] [--models build/models |
                                    --model FILE] [--verbose]
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from metrics import snippet_score, token_f1, word_f1  # noqa: E402

from scraper import Extractor  # noqa: E402
from scraper.errors import ScraperError  # noqa: E402
from scraper.html.signatures import document_keys  # noqa: E402
from scraper.lines.repeats import RepeatIndex  # noqa: E402
from scraper.train.corpora import CORPORA, NAMES, READERS, Page  # noqa: E402

MIN_SITE_PAGES = 3
PLATFORMS = ("wordpress.com", "blogspot.com", "substack.com")
METRIC = {"wcxb": word_f1, "readability": token_f1}


def site_folders(corpora: Path) -> dict[str, list[Page]]:
    """`corpus:site` -> its pages, for sites and platforms with enough pages."""
    groups: dict[str, list[Page]] = defaultdict(list)
    for corpus in NAMES:
        for page in READERS[corpus](corpora):
            platform = next((p for p in PLATFORMS if page.site.endswith("." + p)), None)
            groups[f"{corpus}:{platform or page.site}"].append(page)
    return {name: pages for name, pages in sorted(groups.items())
            if len(pages) >= MIN_SITE_PAGES}


def _extract(extractor: Extractor, page: Page, data: bytes, index: RepeatIndex | None) -> str:
    try:
        record = extractor.extract_html(data, url=page.url, repeats=index)
    except ScraperError:
        return ""
    return "\n".join(record.paragraphs)


def _score(corpus: str, pages: list[Page], texts: list[str]):
    if corpus in METRIC:
        return METRIC[corpus]([(p.gold or "", t) for p, t in zip(pages, texts)])
    return snippet_score([(list(p.with_), list(p.without), t) for p, t in zip(pages, texts)])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=CORPORA)
    parser.add_argument("--models", type=Path, default=None,
                        help="fold models folder (default: the bundled model, in-sample)")
    parser.add_argument("--model", type=Path, default=None,
                        help="one block model for every page (trained without these folders)")
    parser.add_argument("--verbose", action="store_true", help="print the lines each side drops")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    if args.models is not None:
        from scraper.model import Classifier, site_fold
        from scraper.train.blocks import FOLDS
        folds = [Extractor(block_model=Classifier.load(args.models / f"blocks-fold{k}.json"))
                 for k in range(FOLDS)]

        def extractor_for(page: Page) -> Extractor:
            return folds[site_fold(page.site, FOLDS)]
    else:
        from scraper.model import Classifier
        bundled = Extractor(block_model=None if args.model is None
                            else Classifier.load(args.model))

        def extractor_for(page: Page) -> Extractor:
            return bundled
    folders = site_folders(args.corpora)
    alone: dict[str, list[str]] = defaultdict(list)
    together: dict[str, list[str]] = defaultdict(list)
    pages_of: dict[str, list[Page]] = defaultdict(list)
    index_seconds = 0.0
    print(f"{'folder':<34} {'pages':>5} {'alone':>6} {'site':>6}")
    for name, pages in folders.items():
        corpus = name.split(":")[0]
        data = [page.html() for page in pages]
        start = time.perf_counter()
        index = RepeatIndex(document_keys(d) for d in data)
        index_seconds += time.perf_counter() - start
        a = [_extract(extractor_for(p), p, d, None) for p, d in zip(pages, data)]
        t = [_extract(extractor_for(p), p, d, index) for p, d in zip(pages, data)]
        alone[corpus] += a
        together[corpus] += t
        pages_of[corpus] += pages
        print(f"{name:<34} {len(pages):>5} {_score(corpus, pages, a).f1:6.3f} "
              f"{_score(corpus, pages, t).f1:6.3f}")
        if args.verbose:
            for page, before, after in zip(pages, a, t):
                gone = [line for line in before.splitlines() if line not in after.splitlines()]
                for line in gone:
                    print(f"    - {page.id}: {line[:110]}")
    print()
    total = sum(len(p) for p in pages_of.values())
    print(f"{len(folders)} folders, {total} pages; index built in {index_seconds:.1f}s "
          f"({1000 * index_seconds / max(total, 1):.0f} ms a page)")
    for corpus, pages in pages_of.items():
        print(f"{corpus:<12} alone {_score(corpus, pages, alone[corpus])}")
        print(f"{'':<12} site  {_score(corpus, pages, together[corpus])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
