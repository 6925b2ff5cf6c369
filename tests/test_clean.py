"""The text cleaner on pages it was not tuned on: other languages, other themes, other sites."""

from __future__ import annotations

import pytest

from scraper import EmptyInputError, NoArticleError, Record, Rules, clean_text, load_rules
from scraper.lines.repeats import RepeatIndex

P1 = ("The city council voted on Tuesday to expand the bus network, adding three new routes "
      "that will connect the eastern suburbs with the central station by next spring.")
P2 = ("Officials said the plan, which costs an estimated 40 million dollars, will be funded "
      "by a mix of federal grants and a small increase in parking fees downtown.")
P3 = ("Residents who spoke at the meeting were divided, with some praising the new service "
      "and others worried about construction noise on narrow residential streets.")
P4 = ("The first route is expected to open in March, and the council will review ridership "
      "figures after six months before approving the remaining two lines.")

ENGLISH_WORDPRESS = f"""Skip to content
Home
News
Sports
Search
Type and hit Enter to search
Local
Council approves bus network expansion
By Jane Doe
March 3, 2024

{P1}

{P2}

Why it matters

{P3}

{P4}

Share this:
Click to share on Twitter (Opens in new window)
Like this:
Related
Leave a Reply
Your email address will not be published. Required fields are marked *
Back to top button
"""


def test_english_wordpress_page(rules: Rules) -> None:
    record = clean_text(ENGLISH_WORDPRESS, rules=rules)
    assert record.title == "Council approves bus network expansion"
    assert record.paragraphs == (P1, P2, "Why it matters", P3, P4)
    assert record.author == "Jane Doe"
    assert record.published == "2024-03-03"


FR = [
    "Le gouvernement a présenté mercredi un projet de loi visant à simplifier les démarches "
    "administratives des petites entreprises, une mesure attendue depuis plusieurs années.",
    "Selon le ministre, le texte supprimera une vingtaine de formulaires et permettra aux "
    "artisans de gagner en moyenne deux jours de travail par mois.",
    "Les organisations patronales ont salué une avancée, tout en regrettant que le projet "
    "ne touche pas à la fiscalité locale, jugée trop complexe.",
]
FRENCH_NEWSPAPER = "\n\n".join([
    "Accueil", "Politique", "Économie", "Rechercher",
    "Économie",
    "Le gouvernement veut simplifier la vie des petites entreprises",
    "Par Marie Curie",
    "12 janvier 2025",
    *FR,
    "Laisser un commentaire",
    "Votre adresse e-mail ne sera pas publiée. Les champs obligatoires sont indiqués avec *",
    "Articles similaires",
    "Les taux d'intérêt restent stables",
    "La bourse termine en hausse",
])


def test_french_page(rules: Rules) -> None:
    record = clean_text(FRENCH_NEWSPAPER, rules=rules)
    assert record.title == "Le gouvernement veut simplifier la vie des petites entreprises"
    assert record.paragraphs == tuple(FR)
    assert record.author == "Marie Curie"
    assert record.published == "2025-01-12"


def test_short_interior_lines_stay_and_edges_go(rules: Rules) -> None:
    text = "\n\n".join(["Menu", "Headline about the harbour project", P1, "Background?", P2,
                        "- Next steps -", P3, "Print", "Tags"])
    record = clean_text(text, rules=rules)
    assert record.paragraphs == (P1, "Background?", P2, "- Next steps -", P3)


def test_high_risk_lexicon_word_never_removes_an_interior_line(rules: Rules) -> None:
    # "منوعات" is a widget title in the lexicon (risk high) and a common section name.
    text = "\n\n".join(["عنوان الخبر عن المهرجان الثقافي في المدينة", P1, "منوعات", P2])
    assert "منوعات" in clean_text(text, rules=rules).paragraphs


def test_never_alters_characters_beyond_nfc_and_whitespace(rules: Rules) -> None:
    body = ("قالـــت الوزارةُ إنَّ المشروعَ سيكتمل في العامِ المقبل، وفقاً لبيانٍ رسمي؛ "
            "وأضافت أن التمويل متوفر بالكامل للمرحلتين الأولى والثانية.")
    text = f"عنوانٌ رئيسيّ للخبر\n\n  {body}\u00a0 \n\n{body} ثانيةً."
    record = clean_text(text, rules=rules)
    assert record.paragraphs[0] == body  # tatweel, harakat and punctuation intact
    assert record.title == "عنوانٌ رئيسيّ للخبر"


def test_whitespace_only_lines_including_no_break_spaces_go(rules: Rules) -> None:
    text = f"A headline for the story\n\u00a0\n \u2003 \n{P1}\n\u200f\n{P2}\n"
    assert clean_text(text, rules=rules).paragraphs == (P1, P2)


def test_only_boilerplate_is_no_article(rules: Rules) -> None:
    with pytest.raises(NoArticleError):
        clean_text("Leave a Reply\nShare this:\nBack to top button\nSearch\n", rules=rules)


