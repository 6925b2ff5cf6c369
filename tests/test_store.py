"""RecordWriter: names, index, atomicity, no duplicates, recovery after a crash."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from scraper import Record, RecordWriter
from scraper.store import record_key


def rec(n: int, url: str | None = None) -> Record:
    return Record(title=f"Headline {n}", paragraphs=(f"Paragraph of story {n}.",), url=url)


def test_name_is_sequence_and_hash_of_canonical_url(tmp_path: Path) -> None:
    writer = RecordWriter(tmp_path)
    result = writer.write(rec(1, url="HTTPS://Example.com/a?utm_source=x#top"))
    digest = hashlib.sha256(b"https://example.com/a").hexdigest()[:16]
    assert result.name == f"000_{digest}.txt" and result.status == "written"
    assert writer.write(rec(2, url="https://example.com/b")).name.startswith("001_")


def test_without_url_the_hash_is_of_the_source_bytes(tmp_path: Path) -> None:
    record = rec(1)
    assert record_key(record, b"raw bytes") == hashlib.sha256(b"raw bytes").hexdigest()[:16]
    name = RecordWriter(tmp_path).write(record, source_bytes=b"raw bytes").name
    assert name.endswith(hashlib.sha256(b"raw bytes").hexdigest()[:16] + ".txt")


def test_same_article_twice_is_one_file(tmp_path: Path) -> None:
    writer = RecordWriter(tmp_path)
    writer.write(rec(1, url="https://example.com/a"))
    again = RecordWriter(tmp_path).write(rec(1, url="https://example.com/a#comments"))
    assert again.status == "duplicate"
    same_text = RecordWriter(tmp_path).write(rec(1, url="https://mirror.example.org/a"))
    assert same_text.status == "duplicate"
    assert len(list(tmp_path.glob("*.txt"))) == 1
    assert len((tmp_path / "records.jsonl").read_text().splitlines()) == 1


def test_sequence_widens_past_999(tmp_path: Path) -> None:
    (tmp_path / "999_0123456789abcdef.txt").write_text("x\n")
    assert RecordWriter(tmp_path).write(rec(1)).name.startswith("1000_")


def test_recovers_from_a_crash_mid_write(tmp_path: Path) -> None:
    writer = RecordWriter(tmp_path)
    writer.write(rec(1, url="https://example.com/1"))
    written = writer.write(rec(2, url="https://example.com/2")).name
    # A crash left: a temp file, a half index line, and a record whose index line is lost.
    (tmp_path / ".tmp-abc").write_text("half a rec")
    index = tmp_path / "records.jsonl"
    lines = index.read_text().splitlines()
    index.write_text(lines[0] + "\n" + lines[1][:20])
    again = RecordWriter(tmp_path)
    assert not (tmp_path / ".tmp-abc").exists()
    assert again.write(rec(2, url="https://example.com/2")) .status == "duplicate"
    entries = [json.loads(line) for line in index.read_text().splitlines()]
    assert [e["file"] for e in entries][-1] == written and len(entries) == 2
    assert sorted(p.name for p in tmp_path.glob("*.txt")) == sorted(e["file"] for e in entries)
