"""Reading WARC files: each HTTP response as a typed Page, and every record that cannot be
one as a Skipped entry saying why, so one bad record never ends a run.

- `.warc` and `.warc.gz` (one gzip member per record, or one for the whole file, or a mix),
  told at each offset by its bytes; gzip members are inflated by FastWARC's gzip reader
  (zlib where that cannot say where a member ends); stdin is spooled to a temporary file
  first (resuming needs to seek).
- A record is checked against what follows it: its content block must end inside its
  gzip member, followed by the blank line that ends a record and then the next record or
  the end; else (a Content-Length too large or too small) it is a damaged record, never a
  Page, and the records it would have swallowed are read.
- A damaged stretch (a bad or cut gzip member, junk, a cut record header) is reported once
  with its offsets, and reading resumes at the next gzip member that inflates to a WARC
  record or the next `WARC/1.x` line, at any offset (the start of a file included).
- Response records with an HTTP message give a Page: status, Content-Type, charset and the
  payload with its Transfer-Encoding and Content-Encoding undone (capped: a payload over the
  size limit is refused, unread when its length says so). Revisits, resource records and
  responses without HTTP are Skipped; warcinfo, request and metadata records, which
  accompany responses, are passed over silently.
"""

from __future__ import annotations

import http.client
import io
import mmap
import os
import re
import tempfile
import zlib
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, TypeVar

from fastwarc.stream_io import GzipReader

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
_SILENT = frozenset({"warcinfo", "request", "metadata"})
_GZIP_MAGIC = b"\x1f\x8b\x08"
_WARC_LINE = re.compile(rb"WARC/1\.[01]\r?\n")
# A record's start inside another record's content: a WARC/1.x line and a header line.
_RECORD_START = re.compile(rb"WARC/1\.[01]\r\n[!-9;-~]+:")
# The longest WARC header block read.
_MAX_HEADER = 64 * 1024
# Content blocks larger than this are inflated through, not held nor searched.
_BIG_BLOCK = 64 << 20
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
    from its start (a gzip member holding several records, e.g. one stream for the whole
    file)."""
    try:
        with open(path, "rb") as fh:
            offsets = [item for item in _scan(fh, str(path), 0, None, lambda _, offset, __: offset)
                       if isinstance(item, int)]
    except OSError as err:
        raise ArchiveError(f"{path}: cannot read: {err.strerror or err}") from err
    if any(b <= a for a, b in zip(offsets, offsets[1:])):
        return None
    return offsets


def _read(fh: BinaryIO, label: str, start: int, stop: int | None,
          limit: int | None) -> Iterator[Entry]:
    def visit(record: _Record, offset: int, source: str) -> Entry | None:
        return _entry(record, source, limit)

    for item in _scan(fh, label, start, stop, visit):
        if item is not None:
            yield item


@dataclass
class _Record:
    """A WARC record whose header block parsed and whose content block ends where a record
    should (checked by `_parse`); `block()` copies the content block out of the window."""

    kind: str                      # WARC-Type, lowercase ("" when missing)
    headers: dict[str, str]        # lowercase names, the first value of each
    window: _Window
    block_start: int
    block_end: int
    next: int                      # where the next record may start

    @property
    def url(self) -> str | None:
        return self.headers.get("warc-target-uri")

    @property
    def length(self) -> int:
        return self.block_end - self.block_start

    def block(self) -> bytes:
        base = self.window.base
        return bytes(self.window.data[self.block_start - base:self.block_end - base])


class _Window:
    """Bytes at absolute offsets [base, base + len(data)): a plain stretch of the file (the
    whole file, `done` from the start) or a gzip member inflated on demand (`need`)."""

    def __init__(self, data: bytes | mmap.mmap) -> None:
        self.data = data
        self.base = 0
        self.done = True              # no more data will come
        self.error: str | None = None  # inflating failed (a bad gzip member)
        self.end: int | None = None    # where the member ends in the file, when it ended
        self.truncated = False         # the file ended inside the member

    def need(self, end: int, keep: int | None = None) -> bool:
        """Whether the data reaches `end`, inflating more as needed (dropping the data
        before `keep` as it goes, so that skipping a large block holds little)."""
        return self.base + len(self.data) >= end

    def drop(self, upto: int) -> None:
        """Forget the data before `upto` (no more needed)."""


class _Member(_Window):
    """One gzip member starting at `at` in `buf`, inflated on demand; its end in the file
    is known once it is fully inflated (`end`), from zlib's unused data."""

    def __init__(self, buf: bytes | mmap.mmap, at: int) -> None:
        super().__init__(b"")
        self.buf, self.at, self.feed = buf, at, at
        self.done = False
        self._inflate = zlib.decompressobj(31)

    def need(self, end: int, keep: int | None = None) -> bool:
        if self.feed == self.at and not self.done:
            self._whole()
        while self.base + len(self.data) < end and not self.done:
            size = len(self.buf)
            if self.feed >= size:
                self.done = self.truncated = True
                break
            # Feed up to the next gzip magic: for a member per record that is its end, so
            # zlib inflates it in one call and leaves no unused data to copy.
            hi = min(size, self.feed + _SCAN_CHUNK)
            cut = self.buf.find(_GZIP_MAGIC, self.feed + 1, hi)
            stop = hi if cut == -1 else cut
            try:
                out = self._inflate.decompress(self.buf[self.feed:stop])
            except zlib.error as err:
                self.error, self.done = str(err), True
                break
            self.feed = stop
            if keep is not None and keep > self.base:
                gone = min(keep - self.base, len(self.data))
                self.data, self.base = self.data[gone:], self.base + gone
            self.data = self.data[:] + out if self.data else out  # [:]: bytes, for mypy
            if self._inflate.eof:
                self.done = True
                self.end = stop - len(self._inflate.unused_data)
        return self.base + len(self.data) >= end

    def _whole(self) -> None:
        """The usual case, a member per record: inflated in one go by FastWARC's faster
        gzip reader, up to the next gzip magic bytes. It is the member's end when the gzip
        trailer there gives the inflated data's size and CRC (else zlib inflates it step by
        step)."""
        cut = self.buf.find(_GZIP_MAGIC, self.at + 1, self.at + _SCAN_CHUNK)
        if cut == -1:
            if len(self.buf) - self.at > _SCAN_CHUNK:
                return
            cut = len(self.buf)
        if cut - self.at < 18:
            return
        try:
            out = GzipReader(io.BytesIO(self.buf[self.at:cut])).read()
        except OSError:
            return
        # The gzip trailer must match (FastWARC's reader takes a deflate stream that never
        # ends, a flipped last-block bit, as whole): else zlib tells where it broke.
        trailer = self.buf[cut - 8:cut]
        if int.from_bytes(trailer[4:], "little") != len(out) & 0xFFFFFFFF \
                or int.from_bytes(trailer[:4], "little") != zlib.crc32(out):
            return
        self.data, self.done, self.end, self.feed = out, True, cut, cut

    def drop(self, upto: int) -> None:
        if upto > self.base:
            gone = min(upto - self.base, len(self.data))
            self.data, self.base = self.data[gone:], self.base + gone


