"""One HTTP request and its response as they went over the wire (or came out of the
cache): what the WARC writer archives."""

from __future__ import annotations

from dataclasses import dataclass

Headers = tuple[tuple[bytes, bytes], ...]


@dataclass(frozen=True)
class Exchange:
    """A request and the response whose body was read in full."""

    url: str                  # the URL asked for (before redirects)
    request_url: str          # this hop's URL
    method: str
    request_headers: Headers
    http_version: str         # "HTTP/1.1"
    status: int
    reason: str
    response_headers: Headers  # as received
    body: bytes               # as received: content coding kept, transfer coding undone
    date: str                 # when the response was received: ISO 8601, UTC
    cache: str | None = None  # None: from the network; "revalidated" (a 304 answered by the
                              # cache), "cache" (answered by the cache alone: fresh, offline)
