"""Readers of the labelled corpora under ../shared/corpora (see its README.md).

Each corpus becomes a list of `Page`s: where the page is, its site (for site-split folds)
and its reference: a gold text (wcxb, readability) and/or `with` / `without` snippets
(trafilatura, wcxb). The pages are read in place, never copied into the project.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..net.urls import site_of

ROOT = Path(__file__).resolve().parent.parent.parent
CORPORA = ROOT.parent / "shared" / "corpora"
NAMES = ("wcxb", "readability", "trafilatura")
# Readability's near-empty golds are all shorter than this; wcxb has a few empty ones.
MIN_GOLD_CHARS = 150


@dataclass(frozen=True)
class Page:
    """One labelled page of a corpus."""

    corpus: str
    id: str
    path: Path                       # the HTML file (gzipped for wcxb)
    site: str                        # host without www.; the folder for pages without a URL
    url: str | None = None
    gold: str | None = None          # the reference main text, when the corpus has one
    with_: tuple[str, ...] = ()      # snippets a correct extraction contains
    without: tuple[str, ...] = ()    # snippets of boilerplate it must not contain

    @property
    def key(self) -> str:
        """`corpus/id`: unique over all corpora."""
        return f"{self.corpus}/{self.id}"

    def html(self) -> bytes:
        """The page's bytes as served."""
        data = self.path.read_bytes()
        return gzip.decompress(data) if self.path.suffix == ".gz" else data


def wcxb(root: Path = CORPORA) -> list[Page]:
    """The wcxb article pages with a non-empty human-reviewed `main_content`."""
    pages = []
    for truth_path in sorted((root / "wcxb" / "ground-truth").glob("*.json")):
        data = json.loads(truth_path.read_text(encoding="utf-8"))
        truth = data.get("ground_truth") or {}
        gold = truth.get("main_content") or ""
        if len(gold) < MIN_GOLD_CHARS:
            continue
        page_id = truth_path.stem
        pages.append(Page("wcxb", page_id, root / "wcxb" / "html" / f"{page_id}.html.gz",
                          site_of(data.get("url")) or page_id, data.get("url"), gold,
                          tuple(truth.get("with") or ()), tuple(truth.get("without") or ())))
    return pages


def readability(root: Path = CORPORA) -> list[Page]:
    """The readability pages with a real gold: Lorem-ipsum tests and near-empty golds
    left out. They have no URL, so each folder is its own site."""
    pages = []
    for folder in sorted((root / "readability").iterdir()):
        meta_path = folder / "meta.json"
        if not meta_path.is_file():
            continue
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("lang_detected") == "la" or meta["stats"]["gold_chars"] < MIN_GOLD_CHARS:
            continue
        gold = (folder / "gold.txt").read_text(encoding="utf-8")
        pages.append(Page("readability", folder.name, folder / "page.html",
                          f"readability/{folder.name}", None, gold))
    return pages


def trafilatura(root: Path = CORPORA) -> list[Page]:
    """Every trafilatura-corpus page, with its `with` / `without` snippets."""
    pages = []
    for folder in sorted((root / "trafilatura").iterdir()):
        meta_path = folder / "meta.json"
        if not meta_path.is_file():
            continue
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        url = meta.get("url")
        pages.append(Page("trafilatura", folder.name, folder / "page.html",
                          site_of(url) or f"trafilatura/{folder.name}", url, None,
                          tuple(meta.get("with") or ()), tuple(meta.get("without") or ())))
    return pages


READERS = {"wcxb": wcxb, "readability": readability, "trafilatura": trafilatura}


def load(names: tuple[str, ...] = NAMES, root: Path = CORPORA) -> Iterator[Page]:
    """The pages of the named corpora, corpus by corpus."""
    for name in names:
        yield from READERS[name](root)
