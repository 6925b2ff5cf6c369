"""Readers of the labelled data under ../shared (see ../shared/corpora/README.md): the three
corpora and the seeds, read in place, never copied into the project.

Each becomes a list of `Page`s: the HTML as served (`html()`), a text dump as a careless
scraper makes it (`dump()`: the corpus's `dirty.txt`, a dump of the HTML for wcxb, the text
itself for a seed), the page's site (the key of its site-split fold) and its reference: a
gold text (wcxb, readability), `with` / `without` snippets (trafilatura, wcxb) or K/D/O
line labels (seeds).

Sites: the URL's host without `www.`, the archived page's host for a Wayback Machine copy;
readability pages have no URL, so a folder is its own site, numbered folders of one name
(`nytimes-1`..`nytimes-5`) one site together; a page without a URL is its own site; each
seed is its own site.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from .dumps import text_dump

ROOT = Path(__file__).resolve().parent.parent.parent
SHARED = ROOT.parent / "shared"
CORPORA = SHARED / "corpora"
SEEDS = SHARED / "seeds"
NAMES = ("wcxb", "readability", "trafilatura")
# Readability's near-empty golds have fewer words than this; wcxb has a few empty ones.
MIN_GOLD_WORDS = 50
MIN_GOLD_CHARS = 150
SKIP_LANGS = frozenset({"la", "zxx"})  # readability's Lorem-ipsum tests, pages of no language
_NUMBERED = re.compile(r"-\d+$")
_ARCHIVED = re.compile(r"^/web/[^/]+/(.+)$")


@dataclass(frozen=True)
class Page:
    """One labelled page."""

    corpus: str
    id: str
    site: str
    path: Path | None                # the HTML file (gzipped for wcxb); None for a seed
    url: str | None = None
    gold: str | None = None          # the reference main text, when the corpus has one
    with_: tuple[str, ...] = ()      # snippets a correct extraction contains
    without: tuple[str, ...] = ()    # snippets of boilerplate it must not contain
    dump_path: Path | None = None    # the corpus's own text dump of the page
    tagged: tuple[tuple[str, str], ...] = ()  # (K/D/O, line) of a seed

    @property
    def key(self) -> str:
        """`corpus/id`: unique over all corpora."""
        return f"{self.corpus}/{self.id}"

    def html(self) -> bytes:
        """The page's bytes as served."""
        if self.path is None:
            raise ValueError(f"{self.key} has no HTML")
        data = self.path.read_bytes()
        return gzip.decompress(data) if self.path.suffix == ".gz" else data

    def dump(self) -> str:
        """The page as a text dump: all its visible text, one block per line."""
        if self.dump_path is not None:
            return self.dump_path.read_text(encoding="utf-8")
        return text_dump(self.html())


def site_of(url: str | None) -> str:
    """A URL's host without `www.`; for a Wayback Machine copy the archived page's host;
    "" when there is none."""
    if not url:
        return ""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    archived = _ARCHIVED.match(parts.path) if host == "web.archive.org" else None
    if archived:
        original = archived.group(1)
        host = (urlsplit(original if "://" in original else "http://" + original).hostname
                or host).lower()
    return host.removeprefix("www.")


def wcxb(root: Path = CORPORA) -> list[Page]:
    """The wcxb article pages with a human-reviewed `main_content` (empty ones left out)."""
    pages = []
    for truth_path in sorted((root / "wcxb" / "ground-truth").glob("*.json")):
        data = json.loads(truth_path.read_text(encoding="utf-8"))
        truth = data.get("ground_truth") or {}
        gold = truth.get("main_content") or ""
        html = root / "wcxb" / "html" / f"{truth_path.stem}.html.gz"
        if len(gold) < MIN_GOLD_CHARS or not html.is_file():
            continue
        url = data.get("url") or None
        pages.append(Page("wcxb", truth_path.stem, site_of(url) or truth_path.stem, html, url,
                          gold, tuple(truth.get("with") or ()), tuple(truth.get("without") or ())))
    return pages


def readability(root: Path = CORPORA) -> list[Page]:
    """The readability pages with a real gold (Lorem-ipsum tests, pages of no language and
    near-empty golds left out), with `page.html` and the full-page dump `dirty.txt`."""
    pages = []
    for folder, meta in _folders(root / "readability"):
        gold = (folder / "gold.txt").read_text(encoding="utf-8")
        if meta.get("lang_detected") in SKIP_LANGS or len(gold.split()) < MIN_GOLD_WORDS:
            continue
        pages.append(Page("readability", folder.name, _NUMBERED.sub("", folder.name),
                          folder / "page.html", None, gold, dump_path=folder / "dirty.txt"))
    return pages


def trafilatura(root: Path = CORPORA) -> list[Page]:
    """Every trafilatura-corpus page, with its `with` / `without` snippets and `dirty.txt`."""
    pages = []
    for folder, meta in _folders(root / "trafilatura"):
        url = meta.get("url") or None
        pages.append(Page("trafilatura", folder.name, site_of(url) or folder.name,
                          folder / "page.html", url, None, tuple(meta.get("with") or ()),
                          tuple(meta.get("without") or ()), dump_path=folder / "dirty.txt"))
    return pages


def _folders(corpus: Path) -> Iterator[tuple[Path, dict]]:
    """A corpus's page folders, in name order, with their meta.json."""
    for folder in sorted(corpus.iterdir()):
        meta_path = folder / "meta.json"
        if meta_path.is_file():
            yield folder, json.loads(meta_path.read_text(encoding="utf-8"))


def seeds(root: Path = SEEDS) -> list[Page]:
    """The seed texts with their K/D/O line labels; each seed is its own site."""
    pages = []
    for seed in sorted(root.glob("*.txt")):
        rows = (root / "labels" / f"{seed.stem}.tsv").read_text(encoding="utf-8").splitlines()
        tagged = tuple((tag, line) for tag, _, line in (row.partition("\t") for row in rows)
                       if line)
        pages.append(Page("seeds", seed.stem, f"seed:{seed.stem}", None, dump_path=seed,
                          tagged=tagged))
    return pages


READERS = {"wcxb": wcxb, "readability": readability, "trafilatura": trafilatura}


def load(names: tuple[str, ...] = NAMES, root: Path = CORPORA) -> Iterator[Page]:
    """The pages of the named corpora (and "seeds", read from ../shared/seeds), corpus by
    corpus; a corpus that is not there gives none."""
    for name in names:
        if name == "seeds":
            if SEEDS.is_dir():
                yield from seeds()
        elif (root / name).is_dir():
            yield from READERS[name](root)
