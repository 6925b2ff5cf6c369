"""Rule files and the lexicon are validated on load, with errors naming the file and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from scraper import RulesError, load_rules
from scraper.rules.lexicon import Risk

HEADER = "lang\tstring\tline_regex\trisk\tcomponent\tsource\n"


def folder(tmp_path: Path, toml: str, lexicon: str = HEADER) -> Path:
    (tmp_path / "lexicon.tsv").write_text(lexicon, encoding="utf-8")
    (tmp_path / "site.toml").write_text(toml, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("toml, where", [
    ('[extract]\nbody = ["div..x"]\n', "extract.body[0]: bad CSS selector"),
    ('[extract]\ndrop_lines = ["(unclosed"]\n', "extract.drop_lines[0]: bad regular expression"),
    ('[match]\ndomain = ["a.com"]\n', "match.domain: unknown key"),
    ('[match]\ndomains = "a.com"\n', "match.domains: must be a list"),
    ('[crawl]\ndelay = -1\n', "crawl.delay: must be a non-negative number"),
    ('[crawl]\nrefresh = "7"\n', "crawl.refresh: must be a non-negative number"),
    ('[[tests]]\nurl = "https://a.com/"\n', "tests[0].fixture: missing"),
    ('name = "x"\nname = "y"\n', "invalid TOML"),
])
def test_invalid_rule_file_names_file_and_key(tmp_path: Path, toml: str, where: str) -> None:
    with pytest.raises(RulesError) as err:
        load_rules(folder(tmp_path, toml))
    assert "site.toml" in str(err.value) and where in str(err.value)


def test_bad_lexicon_row_names_file_and_line(tmp_path: Path) -> None:
    with pytest.raises(RulesError, match=r"lexicon.tsv:3: risk must be"):
        load_rules(folder(tmp_path, "", HEADER + "en\tShare\t\tlow\tx\tx\nen\tMore\t\tsevere\tx\tx\n"))


def test_valid_rule_file_round_trip(tmp_path: Path) -> None:
    rules = load_rules(folder(tmp_path, '''
name = "gazette"
[match]
domains = ["Gazette.example"]
[extract]
body = ["article .content"]
drop_lines = ["^Read more"]
[crawl]
feeds = ["https://gazette.example/feed"]
article_urls = "/news/"
delay = 2
refresh = 3
'''))
    rule = rules.get("gazette")
    assert rules.for_url("https://www.gazette.example/news/1") is rule
    assert rules.for_url("https://gazette.example.org/") is None
    assert rule.drops("Read more about it") and not rule.drops("We read more")
    assert rule.crawl.delay == 2.0 and rule.crawl.article_urls.search("/news/1")
    assert rule.crawl.refresh == 3.0


def test_bundled_lexicon_keeps_risk_and_matches_combined_lines() -> None:
    lexicon = load_rules().lexicon
    assert lexicon.size >= 1192
    assert lexicon.lookup("Leave a Reply").risk is Risk.LOW
    assert lexicon.lookup("منوعات").risk is Risk.HIGH
    combined = "Your email address will not be published. Required fields are marked *"
    assert lexicon.lookup(combined).risk is Risk.LOW
    assert lexicon.lookup("5 Comments") is not None
    # A placeholder pattern never swallows a sentence.
    assert lexicon.lookup("The minister met the ambassador at the embassy on Monday, officials said") is None
