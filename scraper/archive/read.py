"""Reading WARC files (FastWARC): each HTTP response as a typed Page, and every record that
cannot be one as a Skipped entry saying why, so one bad record never ends a run.

- `.warc` and `.warc.gz` (one gzip member per record, or one for the whole file), told by
  content; stdin is spooled to a temporary file first (resuming needs to seek).
- A damaged stretch (a bad gzip member, garbage between records) is reported once, at the
  offset where reading failed, and reading resumes at the next gzip member or `WARC/`
  header line that parses; a record cut short (a truncated file) is reported as such.
- Response records with an HTTP message give a Page: status, Content-Type, charset and the
  payload with its Transfer-Encoding and Content-Encoding undone (capped: a payload over the
  size limit is refused, unread when its length says so). Revisits, resource records and
  responses without HTTP are Skipped; warcinfo, request and metadata records, which
  accompany responses, are passed over silently.
"""

from __future__ import annotations

import http.client
import io
import os
import re
import tempfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, TypeVar

from fastwarc.warc import ArchiveIterator, WarcRecord, WarcRecordType

from ..config import ExtractOptions
from ..errors import ArchiveError, FetchError, InputError, PageTooLargeError, ScraperError
from ..net.content import ContentDecoder
from ..text.decode import charset_from_content_type
from ..text.sniff import looks_like_html

# The HTTP status line and headers a record may hold on top of the payload size limit.
HEADER_ALLOWANCE = 64 * 1024
# Media types that say nothing about the content: such payloads are sniffed for HTML.
GENERIC_TYPES = frozenset({"", "text/plain", "application/octet-stream", "binary/octet-stream",
                           "application/unknown", "unknown/unknown"})
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
# The extension header this toolkit's WARC writer puts on responses a crawl fetched for
# discovery (robots.txt, feeds, sitemaps, start pages): not articles.
ROLE_HEADER = "Scraper-Role"
_SILENT = (WarcRecordType.warcinfo | WarcRecordType.request | WarcRecordType.metadata)
_GZIP_MAGIC = b"\x1f\x8b\x08"
_WARC_LINE = re.compile(rb"(?:^|\n)WARC/1\.[01]\r?\n")
_SCAN_CHUNK = 1 << 20
T = TypeVar("T")


@dataclass(frozen=True)
class Page:
    """One HTTP response read from a WARC file."""

    url: str                  # WARC-Target-URI
    fetched: str | None       # WARC-Date: when it was captured (ISO 8601, UTC)
    status: int               # HTTP status code
    content_type: str         # media type, lowercase, without parameters ("" when none)
    charset: str | None       # the Content-Type's charset parameter
    body: bytes               # the payload, transfer and content codings undone
    source: str               # where the record is: "FILE@OFFSET"
    role: str | None = None   # Scraper-Role of a response a crawl fetched for discovery

    @property
    def is_html(self) -> bool:
        """An HTML page: said so by its Content-Type or, when the type is missing or
        generic, told by its content (as `scrape clean` tells pages from texts)."""
        if self.content_type in HTML_TYPES:
            return True
        return self.content_type in GENERIC_TYPES and looks_like_html(self.body)


@dataclass(frozen=True)
class Skipped:
    """A record (or a damaged stretch of a file) that gives no page, and why.

    `failed` is true for damage and oversize payloads, false for records that are simply
    not pages (revisits, resource records, responses without HTTP)."""

    source: str
    url: str | None
    error: ScraperError
    failed: bool


Entry = Page | Skipped


def iter_warc(path: str | os.PathLike[str], *, max_bytes: int | None = None) -> Iterator[Page]:
    """The HTTP responses of a WARC file, in file order; records that are not responses, or
    are damaged, are passed over (`read_warc` tells about them)."""
    for entry in read_warc(path, max_bytes=max_bytes):
        if isinstance(entry, Page):
            yield entry


def read_warc(path: str | os.PathLike[str] | BinaryIO, *, name: str | None = None,
              start: int = 0, stop: int | None = None,
              max_bytes: int | None = None) -> Iterator[Entry]:
    """Every response of a WARC file as a Page, and every record or stretch that cannot be
    read as one as a Skipped entry, in file order.

    `path` is a file name or a seekable binary file (then `name` names it in messages).
    Only records starting at offsets in [start, stop) are read (a partition of the file;
    `start` must be a record's offset). `max_bytes`: the largest payload accepted
    (default: ExtractOptions().max_page_bytes). Raises ArchiveError only when the file
    cannot be opened.
    """
    limit = ExtractOptions().max_page_bytes if max_bytes is None else max_bytes
    if isinstance(path, (str, os.PathLike)):
        label = name or str(path)
        try:
            fh: BinaryIO = open(path, "rb")  # noqa: SIM115 - closed below
        except OSError as err:
            raise ArchiveError(f"{label}: cannot read: {err.strerror or err}") from err
        owned = True
    else:
        fh, label, owned = path, name or str(getattr(path, "name", "<stream>")), False
    try:
        yield from _read(fh, str(label), start, stop, limit)
    finally:
        if owned:
            fh.close()


