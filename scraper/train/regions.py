"""Training the region model: `python -m scraper.train regions` (after `blocks`).

Data: the block training pages (`scraper.train.blocks.dataset`), each read by the block
fold model that never saw its site (build/models/blocks-fold{k}.json), so the region model
learns how the block model errs on unseen sites. Rows: the page's regions
(`scraper.html.regions.find_regions`) that hold a block the block model keeps; a region is
content when at least 70% of its labelled characters are article text, chrome when at most
30% are (a mixed region is no row). A row weighs the
labelled characters the block model keeps in it, as a share of the page's labelled
characters (each page the same), times the corpus weight of the block model.

Models, written beside the block models: one per fold (`regions-fold{k}.json`, trained
without the fold's sites), one per corpus (`regions-loco-<corpus>.json`, trained on the
other two corpora), and the bundled `scraper/model/regions.json` on every page. The
leave-one-corpus-out model reads, on its held-out corpus, the logits of the block model
that never saw that corpus (`blocks-loco-<corpus>.json`); its training rows carry the fold
models' logits, whose models saw the held-out corpus's other sites: a small leak, stated.

`--report` prints, per corpus, the body F1 of the kept blocks with and without region
decisions (out-of-fold and leave-one-corpus-out), from the same rows.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from ..html.blocks import content_logits
from ..html.regions import REGION_FEATURES, Region, chrome_mask, find_regions, region_features
from ..model import BUNDLED, Classifier
from ..rules import load_rules
from .blocks import (
    CORPUS_WEIGHT,
    FOLD_MODELS,
    FOLDS,
    PAGE_WEIGHT,
    PageData,
    dataset,
    fit_rows,
    write_manifest,
)
from .corpora import CORPORA, NAMES, load

BUNDLED_MODEL = BUNDLED / "regions.json"
CATBOOST = {"iterations": 200, "depth": 4, "learning_rate": 0.1, "l2_leaf_reg": 3.0,
            "border_count": 64, "random_seed": 0}
# A region is content when at least CONTENT_SHARE of its labelled characters is article
# text, chrome when at most CHROME_SHARE is; a mixed region is no training row (it is
# neither to keep nor to drop whole).
CONTENT_SHARE = 0.7
CHROME_SHARE = 0.3


@dataclass(frozen=True)
class PageRegions:
    """One page's blocks, block logits (out-of-fold and leave-one-corpus-out), regions and
    their features under each."""

    data: PageData
    z: np.ndarray
    z_loco: np.ndarray
    regions: list[Region]
    R: np.ndarray
    R_loco: np.ndarray
    labels: np.ndarray   # per region: 1 content, 0 chrome, NaN unlabelled
    weights: np.ndarray  # per region (0: not a training row)


def page_regions(d: PageData, fold_model: Classifier, loco_model: Classifier) -> PageRegions:
    """A page's regions read with both block models."""
    z = content_logits(fold_model, d.blocks, d.X)
    z_loco = content_logits(loco_model, d.blocks, d.X)
    regions = find_regions(d.blocks, d.X)
    chars = d.X[:, 0]
    labelled = np.isfinite(d.labels)
    content = np.where(labelled, np.nan_to_num(d.labels), 0.0) * chars
    known = np.where(labelled, chars, 0.0)
    page_known = max(known.sum(), 1.0)
    labels = np.full(len(regions), np.nan)
    weights = np.zeros(len(regions))
    for r, region in enumerate(regions):
        s, e = region.start, region.end
        share = content[s:e].sum() / max(known[s:e].sum(), 1.0)
        if known[s:e].sum() > 0 and not CHROME_SHARE < share < CONTENT_SHARE:
            labels[r] = float(share >= CONTENT_SHARE)
            weights[r] = known[s:e][z[s:e] > 0].sum() / page_known
    weights *= PAGE_WEIGHT * CORPUS_WEIGHT.get(d.page.corpus, 1.0)
    return PageRegions(d, z, z_loco, regions, region_features(d.blocks, d.X, z, regions),
                       region_features(d.blocks, d.X, z_loco, regions), labels, weights)


def _fit(chosen: list[PageRegions], *, threads: int, training: dict[str, Any]) -> Classifier:
    """A region model on the training rows of `chosen`."""
    rows = [p for p in chosen if len(p.regions)]
    labels = np.concatenate([np.nan_to_num(p.labels) for p in rows])
    weights = np.concatenate([np.where(np.isfinite(p.labels), p.weights, 0.0) for p in rows])
    model = fit_rows(np.vstack([p.R for p in rows]), labels, weights, REGION_FEATURES,
                     name="regions", threads=threads, params=CATBOOST)
    return replace(model, training=training)


def kept_after(p: PageRegions, model: Classifier | None, *, loco: bool = False) -> np.ndarray:
    """Which blocks are kept: the block model's, less the regions `model` calls chrome."""
    keep = (p.z_loco if loco else p.z) > 0
    if model is not None:
        keep &= ~chrome_mask(model, p.regions, p.R_loco if loco else p.R, len(keep))
    return keep


