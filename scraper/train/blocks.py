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

For the better proxy of unseen sites, one model per corpus is trained the same way on
the other two corpora only (`blocks-loco-<corpus>.json`: stage 2 on the logits of stage-1
models without the page's fold, within those two corpora). `blocks.manifest.json` beside
the bundled model records the data, parameters, seed and every model file's hash.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from functools import partial
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
    return fit_rows(np.vstack(matrices), np.concatenate([d.labels for d in data]),
                    np.concatenate([d.weights for d in data]), features, name=name,
                    threads=threads, params=params)


def fit_rows(X: np.ndarray, y: np.ndarray, w: np.ndarray, features: tuple[str, ...], *,
             name: str, threads: int, params: dict[str, Any]) -> Classifier:
    """A CatBoost classifier on the rows of X whose weight `w` is positive (labels `y`)."""
    from catboost import CatBoostClassifier  # the [train] extra

    keep = w > 0
    model = CatBoostClassifier(**params, thread_count=threads, verbose=0,
                               allow_writing_files=False)
    model.fit(X[keep], y[keep].astype(np.int64), sample_weight=w[keep])
    return from_catboost(exported(model), features, name=name)


def train(*, corpora: Path = CORPORA, out: Path = FOLD_MODELS, bundled: Path = BUNDLED,
          threads: int = 2, params: dict[str, Any] | None = None, loco: bool = True,
          log: Callable[[str], None] = print) -> dict[str, Any]:
    """Train and write the bundled model, the FOLDS fold models and (with `loco`) one
    leave-one-corpus-out model per corpus, and a manifest beside the bundled model;
    returns a summary."""
    params = {**CATBOOST, **(params or {})}
    start = time.perf_counter()
    rules = load_rules()
    data = dataset(load(NAMES, corpora), rules)
    log(f"{len(data)} pages, {sum(len(d.X) for d in data):,} blocks "
        f"({sum(int((d.weights > 0).sum()) for d in data):,} labelled) "
        f"in {time.perf_counter() - start:.0f} s")

    models: dict[tuple[str, frozenset[int]], Classifier] = {}

    def stage1(held_out: str, *without: int) -> Classifier:
        """Stage 1 on every page but corpus `held_out`'s and folds `without`'s."""
        key = (held_out, frozenset(without))
        if key not in models:
            chosen = [d for d in data if d.fold not in key[1] and d.page.corpus != held_out]
            models[key] = fit([d.X for d in chosen], chosen, FEATURES, name="blocks",
                              threads=threads, params=params)
            log(f"stage 1 without {held_out or 'no corpus'}, folds {sorted(key[1])}: "
                f"{time.perf_counter() - start:.0f} s")
        return models[key]

    def second_stage(chosen: list[PageData], by_fold: Callable[[int], Classifier]) -> Classifier:
        """Stage 2 on `chosen`, read on logits of stage-1 models that never saw the page's
        fold (`by_fold`)."""
        stacked = [context_features(d.blocks, d.X, by_fold(d.fold).logits(d.X)) for d in chosen]
        return fit(stacked, chosen, CONTEXT_FEATURES, name="blocks-context", threads=threads,
                   params=params)

    written: dict[str, Path] = {}
    out.mkdir(parents=True, exist_ok=True)
    for k in range(FOLDS):
        rest = [d for d in data if d.fold != k]
        second = second_stage(rest, partial(stage1, "", k))
        model = _with_second(stage1("", k), second, {"fold": k, "folds": FOLDS, **_about(params)})
        written[f"fold{k}"] = out / f"blocks-fold{k}.json"
        model.save(written[f"fold{k}"])
        log(f"fold {k} model written: {time.perf_counter() - start:.0f} s")
    for corpus in NAMES if loco else ():
        rest = [d for d in data if d.page.corpus != corpus]
        second = second_stage(rest, partial(stage1, corpus))
        model = _with_second(stage1(corpus), second,
                             {"held_out_corpus": corpus, **_about(params)})
        written[f"loco-{corpus}"] = out / f"blocks-loco-{corpus}.json"
        model.save(written[f"loco-{corpus}"])
        log(f"model without {corpus} written: {time.perf_counter() - start:.0f} s")
    second = second_stage(data, lambda m: stage1("", m))
    full = _with_second(stage1(""), second, _about(params))
    full.save(bundled)
    write_manifest(bundled, [(d.page, (d.X, d.labels, d.weights)) for d in data], params,
                   {"bundled": bundled, **written}, CONTEXT_FEATURES,
                   "python -m scraper.train blocks")
    seconds = time.perf_counter() - start
    log(f"bundled model written to {bundled} ({bundled.stat().st_size / 1e6:.1f} MB) "
        f"in {seconds / 60:.1f} min")
    return {"pages": len(data), "seconds": seconds}


def write_manifest(bundled: Path, rows: list[tuple[Page, tuple[np.ndarray, ...]]],
                   params: dict[str, Any], files: dict[str, Path],
                   features: tuple[str, ...], command: str) -> Path:
    """`<bundled>.manifest.json`: what the bundled model and its fold and
    leave-one-corpus-out models were trained on (per corpus: pages, sites and a hash of
    each page's arrays: features, labels, weights), with which parameters and seed, and
    each model file's hash, so a retrained fold model can be checked to go with the
    bundled one."""
    corpora: dict[str, Any] = {}
    for name in NAMES:
        chosen = [(page, arrays) for page, arrays in rows if page.corpus == name]
        digest = hashlib.sha256()
        for page, arrays in chosen:
            digest.update(page.key.encode())
            for array in arrays:
                digest.update(np.ascontiguousarray(array).tobytes())
        corpora[name] = {"pages": len(chosen), "sites": len({page.site for page, _ in chosen}),
                         "data_sha256": digest.hexdigest()}
    manifest = {"command": command, "params": params, "seed": params.get("random_seed"),
                "folds": FOLDS,
                "split": f"site_fold(site, {FOLDS}); leave-one-corpus-out over {list(NAMES)}",
                "features_sha256": hashlib.sha256("\n".join(features).encode()).hexdigest(),
                "corpora": corpora,
                "models": {name: {"file": path.name,
                                  "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}
                           for name, path in files.items()}}
    target = bundled.with_suffix(".manifest.json")
    target.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return target


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
    parser.add_argument("--no-loco", action="store_true",
                        help="skip the leave-one-corpus-out models")
    args = parser.parse_args(argv)
    if not (args.corpora / "wcxb").is_dir():
        print(f"corpora not found at {args.corpora}", file=sys.stderr)
        return 2
    train(corpora=args.corpora, out=args.out, bundled=args.bundled, threads=args.threads,
          params={"iterations": args.iterations}, loco=not args.no_loco)
    return 0
