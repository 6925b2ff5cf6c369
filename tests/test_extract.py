"""extract_html on small hand-written pages: decoding, metadata, pruning, rules, bad input."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from scraper import ExtractOptions, Extractor, extract_html, load_rules
from scraper.errors import (
    BinaryInputError,
    EmptyInputError,
    NoArticleError,
    PageTooLargeError,
)
from tests.conftest import ROOT

LIMITS = ExtractOptions()

ARABIC_1 = ("بعث الزعيم الكوري الشمالي كيم جونغ أون، برسالة عيد ميلاد إلى الرئيس الروسي "
            "فلاديمير بوتين، واصفا إياه بـ”رفيقه المقرب”.")
ARABIC_2 = ("وأضاف كيم، وهو يهنئ بوتين بعيد ميلاده الثاني والسبعين، أن العلاقات بين البلدين "
            "سترتفع إلى مستوى جديد.")
HEADLINE = "زعيم كوريا الشمالية يصف بوتين بأنه الرفيق الأقرب"
ENGLISH = [
    "The council voted on Tuesday to close the old bridge for repairs that will last until "
    "the end of next summer, officials said.",
    "Residents who cross the river every day will have to use the ferry or drive around "
    "through the northern district, which adds about twenty minutes.",
    "The mayor said the decision was overdue and that the bridge had been inspected three "
    "times in the past year alone.",
]


def page(body: str, head: str = "", *, charset: str = "utf-8", lang: str = "en") -> str:
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="{charset}">{head}</head>'
            f"<body>{body}</body></html>")


def article_page() -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in ENGLISH)
    head = ('<title>Bridge to close for a year | The Riverside Gazette</title>'
            '<meta property="og:site_name" content="The Riverside Gazette">'
            '<script type="application/ld+json">{"@context": "https://schema.org", '
            '"@type": "NewsArticle", "headline": "Bridge to close for a year", '
            '"datePublished": "2024-03-05T09:30:00Z", '
            '"author": {"@type": "Person", "name": "Jane Doe"}}</script>')
    body = f"""
    <header class="site-header"><nav><a href="/">Home</a><a href="/news">News</a></nav></header>
    <div id="cookie-banner">We use cookies to improve your experience. Accept all cookies</div>
    <main><article>
      <h1>Bridge to close for a year</h1>
      <div class="share-bar"><a href="#">Share on Facebook</a><a href="#">Share on X</a></div>
      <div class="entry-content">{paragraphs}</div>
      <div class="related-posts"><h3>Related stories</h3>
        <ul><li><a href="/a">Ferry timetable extended for the winter season again</a></li></ul>
      </div>
      <section id="comments" class="comments-area"><h3>3 comments</h3>
        <p>Great article, thanks for writing this up, I had no idea about the ferry.</p></section>
      <div class="newsletter-signup">Sign up for our daily newsletter and never miss a story</div>
    </article></main>
    <aside class="sidebar"><h3>Most read</h3><a href="/b">Something else happened today</a></aside>
    <footer>Copyright 2024 The Riverside Gazette. All rights reserved.</footer>"""
    return page(body, head)


@pytest.fixture(scope="module")
def no_site_rules():
    """The bundled lexicon without any site rule: the generic extractor alone."""
    bundled = load_rules()
    return type(bundled)(lexicon=bundled.lexicon, sites=(), path=bundled.path)


def test_generic_page_keeps_the_article_and_drops_the_chrome(rules) -> None:
    record = extract_html(article_page().encode(), url="https://gazette.example/bridge", rules=rules)
    assert list(record.paragraphs) == ENGLISH
    text = record.to_text()
    for chrome in ("Share on Facebook", "Related stories", "Ferry timetable", "Great article",
                   "newsletter", "cookies", "Most read", "Copyright", "Home"):
        assert chrome not in text
    assert record.rule == "generic"


def test_metadata_comes_from_json_ld_and_the_title_is_the_headline(rules) -> None:
    record = extract_html(article_page(), url="https://www.gazette.example/bridge", rules=rules)
    assert record.title == "Bridge to close for a year"
    assert record.author == "Jane Doe"
    assert record.published == "2024-03-05"  # YYYY-MM-DD, as the text cleaner gives it
    assert record.site == "The Riverside Gazette"
    assert record.language == "en"
    assert record.url == "https://www.gazette.example/bridge"


def test_title_without_site_name_from_opengraph_and_meta(rules) -> None:
    head = ('<title>Bridge to close for a year - The Riverside Gazette</title>'
            '<meta property="og:title" content="Bridge to close for a year | The Riverside Gazette">'
            '<meta property="og:site_name" content="The Riverside Gazette">'
            '<meta name="author" content="John Roe">'
            '<meta property="article:published_time" content="2024-03-06">')
    html = page("".join(f"<p>{p}</p>" for p in ENGLISH), head)
    record = extract_html(html, rules=rules)
    assert (record.title, record.author, record.published) == (
        "Bridge to close for a year", "John Roe", "2024-03-06")


@pytest.mark.parametrize("declared_in", ["meta", "http-equiv", "header"])
def test_arabic_windows_1256_pages_decode_exactly(rules, declared_in: str) -> None:
    head = {"meta": '<meta charset="windows-1256">',
            "http-equiv": '<meta http-equiv="Content-Type" content="text/html; charset=windows-1256">',
            "header": ""}[declared_in]
    html = (f'<html dir="rtl" lang="ar"><head>{head}<title>{HEADLINE}</title></head><body>'
            f"<h1>{HEADLINE}</h1><p>{ARABIC_1}</p><p>{ARABIC_2}</p></body></html>")
    data = html.encode("cp1256")
    charset = "windows-1256" if declared_in == "header" else None
    record = extract_html(data, rules=rules, charset=charset)
    assert record.title == HEADLINE
    assert record.paragraphs == (ARABIC_1, ARABIC_2)
    assert record.language == "ar"


def test_right_to_left_text_only_changes_by_nfc_and_whitespace(rules) -> None:
    decomposed = unicodedata.normalize("NFD", "قالَ الرئيسُ إنّ المفاوضاتِ ستستمرُّ حتى نهايةِ الأسبوعِ المقبلِ في العاصمةِ")
    html = (f'<html dir="rtl" lang="ar"><head><meta charset="utf-8"><title>{HEADLINE}</title>'
            f"</head><body><h1>{HEADLINE}</h1><p>  {ARABIC_1}\n  </p>"
            f"<p>{decomposed}</p></body></html>")
    record = extract_html(html.encode("utf-8"), rules=rules)
    assert record.paragraphs == (ARABIC_1, unicodedata.normalize("NFC", decomposed))


def test_bom_wins_over_a_wrong_meta_charset(rules) -> None:
    html = page(f"<p>{ARABIC_1}</p><p>{ARABIC_2}</p>", f"<title>{HEADLINE}</title>",
                charset="iso-8859-1", lang="ar")
    record = extract_html(b"\xef\xbb\xbf" + html.encode("utf-8"), rules=rules)
    assert record.paragraphs == (ARABIC_1, ARABIC_2)


def test_a_domain_rule_takes_title_body_and_strips(tmp_path: Path) -> None:
    (tmp_path / "site.toml").write_text('''
name = "gazette"
[match]
domains = ["gazette.example"]
[extract]
title = ["h1"]
body = ["div.entry-content"]
strip = ["p.editor-note"]
author = ["span.by"]
drop_lines = ["^Read more:"]
''', encoding="utf-8")
    rules = load_rules(tmp_path)
    body = ('<h1>Bridge to close</h1><span class="by">Jane Doe</span><div class="entry-content">'
            f'<p>{ENGLISH[0]}</p><p class="editor-note">Editor note: corrected.</p>'
            f'<p>Read more: the ferry</p><p>{ENGLISH[1]}</p></div>')
    record = extract_html(page(body), url="https://news.gazette.example/a", rules=rules)
    assert record.rule == "gazette"
    assert (record.title, record.author) == ("Bridge to close", "Jane Doe")
    assert list(record.paragraphs) == ENGLISH[:2]
    other = extract_html(page(body), url="https://elsewhere.example/a", rules=rules)
    assert other.rule == "generic"


def test_a_theme_rule_claims_pages_by_generator(tmp_path: Path) -> None:
    (tmp_path / "theme.toml").write_text('''
name = "sometheme"
[match]
generator = ["SomeTheme"]
[extract]
body = ["div.story"]
''', encoding="utf-8")
    rules = load_rules(tmp_path)
    body = f'<div class="story"><p>{ENGLISH[0]}</p></div><div><p>{ENGLISH[2]}</p></div>'
    themed = extract_html(page(body, '<meta name="generator" content="SomeTheme 2.1">'), rules=rules)
    assert (themed.rule, themed.paragraphs) == ("sometheme", (ENGLISH[0],))
    plain = extract_html(page(body), rules=rules)
    assert plain.rule == "generic"


def test_the_last_pass_drops_lexicon_lines(rules) -> None:
    body = (f"<article><p>{ENGLISH[0]}</p><p>{ENGLISH[1]}</p>"
            "<p>Your email address will not be published. Required fields are marked *</p>"
            "<p>اترك تعليقاً</p></article>")
    record = extract_html(page(body), rules=rules)
    assert list(record.paragraphs) == ENGLISH[:2]


@pytest.mark.parametrize("data, error, message", [
    (b"", EmptyInputError, "empty"),
    (b"  \n\t ", EmptyInputError, "empty"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", BinaryInputError, "PDF"),
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), BinaryInputError, "PNG"),
    (b"\xff\xd8\xff\xe0" + bytes(300), BinaryInputError, "JPEG"),
])
def test_unreadable_input_is_a_clear_error(rules, data: bytes, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        extract_html(data, rules=rules)


def test_error_and_index_pages_hold_no_article(rules) -> None:
    error_page = page("<nav><a href='/'>Home</a></nav><h1>Page not found</h1>"
                      "<p>The page you requested could not be found on this server.</p>",
                      "<title>404 Not Found</title>")
    with pytest.raises(NoArticleError):
        extract_html(error_page, rules=rules)
    teasers = "".join(f'<div class="teaser"><h2><a href="/n{i}">Short headline {i}</a></h2></div>'
                      for i in range(30))
    with pytest.raises(NoArticleError):
        extract_html(page(f"<nav><a href='/'>Home</a></nav>{teasers}"), rules=rules)


def test_truncated_page_still_gives_its_text(rules) -> None:
    html = article_page()
    cut = html[: html.index(ENGLISH[2][:40]) + 40]
    record = extract_html(cut.encode(), rules=rules)
    assert record.paragraphs[:2] == tuple(ENGLISH[:2])


def test_a_huge_page_is_refused_unread(rules) -> None:
    data = b"<html><body><p>" + b"word " * (LIMITS.max_page_bytes // 5 + 10) + b"</p></body></html>"
    with pytest.raises(PageTooLargeError, match="too large"):
        extract_html(data, rules=rules)


def test_deeply_nested_markup_is_refused_or_read_without_crashing(rules) -> None:
    deep = b"<html><body>" + b"<div>" * (LIMITS.max_tags + 1) + b"<p>x</p>"
    with pytest.raises(PageTooLargeError, match="too many tags"):
        extract_html(deep, rules=rules)
    depth = 3000
    nested = ("<html><body>" + "<div><span>" * depth + f"<p>{ENGLISH[0]}</p><p>{ENGLISH[1]}</p>"
              + "</span></div>" * depth + "</body></html>")
    record = extract_html(nested, rules=rules)
    assert ENGLISH[0] in record.to_text()


def test_unclosed_formatting_tags_do_not_hang(rules) -> None:
    html = "<html><body>" + "<b><i><font>" * 5000 + " ".join(ENGLISH)
    record = extract_html(html, rules=rules)
    assert "The council voted" in record.to_text()


def test_the_bundled_rules_dir_is_used_by_default() -> None:
    record = extract_html((ROOT / "rules" / "fixtures" / "zoxpress-ar.html").read_bytes())
    assert record.rule == "zoxpress"


def test_read_also_teasers_go_but_a_sentence_starting_alike_stays(rules) -> None:
    kept = "Related: the council also said that the ferry will run every twenty minutes at peak."
    body = (f"<article><p>{ENGLISH[0]}</p>"
            "<p>Read also: <a href='/x'>Ferry timetable extended for the winter season</a></p>"
            "<p>اقرأ أيضاً: <a href='/y'>زعيم كوريا الشمالية يصف بوتين بأنه الرفيق الأقرب</a></p>"
            f"<p>{ENGLISH[1]}</p><p>{kept}</p></article>")
    record = extract_html(page(body, "<title>Bridge</title>"), rules=rules)
    assert list(record.paragraphs) == [ENGLISH[0], ENGLISH[1], kept]


def test_a_page_without_a_declared_date_is_dated_from_its_url_or_text(rules) -> None:
    html = page("".join(f"<p>{p}</p>" for p in ENGLISH), "<title>Bridge to close</title>")
    record = extract_html(html, url="https://gazette.example/2023/11/05/bridge/", rules=rules)
    assert record.published == "2023-11-05"


def test_the_site_name_is_not_taken_for_the_author(rules) -> None:
    head = ('<meta property="og:site_name" content="The Riverside Gazette">'
            '<meta name="author" content="The Riverside Gazette">'
            '<title>Bridge to close</title>')
    body = "".join(f"<p>{p}</p>" for p in ENGLISH) + '<a rel="author" href="/jane">Jane Doe</a>'
    assert extract_html(page(body, head), rules=rules).author == "Jane Doe"


def test_scripts_inside_the_headline_or_a_rule_body_are_not_text(tmp_path: Path) -> None:
    (tmp_path / "site.toml").write_text('name = "s"\n[match]\ndomains = ["s.example"]\n'
                                        '[extract]\nbody = ["div.body"]\n', encoding="utf-8")
    rules = load_rules(tmp_path)
    body = (f'<h1>Bridge to close<script>var ad = "slot";</script></h1><div class="body">'
            f'<p>{ENGLISH[0]}</p><script>googletag.cmd.push(function() {{}});</script>'
            f'<style>.x {{ color: red }}</style><p>{ENGLISH[1]}</p></div>')
    record = extract_html(page(body), url="https://s.example/a", rules=rules)
    assert record.title == "Bridge to close"
    assert list(record.paragraphs) == ENGLISH[:2]


def test_author_from_an_element_marked_as_the_byline(rules) -> None:
    body = ('<div class="post-meta"><span class="author-name">By Jane Doe</span> '
            '<span class="date">5 March 2024</span></div>' + "".join(f"<p>{p}</p>" for p in ENGLISH))
    record = extract_html(page(body, "<title>Bridge to close</title>"), rules=rules)
    assert record.author == "Jane Doe"


def test_a_page_given_as_text_obeys_the_byte_limit(rules) -> None:
    small = ExtractOptions(max_page_bytes=6_000)
    arabic = page("<p>" + ARABIC_1 * 40 + "</p>")  # about 4,800 characters, 8,900 bytes
    assert len(arabic) < small.max_page_bytes < len(arabic.encode())
    with pytest.raises(PageTooLargeError, match="too large"):
        Extractor(rules, options=small).extract_html(arabic)
    with pytest.raises(EmptyInputError):
        extract_html("  \n", rules=rules)
