"""Regions decided whole (scraper.html.regions) and the last look at a body
(scraper.html.tail), on hand-made pages."""

from __future__ import annotations

import numpy as np
from selectolax.lexbor import LexborHTMLParser

import scraper
from scraper.html.blocks import page_blocks
from scraper.html.regions import REGION_FEATURES, find_regions, region_features
from scraper.html.tail import tidy_body
from scraper.text.policies import policy_hits

ARTICLE = [
    "The city council voted on Tuesday to close the old harbour bridge for two years of "
    "repairs, after engineers found deep cracks in three of its eight steel supports.",
    "Residents who cross the bridge every day will have to take the ferry, which the city "
    "plans to run every ten minutes at rush hour and every half hour in the evening.",
    "Shop owners on both banks said they feared for their trade, and asked the council to "
    "lower their rents while the works last; the mayor promised an answer next month.",
    "The repairs will cost about forty million euros, of which the region will pay half, "
    "according to the budget the council adopted in the same session.",
    "Work is due to start in March, once the ferry service has been tested for a week with "
    "volunteers from the neighbourhood associations.",
]
TEASERS = [
    ("Storm closes schools across the north",
     "Heavy rain and wind forced dozens of schools to shut on Monday, and parents scrambled "
     "to find care for their children while the roads stayed flooded."),
    ("New museum wing opens to the public",
     "The modern art wing, ten years in the making, welcomed its first visitors this weekend, "
     "with queues stretching around the block before the doors opened."),
    ("Football club sacks its coach after defeat",
     "After a fifth straight loss the club's board met late into the night and decided that "
     "a change on the bench was the only way to save the season."),
    ("Bakery wins national bread prize",
     "A family bakery from the old town took the top award at the national fair, beating "
     "more than two hundred rivals with a sourdough loaf baked in a wood oven."),
    ("Train fares to rise in January",
     "The rail operator announced that tickets will cost three percent more from the new "
     "year, blaming higher energy prices and the cost of new carriages."),
]


def _page(before: str = "", after: str = "", article: list[str] = ARTICLE) -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in article)
    return (f"<html><head><title>Harbour bridge to close for repairs</title></head><body>"
            f"<div class='top'>{before}</div><article><h1>Harbour bridge to close for repairs"
            f"</h1>{paragraphs}</article><div class='bottom'>{after}</div></body></html>")


def _teaser_list() -> str:
    items = "".join(f"<li class='item'><a href='/story/{i}'><h3>{head}</h3></a><p>{lede}</p></li>"
                    for i, (head, lede) in enumerate(TEASERS))
    return f"<ul class='stories'>{items}</ul>"


def test_a_teaser_list_above_the_article_is_found_as_one_region_and_dropped() -> None:
    html = _page(before=_teaser_list())
    tree = LexborHTMLParser(html)
    blocks, X = page_blocks(tree, title="Harbour bridge to close for repairs")
    regions = find_regions(blocks, X)
    teasers = [r for r in regions if blocks.texts[r.start] == TEASERS[0][0]]
    assert teasers and len(teasers[0].items) == len(TEASERS)
    record = scraper.extract_html(html)
    body = "\n".join(record.paragraphs)
    assert all(p in record.paragraphs for p in ARTICLE)
    assert not any(lede in body for _, lede in TEASERS)


