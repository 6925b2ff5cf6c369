"""Page metadata on small hand-written pages: where the author and the date come from."""

from __future__ import annotations

import pytest
from selectolax.lexbor import LexborHTMLParser

from scraper import extract_html, load_rules
from scraper.html.metadata import page_metadata
from scraper.text.bylines import author_name, shown_name
from scraper.text.dates import date_in_url
from tests.test_extract import ENGLISH, page

PARAGRAPHS = "".join(f"<p>{p}</p>" for p in ENGLISH)


def meta_of(body: str, head: str = "<title>Bridge to close</title>"):
    return page_metadata(LexborHTMLParser(page(body, head)))


def ld(obj: str) -> str:
    return f'<script type="application/ld+json">{obj}</script>'


@pytest.mark.parametrize(("url", "day"), [
    ("https://gazette.example/2023/11/05/bridge/", "2023-11-05"),
    ("https://gazette.example/home/2017/7/12/montauk", "2017-07-12"),
    ("https://gazette.example/2024-03-05-bridge.html", "2024-03-05"),
    ("https://gazette.example/2023/02/30/bridge/", None),       # no such day
    ("https://gazette.example/news/2023/bridge-1105.html", None),
    (None, None),
])
def test_the_date_in_a_url_path(url: str | None, day: str | None) -> None:
    assert date_in_url(url) == day


def test_the_url_date_beats_a_utc_timestamp_of_the_next_day(rules) -> None:
    head = ('<title>Bridge to close</title>'
            '<meta property="article:published_time" content="2020-02-25T02:25:54+00:00">')
    record = extract_html(page(PARAGRAPHS, head), url="https://gazette.example/2020/02/24/bridge/",
                          rules=rules)
    assert record.published == "2020-02-24"


def test_a_declared_date_without_a_day_is_passed_over() -> None:
    head = ('<meta property="article:published_time" content="2:33 PM">'
            + ld('{"@type": "NewsArticle", "headline": "Bridge to close", '
                 '"datePublished": "2024-03-05T09:30:00Z"}'))
    assert meta_of(PARAGRAPHS, head).published == "2024-03-05"


def test_the_date_line_under_the_headline_beats_a_json_ld_date() -> None:
    head = ld('{"@type": "NewsArticle", "headline": "Bridge to close", '
              '"datePublished": "2021-08-12T19:35:44+00:00"}')
    body = ('<article><h1>Bridge to close</h1><div class="meta"><span>Last updated: '
            f'February 22, 2025</span></div>{PARAGRAPHS}</article>')
    assert meta_of(body, head).published == "2025-02-22"


def test_article_published_time_beats_the_date_line() -> None:
    head = '<meta property="article:published_time" content="2024-03-05T09:30:00+01:00">'
    body = f'<h1>Bridge to close</h1><p>6 March 2024</p>{PARAGRAPHS}'
    assert meta_of(body, head).published == "2024-03-05"


def test_a_date_in_a_sentence_near_the_headline_is_a_last_resort() -> None:
    body = (f'<h1>Bridge to close</h1><p>The bridge closes on 5 March 2024, the council says.</p>'
            f'{PARAGRAPHS}')
    assert meta_of(body).published == "2024-03-05"
    head = '<meta name="date" content="2024-03-01">'
    assert meta_of(body, head).published == "2024-03-01"


def test_dates_in_scripts_after_the_headline_are_not_read() -> None:
    body = (f'<h1>Bridge to close</h1><script>var built = "2019-01-01";</script>'
            f'<p>5 March 2024</p>{PARAGRAPHS}')
    assert meta_of(body).published == "2024-03-05"


def test_declared_dates_are_given_as_days() -> None:
    head = '<meta property="article:published_time" content="Tue, 05 Mar 2024 09:30:00 GMT">'
    assert meta_of(PARAGRAPHS, head).published == "2024-03-05"


def test_the_date_line_is_read_under_the_h1_showing_the_headline() -> None:
    head = '<meta property="og:title" content="Bridge to close">'
    body = ('<header><h1>The Riverside Gazette</h1><p>1 January 2020</p></header>'
            f'<article><h1>Bridge to close</h1><p>5 March 2024</p>{PARAGRAPHS}</article>')
    assert meta_of(body, head).published == "2024-03-05"


def test_a_date_line_just_above_the_headline_counts_too() -> None:
    body = (f'<div class="kicker"><span>Politics</span><span>05.03.2024</span></div>'
            f'<h1>Bridge to close</h1>{PARAGRAPHS}')
    assert meta_of(body).published == "2024-03-05"


def test_a_page_without_a_headline_element_is_dated_by_an_element_marked_as_a_date() -> None:
    body = f'<h2 class="date-header"><span>Tuesday, 5 March 2024</span></h2>{PARAGRAPHS}'
    assert meta_of(body).published == "2024-03-05"


