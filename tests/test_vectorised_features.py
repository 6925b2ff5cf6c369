"""The line features computed for all lines at once equal the per-line ones
(`reference_features.py`, the implementation before they were vectorised), bit for bit,
on hand-made texts: scripts, shapes and the edge cases of the array code."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np
import pytest

from scraper import Rules
from scraper.lines.classify import Kind, Line, make_line, split_lines
from scraper.lines.features import FEATURES, line_features, rule_signals, rule_signals_of
from scraper.lines.repeats import RepeatIndex
from scraper.rules.site import SiteRule
from scraper.text.chars import TextLines, sentences_of, words_of
from scraper.text.headings import heading_kind, heading_kinds
from scraper.text.lines import is_sentence, words
from scraper.text.normalize import clean_line, clean_lines, match_key, match_keys, visible

sys.path.insert(0, str(Path(__file__).parent))
import reference_features as reference  # noqa: E402

ARABIC = [
    "الرئيسية | أخبار | رياضة | اقتصاد",
    "كتب محمد علي",
    "الثلاثاء ١٤ مايو ٢٠٢٤ - ١٠:٣٠ بتوقيت مكة",
    "أعلنت وزارة الصحة اليوم عن خطة جديدة لتطوير المستشفيات الحكومية في المحافظات، "
    "وقال الوزير إن الخطة ستنفذ على ثلاث مراحل خلال العامين المقبلين.",
    "وأضاف أن الميزانية المخصصة للمشروع تبلغ نحو مليار دولار، يمول جزء منها من القطاع الخاص.",
    "\u200fاقرأ أيضا",
    "\u200f\u200e",
    "مراسل الجزيرة",
    "التعليقات (3)",
    "شارك على فيسبوك",
]
CJK = [
    "首页 > 新闻 > 科技",
    "研究人员周二表示，新型电池的能量密度比现有产品高出三成，预计明年投入量产。",
    "该公司还计划在欧洲建设第二座工厂，并与多家汽车制造商签订了供货协议。",
    "相关文章",
    "2024年5月14日 10:30",
    "関連記事",
    "留言列表",
    "点击查看更多 >>",
    "日本語の記事：東京で新しい美術館が開館しました。",
    "한국어 기사 제목입니다",
]
MIXED = [
    "Home | News | Sport › Football",
    "By Jane Doe",
    "Senior Staff Writer",
    "Jane Doe - Apr 16, 2015 10:30 am EST",
    "Published: 2024-05-14T10:30:00+02:00",
    "Posted on 14/05/2024",
    "The harbour authority approved on Tuesday a plan to deepen the main channel, a project "
    "that will let larger container ships dock without waiting for the tide.",
    "\"We are pleased,\" said the mayor… www.example.org/harbour and http://x.io/a?b=c",
    "example.com",
    "logo-1200x800.jpg",
    "https://cdn.example.org/img/photo.JPEG?w=640#top",
    "Tags: harbour, shipping, fisheries",
    "- first item",
    "- second item",
    "- third item",
    "1. Step one",
    "(2) Step two",
    "© 2024 Example Media. All rights reserved. (c) copyright",
    "#harbour #shipping @example",
    "3 Comments",
    "Related articles:",
    "Read more…",
    "Advertisement",
    "Share this",
    "x",
    "...",
    "😀 Emoji 𝐁𝐨𝐥𝐝 line 👍",
    "Ǆemo TITLE Case Ünïcödé ǅ",
    "a\tb  c",
    "İstanbul'da ŞEHİR",
    "ß STRASSE",
    "Straße",
    "H\ufeffow to apply the formula \u200fin two\u200e steps",
    "Learn \ufeffMo\ufeffre\ufeff\ufeff ➜",
]
EMPTY_RUN = ["Headline of the story here", "", "", "   ", "", "A line after the empty run.",
             "\u200e", "", "Last line"]
ONE_LINE = ["Only one line of text, which is a sentence."]
TEXTS = {"arabic": ARABIC, "cjk": CJK, "mixed": MIXED, "empty_run": EMPTY_RUN,
         "one_line": ONE_LINE, "all": ARABIC + CJK + MIXED + EMPTY_RUN}


def _reference_matrix(lines: list[str], signals: list) -> np.ndarray:
    return reference.line_features(lines, signals)


@pytest.mark.parametrize("name", TEXTS)
def test_vectorised_line_features_equal_the_per_line_ones(name: str, rules: Rules) -> None:
    lines = TEXTS[name]
    signals = [reference.rule_signals(line, rules) for line in lines]
    expected = _reference_matrix(lines, signals)
    got = line_features(lines, signals)
    assert got.shape == expected.shape == (len(lines), len(FEATURES))
    different = [FEATURES[j] for j in np.flatnonzero((got != expected).any(axis=0))]
    assert not different, f"{name}: columns differ: {different}"
    assert got.tobytes() == expected.tobytes()


@pytest.mark.parametrize("name", TEXTS)
def test_vectorised_signals_equal_the_per_line_ones(name: str, rules: Rules) -> None:
    lines = [clean_line(line) for line in TEXTS[name] if clean_line(line)]
    site = SiteRule(name="site", drop_lines=(re.compile("^Share this$"), re.compile("Advert")))
    index = RepeatIndex([lines, lines[:3], lines[:3], lines[1:4]])
    for site_rules, repeats in (((), None), ((site,), index)):
        expected = [reference.rule_signals(line, rules, site_rules, repeats) for line in lines]
        assert rule_signals_of(lines, rules, site_rules, repeats) == expected
        assert [rule_signals(line, rules, site_rules, repeats) for line in lines] == expected


def test_the_cache_of_own_features_changes_nothing(rules: Rules) -> None:
    lines = TEXTS["all"]
    signals = [rule_signals(line, rules) for line in lines]
    shapes: dict = {}
    first = line_features(lines, signals, shapes=shapes)
    again = line_features(lines[::2], signals[::2], shapes=shapes)  # every row cached
    assert first.tobytes() == line_features(lines, signals).tobytes()
    assert again.tobytes() == line_features(lines[::2], signals[::2]).tobytes()


def test_a_line_holding_a_line_break_is_refused(rules: Rules) -> None:
    lines = ["First part\nsecond part of the same line", "Another line, with a comma."]
    with pytest.raises(ValueError):
        line_features(lines, [rule_signals(line, rules) for line in lines])


def test_no_lines_give_an_empty_matrix() -> None:
    assert line_features([], []).shape == (0, len(FEATURES))


@pytest.mark.parametrize("name", TEXTS)
def test_per_text_helpers_equal_their_per_line_versions(name: str) -> None:
    lines = TEXTS[name]
    assert clean_lines(lines) == [clean_line(line) for line in lines]
    assert match_keys(lines) == [match_key(line) for line in lines]
    assert words_of(TextLines(lines)).tolist() == [words(line) for line in lines]
    shown = [visible(line) for line in lines]
    at = TextLines(shown)
    n_words = words_of(at)
    assert n_words.tolist() == [words(line) for line in shown]
    assert sentences_of(at, n_words).tolist() == [is_sentence(line) for line in lines]
    assert heading_kinds(shown, n_words.tolist()) == [heading_kind(line, words(line))
                                                      for line in shown]


def test_split_lines_reuses_what_it_knows(rules: Rules) -> None:
    text = "\n".join(TEXTS["all"])
    known: dict = {}
    first = split_lines(text, rules, known=known)
    assert first == split_lines(text, rules)
    assert [(line.words, line.sentence) for line in first] == [
        (words(line.text), is_sentence(line.text)) for line in first]
    assert split_lines(text, rules, known=known) == first
    assert {line.text for line in first} <= set(known)


def test_make_line_is_the_dataclass_constructor(rules: Rules) -> None:
    signals = rule_signals("By Jane Doe", rules)
    made = make_line("By Jane Doe", Kind.META, 3, False, signals, True, 0.25, -4.0)
    built = Line("By Jane Doe", Kind.META, 3, False, signals, True, 0.25, -4.0)
    assert made == built and hash(made) == hash(built) and repr(made) == repr(built)
    assert make_line("x", Kind.TEXT, 1, False) == Line("x", Kind.TEXT, 1, False)
    with pytest.raises(AttributeError):
        made.weight = 1.0  # type: ignore[misc]