@dataclass
class _Damaged:
    """A record that cannot be read as it says (`url` when its header names one), or a
    stretch that holds no record (`url` None); reading resumes at `resume` (an offset in
    the same window), or None: after the window."""

    url: str | None
    reason: str
    resume: int | None
    record: bool = True   # a record with a header (else junk: part of a damaged stretch)


def _parse(w: _Window, at: int) -> _Record | _Damaged:
    """The record at `at` (where `WARC/1.` starts) in window `w`, checked against what
    follows it: its content block must be followed by the blank line that ends a record,
    inside its window (its gzip member), and must not run into a `WARC/1.x` line."""
    w.need(at + _MAX_HEADER)
    rel = at - w.base
    head_end = w.data.find(b"\r\n\r\n", rel, rel + _MAX_HEADER)
    if head_end == -1:
        nxt = _warc_line(w.data, rel + 1, rel + _MAX_HEADER)
        if nxt != -1 or w.base + len(w.data) - at >= _MAX_HEADER:
            why = "not a readable WARC record header"
        else:
            why = f"bad gzip member ({w.error})" if w.error else "truncated record header"
        return _Damaged(None, why, None if nxt == -1 else nxt + w.base, record=False)
    lines = bytes(w.data[rel:head_end]).split(b"\r\n")
    if lines[0] not in (b"WARC/1.0", b"WARC/1.1"):
        nxt = _warc_line(w.data, rel + 1, None)
        return _Damaged(None, "not a WARC record", None if nxt == -1 else nxt + w.base,
                        record=False)
    headers: dict[str, str] = {}
    last = ""
    for line in lines[1:]:
        if line[:1] in (b" ", b"\t") and last:
            headers[last] += " " + line.strip().decode("utf-8", "replace")
            continue
        name, colon, value = line.partition(b":")
        if not colon:
            return _damaged_after(w, head_end + w.base, headers.get("warc-target-uri"),
                                  "malformed WARC header line")
        last = name.strip().decode("latin-1").lower()
        headers.setdefault(last, value.strip().decode("utf-8", "replace"))
    url = headers.get("warc-target-uri")
    declared = headers.get("content-length", "").strip(" \t")
    # Only ASCII digits: str.isdigit also takes "²", and str.strip also takes "\x1c".
    if not (declared.isascii() and declared.isdigit()):
        return _damaged_after(w, head_end + w.base, url, "record without a valid Content-Length")
    start = head_end + 4 + w.base
    end = start + int(declared)
    big = end - start > _BIG_BLOCK     # skipped through, not searched
    have = w.need(end + 4, keep=end if big else None)
    rel_end = end - w.base
    tail = bytes(w.data[rel_end:rel_end + 4]) if rel_end >= 0 else b""
    # The file cut inside the blank line after a complete content block: the record is whole
    # (not at a gzip member's own end: there the blank line belongs to the record).
    cut_blank = (not have and 0 <= rel_end <= len(w.data) and tail.strip(b"\r\n") == b""
                 and not w.error and (w.truncated or not isinstance(w, _Member)))
    if tail == b"\r\n\r\n" or cut_blank:
        if not cut_blank and not big and not _record_follows(w, end + 4) \
                and (into := _into_next(w, start, end, declared, url, past=0)) is not None:
            return into    # a blank line by chance, inside the record it ran into
        return _Record(headers.get("warc-type", "").lower(), headers, w, start, end,
                       end + len(tail))
    if not have:
        # The data ends inside the content block: its gzip member ended or broke, or the file did.
        got = max(0, min(w.base + len(w.data), end) - start)
        if not big and (into := _into_next(w, start, None, declared, url)) is not None:
            return into
        if w.error:
            return _Damaged(url, f"bad gzip member ({w.error})", None)
        if w.truncated or not isinstance(w, _Member):
            return _Damaged(url, f"truncated record ({got} of {declared} bytes)", None)
        return _Damaged(url, f"Content-Length {declared} runs past the end of its gzip member "
                             f"(it holds {got} bytes of content)", None)
    if not big and (into := _into_next(w, start, end, declared, url)) is not None:
        return into
    return _damaged_after(w, end, url, f"Content-Length {declared} does not end the record "
                                       "(no blank line after its content)")


