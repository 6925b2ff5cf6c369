"""Training the line classifier of the text cleaner: `python -m scraper.train lines`.

Data: the labelled text dumps of `scraper.train.corpora` (readability, trafilatura, WCXB, seeds),
labelled by the rule of `line_labels`; features: `scraper.lines.features`, computed exactly
as `clean_text` computes them (a site's pages see each other's repetitions, as when
`scrape clean` is given the site's folder). Pages are split into FOLDS folds by site
(`site_fold`); one model is fitted per fold on the other folds' pages
(`build/models/lines-fold{k}.json`, for out-of-fold benchmarks), then the bundled model on
every page (`scraper/model/lines.json`). CatBoost with fixed parameters and seed: the same
data give the same models.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..clean.pipeline import read_lines
from ..lines.classify import Line
from ..lines.features import FEATURES, line_features
from ..lines.repeats import MIN_PAGES, RepeatIndex
from ..model import BUNDLED, Classifier, site_fold
from ..rules import Rules, load_rules
from . import line_labels
from .catboost import exported, from_catboost
from .corpora import CORPORA, ROOT, Page, load

FOLDS = 5
FOLD_DIR = ROOT / "build" / "models"
BUNDLED_MODEL = BUNDLED / "lines.json"
CORPUS_NAMES = ("readability", "trafilatura", "wcxb", "seeds")
# Fixed CatBoost settings (no early stopping: every run fits the same trees).
PARAMS = {
    "loss_function": "Logloss",
    "iterations": 300,
    "depth": 6,
    "learning_rate": 0.1,
    "l2_leaf_reg": 3.0,
    "border_count": 128,
    "random_seed": 0,
    "thread_count": 2,
    "verbose": False,
    "allow_writing_files": False,
}
# Each corpus's pages weigh this much (a page's labelled lines share its weight, see
# `page_weights`). Equal: weighing readability's pages more did not score better out of fold.
CORPUS_WEIGHT = {"readability": 1.0, "trafilatura": 1.0, "wcxb": 1.0, "seeds": 1.0}
# Pages with a reference are also learnt from as the cleaner's output looks (see `trimmed`),
# weighing this much of the page itself.
TRIMMED_WEIGHT = 1.0
# A trimmed page keeps the boilerplate lines this close to an article line.
TRIM_MARGIN = 2
# Leaf values are stored rounded to this many significant digits (a smaller file).
LEAF_DIGITS = 6


@dataclass
class Dataset:
    """Feature rows of every labelled line, with label, weight, fold and page."""

    X: np.ndarray
    y: np.ndarray
    weight: np.ndarray
    fold: np.ndarray
    page: np.ndarray          # index into `pages`
    trimmed: np.ndarray       # the row is a line of a page's trimmed form
    pages: list[Page]


def page_labels(page: Page, texts: Sequence[str]) -> list[line_labels.Label]:
    """The labels of a page's lines, by the kind of reference it has."""
    if page.gold is not None:
        return line_labels.by_reference(texts, page.gold)
    if page.tagged:
        return line_labels.by_hand(texts, page.tagged)
    return line_labels.by_snippets(texts, page.with_, page.without)


def page_weights(labels: Sequence[line_labels.Label], corpus: str) -> np.ndarray:
    """Per labelled line: the corpus weight shared by the page's labelled lines, so every
    page counts the same (the benchmarks' scores are means over pages)."""
    labelled = sum(label is not None for label in labels)
    return np.full(labelled, CORPUS_WEIGHT[corpus] / max(labelled, 1))


def site_repeats(pages: Sequence[Page]) -> dict[tuple[str, str], RepeatIndex]:
    """A repetition index per (corpus, site) with at least MIN_PAGES pages."""
    groups: dict[tuple[str, str], list[list[str]]] = defaultdict(list)
    for page in pages:
        groups[page.corpus, page.site].append(page.dump().splitlines())
    return {key: RepeatIndex(texts) for key, texts in groups.items() if len(texts) >= MIN_PAGES}


