"""A real HTTP server on loopback for the crawl tests and the benchmark.

`SiteServer(routes, host=...)` serves `routes` (path -> Page or a fault) on a free port in
a daemon thread, logs every request (time, path, headers) and stops on `close()` or at the
end of a `with` block. Every fault is bounded: stalls and floods end by themselves.

Several hosts are several loopback addresses (127.0.0.2, ...): all of 127.0.0.0/8 routes to
`lo` on Linux; on macOS add them first (`sudo ifconfig lo0 alias 127.0.0.2`).
"""

from __future__ import annotations

import gzip
import hashlib
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable

# Article text the crawl tests and bench/crawl.py serve (real-looking Arabic news prose).
ARABIC_PARAGRAPHS = [
    "قال مسؤولون في البلدية إن أعمال الصيانة في الشوارع الرئيسية ستستمر حتى نهاية الشهر المقبل، "
    "مع إغلاق جزئي لبعض الطرق خلال ساعات الليل لتخفيف الازدحام على السكان.",
    "وأضاف المتحدث باسم البلدية أن المشروع يشمل تحديث شبكة الإنارة وتوسيع الأرصفة وزراعة الأشجار "
    "على جانبي الطريق، وأن الكلفة الإجمالية تتجاوز ما كان مقرراً في الموازنة الأولى.",
    "وأبدى عدد من أصحاب المحلات التجارية قلقهم من تأثير الأعمال على حركة البيع، بينما رحب آخرون "
    "بالمشروع معتبرين أنه سيجذب مزيداً من الزوار إلى وسط المدينة في الأشهر القادمة.",
]


@dataclass
class Page:
    """A static answer; ETag/Last-Modified validation built in."""

    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0          # seconds before answering
    validators: bool = True     # send ETag and Last-Modified, answer 304 when they match


@dataclass
class Logged:
    time: float          # time.monotonic() when the request arrived
    host: str            # host:port of the server
    path: str
    headers: dict[str, str]
    status: int = 0
    sent: int = 0        # body bytes actually written


Handler = Callable[[BaseHTTPRequestHandler, Logged, int], None]   # (handler, log entry, nth call)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class SiteServer:
    """One host (address:port) serving `routes`; `log` lists the requests it saw."""

    def __init__(self, routes: dict[str, Page | Handler], host: str = "127.0.0.1") -> None:
        self.routes = routes
        self.log: list[Logged] = []
        self.calls: dict[str, int] = {}
        self._lock = threading.Lock()
        self.server = _Server((host, 0), _make_handler(self))
        self.host = f"{host}:{self.server.server_address[1]}"
        self.url = f"http://{self.host}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)
        self.thread.start()

    def __enter__(self) -> SiteServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def paths(self) -> list[str]:
        with self._lock:
            return [e.path for e in self.log]

    def _note(self, entry: Logged) -> int:
        with self._lock:
            self.log.append(entry)
            self.calls[entry.path] = self.calls.get(entry.path, 0) + 1
            return self.calls[entry.path]


def _make_handler(site: SiteServer) -> type[BaseHTTPRequestHandler]:
    class _Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "siteserver"

        def log_message(self, *args: object) -> None:  # quiet
            pass

        def do_GET(self) -> None:  # noqa: N802
            entry = Logged(time.monotonic(), site.host, self.path,
                           {k.lower(): v for k, v in self.headers.items()})
            nth = site._note(entry)
            route = site.routes.get(self.path.split("#")[0])
            if route is None:
                self.answer(entry, Page(b"not found", "text/plain", status=404))
            elif isinstance(route, Page):
                self.answer(entry, route)
            else:
                route(self, entry, nth)

        def answer(self, entry: Logged, page: Page) -> None:
            if page.delay:
                time.sleep(page.delay)
            headers = dict(page.headers)
            status, body = page.status, page.body
            if page.validators and status == 200:
                etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                headers.setdefault("ETag", etag)
                headers.setdefault("Last-Modified", "Mon, 01 Jan 2024 00:00:00 GMT")
                if self.headers.get("If-None-Match") == etag:
                    status, body = 304, b""
            entry.status = status
            self.send_response(status)
            if status != 304:
                headers.setdefault("Content-Type", page.content_type)
            for key, value in headers.items():
                self.send_header(key, value)
            if status != 304:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            entry.sent = len(body)

        def reset(self, entry: Logged) -> None:
            """Close the connection with a TCP RST, answering nothing."""
            entry.status = -1
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True

        def stall(self, entry: Logged, seconds: float) -> None:
            """Send headers and a little body, then go quiet for `seconds`, then hang up."""
            entry.status = 200
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.write(b"<html><body><p>")
            self.wfile.flush()
            time.sleep(seconds)
            self.close_connection = True

        def flood(self, entry: Logged, total: int, chunk: int = 65536) -> None:
            """Chunked body of up to `total` bytes; stops when the client goes away."""
            entry.status = 200
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            block = b"<p>" + b"x" * (chunk - 7) + b"</p>"
            try:
                while entry.sent < total:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(block), block))
                    entry.sent += len(block)
                self.wfile.write(b"0\r\n\r\n")
            except OSError:
                pass
            self.close_connection = True

    return _Handler


def gzip_bomb(size: int) -> bytes:
    """`size` bytes of spaces, gzip-compressed (about 1000 times smaller)."""
    return gzip.compress(b" " * size, compresslevel=9)


def article_html(title: str, paragraphs: list[str], *, charset: str = "utf-8", lang: str = "ar",
                 meta_charset: bool = True, links: list[str] = ()) -> bytes:
    """A news-like page: navigation, the article, a footer."""
    meta = f'<meta charset="{charset}">' if meta_charset else ""
    nav = "".join(f'<li><a href="{u}">{u}</a></li>' for u in links)
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    html = (f'<!DOCTYPE html><html lang="{lang}"><head>{meta}<title>{title}</title></head><body>'
            f'<header><nav><ul>{nav}</ul></nav></header>'
            f'<main><article><h1>{title}</h1>{body}</article></main>'
            f'<footer><p>© site footer</p></footer></body></html>')
    return html.encode(charset)
