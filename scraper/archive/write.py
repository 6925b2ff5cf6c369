"""Writing what was fetched into WARC files: request and response records, one gzip member
each, in files that rotate at a size limit and are never left corrupt.

Crash safety: a file is written as `NAME.warc.gz.open` (held with an `flock`), each
request/response pair appended whole and fsynced; on rotation or close it is fsynced and
renamed to `NAME.warc.gz`. So a file without `.open` is always complete. A writer opening
a folder finishes the `.open` files that no live writer holds (a run that was killed): the
file is cut after its last complete gzip member and renamed, or removed when nothing in it
is complete.

Responses a crawl fetched for discovery (robots.txt, feeds, sitemaps, start pages) carry
the extension header `Scraper-Role: discovery` and `scrape warc` skips them; a response
answered by the HTTP cache (a 304 revalidation, or --offline) is archived as the full
response the cache gave the extractor (its stored status, headers and body), dated when it
was revalidated and marked `Scraper-Cache: revalidated` (or `cache`), so that each run's
files can be re-extracted on their own.
"""

from __future__ import annotations

import base64
import datetime as dt
import fcntl
import gzip
import hashlib
import os
import secrets
import socket
import uuid
import zlib
from pathlib import Path
from typing import BinaryIO

from .._version import __version__
from ..config import ArchiveSettings
from ..errors import OutputError
from ..net.exchange import Exchange
from ..run.store import fsync_dir
from .read import ROLE_HEADER

OPEN_SUFFIX = ".open"
CACHE_HEADER = "Scraper-Cache"
# Hop-by-hop: the body is stored with its transfer coding undone.
_DROPPED = {b"transfer-encoding"}
_LEVEL = 6


class WarcWriter:
    """Appends exchanges to rotating `.warc.gz` files in `folder`. Not thread-safe; use as
    a context manager (or call `close`). OutputError when the folder cannot be written."""

    def __init__(self, folder: str | os.PathLike[str], settings: ArchiveSettings | None = None) -> None:
        self.folder = Path(folder)
        self.settings = settings or ArchiveSettings()
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise OutputError(f"{self.folder}: cannot create folder: {err.strerror}") from err
        self.recovered = recover(self.folder)
        self._fh: BinaryIO | None = None
        self._path: Path | None = None
        self._size = 0
        self._serial = 0
        self.written: list[Path] = []   # files closed by this writer, in order

    def __enter__(self) -> WarcWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def write(self, exchange: Exchange, *, role: str | None = None) -> None:
        """Append the exchange as a request and a response record (gzip members), durably."""
        response_id = f"<urn:uuid:{uuid.uuid4()}>"
        extra = [(ROLE_HEADER, role)] if role else []
        if exchange.cache:
            extra.append((CACHE_HEADER, exchange.cache))
        data = (_member(_request_record(exchange, response_id))
                + _member(_response_record(exchange, response_id, extra)))
        if self._fh is not None and self._size + len(data) > self.settings.max_file_bytes \
                and self._size > 0:
            self._finish()
        if self._fh is None:
            self._start()
        assert self._fh is not None
        self._append(data)

    def close(self) -> None:
        """Finish the file being written (fsync, rename into place)."""
        if self._fh is not None:
            self._finish()

    def _start(self) -> None:
        stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%d%H%M%S%f")
        name = (f"{self.settings.prefix}-{stamp}-{self._serial:05d}-"
                f"{secrets.token_hex(3)}.warc.gz")
        self._serial += 1
        path = self.folder / (name + OPEN_SUFFIX)
        try:
            fh = open(path, "xb")  # noqa: SIM115 - closed in _finish
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as err:
            raise OutputError(f"{path}: cannot create: {err.strerror or err}") from err
        self._fh, self._path, self._size = fh, path, 0
        self._append(_member(_warcinfo(name)))

    def _append(self, data: bytes) -> None:
        assert self._fh is not None and self._path is not None
        try:
            self._fh.write(data)
            self._fh.flush()
            os.fsync(self._fh.fileno())
        except OSError as err:
            raise OutputError(f"{self._path}: cannot write: {err.strerror or err}") from err
        self._size += len(data)

    def _finish(self) -> None:
        assert self._fh is not None and self._path is not None
        fh, path = self._fh, self._path
        self._fh = self._path = None
        final = path.with_name(path.name[: -len(OPEN_SUFFIX)])
        try:
            fh.flush()
            os.fsync(fh.fileno())
            os.rename(path, final)   # still locked: no recovery can take it meanwhile
            fh.close()
            fsync_dir(self.folder)
        except OSError as err:
            raise OutputError(f"{path}: cannot finish: {err.strerror or err}") from err
        self.written.append(final)


