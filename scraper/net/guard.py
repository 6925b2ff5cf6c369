"""The address guard: no connection to a loopback, private, link-local, unique-local or
unspecified address unless the user named its host.

A feed, a sitemap or a redirect may point anywhere; a crawler that follows them from a
server would otherwise fetch `http://169.254.169.254/...` or `http://10.0.0.5/admin` and
publish the answer. The guard sits at the bottom of the HTTP stack (an httpcore network
backend): it resolves the host itself, checks every address the name resolves to, and
connects to the checked address, so a name that answers differently between a check and
the connection (DNS rebinding) cannot slip through. Hosts the user named (a URL given on
the command line, a rule's domains and feed, sitemap and start URLs) are let through, as is
everything with `FetchSettings.allow_private`.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import ssl
from collections.abc import Awaitable, Callable, Iterable

import anyio
import httpcore
import httpx

from ..errors import AddressBlocked
from .hosts import HostSet

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# host, port -> the IP addresses (as strings) the name resolves to, in preference order.
Resolver = Callable[[str, int], Awaitable[list[str]]]

_UNIQUE_LOCAL = ipaddress.ip_network("fc00::/7")
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))


async def system_resolver(host: str, port: int) -> list[str]:
    """The addresses the system's resolver (getaddrinfo) gives for a host, in its order."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _embedded_v4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one stands for (IPv4-mapped, 6to4, NAT64), if any."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if any(ip in net for net in _NAT64):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def refusal(address: str | IPAddress) -> str | None:
    """Why the guard refuses an IP address ("loopback", "private", "link-local",
    "unique-local", "unspecified", "multicast", "reserved"), or None for a public one."""
    ip = ipaddress.ip_address(address) if isinstance(address, str) else address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.scope_id:
            return "link-local"
        inner = _embedded_v4(ip)
        if inner is not None:
            return refusal(inner)
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local"
    if isinstance(ip, ipaddress.IPv6Address) and ip in _UNIQUE_LOCAL:
        return "unique-local"
    if ip.is_multicast:
        return "multicast"
    if ip.is_private:
        return "private"
    if ip.is_reserved or not ip.is_global:  # 100.64.0.0/10 (shared), 240/4, ...
        return "reserved"
    return None


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """An httpcore network backend that refuses non-public addresses of hosts not `named`.

    `resolver` (default: the system's) turns every host name into addresses; `network`
    (default: httpcore's) opens the connections, to those addresses in turn. The addresses
    of a host `named` (of any host with `allow_private`) are not checked.
    """

    def __init__(self, named: HostSet = HostSet(), *, allow_private: bool = False,
                 resolver: Resolver | None = None,
                 network: httpcore.AsyncNetworkBackend | None = None) -> None:
        self.named, self.allow_private = named, allow_private
        self.resolver = resolver or system_resolver
        self.network = network or httpcore.AnyIOBackend()

    async def addresses(self, host: str, port: int, timeout: float | None) -> list[str]:
        """The addresses to connect to, each checked unless the host is trusted (named, or
        `allow_private`); AddressBlocked (with the host as its URL) when one is not public."""
        literal = _literal(host)
        if literal is not None:
            found = [str(literal)]
        else:
            try:
                with anyio.fail_after(timeout):
                    found = await self.resolver(host, port)
            except TimeoutError:
                raise httpcore.ConnectTimeout(f"resolving {host} timed out") from None
            except OSError as err:
                raise httpcore.ConnectError(f"cannot resolve {host}: {err}") from None
            if not found:
                raise httpcore.ConnectError(f"cannot resolve {host}: no address")
        if not (self.allow_private or self.named.covers(host)):
            for address in found:
                kind = refusal(address)
                if kind is not None:
                    where = address if host == address else f"{host} is {address}"
                    raise AddressBlocked(host, f"blocked: private address ({where}, {kind})",
                                         host=host, address=address)
        return found

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                          local_address: str | None = None,
                          socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
                          ) -> httpcore.AsyncNetworkStream:
        failure: Exception | None = None
        for address in await self.addresses(host, port, timeout):
            try:  # by address: the one checked is the one used
                return await self.network.connect_tcp(address, port, timeout, local_address,
                                                      socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as err:
                failure = err
        assert failure is not None
        raise failure

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
                                  ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are not used")

    async def sleep(self, seconds: float) -> None:
        await self.network.sleep(seconds)


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport over a connection pool whose connections go through a
    GuardedBackend (TLS is still checked against the host name, not the address)."""

    def __init__(self, backend: GuardedBackend, *, limits: httpx.Limits,
                 verify: ssl.SSLContext | bool = True) -> None:
        # AsyncHTTPTransport's own __init__ only builds `_pool`, which this one replaces.
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(verify=verify),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=backend,
        )