def _into_next(w: _Window, start: int, end: int | None, declared: str,
               url: str | None, past: int = 64) -> _Damaged | None:
    """A content block that holds a `WARC/1.x` line at a line start: the record's
    Content-Length is too large, it ran into the next record; reading resumes there."""
    # Up to `past` bytes after the declared end: the line may begin in the block and end after it.
    lo, hi = start - w.base, None if end is None else min(len(w.data), end - w.base + past)
    match = _RECORD_START.search(w.data, max(lo, 0), len(w.data) if hi is None else hi)
    if match is None:
        return None
    nxt = match.start()
    return _Damaged(url, f"Content-Length {declared} runs into the next record (a WARC/1.x "
                         f"line {nxt + w.base - start} bytes into its content)", nxt + w.base)


def _record_follows(w: _Window, at: int) -> bool:
    """Whether what follows a record's blank line is the end of the data, line breaks, or
    the start of a record (else it is junk, or the record ran into another one)."""
    w.need(at + 16)
    rel = at - w.base
    head = bytes(w.data[rel:rel + 16]).lstrip(b"\r\n")
    return head == b"" or head.startswith((b"WARC/1.", _GZIP_MAGIC))


def _damaged_after(w: _Window, after: int, url: str | None, why: str) -> _Damaged:
    nxt = _warc_line(w.data, after - w.base, None)
    return _Damaged(url, why, None if nxt == -1 else nxt + w.base)


def _warc_line(data: bytes | mmap.mmap, lo: int, hi: int | None) -> int:
    """Where the first `WARC/1.0` or `WARC/1.1` line at or after `lo` (before `hi`) starts,
    at any offset; -1 when none."""
    match = _WARC_LINE.search(data, max(lo, 0), len(data) if hi is None else hi)
    return -1 if match is None else match.start()


