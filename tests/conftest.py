"""Shared fixtures: the bundled rules' Extractor, the seed texts, and the shared corpora's
location."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from scraper import Extractor, Rules, default_extractor
from tests.crawl_sites import sites  # noqa: F401 - the crawl tests' fixture

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def extractor() -> Extractor:
    """The shared default Extractor (bundled rules), as library callers get it."""
    return default_extractor()


@pytest.fixture(scope="session")
def rules(extractor: Extractor) -> Rules:
    return extractor.rules


@pytest.fixture(scope="session")
def seed_paths() -> list[Path]:
    paths = sorted(SEEDS.glob("*.txt"))
    assert paths, "the seed texts ship in seeds/"
    return paths


def seed_labels(seed: Path) -> list[tuple[str, str]]:
    """(tag, line) for every labelled line of a seed."""
    text = (SEEDS / "labels" / f"{seed.stem}.tsv").read_text(encoding="utf-8")
    return [tuple(row.split("\t", 1)) for row in text.splitlines() if row]  # type: ignore[misc]


# A rule whose drop_lines pattern backtracks exponentially on a line of the page it claims:
# a real way for one page to take minutes (rule files are user input), which the page time
# limit must stop.
SLOW_RULE = """name = "catastrophe"
description = "claims pages with #catastrophe; its pattern takes minutes on their first line"
[match]
selectors = ["#catastrophe"]
[extract]
drop_lines = ["^(\\\\w+\\\\s?)*$"]
"""


def hostile_page() -> bytes:
    """A small valid page that the rules of `slow_rules` take minutes over."""
    return ("<html><head><title>A slow page</title></head><body><div id='catastrophe'>"
            "<p>This line of the article holds many words without any stop until its very "
            "end as some lines do!</p>" + "<p>Some words of text here, and more of them.</p>" * 8
            + "</div></body></html>").encode()


def slow_rules(folder: Path) -> Path:
    """A rules folder: the bundled lexicon and SLOW_RULE (no other site rule)."""
    folder.mkdir(parents=True, exist_ok=True)
    for lexicon in default_extractor().rules.path.glob("lexicon*.tsv"):
        shutil.copyfile(lexicon, folder / lexicon.name)
    (folder / "catastrophe.toml").write_text(SLOW_RULE, encoding="utf-8")
    return folder
