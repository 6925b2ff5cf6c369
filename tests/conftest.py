"""Shared fixtures: the bundled rules' Extractor, the seed texts, and the shared corpora's
location."""

from __future__ import annotations

from pathlib import Path

import pytest

from scraper import Extractor, Rules, default_extractor

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
