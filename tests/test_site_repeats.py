"""HTML pages of one site cleaned together: a block whose element path and text recur on
many of the site's pages is its template, dropped however prose-like; alone, a page keeps
it. Five pages of an invented local paper, each a different story with the same
prose-like "about us" box under the article."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from scraper import Extractor
from scraper.cli import main
from scraper.html.signatures import block_signatures, document_keys, page_blocks_only
from scraper.lines.repeats import RepeatIndex
from tests.warcs import response, write_warc

TOPICS = [
    ("The new bridge over the river opens after three years of work",
     ("bridge", "river", "engineers", "council")),
    ("Farmers in the valley count the cost of a dry summer",
     ("harvest", "wells", "growers", "rain")),
    ("The old library reopens with a reading room for children",
     ("library", "books", "readers", "volunteers")),
    ("A small bakery on the square wins the regional bread prize",
     ("bakery", "bread", "judges", "oven")),
    ("Night buses return to the city after a two-year pause",
     ("buses", "drivers", "routes", "passengers")),
]
ABOUT = ("Our newsroom has covered the valley's farms, rivers and town halls since 1987, and "
         "every story we publish is reported by people who live in the towns they write about.")


def story(n: int, *, about_class: str = "about-box") -> bytes:
    """Story n of the site: its own four paragraphs, then the site's "about us" box."""
    title, (a, b, c, d) = TOPICS[n]
    paragraphs = [
        f"The {a} has been the talk of the town for weeks, and residents lined the streets "
        f"on Saturday morning to see it for themselves before the {b} opened to everyone.",
        f"Officials said the {c} had worked through the winter to finish on time, even when "
        f"the {d} made the work slower than anyone had planned at the start of the year.",
        f"Several residents told us that the {a} would change how they spend their days, "
        f"and that they hoped the {b} would bring more visitors to the shops on the square.",
        f"The council will publish a full report on the {c} next month, with figures on the "
        f"cost and the time it took, and it has invited the {d} to a public meeting."]
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>"
            f"</head><body><header class='site-header'><a href='/'>Valley Post</a></header>"
            f"<main><article class='post post-{1000 + n}'><h1>{title}</h1>{body}"
            f"<div class='{about_class}'><p>{ABOUT}</p></div></article></main>"
            f"<footer><p>Valley Post</p></footer></body></html>").encode()


SITE = [story(n) for n in range(len(TOPICS))]


def index_of(pages: list[bytes]) -> RepeatIndex:
    return RepeatIndex(document_keys(page) for page in pages)


def test_alone_a_page_keeps_the_prose_like_box() -> None:
    # The premise of the other tests: without its site, the box reads as article text.
    for page in SITE:
        assert ABOUT in Extractor().extract_html(page).paragraphs


def test_the_sites_pages_together_drop_the_box_and_keep_each_story() -> None:
    index = index_of(SITE)
    assert (index.pages, index.html_pages) == (5, 5)
    for page in SITE:
        alone = Extractor().extract_html(page).paragraphs
        together = Extractor().extract_html(page, repeats=index).paragraphs
        assert ABOUT not in together
        assert together == tuple(p for p in alone if p != ABOUT)


def test_copies_of_one_page_count_once() -> None:
    index = index_of([SITE[0]] * 5 + [SITE[1]])
    assert index.pages == 2
    assert ABOUT in Extractor().extract_html(SITE[0], repeats=index).paragraphs


def test_a_single_page_is_unaffected() -> None:
    index = index_of(SITE[:1])
    assert (Extractor().extract_html(SITE[0], repeats=index)
            == Extractor().extract_html(SITE[0]))


def test_the_same_text_on_another_element_path_is_not_the_template() -> None:
    # On this page the box has another class: the same text is another block.
    index = index_of(SITE)
    other = story(0, about_class="reader-letter")
    assert ABOUT in Extractor().extract_html(other, repeats=index).paragraphs


def test_digits_in_class_names_do_not_split_a_path() -> None:
    first, second = (page_blocks_only(page) for page in SITE[:2])
    assert first is not None and second is not None
    signature = {t: s for t, s in zip(first.texts, block_signatures(first))}[ABOUT]
    assert signature in set(block_signatures(second).tolist())


