"""Properties of the cleaner over generated pages: it never invents text, and a clean
record cleans to itself."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scraper import EmptyInputError, NoArticleError, default_extractor
from scraper.text.normalize import clean_line

EXTRACTOR = default_extractor()  # hypothesis tests take no fixtures
WORDS = ("the council said on Tuesday that new routes will open next spring while residents "
         "worried about noise قال المجلس يوم الثلاثاء إن الخطوط الجديدة ستفتح في الربيع المقبل "
         "وأعرب السكان عن قلقهم le conseil a annoncé mardi").split()
UI = ["Leave a Reply", "Share this:", "اترك تعليقاً", "زر الذهاب إلى الأعلى", "Search", "المزيد",
      "Related", "Connect with us", "Back to top button", "Home"]

word = st.sampled_from(WORDS)
space = st.sampled_from([" ", "  ", "\u00a0", "\t"])
prose = st.builds(lambda ws, end: " ".join(ws) + end,
                  st.lists(word, min_size=12, max_size=60), st.sampled_from([".", "،", "؟", "", "!"]))
short = st.builds(" ".join, st.lists(word, min_size=1, max_size=6))
headline = st.builds(lambda ws, end: " ".join(ws) + end,
                     st.lists(word, min_size=4, max_size=14), st.sampled_from(["", "!", "?", "؟"]))
meta = st.sampled_from(["By Jane Doe", "بواسطة أحمد علي", "March 3, 2024", "2024-11-30",
                        "الأربعاء 13 سبتمبر 2023 - 10:30", "Jane Doe", "كتب فريق التحرير 3 دقيقة للقراءة"])
line = st.one_of(prose, prose, short, headline, meta, st.sampled_from(UI), st.just(""),
                 st.just("\u00a0"))
padded = st.builds(lambda a, l, b: a + l + b, st.sampled_from(["", " ", "\u00a0"]), line,
                   st.sampled_from(["", " ", "\u200f"]))
pages = st.lists(padded, min_size=1, max_size=40).map("\n".join)

SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(pages)
def test_cleaning_never_invents_text(page: str) -> None:
    try:
        record = EXTRACTOR.clean_text(page)
    except (NoArticleError, EmptyInputError):
        return
    source = {clean_line(raw) for raw in page.splitlines()}
    for out in (record.title, *record.paragraphs):
        assert out in source
    assert record.to_text().count("\n\n") == len(record.paragraphs)


@SETTINGS
@given(pages)
def test_cleaning_a_clean_record_changes_nothing(page: str) -> None:
    try:
        record = EXTRACTOR.clean_text(page)
    except (NoArticleError, EmptyInputError):
        return
    again = EXTRACTOR.clean_text(record.to_text())
    assert (again.title, again.paragraphs) == (record.title, record.paragraphs)


def real_dumps() -> list[tuple[str, str]]:
    """The seeds and the readability corpus's text dumps (skipped if the corpus is absent)."""
    from tests.conftest import SEEDS, SHARED
    docs = [(p.name, p.read_text(encoding="utf-8")) for p in sorted(SEEDS.glob("*.txt"))]
    corpus = SHARED / "corpora" / "readability"
    docs += [(p.parent.name, p.read_text(encoding="utf-8")) for p in sorted(corpus.glob("*/dirty.txt"))]
    return docs


def test_real_pages_clean_to_a_fixed_point() -> None:
    docs = real_dumps()
    checked = 0
    for name, text in docs:
        try:
            record = EXTRACTOR.clean_text(text)
        except (NoArticleError, EmptyInputError):
            continue
        again = EXTRACTOR.clean_text(record.to_text())
        assert (again.title, again.paragraphs) == (record.title, record.paragraphs), name
        checked += 1
    assert checked >= 5
