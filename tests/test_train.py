"""scraper.train: block labels from gold texts and snippets, CatBoost conversion, the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from scraper.train.labels import coverage, snippet_labels, tokens

GOLD = ("The council voted on Tuesday to close the old bridge for repairs.\n\n"
        "Conclusion\n\nResidents will have to use the ferry for a whole year.")


def test_tokens_split_cjk_characters_and_lower_case() -> None:
    assert tokens("Hello, World 東京です") == ["hello", "world", "東", "京", "で", "す"]


def test_gold_coverage_keeps_a_short_heading_between_paragraphs_and_drops_a_button() -> None:
    blocks = ["Home", "The council voted on Tuesday to close the old bridge for repairs.",
              "Share", "Conclusion", "Residents will have to use the ferry for a whole year.",
              "Related: the bridge"]
    shares = coverage(blocks, GOLD)
    assert list(shares >= 0.5) == [False, True, False, True, True, False]


def test_snippets_label_the_blocks_they_touch_and_leave_the_rest_unlabeled() -> None:
    blocks = ["Menu", "First paragraph of the story.", "Second paragraph.", "Share this"]
    labels = snippet_labels(blocks, ["story. Second"], ["Share this", "Menu"])
    assert labels[0] == 0 and labels[3] == 0
    assert labels[1] == 1 and labels[2] == 1
    assert np.isnan(snippet_labels(blocks, [], [])).all()


def test_catboost_export_converts_to_the_same_logits(tmp_path: Path) -> None:
    catboost = pytest.importorskip("catboost")
    from scraper.train.blocks import from_catboost

    rng = np.random.default_rng(0)
    X = rng.random((400, 4))
    X[rng.random(X.shape) < 0.1] = np.nan  # NaN goes the way CatBoost sends it
    y = (np.nan_to_num(X[:, 0]) + X[:, 1] > 1).astype(int)
    fitted = catboost.CatBoostClassifier(iterations=20, depth=3, verbose=0, thread_count=1,
                                         allow_writing_files=False)
    fitted.fit(X, y)
    fitted.save_model(str(tmp_path / "m.json"), format="json")
    exported = json.loads((tmp_path / "m.json").read_text(encoding="utf-8"))
    model = from_catboost(exported, ("a", "b", "c", "d"), name="t")
    assert np.allclose(model.logits(X), fitted.predict(X, prediction_type="RawFormulaVal"))


CATBOOST_EXPORT = Path(__file__).parent / "fixtures" / "catboost_export.json"


def write_catboost_fixture(path: Path = CATBOOST_EXPORT) -> None:
    """Write the stored CatBoost export the conversion is checked against (needs CatBoost:
    `python -c "from tests.test_train import write_catboost_fixture as w; w()"`)."""
    import catboost

    rng = np.random.default_rng(0)
    X = rng.random((60, 4))
    X[rng.random(X.shape) < 0.1] = np.nan
    y = (np.nan_to_num(X[:, 0]) + X[:, 1] > 1).astype(int)
    fitted = catboost.CatBoostClassifier(iterations=12, depth=3, verbose=0, thread_count=1,
                                         allow_writing_files=False, random_seed=0)
    fitted.fit(X, y)
    exported = path.with_suffix(".tmp")
    fitted.save_model(str(exported), format="json")
    data = {"about": f"A CatBoost {catboost.__version__} model (12 trees of depth 3, seed 0) "
                     "exported as JSON, the rows it was read on (null: NaN) and its raw "
                     "predictions, for checking scraper.train.catboost.from_catboost without "
                     "CatBoost installed. Made by tests/test_train.py::write_catboost_fixture.",
            "model": json.loads(exported.read_text(encoding="utf-8")),
            "X": [[None if np.isnan(v) else float(v) for v in row] for row in X],
            "raw": [float(v) for v in fitted.predict(X, prediction_type="RawFormulaVal")]}
    exported.unlink()
    path.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")


def test_a_stored_catboost_export_converts_to_its_own_raw_predictions() -> None:
    # Runs without CatBoost, so CI checks the conversion the bundled models went through.
    from scraper.train.catboost import from_catboost

    stored = json.loads(CATBOOST_EXPORT.read_text(encoding="utf-8"))
    X = np.array([[np.nan if v is None else v for v in row] for row in stored["X"]])
    assert np.isnan(X).any()  # the rows exercise the NaN branch
    model = from_catboost(stored["model"], ("a", "b", "c", "d"), name="t")
    assert np.allclose(model.logits(X), stored["raw"], atol=1e-9)
    assert len(set(np.round(stored["raw"], 6))) > 5  # not a constant model


def test_the_train_command_lists_its_subcommands() -> None:
    done = subprocess.run([sys.executable, "-m", "scraper.train"], capture_output=True, text=True)
    assert done.returncode == 2
    assert "blocks" in done.stderr and "lines" in done.stderr


SHARED_CORPORA = Path(__file__).resolve().parents[1].parent / "shared" / "corpora"


@pytest.mark.skipif(not (SHARED_CORPORA / "readability").is_dir(), reason="../shared absent")
def test_the_corpora_reader_gives_one_site_to_a_sites_numbered_pages_and_dumps_each_page() -> None:
    from scraper.train import corpora

    pages = corpora.readability()
    sites = {page.id: page.site for page in pages}
    numbered = [name for name in sites if name.rsplit("-", 1)[-1].isdigit() and "-" in name]
    assert numbered, "the readability corpus has numbered folders of one site"
    families: dict[str, set[str]] = {}
    for name in numbered:
        families.setdefault(name.rsplit("-", 1)[0], set()).add(sites[name])
    assert all(len(keys) == 1 for keys in families.values())
    # keyed by the host their canonical link names, so no host is in two folds
    assert sites["nytimes-1"] == "nytimes.com"
    hosts: dict[str, set[str]] = {}
    for page in pages:
        host = corpora._declared_host(page.path)
        if host:
            hosts.setdefault(host, set()).add(page.site)
    assert hosts and all(len(keys) == 1 for keys in hosts.values())
    assert all(len(page.gold.split()) >= corpora.MIN_GOLD_WORDS for page in pages)
    page = pages[0]
    assert page.dump() == (SHARED_CORPORA / "readability" / page.id / "dirty.txt").read_text(
        encoding="utf-8")
    assert page.html().lstrip()[:1] == b"<"
    wcxb = corpora.wcxb()[0]
    dump = wcxb.dump()  # made from the HTML: all visible text, one block per line
    assert "\n\n" in dump and "<script" not in dump
    gold, seen = tokens(wcxb.gold), set(tokens(dump))
    assert sum(token in seen for token in gold) >= 0.9 * len(gold)
