"""Requests the registry makes to addresses someone else chose (webhook receivers), without SSRF.

A receiver URL is refused when its host resolves to an address the registry must never be
steered to: loopback, link-local (the cloud metadata service at 169.254.169.254), private,
shared (CGNAT, 100.64.0.0/10), multicast, reserved or unspecified, unless the network is listed
in WEBHOOK_ALLOWED_NETWORKS (an operator's own internal receiver). The check is made when the
URL is saved and again when sending, and the request then connects to the very address that was
checked (the Host header and TLS name stay the URL's), so a DNS answer that changes between
the check and the connection (DNS rebinding) does not help.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

SHARED_ADDRESS_SPACE = ipaddress.ip_network("100.64.0.0/10")  # CGNAT: neither private nor global to ipaddress


class UnsafeDestination(ValueError):
    """The URL may not be called: its scheme, or an address its host resolves to, is refused."""


@dataclass(frozen=True)
class Destination:
    scheme: str
    host: str
    port: int
    address: str
    target: str  # path and query, as sent in the request line


def _allowed_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(cidr, strict=False) for cidr in settings.WEBHOOK_ALLOWED_NETWORKS]


def address_is_public(address: str) -> bool:
    """Whether a request may go to this IP address."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if any(ip in network for network in _allowed_networks()):
        return True
    refused = (
        ip.is_loopback
        or ip.is_link_local
        or ip.is_private
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or (ip.version == 4 and ip in SHARED_ADDRESS_SPACE)
        or not ip.is_global
    )
    return not refused


def destination_check(url: str) -> Destination:
    """Parse and resolve `url`; return where to connect, or raise UnsafeDestination (with a generic reason)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    allowed = ("https",) if settings.WEBHOOK_REQUIRE_HTTPS else ("https", "http")
    if scheme not in allowed:
        raise UnsafeDestination("Give an https URL." if scheme == "http" else "Give an http or https URL.")
    if not parts.hostname or parts.username or parts.password:
        raise UnsafeDestination("Give a URL with a host name and no user name or password.")
    try:
        port = parts.port or (443 if scheme == "https" else 80)
        answers = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (OSError, ValueError, UnicodeError):
        raise UnsafeDestination("The receiver's host name does not resolve.") from None
    addresses = sorted({answer[4][0] for answer in answers})
    if not addresses or not all(address_is_public(address) for address in addresses):
        raise UnsafeDestination("The receiver's address is not a public internet address.")
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Destination(scheme=scheme, host=parts.hostname, port=port, address=addresses[0], target=target)


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, destination: Destination, timeout: float):
        super().__init__(destination.host, destination.port, timeout=timeout)
        self._address = destination.address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, destination: Destination, timeout: float):
        super().__init__(destination.host, destination.port, timeout=timeout)
        self._address = destination.address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post_pinned(destination: Destination, body: bytes, headers: dict[str, str], *, timeout: float) -> int:
    """POST to the checked address (never following redirects); return the status code. Raises OSError."""
    connection_class = _PinnedHTTPSConnection if destination.scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(destination, timeout)
    try:
        connection.request("POST", destination.target, body=body, headers=headers)
        return connection.getresponse().status
    except http.client.HTTPException as error:
        raise OSError(str(error)) from None
    finally:
        connection.close()