def page_rows(page: Page, rules: Rules, repeats: RepeatIndex | None = None
              ) -> tuple[list[Line], np.ndarray, list[line_labels.Label]]:
    """A page's lines as `clean_text` reads them, their feature matrix and their labels."""
    lines, _ = read_lines(page.dump(), rules, url=page.url, repeats=repeats)
    texts = [line.text for line in lines]
    X = line_features(texts, [line.signals for line in lines])
    return lines, X, page_labels(page, texts)


def trimmed(lines: Sequence[Line], labels: Sequence[line_labels.Label]) -> list[int]:
    """The lines of a page as a good cleaning leaves them: its article lines, and the lines
    within TRIM_MARGIN of one (the chrome a cleaner may miss at the article's edges). The
    cleaner cleans its own output again until it stays the same (see `clean_text`): the
    model must know lines in that company too."""
    article = [i for i, label in enumerate(labels) if label == 1.0]
    keep: set[int] = set()
    for i in article:
        keep.update(range(max(0, i - TRIM_MARGIN), min(len(lines), i + TRIM_MARGIN + 1)))
    return sorted(keep)


def build_dataset(pages: list[Page], rules: Rules) -> Dataset:
    """Features and labels of every labelled line of the pages (and of their trimmed forms)."""
    repeats = site_repeats(pages)
    rows, ys, weights, folds, owners, variants = [], [], [], [], [], []

    def add(X: np.ndarray, labels: Sequence[line_labels.Label], number: int, trim: bool) -> None:
        keep = [i for i, label in enumerate(labels) if label is not None]
        if keep:
            weight = TRIMMED_WEIGHT if trim else 1.0
            variants.append(np.full(len(keep), trim))
            rows.append(X[keep])
            ys.append(np.array([labels[i] for i in keep]))
            weights.append(weight * page_weights(labels, pages[number].corpus))
            folds.append(np.full(len(keep), site_fold(pages[number].site, FOLDS)))
            owners.append(np.full(len(keep), number))

    for number, page in enumerate(pages):
        index = repeats.get((page.corpus, page.site))
        lines, X, labels = page_rows(page, rules, index)
        add(X, labels, number, trim=False)
        if page.gold is None and not page.tagged:
            continue  # a trimmed form needs every line labelled, which snippets do not do
        kept = trimmed(lines, labels)
        if kept and len(kept) < len(lines):
            text = "\n\n".join(lines[i].text for i in kept)
            again, _ = read_lines(text, rules, url=page.url, repeats=index)
            if [line.text for line in again] == [lines[i].text for i in kept]:
                X = line_features([line.text for line in again], [line.signals for line in again])
                add(X, [labels[i] for i in kept], number, trim=True)
    return Dataset(np.vstack(rows), np.concatenate(ys), np.concatenate(weights),
                   np.concatenate(folds), np.concatenate(owners), np.concatenate(variants), pages)


