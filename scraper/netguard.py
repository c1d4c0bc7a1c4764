"""Keep the crawler on the public web: refuse private, loopback and link-local targets.

The check runs twice: on the URL before a request (scheme, IP literals, ``localhost``)
and on every address a host name resolves to, inside the connection itself, so a DNS
answer that changes between check and connect (rebinding) cannot slip through: we
connect to the very address we checked.
"""

from __future__ import annotations

import ipaddress
import socket
import typing
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

import anyio
import httpcore

from archive.errors import BlockedURLError

Resolver = Callable[[str, int], Awaitable[list[str]]]

_ALLOWED_SCHEMES = ("http", "https")


def is_public_address(address: str) -> bool:
    """True for globally routable unicast addresses only."""
    try:
        ip = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return bool(ip.is_global) and not ip.is_multicast


def check_url(url: str, *, allow_private: bool) -> None:
    """Refuse URLs we must never fetch, before any connection.

    Raises:
        BlockedURLError: non-http(s) scheme, missing host, or (unless
            ``allow_private``) a private/loopback/link-local address or ``localhost``.
    """
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError as exc:
        raise BlockedURLError(f"invalid URL: {exc}", url=url, reason="invalid-url") from exc
    if parts.scheme.lower() not in _ALLOWED_SCHEMES:
        raise BlockedURLError(
            f"refused {parts.scheme or 'scheme-less'!s} URL: only http and https are fetched",
            url=url, reason="scheme",
        )
    if not host:
        raise BlockedURLError("URL has no host", url=url, reason="invalid-url")
    if allow_private:
        return
    if host == "localhost" or host.endswith((".localhost", ".local", ".internal")):
        raise BlockedURLError(
            f"refused private host {host} (set fetch.allow_private to crawl your own network)",
            url=url, reason="private-address",
        )
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return  # a name: checked again on the resolved addresses at connect time
    if not is_public_address(host):
        raise BlockedURLError(
            f"refused private address {host} (set fetch.allow_private to allow it)",
            url=url, reason="private-address",
        )


async def system_resolver(host: str, port: int) -> list[str]:
    """Resolve with the OS resolver, in a worker thread."""
    infos = await anyio.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """An httpcore network backend that resolves, checks, then connects to the checked IP."""

    def __init__(self, *, allow_private: bool, resolver: Resolver | None = None) -> None:
        self._allow_private = allow_private
        self._resolver = resolver or system_resolver
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            addresses = await self._resolver(host, port)
        except OSError as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
        if not addresses:
            raise httpcore.ConnectError(f"{host} has no address")
        if not self._allow_private:
            bad = [a for a in addresses if not is_public_address(a)]
            if bad:
                raise BlockedURLError(
                    f"refused {host}: resolves to non-public address {bad[0]} "
                    "(set fetch.allow_private to allow it)",
                    url=f"//{host}:{port}", reason="private-address",
                )
        return await self._inner.connect_tcp(
            addresses[0], port, timeout=timeout, local_address=local_address,
            socket_options=socket_options,
        )

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are not used by the crawler")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)
