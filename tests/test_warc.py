"""`scrape warc` and `scraper.iter_warc`: WARC files built here (FastWARC and warcio
writers, gzip members and plain), every kind of bad record reported on one line while the
run goes on, and the same output for any number of jobs."""

from __future__ import annotations

import gzip
import json
import tempfile
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import scraper
from scraper.archive.read import Page, Skipped, read_warc, record_offsets
from scraper.cli import main
from tests.conftest import hostile_page, slow_rules
from tests.warcs import (
    DATE,
    corrupt_member,
    dns,
    members,
    request,
    response,
    revisit,
    story,
    warcinfo,
    write_warc,
    write_warcio,
)

A = "https://news.example/2024/05/"


def run(*args: str, input: bytes | None = None):
    return CliRunner().invoke(main, ["warc", *args], input=input)


def index(folder: Path) -> list[dict]:
    return [json.loads(line) for line in (folder / "records.jsonl").read_text("utf-8").splitlines()]


def snapshot(folder: Path) -> dict[str, bytes]:
    """The records and their index (not the folder's lock file)."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if not p.name.startswith(".")}


@pytest.mark.parametrize("gz", [True, False], ids=["gzip-members", "plain"])
def test_responses_become_records_as_clean_writes_them(tmp_path: Path, gz: bool) -> None:
    name = "crawl.warc.gz" if gz else "crawl.warc"
    path = write_warc(tmp_path / name, [
        warcinfo(), request(A + "1.html"),
        response(A + "1.html", story(1)),
        # windows-1256 said only by the HTTP header: the charset is passed on
        response(A + "2.html", story(2, "windows-1256", meta=False),
                 "text/html; charset=windows-1256"),
        # no Content-Type: told HTML by content
        response(A + "3.html", story(3), None, date="2024-05-02T08:30:00Z"),
    ], gz=gz)
    out = tmp_path / "out"
    result = run(str(path), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert result.stderr.strip().endswith(f"pages 3, written 3, duplicate 0, skipped 0, empty 0, "
                                          f"failed 0 -> {out}")
    entries = index(out)
    assert [e["url"] for e in entries] == [A + "1.html", A + "2.html", A + "3.html"]
    assert [e["fetched"] for e in entries] == [DATE, DATE, "2024-05-02T08:30:00Z"]
    assert all(e["published"] != e["fetched"] for e in entries)  # the page's date, not the capture's
    files = sorted(p.name for p in out.glob("*.txt"))
    assert [e["file"] for e in entries] == files
    assert files[0].startswith("000_") and len(files[0]) == len("000_") + 16 + len(".txt")
    for n, entry in enumerate(entries, start=1):
        text = (out / entry["file"]).read_text("utf-8")
        assert text.startswith(f"خبر رقم {n} عن أعمال الصيانة") and f"(تقرير رقم {n})" in text
    # the same records as extracting the pages directly
    direct = scraper.Extractor().extract_html(story(2, "windows-1256", meta=False), url=A + "2.html",
                                              charset="windows-1256")
    assert (out / entries[1]["file"]).read_text("utf-8") == direct.to_text()
    # again: nothing new
    again = run(str(path), "-o", str(out))
    assert "written 0, duplicate 3" in again.stderr and snapshot(out)["records.jsonl"] == \
        (out / "records.jsonl").read_bytes()


def test_every_bad_record_is_one_line_and_the_run_goes_on(tmp_path: Path) -> None:
    good = [response(A + f"{n}.html", story(n)) for n in range(1, 6)]
    parts = members([
        good[0],
        dns("dns:news.example"),                                   # response without HTTP
        revisit(A + "1.html"),                                     # revisit
        response(A + "logo.png", b"\x89PNG\r\n\x1a\n" + bytes(200), "image/png"),
        response(A + "gone.html", b"<html><body>gone</body></html>", status="404 Not Found"),
        good[1],
        good[2],                                                    # its member damaged below
        good[3],
        response(A + "index.html", b"<html><head><title>Home</title></head><body><ul><li>a</li>"
                                   b"</ul></body></html>"),         # no article
        good[4],                                                    # cut short below
    ])
    parts[6] = corrupt_member(parts[6])
    parts[-1] = parts[-1][: len(parts[-1]) // 2]
    path = tmp_path / "bad.warc.gz"
    path.write_bytes(b"".join(parts))
    out = tmp_path / "out"
    result = run(str(path), "-o", str(out))
    assert result.exit_code == 1, result.output
    lines = result.stderr.splitlines()
    assert "Traceback" not in result.output
    summary = lines.pop()
    assert summary.startswith("scrape: pages 4, written 3, duplicate 0, skipped 4, empty 1, failed 2")
    assert len(lines) == 7, lines
    joined = "\n".join(lines)
    for expected in ("dns:news.example: skipped: response record without an HTTP message (text/dns)",
                     "1.html: skipped: revisit record",
                     "logo.png: skipped: not HTML (image/png)",
                     "gone.html: skipped: HTTP 404",
                     "failed: damaged stretch ",
                     "bad gzip member",
                     "index.html: empty: ",
                     "5.html: failed: truncated record"):
        assert expected in joined, expected
    assert [e["url"] for e in index(out)] == [A + "1.html", A + "2.html", A + "4.html"]


def test_plain_file_truncated_and_garbage_between_records(tmp_path: Path) -> None:
    parts = members([response(A + f"{n}.html", story(n)) for n in range(1, 4)], gz=False)
    data = parts[0] + b"garbage that is no WARC record\r\n" * 3 + parts[1] + parts[2][:-40]
    path = tmp_path / "damaged.warc"
    path.write_bytes(data)
    entries = list(read_warc(path))
    kinds = [(type(e).__name__, e.url) for e in entries]
    assert kinds == [("Page", A + "1.html"), ("Skipped", None), ("Page", A + "2.html"),
                     ("Skipped", A + "3.html")]
    assert isinstance(entries[1], Skipped) and entries[1].failed
    assert "truncated record" in str(entries[3].error)


def test_a_content_length_with_a_control_character_is_one_skipped_record(tmp_path: Path) -> None:
    # Found by the damaged-file property test: "141\x1c" passed str.strip().isdigit().
    parts = members([response(A + f"{n}.html", story(n)) for n in range(1, 3)], gz=False)
    head, sep, rest = parts[0].partition(b"Content-Length: ")
    length, crlf, tail = rest.partition(b"\r\n")
    path = tmp_path / "damaged.warc"
    path.write_bytes(head + sep + length + b"\x1c" + crlf + tail + parts[1])
    entries = list(read_warc(path))
    assert isinstance(entries[0], Skipped) and "Content-Length" in str(entries[0].error)
    assert any(isinstance(e, Page) and e.url == A + "2.html" for e in entries)


def test_an_oversize_payload_is_refused_unread(tmp_path: Path) -> None:
    path = write_warc(tmp_path / "big.warc.gz", [
        response(A + "big.html", b"<html><body><p>" + b"x" * 300_000 + b"</p></body></html>"),
        response(A + "1.html", story(1)),
    ])
    entries = list(read_warc(path, max_bytes=100_000))
    assert isinstance(entries[0], Skipped) and isinstance(entries[0].error, scraper.PageTooLargeError)
    assert "over the 100000 byte page limit" in str(entries[0].error)
    assert isinstance(entries[1], Page) and entries[1].url == A + "1.html"
    # the CLI's limit is the Extractor's (8 MB): a 9 MB payload, compressed to little
    huge = write_warc(tmp_path / "huge.warc.gz", [
        response(A + "huge.html", b"<html><body>" + b" " * 9_000_000 + b"</body></html>"),
        response(A + "2.html", story(2))])
    result = run(str(huge), "-o", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "huge.html: failed: record of" in result.stderr and "written 1" in result.stderr


def test_encoded_payloads_are_decoded(tmp_path: Path) -> None:
    page = story(7)
    chunked = b"".join(b"%x\r\n%s\r\n" % (len(page[i:i + 500]), page[i:i + 500])
                       for i in range(0, len(page), 500)) + b"0\r\n\r\n"
    path = write_warc(tmp_path / "enc.warc.gz", [
        response(A + "gz.html", gzip.compress(page), headers=(("Content-Encoding", "gzip"),)),
        response(A + "chunked.html", chunked, headers=(("Transfer-Encoding", "chunked"),)),
        response(A + "deflate.html", zlib.compress(page), headers=(("Content-Encoding", "deflate"),)),
    ])
    pages = list(scraper.iter_warc(path))
    assert [p.body for p in pages] == [page, page, page]
    assert all(p.status == 200 and p.content_type == "text/html" and p.charset == "utf-8"
               and p.fetched == DATE for p in pages)


def test_files_written_by_warcio_read_the_same(tmp_path: Path) -> None:
    pages = [(A + f"{n}.html", story(n)) for n in range(1, 4)]
    ours = write_warc(tmp_path / "ours.warc.gz", [response(u, b) for u, b in pages])
    theirs = write_warcio(tmp_path / "theirs.warc.gz", pages)
    outs = []
    for path in (ours, theirs):
        out = tmp_path / f"out-{path.stem}"
        assert run(str(path), "-o", str(out)).exit_code == 0
        outs.append({name: data for name, data in snapshot(out).items() if name.endswith(".txt")})
    assert outs[0] == outs[1] and len(outs[0]) == 3


def test_stdin_folder_and_printing(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    path = write_warc(tmp_path / "in" / "a.warc.gz",
                      [response(A + "1.html", story(1)), response(A + "2.html", story(2))])
    printed = run("-", "-f", "jsonl", input=path.read_bytes())
    assert printed.exit_code == 0, printed.output
    records = [json.loads(line) for line in printed.stdout.splitlines()]
    assert [r["url"] for r in records] == [A + "1.html", A + "2.html"]
    assert all(r["fetched"] == DATE for r in records)
    folder = run(str(tmp_path / "in"), "-f", "jsonl")
    assert folder.stdout == printed.stdout
    missing = run(str(tmp_path / "nope.warc"))
    assert missing.exit_code == 2 and "no such file" in missing.stderr


def test_jobs_2_is_byte_identical_to_jobs_1(tmp_path: Path) -> None:
    recs = [response(A + f"{n}.html", story(n)) for n in range(12)]
    recs.insert(5, response(A + "img.png", b"\x89PNG" + bytes(50), "image/png"))
    recs.append(response(A + "1.html", story(1)))        # a duplicate URL
    paths = [write_warc(tmp_path / "a.warc.gz", recs[:7]), write_warc(tmp_path / "b.warc", recs[7:], gz=False)]
    runs = {}
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}"
        result = run(*map(str, paths), "-o", str(out), "--jobs", jobs)
        assert result.exit_code == 0, result.output
        runs[jobs] = (snapshot(out), result.stderr.replace(str(out), "OUT"))
    assert runs["1"] == runs["2"]
    assert len([n for n in runs["1"][0] if n.endswith(".txt")]) == 12


def test_a_page_over_the_time_limit_is_that_records_outcome(tmp_path: Path) -> None:
    path = write_warc(tmp_path / "slow.warc.gz", [
        response(A + "1.html", story(1)),
        response(A + "slow.html", hostile_page()),
        response(A + "2.html", story(2)),
    ])
    out = tmp_path / "out"
    result = run(str(path), "-o", str(out), "--jobs", "1", "--page-timeout", "1.5",
                 "--rules", str(slow_rules(tmp_path / "rules")))
    assert result.exit_code == 1, result.output
    failed = [line for line in result.stderr.splitlines() if "slow.html" in line]
    assert len(failed) == 1 and "failed: " in failed[0] and "longer than 1.5s" in failed[0]
    assert [e["url"] for e in index(out)] == [A + "1.html", A + "2.html"]


def test_record_offsets_partition_a_file(tmp_path: Path) -> None:
    recs = [response(A + f"{n}.html", story(n)) for n in range(6)]
    path = write_warc(tmp_path / "p.warc.gz", recs)
    offsets = record_offsets(path)
    assert offsets is not None and len(offsets) == 6 and offsets[0] == 0
    halves = [list(read_warc(path, start=offsets[0], stop=offsets[3])),
              list(read_warc(path, start=offsets[3]))]
    assert [p.url for half in halves for p in half] == [r.url for r in recs]
    whole = tmp_path / "whole.warc.gz"
    whole.write_bytes(gzip.compress(b"".join(members(recs, gz=False))))
    assert record_offsets(whole) is None
    assert [p.url for p in scraper.iter_warc(whole)] == [r.url for r in recs]


_BLOBS: dict[bool, tuple[bytes, list[str]]] = {}


def _blob(gz: bool) -> tuple[bytes, list[str]]:
    if gz not in _BLOBS:
        recs = [response(A + f"{n}.html", story(n)) for n in range(4)]
        recs.insert(2, revisit(A + "0.html"))
        _BLOBS[gz] = (b"".join(members(recs, gz=gz)), [A + f"{n}.html" for n in range(4)])
    return _BLOBS[gz]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(gz=st.booleans(), data=st.data())
def test_damage_anywhere_is_reported_never_raised(gz: bool, data) -> None:
    blob, urls = _blob(gz)
    cut = data.draw(st.integers(min_value=0, max_value=len(blob)), label="cut")
    flips = data.draw(st.lists(st.tuples(st.integers(0, len(blob) - 1), st.integers(0, 255)),
                               max_size=4), label="flips")
    damaged = bytearray(blob[:cut])
    for where, value in flips:
        if where < len(damaged):
            damaged[where] = value
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "damaged.warc"
        path.write_bytes(bytes(damaged))
        entries = list(read_warc(path))
    assert all(isinstance(e, (Page, Skipped)) for e in entries)
    pages = [e.url for e in entries if isinstance(e, Page)]
    if not flips:   # cut short only: the records before the cut, and nothing invented
        assert pages == urls[: len(pages)]
        if cut == len(blob):
            assert pages == urls


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(gz=st.booleans(), data=st.data())
def test_partitions_of_a_damaged_file_read_as_the_whole_file(gz: bool, data) -> None:
    """What `scrape warc --dask` relies on: reading a file partition by partition (cut at
    its record offsets) gives the entries reading it whole gives, damage reports included."""
    blob, _ = _blob(gz)
    damaged = bytearray(blob[: data.draw(st.integers(len(blob) // 2, len(blob)), label="cut")])
    for where, value in data.draw(st.lists(st.tuples(st.integers(0, len(damaged) - 1),
                                                     st.integers(0, 255)), max_size=3), label="flips"):
        damaged[where] = value
    size = data.draw(st.integers(1, 3), label="records per partition")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "damaged.warc"
        path.write_bytes(bytes(damaged))
        offsets = record_offsets(path)
        whole = [(type(e).__name__, e.source, e.url, str(getattr(e, "error", ""))) for e in read_warc(path)]
        if offsets is None:
            return
        bounds = offsets[::size] or [0]   # as scraper.archive.dask.partitions cuts them
        parts = []
        for i, start in enumerate(bounds):
            stop = bounds[i + 1] if i + 1 < len(bounds) else None
            parts += [(type(e).__name__, e.source, e.url, str(getattr(e, "error", "")))
                      for e in read_warc(path, start=0 if i == 0 else start, stop=stop)]
    assert parts == whole
