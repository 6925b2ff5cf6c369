"""WARC files built for the tests, record by record, with the toolkit's record writer (one
gzip member per record, or plain) and warcio's; and the damage a real file can carry."""

from __future__ import annotations

import gzip
import io
from dataclasses import dataclass
from pathlib import Path

from scraper.archive.write import warc_record
from tests.siteserver import ARABIC_PARAGRAPHS, article_html

DATE = "2024-05-01T12:00:00Z"


def story(n: int, charset: str = "utf-8", *, meta: bool = True) -> bytes:
    paragraphs = [f"{p} (تقرير رقم {n})" for p in ARABIC_PARAGRAPHS]
    return article_html(f"خبر رقم {n} عن أعمال الصيانة في المدينة", paragraphs, charset=charset,
                        meta_charset=meta)


@dataclass(frozen=True)
class Rec:
    """One WARC record to write."""

    kind: str                 # WARC-Type
    url: str | None
    block: bytes
    content_type: str = "application/http; msgtype=response"
    date: str = DATE
    extra: tuple[tuple[str, str], ...] = ()


def response(url: str, body: bytes, content_type: str | None = "text/html; charset=utf-8", *,
             status: str = "200 OK", headers: tuple[tuple[str, str], ...] = (),
             date: str = DATE, extra: tuple[tuple[str, str], ...] = ()) -> Rec:
    head = f"HTTP/1.1 {status}\r\n"
    if content_type is not None:
        head += f"Content-Type: {content_type}\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in headers) + "\r\n"
    return Rec("response", url, head.encode("latin-1") + body, date=date, extra=extra)


def request(url: str) -> Rec:
    return Rec("request", url, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
               "application/http; msgtype=request")


def revisit(url: str) -> Rec:
    return Rec("revisit", url, b"HTTP/1.1 304 Not Modified\r\n\r\n",
               extra=(("WARC-Profile", "http://netpreserve.org/warc/1.1/revisit/server-not-modified"),))


def warcinfo() -> Rec:
    return Rec("warcinfo", None, b"software: tests\r\n", "application/warc-fields")


def dns(url: str) -> Rec:
    return Rec("response", url, b"20240501120000\nexample.com. 300 IN A 127.0.0.1\n",
               "text/dns")


def record_bytes(rec: Rec) -> bytes:
    return warc_record(rec.kind, rec.url, rec.date, rec.content_type, rec.block,
                       extra=list(rec.extra))


def members(recs: list[Rec], *, gz: bool = True) -> list[bytes]:
    """Each record's bytes: a gzip member of its own, or plain."""
    return [gzip.compress(record_bytes(r)) if gz else record_bytes(r) for r in recs]


def write_warc(path: Path, recs: list[Rec], *, gz: bool = True) -> Path:
    path.write_bytes(b"".join(members(recs, gz=gz)))
    return path


def write_warcio(path: Path, pages: list[tuple[str, bytes]]) -> Path:
    """Responses written by warcio's WARCWriter (gzip, one member per record)."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for url, body in pages:
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                    protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                          http_headers=http))
    return path


def corrupt_member(member: bytes) -> bytes:
    """A gzip member whose deflate data is damaged just after its header."""
    damaged = bytearray(member)
    damaged[20:40] = b"\x00" * 20
    return bytes(damaged)
