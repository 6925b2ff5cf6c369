"""The record store: records written to a folder as `NNN_<16 hex>.txt` files, plus one
`records.jsonl` line each.

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
from .net.urls import canonical_url
from .record import Record

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
        try:
            names = [path.name for path in self.folder.iterdir()]
            for name in names:
                match = _NAME.match(name)
                if match:
                    self._by_key[match.group(2)] = name
                    self._next = max(self._next, int(match.group(1)) + 1)
                elif name.startswith(".tmp-"):  # left by a crash before its rename
                    (self.folder / name).unlink(missing_ok=True)
            index = self.folder / INDEX
            if not index.exists():
                return
            raw = index.read_bytes()
        except OSError as err:
            raise OutputError(f"{self.folder}: cannot read the records folder: "
                              f"{err.strerror or err}") from err
        good = raw[: raw.rfind(b"\n") + 1]
        if good != raw:  # a crash cut the last line short: drop it, it is re-added on rewrite
            _atomic_write(index, good)
        files = set(self._by_key.values())
        for number, line in enumerate(good.decode("utf-8", "replace").splitlines(), start=1):
            try:
                entry = json.loads(line)
                name, text_hash = entry.get("file"), entry["text_sha256"]
            except (ValueError, KeyError, AttributeError):
                raise OutputError(f"{index}:{number}: not a records index line") from None
            if name in files:
                self._indexed.add(name)
                self._by_text[text_hash] = name

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

    def adopt(self, folder: str | Path) -> list[WriteResult]:
        """Move the records another RecordWriter wrote into `folder` into this one, in that
        folder's index order, as `write` would have written them here: same dedupe (by key,
        by text), next numbers, index lines equal but for the file name. `folder` must be
        on the same file system (its files are hard-linked, not copied)."""
        source = Path(folder)
        try:
            lines = (source / INDEX).read_text("utf-8").splitlines()
        except FileNotFoundError:
            return []
        except OSError as err:
            raise OutputError(f"{source / INDEX}: cannot read: {err.strerror}") from err
        results = []
        for number, line in enumerate(lines, start=1):
            try:
                entry = json.loads(line)
                match = _NAME.match(entry.pop("file"))
                text_hash = entry["text_sha256"]
            except (ValueError, KeyError, AttributeError, TypeError):
                raise OutputError(f"{source / INDEX}:{number}: not a records index line") from None
            if match is None:
                raise OutputError(f"{source / INDEX}:{number}: not a record file name")
            key = match.group(2)
            existing = self._by_key.get(key) or self._by_text.get(text_hash)
            if existing:
                if existing not in self._indexed:
                    self._index_entry(existing, entry, text_hash)
                results.append(WriteResult(existing, "duplicate"))
                continue
            while True:
                name = f"{self._next:03d}_{key}.txt"
                self._next += 1
                try:
                    os.link(source / match.group(0), self.folder / name)
                    break
                except FileExistsError:
                    continue
                except OSError as err:
                    raise OutputError(f"{self.folder / name}: cannot write: {err.strerror}") from err
            _fsync_dir(self.folder)
            self._by_key[key] = name
            self._index_entry(name, entry, text_hash)
            results.append(WriteResult(name, "written"))
        return results

    def _index(self, name: str, record: Record, text_hash: str) -> None:
        data = record.to_dict()
        del data["text"], data["text_sha256"], data["paragraphs"]
        self._index_entry(name, data, text_hash)

    def _index_entry(self, name: str, data: dict[str, object], text_hash: str) -> None:
        fields = {k: v for k, v in data.items() if k != "text_sha256"}
        line = json.dumps({"file": name, **fields, "text_sha256": text_hash}, ensure_ascii=False)
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
        _fsync_dir(path.parent)
    except FileExistsError:
        raise
    except OSError as err:
        raise OutputError(f"{path}: cannot write: {err.strerror}") from err


def _fsync_dir(folder: Path) -> None:
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
