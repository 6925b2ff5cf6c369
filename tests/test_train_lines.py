"""Training data of the line model: page dumps, line labels, sites (no CatBoost needed)."""

from __future__ import annotations

from scraper.train.corpora import site_of
from scraper.train.dumps import text_dump
from scraper.train.line_labels import by_hand, by_reference, by_snippets

PAGE = """<html><head><title>T</title><style>p {}</style></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<h1>Harbour plan approved</h1>
<p>The harbour authority approved the plan
on Tuesday, officials said.<br>A second line.</p>
<div hidden>Hidden text</div><div style="display: none">Also hidden</div>
<script>var x = "script text";</script>
<pre>line one
line two</pre>
<ul><li>First item</li><li>Second <b>item</b></li></ul>
</body></html>"""


def test_text_dump_is_one_block_per_line() -> None:
    assert text_dump(PAGE.encode("utf-8")).split("\n\n") == [
        "Home News", "Harbour plan approved",
        "The harbour authority approved the plan on Tuesday, officials said.", "A second line.",
        "line one", "line two", "First item", "Second item"]


def test_labels_against_a_reference() -> None:
    lines = ["Home", "Harbour plan approved", "The harbour authority approved the plan on Tuesday.",
             "Officials said work starts in spring and lasts two years.", "Share this",
             "Related: ferry orders boats"]
    reference = ("The harbour authority approved the plan on Tuesday.\n"
                 "Officials said work starts in spring\nand lasts two years.\n")
    assert by_reference(lines, reference) == [0.0, 0.0, 1.0, 1.0, 0.0, 0.0]


def test_a_short_line_counts_only_where_the_reference_has_it() -> None:
    # "Share" occurs in the reference's prose, but not as a line of its own there.
    lines = ["Share", "We share the harbour with the fishermen, the mayor said."]
    assert by_reference(lines, lines[1]) == [0.0, 1.0]


def test_labels_from_snippets() -> None:
    lines = ["Menu", "The plan was approved on Tuesday", "by the council.", "Cookie settings", "Other"]
    labels = by_snippets(lines, with_=["approved on Tuesday by the council"], without=["Cookie settings"])
    assert labels == [None, 1.0, 1.0, 0.0, None]


def test_hand_labels_leave_the_headline_and_o_lines_out() -> None:
    tagged = [("D", "Menu"), ("K", "Headline"), ("O", "Jane Doe"), ("K", "Body text."), ("D", "Share")]
    assert by_hand(["Menu", "Headline", "Jane Doe", "Body text.", "Share"], tagged) == [
        0.0, None, None, 1.0, 0.0]


def test_site_of_a_url() -> None:
    assert site_of("https://www.Example.com/a") == "example.com"
    assert site_of("http://web.archive.org/web/2019/https://www.zeit.de/x") == "zeit.de"
    assert site_of("http://web.archive.org/web/2019/zeit.de/x") == "zeit.de"
    assert site_of(None) == ""
