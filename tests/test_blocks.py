"""scraper.html.blocks: segmentation of a parsed page, block features, the bundled classifier."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from selectolax.lexbor import LexborHTMLParser

from scraper import Extractor, extract_html
from scraper.errors import ModelError
from scraper.html.blocks import FEATURES, content_mask, features, page_blocks, segment
from scraper.model import Classifier, bundled
from tests.test_extract import ENGLISH, article_page, page

MENU = ["Home", "World", "Business", "Sport", "Weather"]
RELATED = ["Ferry timetable extended for the winter season",
           "Council elections: the candidates at a glance", "Five walks along the river this weekend"]


def menu_and_prose() -> str:
    items = "".join(f'<li><a href="/{w.lower()}">{w}</a></li>' for w in MENU)
    return page(f'<nav class="main-menu"><ul>{items}</ul></nav>'
                f'<article><h1>Bridge to close</h1><p>{ENGLISH[0]}</p><p>{ENGLISH[1]}</p>'
                f'<div class="share-bar"><a href="#">Share on Facebook</a></div></article>',
                "<title>Bridge to close</title>")


def blocks_of(html: str, rules=None, title: str | None = None):
    """Blocks and features of the whole page (not pruned first, unlike page_blocks)."""
    found = segment(LexborHTMLParser(html).body)
    return found, features(found, lexicon=rules.lexicon if rules else None, title=title)


def column(X: np.ndarray, name: str) -> np.ndarray:
    return X[:, FEATURES.index(name)]


def test_blocks_are_paragraph_level_with_inline_elements_collapsed() -> None:
    html = page("<div>Intro <b>bold</b> text<p>A <a href='/x'>linked</a> word.</p>tail<br>"
                "after break<script>var x = 1;</script><style>p {}</style></div>")
    found, _ = blocks_of(html)
    assert found.texts == ["Intro bold text", "A linked word.", "tail", "after break"]


def test_a_link_dense_menu_item_and_a_prose_paragraph_differ_as_expected(rules) -> None:
    found, X = blocks_of(menu_and_prose(), rules, title="Bridge to close")
    menu, prose = found.texts.index("Home"), found.texts.index(ENGLISH[0])
    share = found.texts.index("Share on Facebook")
    head = found.texts.index("Bridge to close")
    assert column(X, "link_density")[menu] == 1.0 and column(X, "link_density")[prose] == 0.0
    assert column(X, "in_nav")[menu] == 1 and column(X, "in_nav")[prose] == 0
    assert column(X, "in_li")[menu] == 1 and column(X, "tag_p")[prose] == 1
    assert column(X, "in_article")[prose] == 1 and column(X, "in_article")[menu] == 0
    assert column(X, "sentence")[prose] == 1 and column(X, "sentence")[menu] == 0
    assert column(X, "words")[prose] == len(ENGLISH[0].split())
    assert column(X, "name_any_menu")[menu] == 1 and column(X, "name_any_menu")[prose] == 0
    assert column(X, "name_share")[share] == 1 and column(X, "name_share")[prose] == 0
    assert column(X, "is_headline")[head] == 1
    assert column(X, "headline_distance")[prose] == prose - head
    assert column(X, "page_share")[prose] > column(X, "page_share")[menu]
    # a neighbour's features: the block after the first paragraph is the second one
    assert column(X, "sentence@+1")[prose] == 1 and column(X, "log_chars@-1")[menu] == -1


def test_arabic_and_cjk_sentence_marks_count() -> None:
    html = page("<p>هل وصل القطار؟ نعم وصل.</p><p>列車が到着しました。次は東京です。</p>")
    found, X = blocks_of(html)
    assert list(column(X, "sentence_marks")) == [2, 2]


def test_article_paragraphs_come_out_and_the_menu_and_related_list_do_not(rules) -> None:
    # nothing here is named or tagged as chrome: the classifier alone decides
    menu = "".join(f'<li><a href="/{w.lower()}">{w}</a></li>' for w in MENU)
    related = "".join(f'<li><a href="/story/{i}">{headline}</a></li>'
                      for i, headline in enumerate(RELATED))
    html = page(f"<div><ul>{menu}</ul></div><div><h1>Bridge to close for a year</h1>"
                + "".join(f"<p>{p}</p>" for p in ENGLISH)
                + f"</div><div><h3>More stories</h3><ul>{related}</ul></div>",
                "<title>Bridge to close for a year</title>")
    found, X = page_blocks(LexborHTMLParser(html), lexicon=rules.lexicon,
                           title="Bridge to close for a year")
    kept = [text for text, keep in zip(found.texts, content_mask(bundled("blocks"), found, X))
            if keep]
    assert [text for text in kept if text in ENGLISH] == ENGLISH
    assert not set(kept) & {*MENU, "More stories", *RELATED}
    record = extract_html(article_page().encode(), url="https://gazette.example/bridge", rules=rules)
    assert list(record.paragraphs) == ENGLISH


def test_twenty_thousand_unclosed_list_items_take_linear_work() -> None:
    def work(items: int) -> tuple[int, int]:
        html = "<html><body><ul>" + "<li><a href='/x'>item</a> more words" * items
        found = segment(LexborHTMLParser(html).body)
        return found.steps, len(found)

    small, large = work(2_000), work(20_000)
    assert large[1] == 20_000
    assert large[0] / small[0] <= 10 * 1.05  # ten times the page, ten times the nodes visited
    found, X = blocks_of("<html><body><ul>" + "<li>item" * 20_000)
    assert X.shape == (20_000, len(FEATURES))


def test_deep_nesting_is_walked_without_recursion() -> None:
    html = "<html><body>" + "<div><span>" * 5000 + "<p>deep text</p>" + "</span></div>" * 5000
    found, X = blocks_of(html)
    assert found.texts == ["deep text"]
    assert column(X, "depth")[0] > 5000


def test_a_model_for_other_features_is_refused(rules) -> None:
    other = Classifier("other", ("a", "b"), np.zeros((1, 1), dtype=np.intp), np.zeros((1, 1)),
                       np.zeros((1, 2)))
    with pytest.raises(ModelError, match="other features"):
        Extractor(rules, block_model=other).extract_html(article_page())


def test_a_fold_model_can_be_passed_in(rules, tmp_path: Path) -> None:
    path = tmp_path / "copy.json"
    bundled("blocks").save(path)
    extractor = Extractor(rules, block_model=Classifier.load(path))
    assert list(extractor.extract_html(article_page()).paragraphs) == ENGLISH
    assert Extractor(rules).block_model is bundled("blocks")  # read once, shared


def test_feature_names_are_unique() -> None:
    from scraper.html.blocks import CONTEXT_FEATURES
    assert len(set(CONTEXT_FEATURES)) == len(CONTEXT_FEATURES)
    assert CONTEXT_FEATURES[:len(FEATURES)] == FEATURES