def record_offsets(path: str | os.PathLike[str]) -> list[int] | None:
    """The offsets of the records of a WARC file that can be read from on their own (one
    gzip member per record, or no compression), in order; None when the file must be read
    from its start (one gzip stream for the whole file)."""
    try:
        with open(path, "rb") as fh:
            offsets = [item for item in _scan(fh, str(path), 0, None, lambda _, offset: offset)
                       if isinstance(item, int)]
            if any(b <= a for a, b in zip(offsets, offsets[1:])):
                return None
            fh.seek(0)
            if fh.read(2) == _GZIP_MAGIC[:2]:
                for offset in offsets:
                    fh.seek(offset)
                    if fh.read(3) != _GZIP_MAGIC:
                        return None
    except OSError as err:
        raise ArchiveError(f"{path}: cannot read: {err.strerror or err}") from err
    return offsets


def _read(fh: BinaryIO, label: str, start: int, stop: int | None,
          limit: int | None) -> Iterator[Entry]:
    def visit(record: WarcRecord, offset: int) -> Entry | None:
        return _entry(record, f"{label}@{offset}", limit)

    for item in _scan(fh, label, start, stop, visit):
        if item is not None:
            yield item


def _scan(fh: BinaryIO, label: str, start: int, stop: int | None,
          visit: Callable[[WarcRecord, int], T]) -> Iterator[T | Skipped]:
    """`visit(record, offset)` for each record starting in [start, stop), and a Skipped
    entry for each damaged stretch (an OSError from FastWARC or from `visit` reading the
    record), after which reading resumes at the next record that parses."""
    fh.seek(0)
    gzipped = fh.read(2) == _GZIP_MAGIC[:2]
    position = start
    restarted = False       # reading resumed after damage, and nothing was read since
    while True:
        fh.seek(position)
        records = iter(ArchiveIterator(fh, parse_http=False, stream_detect=True))
        last = position - 1
        while True:
            try:
                record = next(records)
            except StopIteration:
                return
            except OSError as err:
                where, url, reason = last + 1, None, _reason(err, gzipped)
                break
            offset = record.stream_pos
            if stop is not None and offset >= stop:
                return
            try:
                result = visit(record, offset)
            except OSError as err:
                where, url, reason = offset, record.headers.get("WARC-Target-URI"), _reason(err, gzipped)
                break
            yield result
            restarted = False
            last = offset
        resume = _resync(fh, max(where, last) + 1, gzipped)
        if not restarted:  # damage found again right where reading resumed: told already
            after = "nothing readable after it" if resume is None else f"reading resumed at {resume}"
            place = (f"record at {where}" if url is not None or where == start
                     else f"stretch after {last}" if last >= start else f"stretch from {where}")
            yield Skipped(f"{label}@{where}", url, ArchiveError(
                f"{label}@{where}: damaged {place}: {reason}; {after}"), True)
        if resume is None or (stop is not None and resume >= stop):
            return
        position, restarted = resume, True


def _reason(err: OSError, gzipped: bool) -> str:
    text = str(err) or type(err).__name__
    if gzipped and ("gzip" in text.lower() or "decompress" in text.lower()):
        return f"bad gzip member ({text})"
    return f"not a readable WARC record ({text})"


def _resync(fh: BinaryIO, after: int, gzipped: bool) -> int | None:
    """The offset, at or after `after`, of the next gzip member (or, uncompressed, the next
    `WARC/1.x` line) whose start decodes as a WARC record; None at the end of the file."""
    fh.seek(after)
    base = after
    carry = b""
    while True:
        chunk = fh.read(_SCAN_CHUNK)
        if not chunk:
            return None
        data = carry + chunk
        origin = base - len(carry)
        if gzipped:
            index = data.find(_GZIP_MAGIC)
            while index != -1:
                if _member_is_warc(fh, origin + index):
                    return origin + index
                index = data.find(_GZIP_MAGIC, index + 1)
        else:
            for match in _WARC_LINE.finditer(data):
                offset = origin + match.start() + (1 if data[match.start():match.start() + 1] == b"\n" else 0)
                if offset >= after:
                    return offset
        carry = data[-16:]
        base += len(chunk)
        fh.seek(base)


def _member_is_warc(fh: BinaryIO, offset: int) -> bool:
    here = fh.tell()
    try:
        fh.seek(offset)
        head = fh.read(4096)
        try:
            return zlib.decompressobj(31).decompress(head, 16).startswith(b"WARC/1.")
        except zlib.error:
            return False
    finally:
        fh.seek(here)