def test_lines_repeated_across_a_sites_pages_are_dropped(rules: Rules) -> None:
    # Site chrome no lexicon knows, on every page of the site.
    chrome_top = ["Harbour Gazette", "The paper of the bay since 1921", "Today's weather: sunny"]
    chrome_bottom = ["Subscribe to the Harbour Gazette print edition for only 3 euros a week "
                     "and get the weekend magazine delivered to your door every Saturday."]
    pages = []
    for n in range(5):
        body = [f"Story number {n} about the harbour", f"{P1} ({n})", f"{P2} ({n})"]
        pages.append("\n\n".join(chrome_top + body + chrome_bottom))
    index = RepeatIndex(page.splitlines() for page in pages)
    record = clean_text(pages[0], rules=rules, repeats=index)
    assert record.title == "Story number 0 about the harbour"
    assert record.paragraphs == (f"{P1} (0)", f"{P2} (0)")
    without = clean_text(pages[0], rules=rules)
    assert chrome_bottom[0] in without.paragraphs, "the long footer needs the repetition signal"


def test_copies_of_one_page_are_not_repetition(rules: Rules) -> None:
    page = "\n\n".join(["Headline about the harbour", P1, P2, P3])
    index = RepeatIndex([page.splitlines()] * 4)
    assert clean_text(page, rules=rules, repeats=index).paragraphs == (P1, P2, P3)


def test_site_rule_drop_lines_apply_to_text(tmp_path) -> None:
    (tmp_path / "lexicon.tsv").write_text("lang\tstring\tline_regex\trisk\tcomponent\tsource\n",
                                          encoding="utf-8")
    (tmp_path / "gazette.toml").write_text(
        'name = "gazette"\n[match]\nlines = ["^Harbour Gazette ©"]\n'
        '[extract]\ndrop_lines = ["^Read the Harbour Gazette app"]\n', encoding="utf-8")
    custom = load_rules(tmp_path)
    extra = "Read the Harbour Gazette app for more stories like this one, every single day of the week."
    text = "\n\n".join(["Headline about the harbour", P1, extra, P2, "Harbour Gazette © 2024"])
    record = clean_text(text, rules=custom)
    assert record.rule == "gazette"
    assert extra not in record.paragraphs and P2 in record.paragraphs
    assert extra in clean_text(text.replace("Harbour Gazette ©", "Other"), rules=custom).paragraphs


def test_rules_are_not_global_state(rules: Rules, tmp_path) -> None:
    (tmp_path / "lexicon.tsv").write_text(
        "lang\tstring\tline_regex\trisk\tcomponent\tsource\nen\tWhy it matters\t\tlow\ttest\ttest\n",
        encoding="utf-8")
    custom = load_rules(tmp_path)
    assert "Why it matters" not in clean_text(ENGLISH_WORDPRESS, rules=custom).paragraphs
    assert "Why it matters" in clean_text(ENGLISH_WORDPRESS, rules=rules).paragraphs


def test_record_text_form() -> None:
    record = Record(title="T", paragraphs=["a", "b"])
    assert record.to_text() == "T\n\na\n\nb\n"
    assert record.to_dict()["paragraphs"] == ["a", "b"]
    assert Record.from_dict(record.to_dict()) == record


def test_chrome_no_lexicon_knows_goes_by_position(tmp_path) -> None:
    (tmp_path / "lexicon.tsv").write_text("lang\tstring\tline_regex\trisk\tcomponent\tsource\n",
                                          encoding="utf-8")
    bare = load_rules(tmp_path)  # no lexicon at all: only structure can decide
    text = "\n\n".join(["Wire Desk Daily", "Politics", "Harbour expansion clears final vote", P1, P2,
                        "Short subhead", P3, "Source link", "Via Example Wire", "Most read"])
    record = clean_text(text, rules=bare)
    assert record.title == "Harbour expansion clears final vote"
    assert record.paragraphs == (P1, P2, "Short subhead", P3)


def test_reading_time_and_byline_widgets(rules: Rules) -> None:
    text = "\n\n".join(["Harbour expansion clears final vote", "By Jane Doe · 5 min read", P1, P2,
                        "٣ دقيقة للقراءة", P3])
    record = clean_text(text, rules=rules)
    assert record.author == "Jane Doe"
    assert record.paragraphs == (P1, P2, P3)


def test_clean_text_input_types(extractor) -> None:
    with pytest.raises(EmptyInputError):
        extractor.clean_text("")
    with pytest.raises(EmptyInputError):
        extractor.clean_text(" \n\u00a0\n")
    text = "Headline of the story\n\n" + "A sentence of the article, long enough to be prose. " * 3
    assert extractor.clean_text(text.encode("cp1256")).title == "Headline of the story"
    assert extractor.clean_text(text.encode("utf-16")) == extractor.clean_text(text)
