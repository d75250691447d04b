"""Requests the server makes on a user's behalf (alert webhooks, evidence captures) go only to
public addresses: a URL that resolves to loopback, a private or link-local network (cloud
metadata at 169.254.169.254 included) or any other non-global address is refused after DNS
resolution, so the server cannot be turned against internal services (SSRF).

An administrator can allow named hosts or networks through the environment variable
FOREWARN_OUTBOUND_ALLOW (comma-separated host names and CIDR blocks, e.g.
`alerts.internal,10.20.0.0/16`) for a webhook receiver inside their own network.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from forewarn.settings import Settings

ALLOW_ENV = "FOREWARN_OUTBOUND_ALLOW"  # settings.outbound_allow



class OutboundRefused(ValueError):
    """The URL may not be requested by the server (the message says why)."""


def allow_list() -> tuple[set[str], list]:
    hosts, nets = set(), []

    # Read afresh (not the cached settings): an administrator's change applies without restart.
    for item in Settings().outbound_allow.split(","):
        item = item.strip().lower()
        if not item:
            continue
        try:
            nets.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            hosts.add(item)
    return hosts, nets


def check_url(url: str, allow_private: bool = False) -> list[str]:
    """The addresses URL's host resolves to, all public (or allow-listed); OutboundRefused
    otherwise. Only http and https."""
    parts = urlsplit((url or "").strip())
    if parts.scheme not in ("http", "https"):
        raise OutboundRefused(f"only http and https URLs are allowed (got "
                              f"{parts.scheme or '?'}:)")
    host = (parts.hostname or "").lower()
    if not host:
        raise OutboundRefused(f"no host in URL {url!r}")
    try:
        port = parts.port
    except ValueError:
        raise OutboundRefused(f"bad port in URL {url!r}") from None
    try:
        infos = socket.getaddrinfo(host, port or 0, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise OutboundRefused(f"cannot resolve {host}: {exc}") from None
    addresses = sorted({info[4][0] for info in infos})
    if allow_private:
        return addresses
    hosts, nets = allow_list()
    if host in hosts:
        return addresses
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if ip.is_global or any(ip in net for net in nets):
            continue
        raise OutboundRefused(f"{host} resolves to a non-public address ({ip}); the server "
                              f"does not send requests into internal networks (an "
                              f"administrator can allow it in {ALLOW_ENV})")
    return addresses
