"""Training the block classifier: `python -m scraper.train blocks`.

Data: every page of ../shared/corpora (scraper.train.corpora) run through the extractor's
own page preparation (decode, parse, metadata, the rules' strip selectors) and
`blocks.page_blocks` (prune, segment, features), so the features are exactly those seen
at extraction time. Labels: scraper.train.labels (gold alignment for wcxb and
readability, snippets for the trafilatura corpus; unlabeled blocks are left out). Each
page weighs the same (times CORPUS_WEIGHT): a labelled block's weight is its share of the
page's labelled tokens.

Two stages of CatBoost oblivious trees, folds split by site (`site_fold`, 5 folds):
- stage 1 reads the block features (`blocks.FEATURES`);
- stage 2 reads those and what stage 1's logits say around each block
  (`blocks.context_features`). It is trained on stage-1 logits that are out-of-fold for
  the page, so it learns how stage 1 errs on sites it has not seen.

For the benchmarks, every page must be scored by a model that never saw its site, stage 2
included. The fold-k model (written to `--out`) is therefore: stage 1 trained without
fold k; stage 2 trained without fold k on logits from stage-1 models trained without fold
k and without the page's own fold (ten leave-two-folds-out models). The bundled model is
stage 1 on everything and stage 2 on the leave-one-fold-out logits.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from ..config import ExtractOptions
from ..errors import InputError
from ..html.blocks import CONTEXT_FEATURES, FEATURES, Blocks, context_features, page_blocks
from ..html.extract import parse_page
from ..model import Classifier, site_fold
from ..rules import Rules, load_rules
from .catboost import exported, from_catboost
from .corpora import CORPORA, NAMES, ROOT, Page, load
from .labels import coverage, snippet_labels, tokens

FOLDS = 5
# A block is content when at least this share of its tokens is covered by the gold.
COVERED = 0.5
# A page's labelled blocks weigh this much in all (each page the same)...
PAGE_WEIGHT = 100.0
# ... times its corpus's weight: the readability pages are few (91, against 709 wcxb
# pages) and their gold follows Readability's conventions (tables, infoboxes, captions
# kept), which the wcxb pages alone would drown. Chosen out-of-fold against weight 1
# (readability token F1 +0.005, the other corpora within 0.001).
CORPUS_WEIGHT = {"readability": 3.0}
BUNDLED = ROOT / "scraper" / "model" / "blocks.json"
FOLD_MODELS = ROOT / "build" / "models"
CATBOOST = {"iterations": 300, "depth": 6, "learning_rate": 0.1, "l2_leaf_reg": 3.0,
            "border_count": 64, "random_seed": 0}


@dataclass(frozen=True)
class PageData:
    """One page's blocks, features and labels (NaN: unlabeled)."""

    page: Page
    fold: int
    blocks: Blocks
    X: np.ndarray
    labels: np.ndarray
    weights: np.ndarray  # 0 for unlabeled blocks

    @property
    def texts(self) -> list[str]:
        return self.blocks.texts


def page_data(page: Page, rules: Rules) -> PageData | None:
    """The page's training rows; None when the extractor cannot read it or it has no block."""
    try:
        parsed = parse_page(page.html(), url=page.url, rules=rules, options=ExtractOptions())
    except InputError:
        return None
    found, X = page_blocks(parsed.tree, lexicon=rules.lexicon, title=parsed.meta.title)
    if not len(found):
        return None
    if page.gold is not None:
        labels = (coverage(found.texts, page.gold) >= COVERED).astype(np.float64)
    else:
        labels = snippet_labels(found.texts, page.with_, page.without)
    labelled = np.isfinite(labels)
    if not labelled.any():
        return None
    size = np.array([max(len(tokens(t)), 1) for t in found.texts], dtype=np.float64)
    weights = np.where(labelled, size, 0.0)
    weights *= PAGE_WEIGHT * CORPUS_WEIGHT.get(page.corpus, 1.0) / weights.sum()
    return PageData(page, site_fold(page.site, FOLDS), found, X, labels, weights)


def dataset(pages: Iterable[Page], rules: Rules) -> list[PageData]:
    """The training rows of every readable page with a labelled block."""
    return [d for d in (page_data(page, rules) for page in pages) if d is not None]