def test_the_pages_only_prose_is_never_dropped() -> None:
    # The site's "about us" page: its only prose is the box every page has.
    about = (b"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>About us</title>"
             b"</head><body><header class='site-header'><a href='/'>Valley Post</a></header>"
             b"<main><article class='post post-7'><h1>About us</h1><div class='about-box'><p>"
             + ABOUT.encode() + b"</p></div></article></main></body></html>")
    index = index_of([*SITE, about])
    assert index.pages == 6
    assert ABOUT in Extractor().extract_html(about, repeats=index).paragraphs
    assert ABOUT not in Extractor().extract_html(SITE[0], repeats=index).paragraphs


def test_block_levels_follow_the_shares() -> None:
    index = index_of(SITE)
    found = page_blocks_only(SITE[0])
    assert found is not None
    levels = index.block_levels(block_signatures(found))
    by_text = dict(zip(found.texts, levels.tolist()))
    assert by_text[ABOUT] == 2 and by_text["Valley Post"] == 2
    assert by_text[TOPICS[0][0]] == 0
    assert not index_of(SITE[:2]).block_levels(block_signatures(found)).any()
    assert index.block_levels(np.zeros(0, dtype=np.uint64)).shape == (0,)


@pytest.fixture
def site_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "valley-post"
    folder.mkdir()
    for n, page in enumerate(SITE):
        (folder / f"story-{n}.html").write_bytes(page)
    return folder


def _texts(output: str) -> list[str]:
    return [" ".join(json.loads(line)["paragraphs"]) for line in output.splitlines()]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_scrape_clean_folder_drops_the_sites_box(site_folder: Path, jobs: str) -> None:
    result = CliRunner().invoke(main, ["clean", str(site_folder), "-f", "jsonl", "-j", jobs])
    assert result.exit_code == 0, result.output
    texts = _texts(result.stdout)
    assert len(texts) == 5
    assert all(ABOUT not in t and "talk of the town" in t for t in texts)


def test_scrape_clean_no_repeats_keeps_it(site_folder: Path) -> None:
    result = CliRunner().invoke(main, ["clean", str(site_folder), "-f", "jsonl", "--no-repeats"])
    assert result.exit_code == 0, result.output
    assert all(ABOUT in t for t in _texts(result.stdout))
    by_env = CliRunner().invoke(main, ["clean", str(site_folder), "-f", "jsonl"],
                                env={"SCRAPE_CLEAN_REPEATS": "false"})
    assert all(ABOUT in t for t in _texts(by_env.stdout))


def test_scrape_clean_one_file_is_alone(site_folder: Path) -> None:
    result = CliRunner().invoke(main, ["clean", str(site_folder / "story-0.html"), "-f", "jsonl"])
    assert result.exit_code == 0, result.output
    assert ABOUT in _texts(result.stdout)[0]


@pytest.fixture
def site_warc(tmp_path: Path) -> Path:
    """The five stories, and one page of another host with the same box."""
    recs = [response(f"https://www.valley-post.example/news/{n}.html", page)
            for n, page in enumerate(SITE)]
    recs.append(response("https://other.example/story.html", story(2)))
    return write_warc(tmp_path / "site.warc.gz", recs)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_scrape_warc_cleans_a_hosts_pages_together(site_warc: Path, jobs: str) -> None:
    result = CliRunner().invoke(main, ["warc", str(site_warc), "-f", "jsonl", "-j", jobs])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 6
    for record in records:
        text = " ".join(record["paragraphs"])
        assert "talk of the town" in text
        # The other host's page is alone: its box stays.
        assert (ABOUT in text) == record["url"].startswith("https://other.example/")


def test_scrape_warc_no_repeats_keeps_it(site_warc: Path) -> None:
    result = CliRunner().invoke(main, ["warc", str(site_warc), "-f", "jsonl", "--no-repeats"])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 6 and all(ABOUT in " ".join(r["paragraphs"]) for r in records)


def test_scrape_warc_from_stdin_cleans_together(site_warc: Path) -> None:
    result = CliRunner().invoke(main, ["warc", "-", "-f", "jsonl", "-j", "1"],
                                input=site_warc.read_bytes())
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert sum(ABOUT in " ".join(r["paragraphs"]) for r in records) == 1
