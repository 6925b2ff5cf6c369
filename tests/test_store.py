"""RecordWriter: names, index, atomicity, no duplicates, recovery after a crash."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from scraper import OutputError, Record, RecordWriter
from scraper.run.store import record_key


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


def edited(n: int, url: str) -> Record:
    return Record(title=f"Headline {n}, corrected",
                  paragraphs=(f"Paragraph of story {n}.", "A paragraph added later."), url=url)


def test_update_keeps_the_name_and_rewrites_its_index_line(tmp_path: Path) -> None:
    writer = RecordWriter(tmp_path)
    first = writer.write(rec(1, url="https://example.com/1")).name
    second = writer.write(rec(2, url="https://example.com/2")).name
    index = tmp_path / "records.jsonl"
    before = index.read_text().splitlines()
    result = writer.update(first, edited(1, "https://example.com/1"))
    assert (result.name, result.status, result.version) == (first, "updated", 2)
    assert (tmp_path / first).read_text() == edited(1, "").to_text()
    assert list(tmp_path.glob(".update-*"))          # journalled until the index is rewritten
    writer.flush()
    assert not list(tmp_path.glob(".update-*")) and not list(tmp_path.glob(".tmp-*"))
    entries = [json.loads(line) for line in index.read_text().splitlines()]
    assert [e["file"] for e in entries] == [first, second]      # in place, one line a file
    assert entries[0]["version"] == 2 and entries[0]["updated"].endswith("Z")
    assert entries[0]["title"] == "Headline 1, corrected"
    assert entries[0]["text_sha256"] == edited(1, "").text_hash()
    assert index.read_text().splitlines()[1] == before[1]
    again = RecordWriter(tmp_path)
    assert again.update(first, edited(1, "https://example.com/1")).status == "unchanged"
    assert again.write(edited(1, "https://mirror.example.org/1")).status == "duplicate"
    assert again.write(rec(1, url="https://mirror.example.org/1")).status == "written"  # old text
    third = again.update(first, rec(1, url="https://example.com/1"))
    assert (third.status, third.version) == ("duplicate", 2)   # now the new record's text


def test_update_to_another_records_text_writes_nothing(tmp_path: Path) -> None:
    writer = RecordWriter(tmp_path)
    first = writer.write(rec(1, url="https://example.com/1")).name
    second = writer.write(rec(2, url="https://example.com/2")).name
    result = writer.update(second, rec(1, url="https://example.com/2"))
    assert (result.name, result.status) == (first, "duplicate")
    assert (tmp_path / second).read_text() == rec(2).to_text()
    assert not list(tmp_path.glob(".update-*"))
    with pytest.raises(OutputError, match="not a record"):
        writer.update("007_0123456789abcdef.txt", rec(3))


def test_a_crash_mid_update_leaves_old_or_new_and_the_index_agrees(tmp_path: Path) -> None:
    writer = RecordWriter(tmp_path)
    first = writer.write(rec(1, url="https://example.com/1")).name
    writer.write(rec(2, url="https://example.com/2"))
    index = tmp_path / "records.jsonl"
    old_index = index.read_bytes()
    # Died after the journal, before the record was replaced: the old record stands.
    writer.update(first, edited(1, "https://example.com/1"))
    (tmp_path / first).write_text(rec(1).to_text())
    reopened = RecordWriter(tmp_path)
    assert not list(tmp_path.glob(".update-*")) and index.read_bytes() == old_index
    assert reopened.update(first, rec(1, url="https://example.com/1")).status == "unchanged"
    # Died after the record was replaced, before the index was rewritten: the index catches up.
    reopened.update(first, edited(1, "https://example.com/1"))
    assert index.read_bytes() == old_index
    healed = RecordWriter(tmp_path)
    entries = [json.loads(line) for line in index.read_text().splitlines()]
    assert entries[0]["text_sha256"] == hashlib.sha256((tmp_path / first).read_bytes()).hexdigest()
    assert entries[0]["version"] == 2 and len(entries) == 2
    assert not list(tmp_path.glob(".update-*"))
    assert healed.update(first, edited(1, "https://example.com/1")).version == 2