def _entry(record: WarcRecord, source: str, limit: int | None) -> Entry | None:
    kind = record.record_type
    if kind & _SILENT:
        return None
    headers = record.headers
    url = headers.get("WARC-Target-URI")
    if kind == WarcRecordType.revisit:
        return Skipped(source, url, InputError(
            f"{source}: revisit record (the payload is in an earlier capture)"), False)
    if kind != WarcRecordType.response:
        return Skipped(source, url, InputError(
            f"{source}: {_type_name(record)} record, not an HTTP response"), False)
    declared_text = (headers.get("Content-Length") or "").strip(" \t")
    # Only ASCII digits: str.isdigit also takes "²", and str.strip also takes "\x1c".
    declared = (int(declared_text) if declared_text.isascii() and declared_text.isdigit()
                else None)
    if declared is None:
        return Skipped(source, url, ArchiveError(f"{source}: record without a valid Content-Length"),
                       True)
    if limit is not None and declared > limit + HEADER_ALLOWANCE:
        return Skipped(source, url, PageTooLargeError(
            f"{source}: record of {declared} bytes is over the {limit} byte page limit; "
            "not read"), True)
    block = record.reader.read()
    if len(block) < declared:
        return Skipped(source, url, ArchiveError(
            f"{source}: truncated record ({len(block)} of {declared} bytes)"), True)
    if url is None:
        return Skipped(source, url, ArchiveError(f"{source}: response without WARC-Target-URI"), True)
    kind_header = (headers.get("Content-Type") or "").lower()
    if not block.startswith(b"HTTP/") or ("application/http" not in kind_header and kind_header):
        return Skipped(source, url, InputError(
            f"{source}: response record without an HTTP message "
            f"({kind_header or 'no Content-Type'})"), False)
    try:
        status, message, payload = _http(block)
        body = _decode(payload, message, url, limit)
    except ScraperError as err:
        return Skipped(source, url, type(err)(f"{source}: {err}"), True)
    content_type = message.get("Content-Type") or ""
    date = headers.get("WARC-Date")
    return Page(url=url, fetched=date, status=status,
                content_type=content_type.split(";", 1)[0].strip().lower(),
                charset=charset_from_content_type(content_type), body=body, source=source,
                role=headers.get(ROLE_HEADER))


def _type_name(record: WarcRecord) -> str:
    declared = record.headers.get("WARC-Type")
    return declared if declared else "untyped"


def _http(block: bytes) -> tuple[int, http.client.HTTPMessage, bytes]:
    """The status, headers and payload of an HTTP response message."""
    stream = io.BytesIO(block)
    line = stream.readline(65537)
    parts = line.split(None, 2)
    if len(parts) < 2 or not parts[1].isdigit():
        raise ArchiveError(f"bad HTTP status line {line[:60]!r}")
    try:
        message = http.client.parse_headers(stream)
    except http.client.HTTPException as err:
        raise ArchiveError(f"bad HTTP headers ({type(err).__name__})") from None
    return int(parts[1]), message, block[stream.tell():]


def _decode(payload: bytes, message: http.client.HTTPMessage, url: str,
            limit: int | None) -> bytes:
    """The payload with Transfer-Encoding chunked and Content-Encoding undone, capped."""
    if "chunked" in (message.get("Transfer-Encoding") or "").lower():
        payload = _dechunk(payload)
    cap = limit if limit is not None else len(payload) * 64 + 1024
    try:
        decoder = ContentDecoder(url, message.get("Content-Encoding") or "", cap)
        decoder.feed(payload)
        return decoder.finish()
    except FetchError as err:
        if "larger than" in err.reason:
            raise PageTooLargeError(f"payload {err.reason}") from None
        raise ArchiveError(err.reason) from None


def _dechunk(data: bytes) -> bytes:
    """A chunked transfer coding undone; a payload that is not chunked after all is kept."""
    parts: list[bytes] = []
    position = 0
    while True:
        end = data.find(b"\r\n", position)
        if end == -1:
            break
        size_text = data[position:end].split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            if not parts:
                return data  # stored already de-chunked, the header kept
            raise ArchiveError("bad chunked transfer coding") from None
        if size == 0:
            break
        parts.append(data[end + 2:end + 2 + size])
        position = end + 2 + size + 2
    return b"".join(parts)


def stdin_spool(stream: BinaryIO) -> BinaryIO:
    """Standard input copied to a temporary file, which `read_warc` can seek in."""
    spool = tempfile.TemporaryFile(prefix="scrape-warc-")
    while chunk := stream.read(_SCAN_CHUNK):
        spool.write(chunk)
    spool.seek(0)
    return spool


def warc_files(path: Path) -> list[Path]:
    """The WARC files of a folder (`*.warc`, `*.warc.gz`), sorted by name."""
    return sorted(p for p in path.iterdir()
                  if p.is_file() and (p.name.endswith(".warc") or p.name.endswith(".warc.gz")))
