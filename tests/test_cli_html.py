"""`scrape clean` on saved HTML pages, and `scrape rules list|test`."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from scraper.cli import main
from scraper.text.sniff import looks_like_html
from tests.conftest import ROOT, SEEDS

JANNAH = ROOT / "rules" / "fixtures" / "jannah-ar.html"
ZOX = ROOT / "rules" / "fixtures" / "zoxpress-ar.html"


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_html_is_told_from_text_by_content() -> None:
    assert looks_like_html(JANNAH.read_bytes())
    assert looks_like_html(b"\xef\xbb\xbf  <!doctype html><title>x</title>")
    assert looks_like_html(b"<br />\n<b>Warning</b>: x in y.php<br />\n<!DOCTYPE html><html>")
    for seed in SEEDS.glob("*.txt"):
        assert not looks_like_html(seed.read_bytes())
    assert not looks_like_html("A tutorial: wrap it in <div> and add <p> tags.".encode())


def test_clean_reads_an_html_page_whatever_its_name(tmp_path: Path) -> None:
    saved = tmp_path / "page.txt"
    saved.write_bytes(JANNAH.read_bytes())
    result = run("clean", str(saved), "--format", "json")
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["title"] == "زعيم كوريا الشمالية يصف بوتين بأنه “الرفيق الأقرب” في رسالة عيد ميلاد"
    assert record["rule"] == "jannah"
    assert record["author"] == "محرر الموقع"
    assert record["site"] == "أخبار المثال"
    assert record["language"] == "ar"
    assert record["source"] == str(saved)
    assert "Jannah Theme License" not in record["text"]


def test_clean_a_folder_of_pages_goes_on_after_bad_ones(tmp_path: Path) -> None:
    pages = tmp_path / "saved"
    pages.mkdir()
    (pages / "a.html").write_bytes(JANNAH.read_bytes())
    (pages / "b.html").write_bytes(ZOX.read_bytes())
    (pages / "report.html").write_bytes(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    (pages / "empty.html").write_bytes(b"")
    (pages / "home.html").write_text(
        "<html><body>" + "".join(f"<h2><a href='/{i}'>Headline {i}</a></h2>" for i in range(20))
        + "</body></html>", encoding="utf-8")
    out = tmp_path / "records"
    result = run("clean", str(pages), "-o", str(out))
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    errors = result.stderr.splitlines()
    assert any("report.html" in e and "PDF" in e for e in errors)
    assert any("empty.html" in e and "empty" in e for e in errors)
    assert any("home.html" in e and "no article" in e for e in errors)
    written = sorted(p.read_text(encoding="utf-8") for p in out.glob("*.txt"))
    assert len(written) == 2
    assert any(t.startswith("زعيم كوريا الشمالية: علاقات التحالف") for t in written)
    index = [json.loads(line) for line in (out / "records.jsonl").read_text().splitlines()]
    assert {e["rule"] for e in index} == {"jannah", "zoxpress"}


def test_rules_list_names_every_rule_and_what_it_claims() -> None:
    result = run("rules", "list")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    for name in ("jannah", "jetpack", "jnews", "newspaper", "wordpress", "zoxpress"):
        assert any(line.startswith(name + ":") for line in lines)
    assert any("div.theme-notice" in line for line in lines)


def test_rules_test_runs_the_inline_tests() -> None:
    result = run("rules", "test", "zoxpress")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("PASSED  zoxpress[0]")
    assert "1 passed, 0 failed" in result.stderr


def test_rules_test_exit_codes(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_bytes(ZOX.read_bytes())
    (tmp_path / "t.toml").write_text('name = "t"\n[[tests]]\nfixture = "page.html"\n'
                                     'contains = ["words that are not there"]\n', encoding="utf-8")
    failing = run("rules", "test", "--rules", str(tmp_path))
    assert failing.exit_code == 1
    assert "FAILED  t[0]" in failing.stdout
    unknown = run("rules", "test", "nope", "--rules", str(tmp_path))
    assert unknown.exit_code == 2
    assert "no rule named 'nope'" in unknown.stderr

