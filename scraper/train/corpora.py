"""Readers of the labelled data under ../shared (see ../shared/corpora/README.md): the three
corpora and the seeds, read in place, never copied into the project.

Each becomes a list of `Page`s: the HTML as served (`html()`), a text dump as a careless
scraper makes it (`dump()`: the corpus's `dirty.txt`, a dump of the HTML for wcxb, the text
itself for a seed), the page's site (the key of its site-split fold) and its reference: a
gold text (wcxb, readability), `with` / `without` snippets (trafilatura, wcxb) or K/D/O
line labels (seeds).

Sites: the URL's host without `www.`, the archived page's host for a Wayback Machine copy;
readability pages have no URL field, so their site is the host of their canonical link or
`og:url`, and numbered folders of one name (`nytimes-1`..`nytimes-5`) are one site
together with every host any of them names, so no host is in two folds; a page with
neither is its own site; each seed is its own site.
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
    found = []
    for folder, meta in _folders(root / "readability"):
        gold = (folder / "gold.txt").read_text(encoding="utf-8")
        if meta.get("lang_detected") in SKIP_LANGS or len(gold.split()) < MIN_GOLD_WORDS:
            continue
        found.append((folder, gold, _declared_host(folder / "page.html")))
    sites = _joined_sites([(_NUMBERED.sub("", folder.name), host) for folder, _, host in found])
    return [Page("readability", folder.name, site, folder / "page.html", None, gold,
                 dump_path=folder / "dirty.txt") for (folder, gold, _), site in zip(found, sites)]


_CANONICAL = re.compile(r"<link\b[^>]*\brel=[\"']?canonical\b[^>]*>|"
                        r"<meta\b[^>]*\bproperty=[\"']?og:url\b[^>]*>", re.I)
_ADDRESS = re.compile(r"\b(?:href|content)=[\"']?(https?://[^\"'\s>]+)", re.I)


def _declared_host(html: Path) -> str:
    """The host of a saved page's canonical link or og:url ("" when it names none)."""
    head = html.read_bytes()[:200_000].decode("utf-8", "replace")
    for tag in _CANONICAL.finditer(head):
        address = _ADDRESS.search(tag.group(0))
        if address:
            return site_of(address.group(1))
    return ""


def _joined_sites(names: list[tuple[str, str]]) -> list[str]:
    """One site key per (folder family, declared host) pair: pairs that share a family or a
    host are one site, keyed by the alphabetically first host of the group (else family)."""
    parent: dict[str, str] = {}

    def root(key: str) -> str:
        while parent.setdefault(key, key) != key:
            key = parent[key]
        return key

    for family, host in names:
        if host:
            a, b = root("family:" + family), root("host:" + host)
            parent[max(a, b)] = min(a, b)
    groups: dict[str, list[str]] = {}
    for family, host in names:
        groups.setdefault(root("family:" + family), []).append(host)
    keys = {group: min((h for h in hosts if h), default="") for group, hosts in groups.items()}
    return [keys[root("family:" + family)] or family for family, _ in names]


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
