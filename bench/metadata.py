"""Benchmark: the metadata of `extract_html` against trafilatura's own metadata in one run.

Pages: every page of the trafilatura corpus whose `annotation` names a title, author or
date (`meta.json`), and every wcxb page (`ground-truth/NNNN.json` -> `ground_truth.title`,
`author`, `publish_date`), a check on pages never used for tuning. For each page:
- ours: the `title`, `author` and `published` of `extract_html(page, url=url)` (a page it
  refuses as holding no article gives no metadata);
- trafilatura: `trafilatura.extract_metadata(page, default_url=url)`, its documented
  metadata API (default settings: `extensive=True` date search).

Normalisation, the same for both systems and the reference:
- title: NFKC, case folded, whitespace runs folded to one space, trimmed;
- author: a set of names: the string split at `,` `;` `&` `|` `/` and the words
  and/und/et/y/e, each name normalised as a title; equal sets match (order and
  separators do not count);
- date: the first `YYYY-MM-DD` (also `/` or `.` separated) in the string, compared on the
  day; a reference date without a day counts as no date.

Scores per field: `acc` is exact-match accuracy over the pages whose reference has the
field (an output for a page whose reference lacks it is not counted there); `empty` is,
over the pages whose reference lacks the field, the share where the system gave nothing
too; `all` counts every page, an empty reference being matched only by an empty output.

Time: CPU ms per page inside each call (process time, so other jobs on the machine count
little; both systems in this one process, pages in turn): our whole
`extract_html`; our metadata path alone (`page_metadata` on a parsed page, the rules'
metadata selectors and `_published`; decoding and parsing, shared with the body, are
left out); trafilatura's `extract_metadata`.

    .venv/bin/python bench/metadata.py [--corpora ../shared/corpora] [--limit N]
                                       [--dump misses.jsonl]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
import unicodedata
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

FIELDS = ("title", "author", "date")
SYSTEMS = ("ours", "trafilatura")
_SPACE = re.compile(r"\s+")
_AUTHOR_SPLIT = re.compile(r"\s*(?:[,;&|/]|\s(?:and|und|et|y|e)\s)\s*", re.I)
_DAY = re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")


def norm_text(value: str | None) -> str | None:
    """A title (or one name) for comparison; None when empty."""
    if not value:
        return None
    value = _SPACE.sub(" ", unicodedata.normalize("NFKC", value)).strip().casefold()
    return value or None


def norm_author(value: str | list[str] | None) -> frozenset[str] | None:
    """An author string (or list of names) as a set of normalised names; None when it
    names nobody."""
    if isinstance(value, list):
        value = "; ".join(v for v in value if isinstance(v, str))
    if not value:
        return None
    names = frozenset(n for n in (norm_text(p) for p in _AUTHOR_SPLIT.split(value)) if n)
    return names or None


def norm_date(value: str | None) -> str | None:
    """The first full date in the string as YYYY-MM-DD; None when there is none."""
    match = _DAY.search(value or "")
    if not match:
        return None
    y, m, d = match.groups()
    return f"{y}-{int(m):02d}-{int(d):02d}"


NORMALISE = {"title": norm_text, "author": norm_author, "date": norm_date}


@dataclass
class Page:
    corpus: str
    page_id: str
    url: str | None
    html: bytes
    gold: dict[str, str | None]


def trafilatura_pages(corpora: Path) -> Iterator[Page]:
    """The annotated pages of the trafilatura corpus (title, author or date given)."""
    for folder in sorted((corpora / "trafilatura").iterdir()):
        meta_path = folder / "meta.json"
        if not meta_path.is_file():
            continue
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        note = meta.get("annotation") or {}
        gold = {f: note.get(f) or None for f in FIELDS}
        if any(gold.values()):
            yield Page("trafilatura", folder.name, meta.get("url"),
                       (folder / "page.html").read_bytes(), gold)


def wcxb_pages(corpora: Path) -> Iterator[Page]:
    """Every wcxb page with its ground-truth title, author and publish date."""
    for truth_path in sorted((corpora / "wcxb" / "ground-truth").glob("*.json")):
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        html_path = corpora / "wcxb" / "html" / f"{truth_path.stem}.html.gz"
        if not html_path.is_file():
            continue
        g = truth.get("ground_truth") or {}
        gold = {"title": g.get("title"), "author": g.get("author"), "date": g.get("publish_date")}
        yield Page("wcxb", truth_path.stem, truth.get("url"),
                   gzip.decompress(html_path.read_bytes()), gold)


@dataclass
class Tally:
    """Per field: matches and pages, with and without a reference value."""

    hit: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    given: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    empty_hit: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    empty: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))

    def add(self, name: str, gold, got) -> bool:
        if gold is None:
            self.empty[name] += 1
            self.empty_hit[name] += got is None
            return got is None
        self.given[name] += 1
        self.hit[name] += got == gold
        return got == gold

    def acc(self, name: str) -> float:
        return self.hit[name] / self.given[name] if self.given[name] else 0.0

    def empty_rate(self, name: str) -> float:
        return self.empty_hit[name] / self.empty[name] if self.empty[name] else 0.0

    def all_rate(self, name: str) -> float:
        total = self.given[name] + self.empty[name]
        return (self.hit[name] + self.empty_hit[name]) / total if total else 0.0


def _ours():
    warnings.filterwarnings("ignore", message=".*undecodable byte")  # DecodeWarning: a few corpus pages
    from selectolax.lexbor import LexborHTMLParser

    from scraper import Extractor, ScraperError
    from scraper.html import select as apply
    from scraper.html.extract import _published
    from scraper.html.metadata import page_metadata
    from scraper.text.decode import decode_bytes
    extractor = Extractor()
    rules = extractor.rules

    def run(page: Page) -> tuple[dict[str, str | None], float, float]:
        start = time.process_time()
        try:
            record = extractor.extract_html(page.html, url=page.url)
            got = {"title": record.title or None, "author": record.author,
                   "date": record.published}
        except ScraperError:
            got = dict.fromkeys(FIELDS)
        whole = time.process_time() - start
        try:  # the metadata path alone, on a fresh parse
            text = decode_bytes(page.html, html=True)
        except ScraperError:
            return got, whole, 0.0
        tree = LexborHTMLParser(text)
        start = time.process_time()
        meta = page_metadata(tree)
        apply.metadata(tree, rules.for_html(tree, page.url))
        _published(meta.published, text, page.url)
        return got, whole, time.process_time() - start
    return run


def _trafilatura():
    import trafilatura

    def run(page: Page) -> tuple[dict[str, str | None], float]:
        start = time.process_time()
        doc = trafilatura.extract_metadata(page.html, default_url=page.url)
        took = time.process_time() - start
        return {"title": doc.title, "author": doc.author, "date": doc.date}, took
    return run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=ROOT.parent / "shared" / "corpora")
    parser.add_argument("--limit", type=int, default=None, help="first N pages of each corpus")
    parser.add_argument("--dump", type=Path, default=None,
                        help="write one JSON line per page and field where either system misses")
    args = parser.parse_args()
    if not (args.corpora / "trafilatura").is_dir():
        print(f"corpora not found at {args.corpora}", file=sys.stderr)
        return 2
    ours, theirs = _ours(), _trafilatura()
    tallies = {(c, s): Tally() for c in ("trafilatura", "wcxb") for s in SYSTEMS}
    seconds = {"extract_html": 0.0, "ours metadata": 0.0, "trafilatura metadata": 0.0}
    pages = {"trafilatura": 0, "wcxb": 0}
    dump = args.dump.open("w", encoding="utf-8") if args.dump else None
    for source in (trafilatura_pages, wcxb_pages):
        for i, page in enumerate(source(args.corpora)):
            if args.limit is not None and i >= args.limit:
                break
            pages[page.corpus] += 1
            got_ours, whole, meta_time = ours(page)
            got_theirs, their_time = theirs(page)
            seconds["extract_html"] += whole
            seconds["ours metadata"] += meta_time
            seconds["trafilatura metadata"] += their_time
            for name in FIELDS:
                norm = NORMALISE[name]
                gold = norm(page.gold[name])
                ok = {s: tallies[page.corpus, s].add(name, gold, norm(got[name]))
                      for s, got in (("ours", got_ours), ("trafilatura", got_theirs))}
                if dump and not all(ok.values()):
                    dump.write(json.dumps({
                        "corpus": page.corpus, "id": page.page_id, "url": page.url,
                        "field": name, "gold": page.gold[name], "ours": got_ours[name],
                        "trafilatura": got_theirs[name], "ok": ok}, ensure_ascii=False) + "\n")
    if dump:
        dump.close()
    for corpus, count in pages.items():
        print(f"{corpus}: {count} pages")
        print(f"  {'system':<12}" + "".join(f" | {f + ' acc':>10} {'empty':>6} {'all':>6}"
                                            for f in FIELDS))
        for system in SYSTEMS:
            t = tallies[corpus, system]
            print(f"  {system:<12}" + "".join(
                f" | {t.acc(f):10.3f} {t.empty_rate(f):6.3f} {t.all_rate(f):6.3f}" for f in FIELDS))
        t = tallies[corpus, "ours"]
        print("  with a reference: " + ", ".join(f"{f} {t.given[f]}" for f in FIELDS))
    total = sum(pages.values()) or 1
    print("ms per page: " + ", ".join(f"{k} {1000 * v / total:.1f}" for k, v in seconds.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
