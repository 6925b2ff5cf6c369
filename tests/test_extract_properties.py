"""Properties of extract_html over generated pages: only the toolkit's own errors, and no
invented text."""

from __future__ import annotations

import html as html_lib
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scraper import ScraperError, default_extractor

EXTRACTOR = default_extractor()  # hypothesis tests take no fixtures
EXAMPLES = 60
WORDS = ("the council said on Tuesday that new routes will open next spring while residents "
         "worried about noise قال المجلس يوم الثلاثاء إن الخطوط الجديدة ستفتح في الربيع المقبل "
         "وأعرب السكان عن قلقهم").split()
TAGS = ["div", "p", "span", "article", "nav", "aside", "footer", "section", "ul", "li", "a",
        "b", "table", "td", "script", "style", "form", "h1", "h2", "header", "main"]
CLASSES = ["", "share", "related-posts", "entry-content", "comments", "sidebar", "post", "x"]

text = st.builds(" ".join, st.lists(st.sampled_from(WORDS), min_size=0, max_size=40))
element = st.recursive(
    text.map(html_lib.escape),
    lambda inner: st.builds(
        lambda tag, cls, children, closed: (f'<{tag} class="{cls}">' + "".join(children)
                                            + (f"</{tag}>" if closed else "")),
        st.sampled_from(TAGS), st.sampled_from(CLASSES), st.lists(inner, max_size=5),
        st.booleans()),
    max_leaves=40)
junk = st.binary(max_size=300)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=st.lists(element, max_size=6), cut=st.integers(min_value=0, max_value=5000))
def test_generated_pages_give_a_record_or_a_scraper_error(body: list[str], cut: int) -> None:
    page = "<!DOCTYPE html><html><head><title>t</title></head><body>" + "".join(body)
    page = page[: max(cut, 60)]  # truncated anywhere, even inside a tag
    try:
        record = EXTRACTOR.extract_html(page.encode("utf-8"))
    except ScraperError:
        return
    # Every line's letters appear in the page's text in that order (tags taken out; spaces
    # and the markup characters a cut tag leaves as text ignored): pruned elements may join
    # their neighbours, but nothing is invented or reordered within a line.
    visible = _letters(html_lib.unescape(re.sub(r"<[^>]*>", "", page)))
    for line in (record.title, *record.paragraphs):
        rest = iter(visible)
        assert all(char in rest for char in _letters(line)), line


def _letters(text: str) -> str:
    return "".join(c for c in text if c.isalnum())


@settings(max_examples=60, deadline=None)
@given(data=junk)
def test_arbitrary_bytes_give_a_record_or_a_scraper_error(data: bytes) -> None:
    try:
        EXTRACTOR.extract_html(data)
    except ScraperError:
        pass
