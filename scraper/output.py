"""Writing records to a folder: `NNN_<16 hex>.txt` files plus one `records.jsonl` line each.

Every write is atomic (temp file, fsync, hard link into place): a crash never leaves a
half record, and the same article (same key, or same text) is never written twice.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .errors import OutputError
from .record import Record
from .urls import canonical_url

_NAME = re.compile(r"^(\d{3,})_([0-9a-f]{16})\.txt$")
INDEX = "records.jsonl"


def record_key(record: Record, source_bytes: bytes | None = None) -> str:
    """The 16 hex digits of a record's file name: SHA-256 of its canonical URL, else of
    its source file's bytes, else of its text."""
    if record.url:
        data = canonical_url(record.url).encode("utf-8")
    elif source_bytes is not None:
        data = source_bytes
    else:
        data = record.to_text().encode("utf-8")
    return hashlib.sha256(data).hexdigest()[:16]


@dataclass(frozen=True)
class WriteResult:
    """What `RecordWriter.write` did: `written`, or `duplicate` of an existing file."""

    name: str
    status: str


class RecordWriter:
    """Writes records into one folder; reads what the folder already holds on creation.

    Not safe for two writers on one folder at once (the crawler holds a lock for that).
    """

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise OutputError(f"{self.folder}: cannot create folder: {err.strerror}") from err
        self._by_key: dict[str, str] = {}
        self._by_text: dict[str, str] = {}
        self._indexed: set[str] = set()
        self._next = 0
        self._scan()

    def _scan(self) -> None:
        for path in self.folder.iterdir():
            match = _NAME.match(path.name)
            if match:
                self._by_key[match.group(2)] = path.name
                self._next = max(self._next, int(match.group(1)) + 1)
            elif path.name.startswith(".tmp-"):
                path.unlink(missing_ok=True)  # left by a crash before its rename
        index = self.folder / INDEX
        if not index.exists():
            return
        raw = index.read_bytes()
        good = raw[: raw.rfind(b"\n") + 1]
        if good != raw:  # a crash cut the last line short: drop it, it is re-added on rewrite
            _atomic_write(index, good)
        for line in good.decode("utf-8").splitlines():
            entry = json.loads(line)
            if entry.get("file") in self._by_key.values():
                self._indexed.add(entry["file"])
                self._by_text[entry["text_sha256"]] = entry["file"]

    def write(self, record: Record, *, source_bytes: bytes | None = None) -> WriteResult:
        """Write the record unless the folder has it already (by key or by identical text)."""
        key = record_key(record, source_bytes)
        text_hash = record.text_hash()
        existing = self._by_key.get(key) or self._by_text.get(text_hash)
        if existing:
            if existing not in self._indexed:  # crashed between file and index line
                self._index(existing, record, text_hash)
            return WriteResult(existing, "duplicate")
        while True:
            name = f"{self._next:03d}_{key}.txt"
            self._next += 1
            try:
                _atomic_write(self.folder / name, record.to_text().encode("utf-8"), exclusive=True)
                break
            except FileExistsError:
                continue
        self._by_key[key] = name
        self._index(name, record, text_hash)
        return WriteResult(name, "written")

    def _index(self, name: str, record: Record, text_hash: str) -> None:
        data = record.to_dict()
        del data["text"], data["text_sha256"], data["paragraphs"]
        line = json.dumps({"file": name, **data, "text_sha256": text_hash}, ensure_ascii=False)
        try:
            with (self.folder / INDEX).open("a", encoding="utf-8") as fh:
                fh.write(line + "\n")
                fh.flush()
                os.fsync(fh.fileno())
        except OSError as err:
            raise OutputError(f"{self.folder / INDEX}: cannot write: {err.strerror}") from err
        self._indexed.add(name)
        self._by_text[text_hash] = name


def _atomic_write(path: Path, data: bytes, *, exclusive: bool = False) -> None:
    """Write via a temp file in the same folder; `exclusive` never replaces an existing file."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            if exclusive:
                os.link(tmp, path)  # fails with FileExistsError instead of overwriting
            else:
                os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except FileExistsError:
        raise
    except OSError as err:
        raise OutputError(f"{path}: cannot write: {err.strerror}") from err
