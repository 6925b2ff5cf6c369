"""The bundled theme and platform rules: their inline tests, how they claim pages, and
what they change compared with the generic extractor."""

from __future__ import annotations

from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from scraper import (
    Extractor,
    Rules,
    RulesError,
    default_extractor,
    extract_html,
    load_rules,
)
from scraper.cli.selftest import run_test, run_tests
from tests.conftest import ROOT

BUNDLED = default_extractor().rules  # the parametrize list below needs them at import
CASES = [(rule, i, test) for rule in BUNDLED.sites for i, test in enumerate(rule.tests)]
FIXTURES = ROOT / "rules" / "fixtures"


@pytest.mark.parametrize("rule, index, test", CASES,
                         ids=[f"{rule.name}[{i}]" for rule, i, _ in CASES])
def test_inline_rule_test(rule, index, test) -> None:
    if not test.fixture.is_file():
        pytest.skip(f"fixture {test.fixture} not found (../shared absent?)")
    result = run_test(default_extractor(), rule, index, test)
    assert result.status == "passed", result.line()


def test_every_theme_family_of_the_issue_has_a_rule_with_tests() -> None:
    names = {rule.name for rule in BUNDLED.sites if rule.tests}
    assert {"jannah", "wordpress", "jetpack", "zoxpress", "newspaper", "jnews"} <= names


def test_fixtures_say_where_they_come_from() -> None:
    for fixture in FIXTURES.glob("*.html"):
        head = fixture.read_text(encoding="utf-8")[:1500]
        assert "minimal page written to reproduce" in head, fixture


def without(name: str) -> Rules:
    return Rules(lexicon=BUNDLED.lexicon, sites=tuple(r for r in BUNDLED.sites if r.name != name),
                 path=BUNDLED.path)


def test_jannah_rule_drops_what_the_generic_path_keeps() -> None:
    data = (FIXTURES / "jannah-ar.html").read_bytes()
    themed = extract_html(data, rules=BUNDLED)
    generic = extract_html(data, rules=without("jannah"))
    assert themed.rule == "jannah" and generic.rule != "jannah"
    assert themed.author == "محرر الموقع"
    assert "Jannah Theme License" not in themed.to_text()
    assert themed.paragraphs[0].startswith("بعث الزعيم الكوري الشمالي")


def test_zoxpress_rule_takes_headline_byline_and_date() -> None:
    record = extract_html((FIXTURES / "zoxpress-ar.html").read_bytes(), rules=BUNDLED)
    assert record.rule == "zoxpress"
    assert record.title.startswith("زعيم كوريا الشمالية: علاقات التحالف مع روسيا")
    assert record.author == "فريق التحرير"
    assert record.published == "2025-12-31"  # the machine-readable date, as YYYY-MM-DD
    assert record.language == "ar"


def test_rules_claim_pages_by_domain_generator_and_fingerprint() -> None:
    tree = LexborHTMLParser('<html><head><meta name="generator" content="WordPress 6.4">'
                            '</head><body><div class="theme-notice">x</div></body></html>')
    claimed = [r.name for r in BUNDLED.for_html(tree, "https://example.com/")]
    assert claimed == ["wordpress", "jannah"]  # generator before fingerprint
    bare = LexborHTMLParser("<html><body><p>x</p></body></html>")
    assert BUNDLED.for_html(bare, "https://example.com/") == ()


def test_a_domain_rule_comes_before_theme_rules(tmp_path: Path) -> None:
    for rule in BUNDLED.sites:
        (tmp_path / rule.path.name).write_text(rule.path.read_text(encoding="utf-8"),
                                               encoding="utf-8")
    (tmp_path / "site.toml").write_text('name = "mysite"\n[match]\ndomains = ["news.example"]\n',
                                        encoding="utf-8")
    rules = load_rules(tmp_path)
    tree = LexborHTMLParser('<html><body><div id="zox-site"></div></body></html>')
    assert [r.name for r in rules.for_html(tree, "https://www.news.example/a")] == ["mysite", "zoxpress"]


def test_failing_and_skipped_rule_tests_are_reported(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(
        "<html><body><article><p>The council voted on Tuesday to close the old bridge for "
        "repairs that will last until the end of next summer.</p></article></body></html>",
        encoding="utf-8")
    (tmp_path / "t.toml").write_text('''name = "t"
[[tests]]
fixture = "page.html"
contains = ["close the old bridge", "not in the page"]
not_contains = ["council"]
[[tests]]
fixture = "missing.html"
''', encoding="utf-8")
    results = run_tests(Extractor(tmp_path))
    assert [r.status for r in results] == ["failed", "skipped"]
    assert "missing 'not in the page'" in results[0].line()
    assert "unwanted 'council'" in results[0].line()
    with pytest.raises(RulesError, match="no rule named"):
        run_tests(Extractor(tmp_path), "nope")


@pytest.mark.parametrize("content, key", [
    ('[extract]\nbody = ["div..x"]\n', "extract.body[0]"),
    ('[match]\nselectors = ["p:::"]\n', "match.selectors[0]"),
    ('[extract]\nbodies = ["div"]\n', "extract.bodies"),
])
def test_bad_rule_files_name_file_and_key(tmp_path: Path, content: str, key: str) -> None:
    (tmp_path / "bad.toml").write_text(content, encoding="utf-8")
    with pytest.raises(RulesError) as err:
        load_rules(tmp_path)
    assert "bad.toml" in str(err.value) and key in str(err.value)
