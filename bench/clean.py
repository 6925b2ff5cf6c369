"""Benchmark of the text cleaner (`scrape clean`) on the shared corpora's text dumps.

Out of fold: each page is cleaned with the fold model that never saw its site
(`build/models/lines-fold{k}.json`, written by `python -m scraper.train lines`), beside the
do-nothing baseline (the dump itself) and the previous, hand-weighted cleaner (the code of
git revision --previous, run from an export of it in a separate process), in the same run:

- readability `dirty.txt` against `gold.txt`: token F1 of the printed record (see metrics.py);
- trafilatura `dirty.txt`: snippet P/R/F1 of the printed record;
- WCXB pages as text dumps (`scraper.train.dumps`) against `main_content`: WCXB's word F1
  of the record's body (WCXB's reference holds no headline);
- the seeds: K lines kept in order, D lines dropped, headlines first, as
  ../shared/tools/seedcheck.py counts them, each seed cleaned by its fold model;
- throughput (CPU time on one core, readability pages, the bundled model): pages/s and
  MB/s of `clean_text` on the `dirty.txt` dumps beside `trafilatura.extract` on the same
  pages' `page.html`, the two taking turns page by page in this process, and the ratio;
  peak traced memory.

    python bench/clean.py [--models build/models] [--previous REV] [--worst N]
    python bench/clean.py --speed-only [--rounds N]   # throughput alone (no fold models)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
import unicodedata
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from metrics import snippet_score, token_f1, word_f1  # noqa: E402

from scraper import EmptyInputError, Extractor, NoArticleError, load_rules  # noqa: E402
from scraper.model import Classifier, site_fold  # noqa: E402
from scraper.train import corpora as text_corpora  # noqa: E402
from scraper.train.lines import FOLDS  # noqa: E402

# The last revision with the hand-weighted line weights (main before the learned models).
PREVIOUS = "72f56af"
# Runs in the export of the previous revision: cleans the texts of a JSON file.
_PREVIOUS_RUNNER = """
import json, sys, time
from scraper import EmptyInputError, NoArticleError, clean_text, load_rules
rules = load_rules()
texts = json.load(open(sys.argv[1], encoding="utf-8"))
out, elapsed = [], 0.0
for text in texts:
    started = time.perf_counter()
    try:
        record = clean_text(text, rules=rules)
        out.append([record.to_text(), "\\n".join(record.paragraphs)])
    except (NoArticleError, EmptyInputError):
        out.append(["", ""])
    elapsed += time.perf_counter() - started
json.dump({"outputs": out, "seconds": elapsed}, open(sys.argv[2], "w", encoding="utf-8"))
"""


def clean(text: str, extractor: Extractor) -> tuple[str, str]:
    """(printed record, body) of a text; empty strings when no article is found."""
    try:
        record = extractor.clean_text(text)
    except (NoArticleError, EmptyInputError):  # a page whose dump shows no text
        return "", ""
    return record.to_text(), "\n".join(record.paragraphs)


def previous_outputs(revision: str, texts: list[str], timed: int) -> tuple[list[tuple[str, str]], float]:
    """The previous cleaner's (record, body) per text, and its seconds on the first `timed`."""
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "tree"
        tree.mkdir()
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", revision, "scraper", "rules"],
                                 check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
        timed_in, rest_in = Path(tmp) / "timed.json", Path(tmp) / "rest.json"
        timed_in.write_text(json.dumps(texts[:timed]), encoding="utf-8")
        rest_in.write_text(json.dumps(texts[timed:]), encoding="utf-8")
        env = {**os.environ, "PYTHONPATH": str(tree)}
        results = []
        for source in (timed_in, rest_in):
            target = source.with_suffix(".out")
            subprocess.run(["taskset", "-c", str(min(os.sched_getaffinity(0))), sys.executable,
                            "-c", _PREVIOUS_RUNNER, str(source), str(target)],
                           check=True, env=env, cwd=tmp)
            results.append(json.loads(target.read_text(encoding="utf-8")))
    outputs = [tuple(o) for r in results for o in r["outputs"]]
    return outputs, results[0]["seconds"]  # type: ignore[return-value]


def seed_score(pages: list[text_corpora.Page], records: list[str]) -> str:
    """seedcheck.py's counts: K kept in order, D dropped, titles first."""
    def norm(line: str) -> str:
        return " ".join(unicodedata.normalize("NFC", line).split())
    kept = keep = dropped = drop = titles = 0
    for page, record in zip(pages, records):
        out = [norm(line) for line in record.splitlines() if line.strip()]
        position = 0
        for tag, line in page.tagged:
            line = norm(line)
            if tag == "K":
                keep += 1
                if line in out[position:]:
                    kept += 1
                    position = out.index(line, position) + 1
            elif tag == "D":
                drop += 1
                dropped += line not in out
        first = next(norm(line) for tag, line in page.tagged if tag == "K")
        titles += bool(out) and out[0] == first
    return f"K kept {kept}/{keep}, D dropped {dropped}/{drop}, titles {titles}/{len(pages)}"


