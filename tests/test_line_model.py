"""The learned line classifier: its features, its model file, and what it does to a page."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from scraper import Extractor, Rules, clean_text
from scraper.errors import ModelError
from scraper.lines.classify import Kind, classify, kind_of
from scraper.lines.features import FEATURES, line_features, rule_signals
from scraper.model import BUNDLED, Classifier, bundled
from scraper.text.headings import heading_kind
from scraper.text.lines import words

PROSE = [
    "The harbour authority approved on Tuesday a plan to deepen the main channel, a project "
    "that will let larger container ships dock without waiting for the tide.",
    "Work is expected to start in the spring and to last about two years, officials said, "
    "while the ferry service to the islands will keep running on a reduced timetable.",
    "Local fishermen, who had opposed an earlier version of the plan, said the new route for "
    "the dredgers spares the shallow beds where most of the shellfish are caught.",
    "The council will publish the final environmental study next month and hold two public "
    "meetings before the first contracts are signed in the autumn.",
]
IMAGE_URL = "https://news.example.org/wp-content/uploads/2024/05/harbour-dredging-1200x800.jpg"
TAGS = "Tags: harbour, shipping, fisheries"
RELATED = [
    "Ferry operator orders two electric boats for the island routes",
    "Container traffic at the port rose by a tenth last year",
    "New bridge over the estuary opens to cyclists in June",
    "Fish market moves to the old customs warehouse",
]
PAGE = [
    "Harbour authority approves plan to deepen the main channel",
    *PROSE[:2], IMAGE_URL, *PROSE[2:], TAGS, "Related articles", *RELATED,
]


def features_of(lines: list[str], rules: Rules) -> dict[str, dict[str, float]]:
    """Feature name -> value, for each line (by its text)."""
    X = line_features(lines, [rule_signals(line, rules) for line in lines])
    assert X.shape == (len(lines), len(FEATURES))
    return {line: dict(zip(FEATURES, map(float, row))) for line, row in zip(lines, X)}


def test_features_of_a_hand_made_page(rules: Rules) -> None:
    f = features_of(PAGE, rules)
    prose = f[PROSE[1]]
    assert prose["sentence_end"] == 1 and prose["prose"] == 1 and prose["headline"] == 0
    assert prose["words"] > 20 and prose["clauses"] >= 1 and prose["link"] == 0
    assert prose["block_rank"] == 1 and prose["above_main_block"] == 0
    image = f[IMAGE_URL]
    assert image["url_share"] == 1 and image["file_name"] == 1 and image["link"] == 1
    assert image["one_token"] == 1 and image["prev1_sentence"] == 1 and image["next1_sentence"] == 1
    tags = f[TAGS]
    assert tags["label_colon"] == 1 and tags["short_items"] == 3 and tags["sentence_end"] == 0
    for headline in RELATED:
        related = f[headline]
        assert related["headline"] == 1 and related["sentence_end"] == 0
        assert related["run_headline"] >= len(RELATED)  # with "Related articles" above them
        assert related["prose_above"] == 1.0 and related["prose_below"] == 0.0
        assert related["below_main_block"] > 0
    assert f[RELATED[0]]["prev1_headline"] == 1 and f[RELATED[-1]]["next1_words"] == -1
    # "Related articles" heads a chrome section, below all the prose
    assert f["Related articles"]["heading_related"] == 1 and prose["heading_related"] == 0
    assert prose["after_related"] == -1 and f[RELATED[0]]["after_related"] == 1.0


def test_features_of_dates_bylines_and_rules(rules: Rules) -> None:
    lines = ["By Jane Doe, Senior Staff Writer", "April 5, 2018 | 6:00 PM EST",
             "Leave a Reply", "الأربعاء 13 سبتمبر 2023 - 10:30 بتوقيت مكة", "اترك تعليقاً"]
    f = features_of(lines, rules)
    assert f[lines[0]]["byline"] == 1 and f[lines[0]]["role"] == 1 and f[lines[0]]["meta"] == 1
    assert f[lines[1]]["date"] == 1 and f[lines[1]]["time"] == 1 and f[lines[1]]["time_zone"] == 1
    assert f[lines[3]]["date"] == 1 and f[lines[3]]["time_zone"] == 1
    assert f[lines[2]]["lexicon_risk"] == 1 and f[lines[4]]["lexicon_risk"] > 0
    assert f[lines[2]]["date"] == 0 and f[lines[2]]["byline"] == 0


def test_no_lines_no_rows() -> None:
    assert line_features([], []).shape == (0, len(FEATURES))


def test_rule_kinds_are_what_classify_says(rules: Rules) -> None:
    for line, kind in [("Leave a Reply", Kind.BOILER), ("By Jane Doe", Kind.META),
                       ("March 3, 2024", Kind.META), ("منوعات", Kind.SOFT), (PROSE[0], Kind.TEXT)]:
        assert classify(line, rules) is kind
        assert kind_of(rule_signals(line, rules)) is kind


def test_related_list_and_image_url_are_dropped(rules: Rules) -> None:
    record = clean_text("\n\n".join(PAGE), rules=rules)
    assert record.title == PAGE[0]
    assert record.paragraphs == tuple(PROSE)


def test_bundled_model_is_loaded_once_and_knows_its_features() -> None:
    assert bundled("lines") is bundled("lines")
    assert set(bundled("lines").features) <= set(FEATURES)
    assert (BUNDLED / "lines.json").stat().st_size < 5_000_000


def _constant_model(bias: float, features: tuple[str, ...] = FEATURES) -> Classifier:
    """A one-tree model whose every leaf is 0: each line's log-odds is `bias`."""
    return Classifier.from_dict({
        "format": "scraper-oblivious-trees", "version": 1, "name": "constant",
        "features": list(features), "depth": 1, "split_features": [[0]],
        "split_thresholds": [[0.0]], "leaf_values": [[0.0, 0.0]], "bias": bias})


