"""Sets of hosts: the hosts and domains a crawl may fetch from, and those the user named
(whose private addresses the address guard lets through)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

import idna


def host_key(host: str) -> str:
    """A host name as compared: lower-case ASCII (IDNA), no trailing dot, an IPv6
    address without brackets."""
    host = host.strip().strip("[]").rstrip(".").lower()
    if host.isascii():
        return host
    try:
        return idna.encode(host, uts46=True).decode("ascii")
    except idna.IDNAError:
        return host


def url_host(url: str) -> str:
    """The compared host of a URL ("" when it has none or it cannot be parsed)."""
    try:
        return host_key(urlsplit(url).hostname or "")
    except ValueError:
        return ""


@dataclass(frozen=True)
class HostSet:
    """Hosts named exactly, domains covering their subdomains too, or every host."""

    hosts: frozenset[str] = frozenset()
    domains: frozenset[str] = frozenset()
    any_host: bool = False

    @classmethod
    def of(cls, *, urls: Iterable[str] = (), hosts: Iterable[str] = (),
           domains: Iterable[str] = (), any_host: bool = False) -> HostSet:
        """The set of the hosts of `urls`, the `hosts` and the `domains` (normalised)."""
        named = {url_host(u) for u in urls} | {host_key(h) for h in hosts}
        return cls(frozenset(named - {""}), frozenset({host_key(d) for d in domains} - {""}),
                   any_host)

    def __or__(self, other: HostSet) -> HostSet:
        return HostSet(self.hosts | other.hosts, self.domains | other.domains,
                       self.any_host or other.any_host)

    def covers(self, host: str) -> bool:
        """True when the host is in the set (a domain covers its subdomains)."""
        if self.any_host:
            return True
        host = host_key(host)
        if not host:
            return False
        if host in self.hosts or host in self.domains:
            return True
        return any(host.endswith("." + d) for d in self.domains)

    def covers_url(self, url: str) -> bool:
        """True when the URL's host is in the set."""
        return self.any_host or self.covers(url_host(url))
