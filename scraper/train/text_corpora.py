"""The labelled text dumps the line model learns from and is measured on.

Read in place from the shared corpora (`ROOT.parent / "shared"`), never copied:

- readability: `dirty.txt` against `gold.txt`; Lorem-ipsum, language-less and near-empty
  golds left out (as `bench/clean.py` does).
- trafilatura: `dirty.txt` with the `with` / `without` snippets of `meta.json`.
- wcxb: a text dump of each page (`dumps.text_dump`) against `main_content`.
- seeds: the seed texts with their K/D/O line labels.

Every page carries its site, the key of its cross-validation fold: the URL's host without
`www.` (an archived page's original host); readability pages have no URL, so a folder is
its own site, numbered folders of one name (`nytimes-1`..`nytimes-5`) one site together;
each seed is its own site.
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

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
CORPORA = SHARED / "corpora"
SEEDS = SHARED / "seeds"
CORPUS_NAMES = ("readability", "trafilatura", "wcxb", "seeds")

MIN_GOLD_WORDS = 50
SKIP_LANGS = frozenset({"la", "zxx"})  # Lorem-ipsum unit tests and pages with no language
_NUMBERED = re.compile(r"-\d+$")
_ARCHIVED = re.compile(r"^/web/[^/]+/(.+)$")


@dataclass(frozen=True)
class Page:
    """One text dump with its reference: a gold text, snippets or hand labels."""

    corpus: str
    name: str
    site: str
    text: str
    url: str | None = None
    reference: str | None = None
    with_: tuple[str, ...] = ()
    without: tuple[str, ...] = ()
    tagged: tuple[tuple[str, str], ...] = ()


def site_of(url: str | None) -> str:
    """The site of a URL: its host without `www.`; for a Wayback Machine copy the archived
    page's host; "" when there is none."""
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


def readability(root: Path = CORPORA / "readability") -> Iterator[Page]:
    """The readability pages the benchmark scores, with their gold text."""
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        gold = (folder / "gold.txt").read_text(encoding="utf-8")
        if meta.get("lang_detected") in SKIP_LANGS or len(gold.split()) < MIN_GOLD_WORDS:
            continue
        yield Page("readability", folder.name, _NUMBERED.sub("", folder.name),
                   (folder / "dirty.txt").read_text(encoding="utf-8"), reference=gold)


def trafilatura(root: Path = CORPORA / "trafilatura") -> Iterator[Page]:
    """The trafilatura corpus's pages with their snippets."""
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        url = meta.get("url") or None
        yield Page("trafilatura", folder.name, site_of(url) or folder.name,
                   (folder / "dirty.txt").read_text(encoding="utf-8"), url=url,
                   with_=tuple(meta.get("with") or ()), without=tuple(meta.get("without") or ()))


def wcxb(root: Path = CORPORA / "wcxb") -> Iterator[Page]:
    """WCXB's article pages as text dumps, with their main content (pages without one are
    left out)."""
    for truth in sorted((root / "ground-truth").glob("*.json")):
        data = json.loads(truth.read_text(encoding="utf-8"))
        reference = (data.get("ground_truth") or {}).get("main_content") or ""
        page = root / "html" / f"{truth.stem}.html.gz"
        if not reference.strip() or not page.is_file():
            continue
        url = data.get("url") or None
        yield Page("wcxb", truth.stem, site_of(url) or truth.stem,
                   text_dump(gzip.decompress(page.read_bytes())), url=url, reference=reference)


def seeds(root: Path = SEEDS) -> Iterator[Page]:
    """The seed texts with their K/D/O labels; each seed is its own site."""
    for seed in sorted(root.glob("*.txt")):
        rows = (root / "labels" / f"{seed.stem}.tsv").read_text(encoding="utf-8").splitlines()
        tagged = tuple(tuple(row.split("\t", 1)) for row in rows if "\t" in row)
        yield Page("seeds", seed.stem, f"seed:{seed.stem}", seed.read_text(encoding="utf-8"),
                   tagged=tagged)  # type: ignore[arg-type]


def load(names: tuple[str, ...] = CORPUS_NAMES) -> list[Page]:
    """The pages of the named corpora that are present (a missing corpus gives none)."""
    readers = {"readability": (readability, CORPORA / "readability"),
               "trafilatura": (trafilatura, CORPORA / "trafilatura"),
               "wcxb": (wcxb, CORPORA / "wcxb"), "seeds": (seeds, SEEDS)}
    pages: list[Page] = []
    for name in names:
        reader, root = readers[name]
        if root.is_dir():
            pages.extend(reader(root))
    return pages