def test_the_model_argument_decides(rules: Rules) -> None:
    text = "\n\n".join([PAGE[0], *PROSE, *RELATED])  # no line the rules decide
    everything = Extractor(rules, line_model=_constant_model(5.0)).clean_text(text)
    assert set(RELATED) <= set(everything.paragraphs)
    # The model's log-odds add to the hand weight: prose stays, short chrome goes.
    nothing = Extractor(rules, line_model=_constant_model(-5.0)).clean_text(text)
    assert not set(RELATED) & set(nothing.paragraphs)


@pytest.mark.parametrize("line, kind", [
    ("Related stories", "related"), ("RELATED COVERAGE", "related"), ("اقرأ أيضا:", "related"),
    ("Das könnte Sie auch interessieren", "related"), ("الأكثر قراءة", "related"),
    ("3 Comments", "discussion"), ("Leave a Reply", "discussion"), ("التعليقات", "discussion"),
    ("留言列表 (42)", "discussion"), ("Kommentare lesen (1 Beitrag)", "discussion"),
    ("Relatedly, the council said", None), ("Discussion", None), (PROSE[0], None)])
def test_chrome_section_headings_in_several_languages(line: str, kind: str | None) -> None:
    assert heading_kind(line, words(line)) == kind


def test_a_short_line_between_paragraphs_stays_unless_it_heads_a_chrome_section(
        rules: Rules) -> None:
    teaser = ("Ferry operator orders two electric boats for the island routes, the first of "
              "a fleet the council wants to run without diesel by the end of the decade.")
    text = "\n\n".join([PAGE[0], PROSE[0], "Two years of work", PROSE[1], PROSE[2],
                         "Related stories", teaser])
    # A model doubting every line (log-odds -1: below the drop probability) drops the short
    # lines inside the body, but not a subheading standing alone between two paragraphs.
    record = Extractor(rules, line_model=_constant_model(-1.0)).clean_text(text)
    assert "Two years of work" in record.paragraphs
    assert "Related stories" not in record.paragraphs


def test_a_model_asking_for_an_unknown_feature_is_refused(rules: Rules) -> None:
    model = _constant_model(1.0, ("chars", "no_such_feature"))
    with pytest.raises(ModelError, match="no_such_feature"):
        Extractor(rules, line_model=model).clean_text("\n\n".join(PAGE))


def test_missing_model_file_names_the_path(tmp_path: Path) -> None:
    path = tmp_path / "lines.json"
    with pytest.raises(ModelError, match=str(path)):
        Classifier.load(path)


@pytest.mark.parametrize("content", ["{not json", json.dumps({"format": "other"}),
                                     json.dumps({"format": "scraper-oblivious-trees", "version": 1,
                                                 "features": ["a"], "depth": 2,
                                                 "split_features": [[0]], "split_thresholds": [[0]],
                                                 "leaf_values": [[0, 0]]})])
def test_corrupt_model_file_names_the_path(tmp_path: Path, content: str) -> None:
    path = tmp_path / "lines.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ModelError, match=str(path)):
        Classifier.load(path)


def test_model_file_round_trip(tmp_path: Path, rules: Rules) -> None:
    path = tmp_path / "copy.json"
    bundled("lines").save(path)
    X = line_features(PAGE, [rule_signals(line, rules) for line in PAGE])
    columns = [FEATURES.index(name) for name in bundled("lines").features]
    assert np.allclose(Classifier.load(path).logits(X[:, columns]),
                       bundled("lines").logits(X[:, columns]))

