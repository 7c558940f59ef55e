"""Which addresses a discovered URL may point at: no private, loopback or metadata hosts."""

from __future__ import annotations

import ipaddress
import socket

# Cloud metadata services answer on link-local or well-known private addresses.
METADATA_HOSTS = frozenset({"metadata.google.internal", "metadata", "instance-data"})


class UnsafeAddress(Exception):
    """The URL resolves to an address the pipeline must not fetch from."""


def check_address(host: str, port: int) -> None:
    """Raise UnsafeAddress if `host` is, or resolves to, a non-public address."""
    if host.lower().rstrip(".") in METADATA_HOSTS:
        raise UnsafeAddress(f"{host} is a cloud metadata host; refusing to fetch it")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        return  # the request itself will fail to resolve, as a transient connection error
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if not address.is_global or address.is_multicast:
            raise UnsafeAddress(
                f"{host} resolves to {address}, a private, loopback or link-local address; "
                "set 'allow_private: true' on the source to fetch it anyway"
            )
