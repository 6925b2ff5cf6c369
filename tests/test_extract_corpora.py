"""extract_html on a handful of real pages of the shared corpora (skipped when absent).

The full comparison with trafilatura is bench/extract.py; these pin a few pages of each
kind so a regression shows in the test run.
"""

from __future__ import annotations

import json

import pytest

from bench.metrics import token_f1
from scraper import extract_html
from tests.conftest import SHARED

CORPORA = SHARED / "corpora"
pytestmark = pytest.mark.skipif(not (CORPORA / "readability").is_dir(),
                                reason="../shared/corpora not found")

READABILITY = ["aclu", "breitbart", "wikipedia", "pixnet", "wordpress"]
TRAFILATURA = ["0a12df42d1764095989ab078ee0f940b", "rnz.de.witzel", "lokalo.de-Weinbergsbahnen",
               "1hundetagebuch.wordpress.com.langer", "heartlandnewsfeed.com-Christian"]


@pytest.mark.parametrize("name", READABILITY)
def test_readability_page_token_f1(rules, name: str) -> None:
    folder = CORPORA / "readability" / name
    record = extract_html((folder / "page.html").read_bytes(), rules=rules)
    gold = (folder / "gold.txt").read_text(encoding="utf-8")
    score = token_f1([(gold, "\n".join(record.paragraphs))])
    assert score.f1 >= 0.9, score


@pytest.mark.parametrize("name", TRAFILATURA)
def test_trafilatura_page_snippets(rules, name: str) -> None:
    folder = next((CORPORA / "trafilatura").glob(name + "*"))
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    record = extract_html((folder / "page.html").read_bytes(), url=meta["url"], rules=rules)
    text = "\n".join(record.paragraphs)
    assert [s for s in meta["with"] if s not in text] == []
    assert [s for s in meta["without"] if s in text] == []


def test_utf8_page_with_a_few_broken_bytes_stays_utf8(rules) -> None:
    folder = next((CORPORA / "trafilatura").glob("Sprzeciw_wobec_atakow*"))
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    record = extract_html((folder / "page.html").read_bytes(), url=meta["url"], rules=rules)
    assert all(s in record.to_text() for s in meta["with"])