def test_a_comment_policy_after_the_article_is_dropped_in_english_and_in_arabic() -> None:
    english = ("<div class='box'><h3>Comments</h3><p>The opinions expressed below do not "
               "reflect the views of the newspaper, and comments are moderated before they "
               "are published on the site.</p><ul>"
               "<li>If the comment contains personal attacks or abusive language, it will be "
               "deleted without notice by the moderators.</li>"
               "<li>If the comment is off-topic or advertises a product, it will be removed "
               "and the account may be closed.</li>"
               "<li>By commenting you accept the terms of use and the community guidelines "
               "of this website.</li></ul></div>")
    record = scraper.extract_html(_page(after=english))
    body = "\n".join(record.paragraphs)
    assert all(p in record.paragraphs for p in ARTICLE)
    assert "do not reflect" not in body and "personal attacks" not in body

    arabic_article = [
        "صوّت مجلس المدينة يوم الثلاثاء على إغلاق جسر الميناء القديم لمدة عامين من أجل "
        "إصلاحه، بعد أن اكتشف المهندسون تشققات عميقة في ثلاثة من دعائمه الفولاذية الثمانية.",
        "وسيتعين على السكان الذين يعبرون الجسر كل يوم ركوب العبّارة، التي تعتزم المدينة "
        "تشغيلها كل عشر دقائق في ساعات الذروة وكل نصف ساعة في المساء.",
        "وقال أصحاب المتاجر على الضفتين إنهم يخشون على تجارتهم، وطلبوا من المجلس خفض "
        "إيجاراتهم طوال مدة الأشغال، فوعد رئيس البلدية بالرد الشهر المقبل.",
        "وستبلغ تكلفة الإصلاحات نحو أربعين مليون يورو، تدفع المنطقة نصفها، وفقاً للميزانية "
        "التي أقرها المجلس في الجلسة نفسها.",
    ]
    arabic = ("<div class='box'><h3>التعليقات</h3><p>الآراء الواردة في التعليقات لا تعبر عن "
              "رأي الموقع، وإنما تعبر عن رأي أصحابها، ويحتفظ الموقع بحق حذف أي تعليق.</p><ul>"
              "<li>إذا كان التعليق يتضمن إساءة أو ألفاظاً نابية فسيتم حذف التعليق دون إشعار "
              "من إدارة الموقع.</li>"
              "<li>إذا تضمن التعليق إعلاناً أو رابطاً خارجياً فلن يتم نشر التعليق على "
              "الموقع.</li>"
              "<li>التسجيل عبر فيسبوك يعني موافقتك على شروط الاستخدام وسياسة التعليقات في "
              "الموقع.</li></ul></div>")
    record = scraper.extract_html(_page(after=arabic, article=arabic_article))
    body = "\n".join(record.paragraphs)
    assert all(p in record.paragraphs for p in arabic_article)
    assert "لا تعبر عن" not in body and "إساءة" not in body


def test_a_single_long_article_paragraph_after_a_chrome_heading_is_kept() -> None:
    closing = ("Readers who wish to comment on the plans can write to the council before the "
               "end of the month, and every letter will be read out at the next public "
               "session of the harbour committee, the mayor said.")
    article = [*ARTICLE, "<h2>Comments</h2>", closing]
    html = _page(article=article).replace("<p><h2>Comments</h2></p>", "<h2>Comments</h2>")
    record = scraper.extract_html(html)
    assert closing in record.paragraphs
    assert all(p in record.paragraphs for p in ARTICLE)


def test_region_features_are_one_row_per_region_and_finite() -> None:
    tree = LexborHTMLParser(_page(before=_teaser_list()))
    blocks, X = page_blocks(tree, title="Harbour bridge to close for repairs")
    regions = find_regions(blocks, X)
    R = region_features(blocks, X, np.zeros(len(blocks)), regions)
    assert R.shape == (len(regions), len(REGION_FEATURES))
    assert np.isfinite(R).all()


def test_policy_phrases_are_counted_once_each_in_any_case() -> None:
    assert policy_hits("The Opinions Expressed here DO NOT REFLECT ours; do not reflect") == 2
    assert policy_hits("لا تعبر عن رأي الموقع، ويحتفظ الموقع بحق الحذف") == 2
    assert policy_hits("The council voted to close the bridge.") == 0


def test_the_last_look_drops_what_a_body_is_not() -> None:
    title = "Harbour bridge to close for repairs"
    lines = [title, ARTICLE[0], "500", ARTICLE[1], ARTICLE[0], ARTICLE[2],
             "Politics, City council, Harbour, Transport", "Jane Doe"]
    assert tidy_body(lines, title) == ARTICLE[:3]


def test_the_last_look_cuts_a_related_coverage_tail_but_keeps_a_short_subheading() -> None:
    lines = [ARTICLE[0], "What comes next", ARTICLE[1], ARTICLE[2], ARTICLE[3],
             "Related coverage from the harbour", "Ferry timetable announced",
             "Bridge history in pictures"]
    assert tidy_body(lines, None) == [ARTICLE[0], "What comes next", *ARTICLE[1:4]]


def test_a_name_or_keywords_inside_the_article_stay() -> None:
    lines = [ARTICLE[0], "Jane Doe", ARTICLE[1], "Paris, London, Rome", ARTICLE[2]]
    assert tidy_body(lines, None) == lines