def _open_bytes(fh: BinaryIO) -> bytes | mmap.mmap:
    """The file's bytes: mapped when it is a file on disk, else read."""
    try:
        fh.seek(0, os.SEEK_END)
        if fh.tell() == 0:
            return b""
        mapped = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        if hasattr(mmap, "MADV_SEQUENTIAL"):
            mapped.madvise(mmap.MADV_SEQUENTIAL)
        return mapped
    except (OSError, ValueError, io.UnsupportedOperation):
        fh.seek(0)
        return fh.read()


def _scan(fh: BinaryIO, label: str, start: int, stop: int | None,
          visit: Callable[[_Record, int, str], T]) -> Iterator[T | Skipped]:
    """`visit(record, offset, source)` for each record starting in [start, stop) and a
    failed Skipped entry for each damaged record and each damaged stretch, in file order.

    Each offset is told apart by its first bytes: a gzip member (one record, or several: a
    stream), a plain `WARC/1.x` record, or neither: a damaged stretch, which runs to the
    next gzip member that inflates to a WARC record or the next `WARC/1.x` line, at any
    offset, and is reported once, however many faults lie in it."""
    buf = _open_bytes(fh)
    try:
        yield from _walk(buf, label, start, stop, visit)
    finally:
        if isinstance(buf, mmap.mmap):
            buf.close()


def _walk(buf: bytes | mmap.mmap, label: str, start: int, stop: int | None,
          visit: Callable[[_Record, int, str], T]) -> Iterator[T | Skipped]:
    size = len(buf)
    stretch: tuple[int, str] | None = None   # a damaged stretch begun, not yet reported

    def close(at: int | None) -> Iterator[Skipped]:
        nonlocal stretch
        if stretch is None:
            return
        begin, why = stretch
        stretch = None
        end = size if at is None else at
        after = "nothing readable after it" if at is None else f"reading resumed at {at}"
        where = (f"inside the gzip member at {begin}" if end == begin
                 else f"{begin}-{end} ({end - begin} bytes)")
        yield Skipped(f"{label}@{begin}", None, ArchiveError(
            f"{label}@{begin}: damaged stretch {where}: {why}; {after}"), True)

    def damage(at: int, why: str) -> None:
        nonlocal stretch
        if stretch is None:
            stretch = (at, why)

    def outcome(parsed: _Record | _Damaged, at: int, source: str,
                after: str = "") -> Iterator[T | Skipped]:
        if isinstance(parsed, _Record):
            yield from close(at)
            yield visit(parsed, at, source)
        elif parsed.record:
            yield from close(at)
            what = parsed.reason if parsed.reason.startswith("truncated") \
                else f"damaged record: {parsed.reason}"
            yield Skipped(source, parsed.url, ArchiveError(f"{source}: {what}{after}"), True)
        else:
            damage(at, parsed.reason)

    pos = start
    while True:
        while pos < size and buf[pos:pos + 1] in (b"\r", b"\n"):   # line breaks between records
            pos += 1
        if pos >= size:
            yield from close(None)
            return
        if stop is not None and pos >= stop:   # `stop` is a record's offset: any stretch ends there
            yield from close(pos)
            return
        head = buf[pos:pos + 7]
        if head[:3] == _GZIP_MAGIC:
            member = _Member(buf, pos)
            going_on = yield from _member_records(member, label, outcome, damage)
            if member.end is not None:
                pos = member.end
                continue
            resume = going_on if going_on is not None else _resync(buf, pos + 1)
        elif head == b"WARC/1.":
            window = _Window(buf)
            parsed = _parse(window, pos)
            if isinstance(parsed, _Record):
                yield from outcome(parsed, pos, f"{label}@{pos}")
                pos = parsed.next
                continue
            resume = parsed.resume if parsed.resume is not None else _resync(buf, pos + 1)
            yield from outcome(parsed, pos, f"{label}@{pos}", "; nothing readable after it"
                               if resume is None else f"; reading resumed at {resume}")
        else:
            damage(pos, "bad gzip member (cut short or damaged header)"
                   if head[:2] == _GZIP_MAGIC[:2] else "not a WARC record")
            resume = _resync(buf, pos + 1)
        if resume is None:
            yield from close(None)
            return
        pos = resume


