"""Content-Encoding undone while streaming, with a cap on the decompressed size (a gzip
bomb never inflates past it)."""

from __future__ import annotations

import zlib

from ..errors import FetchError


class ContentDecoder:
    """Content-Encoding gzip/deflate undone chunk by chunk, never past `limit` bytes."""

    def __init__(self, url: str, encoding: str, limit: int) -> None:
        codings = [c.strip().lower() for c in encoding.split(",") if c.strip()]
        codings = [c for c in codings if c != "identity"]
        if len(codings) > 1 or (codings and codings[0] not in ("gzip", "x-gzip", "deflate")):
            raise FetchError(url, f"unsupported Content-Encoding {encoding!r}")
        self.url, self.limit, self.size = url, limit, 0
        self.deflate = codings == ["deflate"]
        self.zlib = zlib.decompressobj(47) if codings else None  # 47: gzip or zlib header
        self.started = False
        self.parts: list[bytes] = []

    def feed(self, data: bytes) -> None:
        """Take the next chunk as received; FetchError when it is corrupt or too big."""
        if self.zlib is None:
            self._add(data)
            return
        try:
            out = self.zlib.decompress(data, self.limit - self.size + 1)
        except zlib.error:
            if self.deflate and not self.started:  # raw deflate, no zlib header
                self.zlib = zlib.decompressobj(-15)
                self.deflate = False
                self.feed(data)
                return
            raise FetchError(self.url, "corrupt compressed body") from None
        self.started = True
        self._add(out)
        if self.zlib.unconsumed_tail:  # more output pending than the limit allows
            self._too_big()

    def _add(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > self.limit:
            self._too_big()
        self.parts.append(data)

    def _too_big(self) -> None:
        raise FetchError(self.url, f"decompressed body larger than {self.limit} bytes")

    def finish(self) -> bytes:
        """The whole decoded body, once the last chunk is fed."""
        if self.zlib is not None:
            try:
                self._add(self.zlib.flush())
            except zlib.error:
                raise FetchError(self.url, "corrupt compressed body") from None
        return b"".join(self.parts)


def gunzip(url: str, data: bytes, limit: int) -> bytes:
    """Decompress a gzip file (e.g. a `.xml.gz` sitemap), refusing to inflate past `limit`."""
    decoder = ContentDecoder(url, "gzip", limit)
    decoder.feed(data)
    return decoder.finish()