def fit(X: np.ndarray, y: np.ndarray, weight: np.ndarray, *, name: str = "lines",
        training: dict | None = None) -> Classifier:
    """Fit a CatBoost ensemble and convert it to the `scraper.model` format."""
    from catboost import CatBoostClassifier, Pool  # the [train] extra

    booster = CatBoostClassifier(**PARAMS)
    booster.fit(Pool(X, y, weight=weight, feature_names=list(FEATURES)))
    model = from_catboost(exported(booster), FEATURES, name=name, leaf_digits=LEAF_DIGITS,
                          training=training or {})
    check = X[:: max(1, len(X) // 2000)]
    expected = booster.predict(check, prediction_type="RawFormulaVal")
    if not np.allclose(model.logits(check), expected, atol=1e-4):
        raise RuntimeError("converted model disagrees with CatBoost")
    return model


def _summary(data: Dataset, rows: np.ndarray) -> dict:
    counts: dict[str, dict[str, float]] = {}
    corpus_of = np.array([p.corpus for p in data.pages])[data.page]
    for corpus in CORPUS_NAMES:
        for trim, label in ((False, corpus), (True, f"{corpus} trimmed")):
            mask = rows & (corpus_of == corpus) & (data.trimmed == trim)
            if mask.any():
                counts[label] = {"pages": int(len(np.unique(data.page[mask]))),
                                 "lines": int(mask.sum()), "content": int(data.y[mask].sum())}
    return counts


def _logloss(y: np.ndarray, logits: np.ndarray, weight: np.ndarray) -> float:
    p = np.clip(1.0 / (1.0 + np.exp(-logits)), 1e-9, 1 - 1e-9)
    return float(-(weight * (y * np.log(p) + (1 - y) * np.log(1 - p))).sum() / weight.sum())


def train(out: Path = BUNDLED_MODEL, fold_dir: Path = FOLD_DIR,
          corpora: tuple[str, ...] = CORPUS_NAMES, log=print) -> Classifier:
    """Fit the fold models and the bundled model; returns the bundled one."""
    started = time.perf_counter()
    rules = load_rules()
    pages = list(load(corpora))
    data = build_dataset(pages, rules)
    log(f"{len(pages)} pages, {len(data.y)} labelled lines, {len(FEATURES)} features "
        f"({time.perf_counter() - started:.0f} s)")
    fold_dir.mkdir(parents=True, exist_ok=True)
    base = {"labels": line_labels.__doc__.split("The labeling rule:")[1].strip(),
            "params": {k: v for k, v in PARAMS.items() if k != "verbose"},
            "corpus_weight": CORPUS_WEIGHT, "trimmed_weight": TRIMMED_WEIGHT,
            "trim_margin": TRIM_MARGIN, "folds": FOLDS, "split": "site_fold(site, 5)"}
    oof = np.zeros(len(data.y))
    for k in range(FOLDS):
        rows = data.fold != k
        model = fit(data.X[rows], data.y[rows], data.weight[rows], name=f"lines-fold{k}",
                    training={**base, "fold": k, "trained_on": _summary(data, rows)})
        model.save(fold_dir / f"lines-fold{k}.json")
        oof[~rows] = model.logits(data.X[~rows])
        log(f"fold {k}: held out {int((~rows).sum())} lines, "
            f"logloss {_logloss(data.y[~rows], oof[~rows], data.weight[~rows]):.4f} "
            f"({time.perf_counter() - started:.0f} s)")
    scores = {}
    corpus_of = np.array([p.corpus for p in pages])[data.page]
    for corpus in corpora:
        mask = (corpus_of == corpus) & ~data.trimmed
        if mask.any():
            accuracy = float(((oof[mask] > 0) == (data.y[mask] > 0.5)).mean())
            scores[corpus] = {"logloss": round(_logloss(data.y[mask], oof[mask], data.weight[mask]), 4),
                              "accuracy": round(accuracy, 4)}
            log(f"out-of-fold {corpus}: {scores[corpus]}")
    everything = np.ones(len(data.y), dtype=bool)
    model = fit(data.X, data.y, data.weight, name="lines",
                training={**base, "trained_on": _summary(data, everything),
                          "out_of_fold_lines": scores})
    model.save(out)
    log(f"wrote {out} ({out.stat().st_size / 1e6:.2f} MB) and {FOLDS} fold models in {fold_dir} "
        f"in {time.perf_counter() - started:.0f} s")
    return model


def main(argv: list[str] | None = None) -> int:
    """`python -m scraper.train lines [--out FILE] [--fold-dir DIR] [--corpora a,b]`."""
    ap = argparse.ArgumentParser(prog="python -m scraper.train lines", description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=BUNDLED_MODEL, help="the bundled model file")
    ap.add_argument("--fold-dir", type=Path, default=FOLD_DIR, help="where the fold models go")
    ap.add_argument("--corpora", default=",".join(CORPUS_NAMES),
                    help="comma-separated corpora to train on")
    args = ap.parse_args(argv)
    corpora = tuple(c for c in args.corpora.split(",") if c)
    unknown = set(corpora) - set(CORPUS_NAMES)
    if unknown:
        ap.error(f"unknown corpora: {', '.join(sorted(unknown))}")
    if not CORPORA.is_dir():
        print(f"corpora not found: {CORPORA}", file=sys.stderr)
        return 2
    train(args.out, args.fold_dir, corpora)
    return 0
