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
    numbered = [name for name in sites if name.rsplit("-", 1)[-1].isdigit()]
    assert numbered, "the readability corpus has numbered folders of one site"
    for name in numbered:
        assert sites[name] == name.rsplit("-", 1)[0]
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