def recover(folder: Path) -> list[Path]:
    """Finish the `.open` WARC files of `folder` that no live writer holds: cut each after
    its last complete gzip member and rename it into place (or remove it when nothing in it
    is complete). The files put in place, in name order."""
    done: list[Path] = []
    for path in sorted(folder.glob("*.warc.gz" + OPEN_SUFFIX)):
        try:
            with open(path, "r+b") as fh:
                try:
                    fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue  # a live writer's
                end = complete_prefix(fh)
                final = path.with_name(path.name[: -len(OPEN_SUFFIX)])
                if end == 0:
                    path.unlink()
                    continue
                fh.truncate(end)
                fh.flush()
                os.fsync(fh.fileno())
                os.rename(path, final)
            done.append(final)
        except OSError as err:
            raise OutputError(f"{path}: cannot recover: {err.strerror or err}") from err
    if done:
        fsync_dir(folder)
    return done


def complete_prefix(fh: BinaryIO) -> int:
    """The length of the run of complete gzip members a file starts with."""
    fh.seek(0)
    good = 0            # end of the last complete member
    position = 0        # file offset of `buffer`'s start
    decoder = zlib.decompressobj(31)
    buffer = b""
    while True:
        chunk = fh.read(1 << 20)
        if not chunk and not buffer:
            return good
        buffer += chunk
        while buffer:
            try:
                decoder.decompress(buffer, 1 << 16)
                while decoder.unconsumed_tail and not decoder.eof:
                    decoder.decompress(decoder.unconsumed_tail, 1 << 16)
            except zlib.error:
                return good
            if decoder.eof:
                used = len(buffer) - len(decoder.unused_data)
                position += used
                good = position
                buffer = decoder.unused_data
                decoder = zlib.decompressobj(31)
                if not buffer:
                    break
            else:
                position += len(buffer)
                buffer = b""
        if not chunk:
            return good


def warc_record(kind: str, url: str | None, date: str, content_type: str, block: bytes, *,
                record_id: str | None = None, payload: bytes | None = None,
                extra: list[tuple[str, str]] | tuple[()] = ()) -> bytes:
    """One WARC/1.1 record: its header block (with the block's SHA-1 digest, and the
    payload's when `payload` is given) and its content block."""
    headers = [("WARC-Type", kind), ("WARC-Record-ID", record_id or f"<urn:uuid:{uuid.uuid4()}>"),
               ("WARC-Date", date)]
    if url is not None:
        headers.append(("WARC-Target-URI", url))
    headers.append(("Content-Type", content_type))
    headers.extend(extra)
    headers.append(("WARC-Block-Digest", _sha1(block)))
    if payload is not None:
        headers.append(("WARC-Payload-Digest", _sha1(payload)))
    headers.append(("Content-Length", str(len(block))))
    head = "WARC/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers) + "\r\n"
    return head.encode("utf-8") + block + b"\r\n\r\n"


def _sha1(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


def _member(record: bytes) -> bytes:
    return gzip.compress(record, compresslevel=_LEVEL, mtime=0)


def _warcinfo(name: str) -> bytes:
    fields = (f"software: scraper/{__version__}\r\nformat: WARC File Format 1.1\r\n"
              f"conformsTo: https://iipc.github.io/warc-specifications/specifications/"
              f"warc-format/warc-1.1/\r\nhostname: {socket.gethostname()}\r\n")
    date = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return warc_record("warcinfo", None, date, "application/warc-fields", fields.encode("utf-8"),
                       extra=[("WARC-Filename", name)])


def _request_record(exchange: Exchange, response_id: str) -> bytes:
    target = exchange.request_url
    path = target.split("//", 1)[-1]
    path = "/" + path.split("/", 1)[1] if "/" in path else "/"
    head = f"{exchange.method} {path} {exchange.http_version}\r\n".encode("latin-1")
    head += b"".join(k + b": " + v + b"\r\n" for k, v in exchange.request_headers) + b"\r\n"
    return warc_record("request", target, exchange.date, "application/http; msgtype=request",
                       head, extra=[("WARC-Concurrent-To", response_id)])


def _response_record(exchange: Exchange, response_id: str,
                     extra: list[tuple[str, str]]) -> bytes:
    head = f"{exchange.http_version} {exchange.status} {exchange.reason}\r\n".encode("latin-1")
    head += b"".join(k + b": " + v + b"\r\n" for k, v in exchange.response_headers
                     if k.lower() not in _DROPPED) + b"\r\n"
    return warc_record("response", exchange.request_url, exchange.date,
                       "application/http; msgtype=response", head + exchange.body,
                       record_id=response_id, payload=exchange.body, extra=extra)