@pytest.mark.parametrize(("field", "name"), [
    ("By Jane Doe", "Jane Doe"),
    ("Zeige alle Beiträge von Cem Basman", "Cem Basman"),
    ("Interview: Julia Lauter", "Julia Lauter"),
    ("von Roland Brockmann und Sebastian Drescher", "Roland Brockmann und Sebastian Drescher"),
    ("Von Trapp", "Von Trapp"),                       # a surname, not a byline word
    ("von Redaktion", "Redaktion"),
    ('"David Kim"', "David Kim"),
    ("Maria &amp; Katerina", "Maria & Katerina"),
    ("Williams Perdomo @wperdomod", "Williams Perdomo"),
    ("@NatGeoUK", None),
    ("https://www.facebook.com/jane.doe", None),
    ("Author", None),
])
def test_author_fields_are_read_as_names(field: str, name: str | None) -> None:
    assert author_name(field) == name


def test_a_json_ld_author_given_by_id_reference_is_resolved() -> None:
    head = ld('{"@context": "https://schema.org", "@graph": ['
              '{"@type": "Article", "headline": "Bridge to close", '
              '"author": {"@id": "https://gazette.example/#/schema/person/1"}}, '
              '{"@type": "Person", "@id": "https://gazette.example/#/schema/person/1", '
              '"name": "Jane Doe"}]}')
    assert meta_of(PARAGRAPHS, head).author == "Jane Doe"


def test_every_author_of_a_json_ld_list_is_kept() -> None:
    names = ["Ann Lee", "Bo Chen", "Cy Young", "Di Lu", "Ed Kim", "Flo Rida", "Gus Ho", "Hal Oz"]
    authors = ", ".join(f'{{"@type": "Person", "name": "{n}"}}' for n in names)
    head = ld(f'{{"@type": "Article", "headline": "Bridge to close", "author": [{authors}]}}')
    assert meta_of(PARAGRAPHS, head).author == ", ".join(names)


def test_the_site_name_is_the_author_when_no_source_names_anyone_else() -> None:
    head = ('<meta property="og:site_name" content="Paige Brunton">'
            '<meta name="author" content="Paige Brunton">')
    assert meta_of(PARAGRAPHS, head).author == "Paige Brunton"
    byline = '<span class="author">By Jane Doe</span>'
    assert meta_of(byline + PARAGRAPHS, head).author == "Jane Doe"


@pytest.mark.parametrize("name", ["sailthru.author", "citation_author", "dc:creator"])
def test_author_from_other_meta_names(name: str) -> None:
    head = f'<meta name="{name}" content="Mary Marlowe Leverette">'
    assert meta_of(PARAGRAPHS, head).author == "Mary Marlowe Leverette"


def test_a_rule_selected_author_is_read_as_a_name(tmp_path) -> None:
    (tmp_path / "site.toml").write_text('name = "s"\n[match]\ndomains = ["s.example"]\n'
                                        '[extract]\nauthor = ["span.by"]\n', encoding="utf-8")
    body = f'<span class="by">By Williams Perdomo @wperdomod</span>{PARAGRAPHS}'
    record = extract_html(page(body, "<title>Bridge to close</title>"), url="https://s.example/a",
                          rules=load_rules(tmp_path))
    assert record.author == "Williams Perdomo"


@pytest.mark.parametrize("element", [
    '<p class="byline">By Jane Doe</p>',
    '<span class="entry-meta-author vcard"><a class="fn">Jane Doe</a></span>',
    '<div id="author_header">Jane Doe</div>',
    '<div class="author-and-date">By Jane Doe - March 5, 2024</div>',
    '<div class="post-byline">Posted on 5 March 2024 by Jane Doe</div>',
    '<span class="meta-author">Jane Doe am 05.03.2024</span>',
])
def test_author_from_an_element_whose_class_says_author_or_byline(element: str) -> None:
    body = f"<h1>Bridge to close</h1>{element}{PARAGRAPHS}"
    assert meta_of(body).author == "Jane Doe"


def test_co_authors_shown_in_a_byline_element_are_kept() -> None:
    body = f'<p class="byline">By Ann Lee, Bo Chen and Cy Young</p>{PARAGRAPHS}'
    assert meta_of(body).author == "Ann Lee, Bo Chen and Cy Young"


def test_author_elements_in_comments_and_forms_are_not_bylines() -> None:
    body = (f"{PARAGRAPHS}"
            '<div class="comments"><span class="comment-author" itemprop="author">Sam Reader'
            '</span></div><form><p class="comment-form-author"><label>Name *</label></p></form>'
            '<div class="author-bio">Jane writes about bridges and rivers for the gazette.</div>')
    assert meta_of(body).author is None


@pytest.mark.parametrize(("text", "name"), [
    ("By Jane Doe - 5 May 2024", "Jane Doe"),
    ("MORITZ GATHMANN am 5. Mai 2024", "MORITZ GATHMANN"),
    ("Jason Bates June 5, 2024", "Jason Bates"),
    ("Kate May", "Kate May"),                  # a surname, not the date's month
    ("Loïc Le Clerc", "Loïc Le Clerc"),        # and "Le" begins one, not a French date
    ("Loïc Le Clerc le 5 mai 2024", "Loïc Le Clerc"),
    ("July 22, 2017", None),
    ("Text by Hunter Dukes", "Hunter Dukes"),
    ("Jane is our editor and loves walking by the river", None),
])
def test_the_name_an_author_element_shows(text: str, name: str | None) -> None:
    assert shown_name(text) == name
