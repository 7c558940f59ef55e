"""Which addresses a URL may point at, checked by name before a request and by peer on connect.

Three reaches: `public` for URLs found in sitemaps and feeds (only globally
routable addresses), `private` for URLs a person wrote into sources.yaml
(private networks and loopback too, but never link-local or cloud-metadata
addresses, which no article lives on and which a redirect could aim at), and
`any` for sources with `allow_private: true`. The name check gives a clear
message before any packet is sent; the peer check on every new connection
closes the gap where DNS answers differently the second time (rebinding).
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Literal

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

Reach = Literal["public", "private", "any"]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Cloud metadata services: by name, and the addresses outside link-local they answer on
# (Alibaba Cloud's is in the shared 100.64/10 range, AWS's IPv6 one is a unique-local address).
METADATA_HOSTS = frozenset({"metadata.google.internal", "metadata", "instance-data"})
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a) for a in ("169.254.169.254", "100.100.100.200", "fd00:ec2::254")
)
ALLOW_HINT = "set 'allow_private: true' on the source to fetch it anyway"


class UnsafeAddress(Exception):
    """The URL resolves to an address the pipeline must not fetch from."""

    def __init__(self, message: str, discovered: bool = False):
        super().__init__(message)
        self.discovered = discovered  # refused only because a sitemap or feed named it

    def explain(self, sources_file: str) -> str:
        """The message, naming the file a URL is written in to be fetched from such an address."""
        if not self.discovered:
            return str(self)
        return (
            f"{self}, and the URL was found in a sitemap or feed rather than written in "
            f"{sources_file}; {ALLOW_HINT}"
        )


def reach_for(allow_private: bool, discovered: bool) -> Reach:
    """The reach of a URL: written in the sources file or discovered, and the source's permission."""
    if allow_private:
        return "any"
    return "public" if discovered else "private"


def check_address(host: str, port: int, reach: Reach = "public") -> None:
    """Raise UnsafeAddress if `host` is, or resolves to, an address outside `reach`."""
    if reach == "any":
        return
    if host.lower().rstrip(".") in METADATA_HOSTS:
        raise UnsafeAddress(f"{host} is a cloud metadata host; refusing to fetch it")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return  # the request itself will fail to resolve, as a transient connection error
    for info in infos:
        check_ip(str(info[4][0]), host, reach)


def check_ip(ip: str, host: str, reach: Reach) -> None:
    """Raise UnsafeAddress if the address `host` resolved to is outside `reach`."""
    if reach == "any":
        return
    address = _unmapped(ipaddress.ip_address(ip.split("%")[0]))
    subject = f"{host} is" if host.strip("[]") == str(address) else f"{host} resolves to {address},"
    if address in METADATA_ADDRESSES:
        raise UnsafeAddress(f"{subject} a cloud metadata address; refusing to fetch it")
    if address.is_link_local or address.is_multicast or address.is_unspecified:
        raise UnsafeAddress(
            f"{subject} a link-local, multicast or unspecified address; {ALLOW_HINT}"
        )
    if reach == "public" and not address.is_global:
        raise UnsafeAddress(f"{subject} a private, loopback or reserved address", discovered=True)


def _unmapped(address: IPAddress) -> IPAddress:
    # ::ffff:127.0.0.1 reaches 127.0.0.1; judge it as the IPv4 address it carries.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def guarded_adapter(reach: Reach, pool_size: int) -> HTTPAdapter:
    """A requests adapter whose every new connection checks the peer address against `reach`."""
    if reach == "any":
        return HTTPAdapter(pool_connections=pool_size, pool_maxsize=pool_size, max_retries=0)
    return _GuardedAdapter(reach, pool_connections=pool_size, pool_maxsize=pool_size, max_retries=0)


def _guard(base: type[HTTPConnection], reach: Reach) -> type[HTTPConnection]:
    class Guarded(base):  # type: ignore[valid-type, misc]
        def _new_conn(self):  # type: ignore[no-untyped-def]
            sock = super()._new_conn()
            try:
                check_ip(sock.getpeername()[0], self.host, reach)
            except UnsafeAddress:
                sock.close()
                raise
            return sock

    return Guarded


class _GuardedAdapter(HTTPAdapter):
    def __init__(self, reach: Reach, **kwargs: int) -> None:
        self.reach: Reach = reach
        super().__init__(**kwargs)  # type: ignore[arg-type]

    def init_poolmanager(self, *args: object, **kwargs: object) -> None:
        super().init_poolmanager(*args, **kwargs)  # type: ignore[arg-type]
        http = type("GuardedHTTPPool", (HTTPConnectionPool,), {})
        http.ConnectionCls = _guard(HTTPConnection, self.reach)
        https = type("GuardedHTTPSPool", (HTTPSConnectionPool,), {})
        https.ConnectionCls = _guard(HTTPSConnection, self.reach)
        self.poolmanager.pool_classes_by_scheme = {"http": http, "https": https}