def train(*, corpora: Path = CORPORA, models: Path = FOLD_MODELS, out: Path = BUNDLED_MODEL,
          threads: int = 2, log: Callable[[str], None] = print) -> list[PageRegions]:
    """Fit and write the fold, leave-one-corpus-out and bundled region models; returns the
    pages' rows (for the report)."""
    start = time.perf_counter()
    data = dataset(load(NAMES, corpora), load_rules())
    folds = [Classifier.load(models / f"blocks-fold{k}.json") for k in range(FOLDS)]
    loco = {c: Classifier.load(models / f"blocks-loco-{c}.json") for c in NAMES}
    pages = [page_regions(d, folds[d.fold], loco[d.page.corpus]) for d in data]
    log(f"{len(pages)} pages, {sum(len(p.regions) for p in pages):,} regions "
        f"({sum(int((p.weights > 0).sum()) for p in pages):,} training rows) "
        f"in {time.perf_counter() - start:.0f} s")
    about = {"params": CATBOOST, "labels": f"content share >= {CONTENT_SHARE}, chrome <= "
                                           f"{CHROME_SHARE}",
             "command": "python -m scraper.train regions"}
    files = {}
    for k in range(FOLDS):
        files[f"fold{k}"] = models / f"regions-fold{k}.json"
        _fit([p for p in pages if p.data.fold != k], threads=threads,
             training={"fold": k, **about}).save(files[f"fold{k}"])
    for corpus in NAMES:
        files[f"loco-{corpus}"] = models / f"regions-loco-{corpus}.json"
        _fit([p for p in pages if p.data.page.corpus != corpus], threads=threads,
             training={"held_out_corpus": corpus, **about}).save(files[f"loco-{corpus}"])
    _fit(pages, threads=threads, training=about).save(out)
    files = {"bundled": out, **files,
             **{f"blocks-{name}": models / f"blocks-{name}.json" for name in
                [*(f"fold{k}" for k in range(FOLDS)), *(f"loco-{c}" for c in NAMES)]}}
    write_manifest(out, [(p.data.page, (p.R, p.R_loco, p.labels, p.weights)) for p in pages],
                   CATBOOST, files, REGION_FEATURES, "python -m scraper.train regions")
    log(f"region models written in {time.perf_counter() - start:.0f} s")
    return pages


def report(pages: list[PageRegions], models: Path = FOLD_MODELS,
           log: Callable[[str], None] = print) -> None:
    """Per corpus, the labelled-character F1 of the kept blocks, with and without regions."""
    folds = [Classifier.load(models / f"regions-fold{k}.json") for k in range(FOLDS)]
    loco = {c: Classifier.load(models / f"regions-loco-{c}.json") for c in NAMES}
    for corpus in NAMES:
        chosen = [p for p in pages if p.data.page.corpus == corpus]
        cells = []
        for label, is_loco in (("out-of-fold", False), ("leave-one-corpus-out", True)):
            before = [_f1(p, kept_after(p, None, loco=is_loco)) for p in chosen]
            after = [_f1(p, kept_after(p, loco[corpus] if is_loco else folds[p.data.fold],
                                       loco=is_loco)) for p in chosen]
            cells.append(f"{label} {np.mean(before):.4f} -> {np.mean(after):.4f} "
                         f"(<0.7: {sum(f < 0.7 for f in before)} -> "
                         f"{sum(f < 0.7 for f in after)})")
        log(f"{corpus:<12} " + "; ".join(cells))


def _f1(p: PageRegions, keep: np.ndarray) -> float:
    """F1 over the labelled characters of a page's blocks."""
    labelled = np.isfinite(p.data.labels)
    chars = p.data.X[:, 0]
    truth = labelled & (np.nan_to_num(p.data.labels) > 0.5)
    tp = chars[keep & truth].sum()
    kept = chars[keep & labelled].sum()
    real = chars[truth].sum()
    if not kept or not real:
        return float(kept == real)
    precision, recall = tp / kept, tp / real
    return 0.0 if not tp else 2 * precision * recall / (precision + recall)


def main(argv: list[str] | None = None) -> int:
    """The `regions` subcommand."""
    parser = argparse.ArgumentParser(prog="python -m scraper.train regions",
                                     description="Train the HTML region model.")
    parser.add_argument("--corpora", type=Path, default=CORPORA)
    parser.add_argument("--models", type=Path, default=FOLD_MODELS,
                        help="where the block fold models are and the region ones go")
    parser.add_argument("--out", type=Path, default=BUNDLED_MODEL)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--report", action="store_true",
                        help="print the F1 of the kept blocks with and without regions")
    args = parser.parse_args(argv)
    if not (args.models / "blocks-loco-wcxb.json").is_file():
        print(f"no block models in {args.models}: run python -m scraper.train blocks first",
              file=sys.stderr)
        return 2
    pages = train(corpora=args.corpora, models=args.models, out=args.out,
                  threads=args.threads)
    if args.report:
        report(pages, args.models)
    return 0