def _member_records(member: _Member, label: str,
                    outcome: Callable[..., Iterator[T | Skipped]],
                    damage: Callable[[int, str], None]) -> Generator[T | Skipped, None, int | None]:
    """The records of one gzip member (one, or several: a stream): each one's outcome, and
    damage for what holds no record. The member is inflated to its end, if it has one;
    returns where reading goes on (None: at the next resync point after a broken member,
    unless a damaged record said where, then that)."""
    pos = member.at
    inner = 0
    told = False      # the member's own fault was reported with a record
    while True:
        member.drop(inner)
        while member.need(inner + 1) and member.data[inner - member.base:inner - member.base + 1] \
                in (b"\r", b"\n"):
            inner += 1
        if not member.need(inner + 1):
            break
        source = f"{label}@{pos}" if inner == 0 else f"{label}@{pos}+{inner}"
        member.need(inner + 7)
        rel = inner - member.base
        if member.data[rel:rel + 7] != b"WARC/1.":
            found = _warc_line(member.data, rel, None)
            if found == -1:
                damage(pos, "not a WARC record")
                member.need(1 << 62, keep=1 << 62)    # inflate to the end, keeping nothing
                break
            damage(pos, "not a WARC record")
            inner = found + member.base
            continue
        parsed = _parse(member, inner)
        if isinstance(parsed, _Record):
            yield from outcome(parsed, pos, source)
            inner = parsed.next
            continue
        if parsed.resume is None:
            member.need(1 << 62, keep=1 << 62)
            if parsed.record and member.end is None:   # the member broke: reading resumes
                resume = _resync(member.buf, pos + 1)  # at the next member, said here
                yield from outcome(parsed, pos, source, "; nothing readable after it"
                                   if resume is None else f"; reading resumed at {resume}")
                return resume
            yield from outcome(parsed, pos, source)
            told = parsed.record
            break
        yield from outcome(parsed, pos, source)
        inner = parsed.resume
    if (member.error is not None or member.truncated) and not told:
        damage(pos, f"bad gzip member ({member.error})" if member.error else "truncated gzip member")
    return None if member.end is None else member.end


def _resync(buf: bytes | mmap.mmap, after: int) -> int | None:
    """The offset, at or after `after`, of the next gzip member that inflates to a WARC
    record or the next `WARC/1.x` line (at any offset), whichever comes first; None when
    there is neither."""
    size = len(buf)
    lo = after
    while lo < size:
        hi = min(size, lo + _SCAN_CHUNK)
        line = _warc_line(buf, lo, min(size, hi + 16))
        limit = hi if line == -1 else line
        index = buf.find(_GZIP_MAGIC, lo, limit)
        while index != -1:
            if _member_is_warc(buf, index):
                return index
            index = buf.find(_GZIP_MAGIC, index + 1, limit)
        if line != -1:
            return line
        lo = hi
    return None


def _member_is_warc(buf: bytes | mmap.mmap, offset: int) -> bool:
    try:
        return zlib.decompressobj(31).decompress(buf[offset:offset + 4096], 16).startswith(b"WARC/1.")
    except zlib.error:
        return False


def _entry(record: _Record, source: str, limit: int | None) -> Entry | None:
    kind = record.kind
    if kind in _SILENT:
        return None
    headers = record.headers
    url = record.url
    if kind == "revisit":
        return Skipped(source, url, InputError(
            f"{source}: revisit record (the payload is in an earlier capture)"), False)
    if kind != "response":
        return Skipped(source, url, InputError(
            f"{source}: {kind or 'untyped'} record, not an HTTP response"), False)
    declared = record.length
    if limit is not None and declared > limit + HEADER_ALLOWANCE:
        return Skipped(source, url, PageTooLargeError(
            f"{source}: record of {declared} bytes is over the {limit} byte page limit; "
            "not read"), True)
    if url is None:
        return Skipped(source, url, ArchiveError(f"{source}: response without WARC-Target-URI"), True)
    kind_header = (headers.get("content-type") or "").lower()
    block = record.block()
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
    return Page(url=url, fetched=headers.get("warc-date"), status=status,
                content_type=content_type.split(";", 1)[0].strip().lower(),
                charset=charset_from_content_type(content_type), body=body, source=source,
                role=headers.get(ROLE_HEADER.lower()))


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
