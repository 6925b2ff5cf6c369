"""WarcWriter: request/response pairs as gzip members, rotation, and the `.open` file a
killed writer leaves finished (cut after its last complete member) by the next writer,
never one a live writer holds."""

from __future__ import annotations

import gzip
from pathlib import Path

from scraper import ArchiveSettings
from scraper.archive.read import Page, read_warc
from scraper.archive.write import OPEN_SUFFIX, WarcWriter, complete_prefix
from scraper.net.exchange import Exchange
from tests.warcs import story


def exchange(n: int, *, cache: str | None = None) -> Exchange:
    body = gzip.compress(story(n))
    return Exchange(
        url=f"https://news.example/{n}.html", request_url=f"https://news.example/{n}.html",
        method="GET", request_headers=((b"Host", b"news.example"), (b"User-Agent", b"scraper/0")),
        http_version="HTTP/1.1", status=200, reason="OK",
        response_headers=((b"Content-Type", b"text/html; charset=utf-8"),
                          (b"Content-Encoding", b"gzip"), (b"Transfer-Encoding", b"chunked")),
        body=body, date="2024-05-01T12:00:00Z", cache=cache)


def test_pairs_rotate_and_read_back(tmp_path: Path) -> None:
    with WarcWriter(tmp_path, ArchiveSettings(max_file_bytes=6000)) as writer:
        for n in range(6):
            writer.write(exchange(n, cache="revalidated" if n == 2 else None),
                         role="discovery" if n == 5 else None)
    files = sorted(tmp_path.glob("*.warc.gz"))
    assert files == writer.written and len(files) >= 2
    assert not list(tmp_path.glob("*" + OPEN_SUFFIX))
    pages = [e for path in files for e in read_warc(path)]
    assert all(isinstance(p, Page) for p in pages)
    assert [p.url for p in pages] == [f"https://news.example/{n}.html" for n in range(6)]
    assert [p.body for p in pages] == [story(n) for n in range(6)]   # content coding undone
    assert [p.role for p in pages] == [None] * 5 + ["discovery"]
    raw = b"".join(gzip.decompress(path.read_bytes()) for path in files)
    assert raw.count(b"WARC-Type: request") == 6 and raw.count(b"WARC-Type: warcinfo") == len(files)
    assert b"Scraper-Cache: revalidated" in raw and b"Transfer-Encoding" not in raw


def test_a_killed_writers_open_file_is_finished_by_the_next(tmp_path: Path) -> None:
    writer = WarcWriter(tmp_path)
    for n in range(3):
        writer.write(exchange(n))
    (open_file,) = tmp_path.glob("*" + OPEN_SUFFIX)
    whole = open_file.read_bytes()
    # As a kill -9 in the middle of an append leaves it: half a member at the end.
    partial = gzip.compress(b"WARC/1.1\r\nWARC-Type: response\r\n" + b"x" * 5000)
    dead = tmp_path / ("scrape-19990101000000000000-00000-dead00.warc.gz" + OPEN_SUFFIX)
    dead.write_bytes(whole + partial[: len(partial) // 2])
    empty = tmp_path / ("scrape-19990101000000000001-00000-dead01.warc.gz" + OPEN_SUFFIX)
    empty.write_bytes(partial[:10])
    second = WarcWriter(tmp_path)
    finished = tmp_path / dead.name[: -len(OPEN_SUFFIX)]
    assert second.recovered == [finished]
    assert finished.read_bytes() == whole and not empty.exists()
    with finished.open("rb") as fh:
        assert complete_prefix(fh) == len(whole)
    assert [p.url for p in read_warc(finished)] == [f"https://news.example/{n}.html" for n in range(3)]
    assert open_file.exists()          # the live writer's file is left alone
    writer.close()
    second.close()
    assert not list(tmp_path.glob("*" + OPEN_SUFFIX))