def fit(matrices: list[np.ndarray], data: list[PageData], features: tuple[str, ...], *,
        name: str, threads: int, params: dict[str, Any]) -> Classifier:
    """A CatBoost classifier on the labelled rows of `data` (matrices[i] is data[i]'s),
    converted to the project's model format."""
    from catboost import CatBoostClassifier  # the [train] extra

    X = np.vstack(matrices)
    y = np.concatenate([d.labels for d in data])
    w = np.concatenate([d.weights for d in data])
    keep = w > 0
    model = CatBoostClassifier(**params, thread_count=threads, verbose=0,
                               allow_writing_files=False)
    model.fit(X[keep], y[keep].astype(np.int64), sample_weight=w[keep])
    return from_catboost(exported(model), features, name=name)


def _stacked(data: list[PageData], logits: dict[str, np.ndarray]) -> list[np.ndarray]:
    return [context_features(d.blocks, d.X, logits[d.page.key]) for d in data]


def train(*, corpora: Path = CORPORA, out: Path = FOLD_MODELS, bundled: Path = BUNDLED,
          threads: int = 2, params: dict[str, Any] | None = None,
          log: Callable[[str], None] = print) -> dict[str, Any]:
    """Train and write the bundled model and the FOLDS fold models; returns a summary."""
    params = {**CATBOOST, **(params or {})}
    start = time.perf_counter()
    rules = load_rules()
    data = dataset(load(NAMES, corpora), rules)
    log(f"{len(data)} pages, {sum(len(d.X) for d in data):,} blocks "
        f"({sum(int((d.weights > 0).sum()) for d in data):,} labelled) "
        f"in {time.perf_counter() - start:.0f} s")
    folds = [d.fold for d in data]

    models: dict[frozenset[int], Classifier] = {}

    def stage1(*without: int) -> Classifier:
        key = frozenset(without)
        if key not in models:
            chosen = [d for d, f in zip(data, folds) if f not in key]
            models[key] = fit([d.X for d in chosen], chosen, FEATURES, name="blocks",
                              threads=threads, params=params)
            log(f"stage 1 without folds {sorted(key)}: {time.perf_counter() - start:.0f} s")
        return models[key]

    def logits_of(by_fold: dict[int, Classifier], chosen: list[PageData]) -> dict[str, np.ndarray]:
        return {d.page.key: by_fold[d.fold].logits(d.X) for d in chosen}

    leave_one = {k: stage1(k) for k in range(FOLDS)}
    out.mkdir(parents=True, exist_ok=True)
    for k in range(FOLDS):
        rest = [d for d in data if d.fold != k]
        inner = {m: stage1(k, m) for m in range(FOLDS) if m != k}
        second = fit(_stacked(rest, logits_of(inner, rest)), rest, CONTEXT_FEATURES,
                     name="blocks-context", threads=threads, params=params)
        model = _with_second(leave_one[k], second, {"fold": k, "folds": FOLDS, **_about(params)})
        model.save(out / f"blocks-fold{k}.json")
        log(f"fold {k} model written: {time.perf_counter() - start:.0f} s")
    second = fit(_stacked(data, logits_of(leave_one, data)), data, CONTEXT_FEATURES,
                 name="blocks-context", threads=threads, params=params)
    full = _with_second(stage1(), second, _about(params))
    full.save(bundled)
    seconds = time.perf_counter() - start
    log(f"bundled model written to {bundled} ({bundled.stat().st_size / 1e6:.1f} MB) "
        f"in {seconds / 60:.1f} min")
    return {"pages": len(data), "seconds": seconds}


def _about(params: dict[str, Any]) -> dict[str, Any]:
    return {"corpora": list(NAMES), "catboost": params, "labels": f"coverage >= {COVERED}",
            "corpus_weights": CORPUS_WEIGHT, "command": "python -m scraper.train blocks"}


def _with_second(first: Classifier, second: Classifier, training: dict[str, Any]) -> Classifier:
    return replace(first, training=training, second_stage=second)


def main(argv: list[str] | None = None) -> int:
    """The `blocks` subcommand."""
    parser = argparse.ArgumentParser(prog="python -m scraper.train blocks",
                                     description="Train the HTML block classifier.")
    parser.add_argument("--corpora", type=Path, default=CORPORA)
    parser.add_argument("--out", type=Path, default=FOLD_MODELS,
                        help="where the fold models go (default build/models)")
    parser.add_argument("--bundled", type=Path, default=BUNDLED)
    parser.add_argument("--threads", type=int, default=2, help="CatBoost threads")
    parser.add_argument("--iterations", type=int, default=CATBOOST["iterations"])
    args = parser.parse_args(argv)
    if not (args.corpora / "wcxb").is_dir():
        print(f"corpora not found at {args.corpora}", file=sys.stderr)
        return 2
    train(corpora=args.corpora, out=args.out, bundled=args.bundled, threads=args.threads,
          params={"iterations": args.iterations})
    return 0