def throughput(pages: list[text_corpora.Page], dumps: dict[str, str], extractor: Extractor,
               rounds: int) -> str:
    """Pages/s and MB/s of the cleaner on the pages' dumps and of trafilatura.extract on
    their HTML, in CPU time, the two taking turns on each page; and the ratio."""
    import trafilatura

    html = {page.key: page.html() for page in pages}
    for page in pages[:3]:  # warm up both (first-use tables, lazy imports)
        clean(dumps[page.key], extractor)
        trafilatura.extract(html[page.key])
    ours = theirs = 0.0
    for _ in range(rounds):
        for page in pages:
            started = time.process_time()
            clean(dumps[page.key], extractor)
            ours += time.process_time() - started
            started = time.process_time()
            trafilatura.extract(html[page.key])
            theirs += time.process_time() - started
    n = len(pages) * rounds
    text_mb = rounds * sum(len(dumps[p.key].encode("utf-8")) for p in pages) / 1e6
    html_mb = rounds * sum(len(html[p.key]) for p in pages) / 1e6
    return (f"cleaner {n / ours:.0f} pages/s, {text_mb / ours:.2f} MB/s of dumps; "
            f"trafilatura.extract {n / theirs:.0f} pages/s, {html_mb / theirs:.2f} MB/s of HTML; "
            f"cleaner/trafilatura pages/s {theirs / ours:.2f}x "
            f"({len(pages)} readability pages x {rounds}, CPU time, taking turns)")


def main() -> int:
    warnings.filterwarnings("ignore", message=".*undecodable byte")  # DecodeWarning: a few corpus pages
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", type=Path, default=ROOT / "build" / "models",
                    help="folder of the fold models lines-fold{k}.json")
    ap.add_argument("--previous", default=PREVIOUS, help="git revision of the previous cleaner")
    ap.add_argument("--no-previous", action="store_true", help="skip the previous cleaner")
    ap.add_argument("--worst", type=int, default=0, help="list the N readability pages with the lowest F1")
    ap.add_argument("--speed-only", action="store_true",
                    help="throughput beside trafilatura only (bundled model; no F1, no fold models)")
    ap.add_argument("--rounds", type=int, default=3, help="rounds of the throughput run")
    args = ap.parse_args()
    if not text_corpora.CORPORA.is_dir():
        print(f"corpora not found: {text_corpora.CORPORA}", file=sys.stderr)
        return 2
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, as the previous cleaner
    rules = load_rules()
    bundled = Extractor(rules)
    if args.speed_only:
        readability = text_corpora.readability()
        dumps = {page.key: page.dump() for page in readability}
        print("throughput: " + throughput(readability, dumps, bundled, args.rounds))
        return 0
    folds = [Extractor(rules, line_model=Classifier.load(args.models / f"lines-fold{k}.json"))
             for k in range(FOLDS)]
    corpora = {name: list(reader()) for name, reader in (
        ("readability", text_corpora.readability), ("trafilatura", text_corpora.trafilatura),
        ("wcxb", text_corpora.wcxb), ("seeds", text_corpora.seeds))}
    pages = [page for name in corpora for page in corpora[name]]
    dumps = {page.key: page.dump() for page in pages}
    ours = [clean(dumps[page.key], folds[site_fold(page.site, FOLDS)]) for page in pages]
    if args.no_previous:
        previous = None
    else:
        texts = [dumps[page.key] for page in pages]
        previous, previous_seconds = previous_outputs(args.previous, texts, len(corpora["readability"]))

    readability = corpora["readability"]
    size = sum(len(dumps[page.key].encode("utf-8")) for page in readability)
    speed = throughput(readability, dumps, bundled, args.rounds)
    tracemalloc.start()  # a second pass: tracing slows Python down, so it is not timed
    for page in readability:
        clean(dumps[page.key], bundled)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()

    def rows(name: str) -> list[tuple[text_corpora.Page, tuple[str, str], tuple[str, str] | None]]:
        return [(page, o, p) for page, o, p in zip(pages, ours, previous or [None] * len(pages))
                if page.corpus == name]

    systems = [("do-nothing baseline", lambda page, o, p: (dumps[page.key], dumps[page.key])),
               ("previous cleaner", lambda page, o, p: p),
               ("line model, out of fold", lambda page, o, p: o)]
    if previous is None:
        systems.pop(1)
    print(f"readability text dumps: {len(readability)} pages, {size / 1e6:.2f} MB; token F1 of the record")
    for label, pick in systems:
        print(f"  {label:26} {token_f1((pg.gold, pick(pg, o, p)[0]) for pg, o, p in rows('readability'))}")
    print("trafilatura text dumps: snippets of the record")
    for label, pick in systems:
        print(f"  {label:26} {snippet_score((list(pg.with_), list(pg.without), pick(pg, o, p)[0]) for pg, o, p in rows('trafilatura'))}")
    print("WCXB pages as text dumps: word F1 of the body")
    for label, pick in systems:
        print(f"  {label:26} {word_f1((pg.gold, pick(pg, o, p)[1]) for pg, o, p in rows('wcxb'))}")
    print("seeds (each by the fold model that never saw it)")
    for label, pick in systems[1:]:
        print(f"  {label:26} {seed_score(corpora['seeds'], [pick(pg, o, p)[0] for pg, o, p in rows('seeds')])}")
    print(f"throughput: {speed}; peak traced memory {peak / 1e6:.1f} MB"
          + ("" if previous is None else
             f"; previous cleaner (wall time, its own process) "
             f"{size / 1e6 / previous_seconds:.2f} MB/s "
             f"({len(readability) / previous_seconds:.0f} pages/s)"))
    if args.worst:
        scored = sorted((token_f1([(pg.gold, o[0])]).f1, pg.id) for pg, o, _ in rows("readability"))
        for f1, name in scored[: args.worst]:
            print(f"  {f1:.3f} {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
