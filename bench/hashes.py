"""A manifest of hashes of what the extractors give on every page of the shared corpora and
the seeds, to check that a change meant to be output-neutral (a faster implementation) is.

Per page (`corpus/id`):
- `clean`: the `clean_text` record of its text dump (every field), bundled line model;
- `clean_repeats`: the same, with a repetition index over the dumps of its site (sites
  with at least three pages; absent otherwise);
- `lines`: the raw line feature matrix (`clean.features.line_features`) of the dump's
  first pass, and `lines_repeats` with that index;
- `html`: the `extract_html` record of its HTML (not for seeds), bundled block model;
- `blocks`: the raw block feature matrix (`html.blocks.page_blocks`) and `context`: the
  second stage's matrix (`context_features`) of the page.

An exception stands in for a record as its class name. Matrices hash their float64 bytes,
so equal hashes mean bit-for-bit equal features.

    python bench/hashes.py -o /tmp/hashes.json [--limit N] [--only clean|html]
    python bench/hashes.py --diff /tmp/hashes-before.json /tmp/hashes-after.json
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import warnings
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scraper import Extractor, ScraperError  # noqa: E402
from scraper.clean.pipeline import read_lines  # noqa: E402
from scraper.html.blocks import context_features, page_blocks  # noqa: E402
from scraper.html.extract import parse_page  # noqa: E402
from scraper.lines.features import line_features  # noqa: E402
from scraper.lines.repeats import RepeatIndex  # noqa: E402
from scraper.train import corpora  # noqa: E402

MIN_SITE_PAGES = 3


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:24]


def record_hash(call) -> str:
    """The hash of a call's record (all fields), or the name of the error it raised."""
    try:
        record = call()
    except ScraperError as err:
        return f"error:{type(err).__name__}"
    return _digest(json.dumps(record.to_dict(), ensure_ascii=False, sort_keys=True).encode())


def matrix_hash(X: np.ndarray) -> str:
    """The hash of a matrix's shape and float64 bytes."""
    X = np.ascontiguousarray(X, dtype=np.float64)
    return f"{X.shape[0]}x{X.shape[1]}:" + _digest(X.tobytes())


def line_hash(text: str, extractor: Extractor, repeats: RepeatIndex | None) -> str:
    try:
        lines, _ = read_lines(text, extractor.rules, repeats=repeats)
    except ScraperError as err:
        return f"error:{type(err).__name__}"
    return matrix_hash(line_features([line.text for line in lines],
                                     [line.signals for line in lines]))


def block_hashes(html: bytes, url: str | None, extractor: Extractor) -> tuple[str, str]:
    try:
        page = parse_page(html, rules=extractor.rules, options=extractor.options, url=url)
    except ScraperError as err:
        return (f"error:{type(err).__name__}",) * 2
    found, X = page_blocks(page.tree, lexicon=extractor.rules.lexicon, title=page.meta.title)
    model = extractor.block_model
    z = model.logits(X) if len(found) else np.zeros(0)
    return matrix_hash(X), matrix_hash(context_features(found, X, z))


def manifest(limit: int | None, only: str | None) -> dict[str, dict[str, str]]:
    warnings.filterwarnings("ignore")
    extractor = Extractor()
    pages = [page for name in ("readability", "trafilatura", "wcxb", "seeds")
             for page in list(corpora.load((name,)))[:limit]]
    dumps = {page.key: page.dump() for page in pages} if only != "html" else {}
    sites: dict[tuple[str, str], list[str]] = defaultdict(list)
    for page in pages:
        sites[page.corpus, page.site].append(page.key)
    indexes = {site: RepeatIndex(dumps[key].splitlines() for key in keys)
               for site, keys in sites.items() if len(keys) >= MIN_SITE_PAGES and dumps}
    out: dict[str, dict[str, str]] = {}
    for i, page in enumerate(pages):
        row = out[page.key] = {}
        if only != "html":
            text = dumps[page.key]
            row["clean"] = record_hash(lambda: extractor.clean_text(text, source=page.id))
            row["lines"] = line_hash(text, extractor, None)
            index = indexes.get((page.corpus, page.site))
            if index is not None:
                row["clean_repeats"] = record_hash(
                    lambda: extractor.clean_text(text, source=page.id, repeats=index))
                row["lines_repeats"] = line_hash(text, extractor, index)
        if only != "clean" and page.path is not None:
            html = page.html()
            row["html"] = record_hash(lambda: extractor.extract_html(html, url=page.url))
            row["blocks"], row["context"] = block_hashes(html, page.url, extractor)
        if i % 200 == 0:
            print(f"{i}/{len(pages)}", file=sys.stderr)
    return out


def diff(before: dict, after: dict) -> int:
    """Print what differs, over the pages and fields `after` holds (a run with --limit or
    --only compares what it made); the number of differences."""
    compared = different = 0
    kinds: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for key in sorted(after):
        a, b = before.get(key, {}), after[key]
        for field in sorted(b):
            compared += 1
            kinds[field][0] += 1
            if a.get(field) != b[field]:
                different += 1
                kinds[field][1] += 1
                print(f"DIFF {key} {field}: {a.get(field)} -> {b[field]}")
    for field, (n, d) in sorted(kinds.items()):
        print(f"{field:14} {n:5} compared, {d} different")
    print(f"{compared} hashes compared, {different} different")
    return different


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-o", "--output", type=Path)
    ap.add_argument("--limit", type=int, default=None, help="first N pages of each corpus")
    ap.add_argument("--only", choices=("clean", "html"), default=None)
    ap.add_argument("--diff", nargs=2, type=Path, metavar=("BEFORE", "AFTER"))
    args = ap.parse_args()
    if args.diff:
        before, after = (json.loads(p.read_text(encoding="utf-8")) for p in args.diff)
        return 1 if diff(before, after) else 0
    if args.output is None:
        ap.error("-o FILE or --diff BEFORE AFTER")
    result = manifest(args.limit, args.only)
    args.output.write_text(json.dumps(result, indent=0, sort_keys=True), encoding="utf-8")
    print(f"{len(result)} pages, {sum(map(len, result.values()))} hashes -> {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
