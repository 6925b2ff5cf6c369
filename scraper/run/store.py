"""The record store: records written to a folder as `NNN_<16 hex>.txt` files, plus one
`records.jsonl` line each.

Every write is atomic (temp file, fsync, hard link into place): a crash never leaves a
half record, and the same article (same key, or same text) is never written twice.

A record can be updated to a new version of its article (`RecordWriter.update`), under
the same file name; its index line then carries `version` (absent: 1) and `updated`.
Crash safety: the new index entry is first written to a journal file
(`.update-<name>`), then the record file is replaced (temp file, rename), and the index
is rewritten whole (temp file, rename) at `flush()` or every INDEX_FLUSH_EVERY updates,
after which the journals go. Opening a folder replays the journals whose record file
holds their text (the index catches up) and drops the others (the old record stands), so
a kill at any point leaves the old record or the new one, whole, and the next writer's
index agrees with the files.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..errors import OutputError, os_reason
from ..net.urls import canonical_url
from ..record import Record

_NAME = re.compile(r"^(\d{3,})_([0-9a-f]{16})\.txt$")
INDEX = "records.jsonl"
TEMP_PREFIX = ".tmp-"   # a write in progress; a crash may leave one, the next scan removes it
JOURNAL = ".update-"    # + record name: its new index entry, while the update is in flight
INDEX_FLUSH_EVERY = 100   # updates whose index lines wait before records.jsonl is rewritten


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
    """What `RecordWriter.write` did: `written`, or `duplicate` of an existing file; what
    `RecordWriter.update` did: `updated` to `version`, `unchanged`, or `duplicate` (of the
    file `name`, nothing written)."""

    name: str
    status: str
    version: int = 1


class RecordWriter:
    """Writes records into one folder; reads what the folder already holds on creation.

    Not safe for two writers on one folder at once (the crawler holds a lock for that).
    After `update`, call `flush()` (a later writer on the folder catches up otherwise).
    """

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise OutputError(f"{self.folder}: cannot create folder: {os_reason(err)}") from err
        try:  # a folder that cannot be written fails here, before any work is done
            fd, probe = _temp_file(self.folder)
            os.close(fd)
            probe.unlink()
        except OSError as err:
            raise OutputError(f"{self.folder}: cannot write in this folder: "
                              f"{os_reason(err)}") from err
        self._by_key: dict[str, str] = {}
        self._by_text: dict[str, str] = {}
        self._indexed: set[str] = set()
        self._current: dict[str, tuple[str, int]] = {}   # indexed name -> (text hash, version)
        self._pending: dict[str, dict[str, Any]] = {}    # name -> index entry not yet in INDEX
        self._next = 0
        self._scan()

    def _scan(self) -> None:
        journals = []
        try:
            names = [path.name for path in self.folder.iterdir()]
            for name in names:
                match = _NAME.match(name)
                if match:
                    self._by_key[match.group(2)] = name
                    self._next = max(self._next, int(match.group(1)) + 1)
                elif name.startswith(TEMP_PREFIX):  # left by a crash before its rename
                    (self.folder / name).unlink(missing_ok=True)
                elif name.startswith(JOURNAL):
                    journals.append(name)
            index = self.folder / INDEX
            raw = index.read_bytes() if index.exists() else b""
        except OSError as err:
            raise OutputError(f"{self.folder}: cannot read the records folder: "
                              f"{os_reason(err)}") from err
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
                self._current[name] = (text_hash, int(entry.get("version", 1)))
        for journal in sorted(journals):
            self._replay(journal, files)
        self.flush()

    def _replay(self, journal: str, files: set[str]) -> None:
        """Finish an update a crash interrupted, if its record file was replaced; else
        forget it (the old record stands)."""
        path = self.folder / journal
        try:
            entry = json.loads(path.read_bytes())
            name, text_hash = entry["file"], entry["text_sha256"]
            replaced = name in files and _file_hash(self.folder / name) == text_hash
        except OSError as err:
            raise OutputError(f"{path}: cannot read: {os_reason(err)}") from err
        except (ValueError, KeyError, TypeError):  # not ours: journals are written whole
            replaced = False
        if not replaced:
            path.unlink(missing_ok=True)
            return
        self._supersede(name, entry)

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

    def text_hash(self, name: str) -> str | None:
        """The text hash the index gives record `name`; None when it is not an indexed record."""
        current = self._current.get(name)
        return current[0] if current else None

    def update(self, name: str, record: Record) -> WriteResult:
        """Replace record `name` with a new version of its article, under the same name.

        `unchanged` (nothing written) when it holds this text already; `duplicate` (of
        the record returned, nothing written) when another record has this text; else
        `updated`, with its version. OutputError when `name` is not an indexed record.
        """
        if name not in self._current:
            raise OutputError(f"{self.folder / name}: not a record of {self.folder / INDEX}")
        text_hash = record.text_hash()
        current_hash, version = self._current[name]
        if text_hash == current_hash:
            return WriteResult(name, "unchanged", version)
        other = self._by_text.get(text_hash)
        if other is not None and other != name:
            return WriteResult(other, "duplicate", version)
        entry = {**_entry(name, record, text_hash), "version": version + 1,
                 "updated": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}
        _atomic_write(self.folder / (JOURNAL + name),
                      json.dumps(entry, ensure_ascii=False).encode("utf-8"))
        _atomic_write(self.folder / name, record.to_text().encode("utf-8"))
        self._supersede(name, entry)
        if len(self._pending) >= INDEX_FLUSH_EVERY:
            self.flush()
        return WriteResult(name, "updated", version + 1)

    def _supersede(self, name: str, entry: dict[str, Any]) -> None:
        """Take `entry` as the index line of `name` (written to INDEX at the next flush)."""
        old = self._current.get(name)
        if old is not None and self._by_text.get(old[0]) == name:
            del self._by_text[old[0]]
        self._by_text[entry["text_sha256"]] = name
        self._current[name] = (entry["text_sha256"], int(entry.get("version", 1)))
        self._indexed.add(name)
        self._pending[name] = entry

    def flush(self) -> None:
        """Rewrite records.jsonl (temp file, rename) with the updated records' lines in
        place of their old ones, then drop their journals; nothing when none is pending."""
        if not self._pending:
            return
        index = self.folder / INDEX
        try:
            raw = index.read_bytes() if index.exists() else b""
        except OSError as err:
            raise OutputError(f"{index}: cannot read: {os_reason(err)}") from err

        def line_of(entry: dict[str, Any]) -> bytes:
            return json.dumps(entry, ensure_ascii=False).encode("utf-8") + b"\n"

        out, placed = [], set()
        for line in raw.splitlines(keepends=True):  # other records' lines stay byte for byte
            try:
                name = json.loads(line).get("file")
            except ValueError:  # not UTF-8: not one of ours to replace
                name = None
            if name in placed:  # an older line of a file already placed
                continue
            if name in self._pending:
                line = line_of(self._pending[name])
                placed.add(name)
            out.append(line)
        out += [line_of(e) for n, e in self._pending.items() if n not in placed]
        _atomic_write(index, b"".join(out))
        try:
            for name in self._pending:
                (self.folder / (JOURNAL + name)).unlink(missing_ok=True)
        except OSError as err:
            raise OutputError(f"{self.folder}: cannot remove an update journal: "
                              f"{os_reason(err)}") from err
        self._pending.clear()

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
            raise OutputError(f"{source / INDEX}: cannot read: {os_reason(err)}") from err
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
                    self._index_entry({"file": existing, **entry})
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
                    raise OutputError(f"{self.folder / name}: cannot write: {os_reason(err)}") from err
            fsync_dir(self.folder)
            self._by_key[key] = name
            self._index_entry({"file": name, **entry})
            results.append(WriteResult(name, "written"))
        return results

    def _index(self, name: str, record: Record, text_hash: str) -> None:
        self._index_entry(_entry(name, record, text_hash))

    def _index_entry(self, entry: dict[str, Any]) -> None:
        """Append a record's index line (`file` and `text_sha256` among its fields)."""
        name, text_hash = entry["file"], entry["text_sha256"]
        fields = {k: v for k, v in entry.items() if k not in ("file", "text_sha256")}
        line = json.dumps({"file": name, **fields, "text_sha256": text_hash}, ensure_ascii=False)
        try:
            with (self.folder / INDEX).open("a", encoding="utf-8") as fh:
                fh.write(line + "\n")
                fh.flush()
                os.fsync(fh.fileno())
        except OSError as err:
            raise OutputError(f"{self.folder / INDEX}: cannot write: {os_reason(err)}") from err
        self._indexed.add(name)
        self._by_text[text_hash] = name
        self._current[name] = (text_hash, int(entry.get("version", 1)))


def _entry(name: str, record: Record, text_hash: str) -> dict[str, Any]:
    """The index line of a record file: its name, the record's fields but the text, the hash."""
    data = record.to_dict()
    del data["text"], data["text_sha256"], data["paragraphs"]
    return {"file": name, **data, "text_sha256": text_hash}


def _file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _atomic_write(path: Path, data: bytes, *, exclusive: bool = False) -> None:
    """Write via a temp file in the same folder; `exclusive` never replaces an existing file.

    The file's mode follows the umask, like any file the user's programs create.
    """
    try:
        fd, tmp = _temp_file(path.parent)
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
        fsync_dir(path.parent)
    except FileExistsError:
        raise
    except OSError as err:
        raise OutputError(f"{path}: cannot write: {os_reason(err)}") from err


def _temp_file(folder: Path) -> tuple[int, Path]:
    """A new, empty `.tmp-*` file in `folder`, created with mode 0666 less the umask
    (tempfile.mkstemp would make it 0600)."""
    while True:
        path = folder / f"{TEMP_PREFIX}{secrets.token_hex(8)}"
        try:
            return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), path
        except FileExistsError:
            continue


def fsync_dir(folder: Path) -> None:
    """Make a rename or link in `folder` durable (fsync of the directory itself)."""
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
