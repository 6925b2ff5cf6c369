"""URL canonicalisation: one article, one key, whatever tracking parameters or fragment."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from courlan import normalize_url


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, no default port, no fragment, no tracking parameters,
    query parameters sorted."""
    parts = urlsplit(url.strip())
    return normalize_url(urlunsplit(parts._replace(fragment="")), strict=True)


def site_of(url: str | None) -> str | None:
    """The host of a URL without a leading `www.`, or None."""
    if not url:
        return None
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.") or None
