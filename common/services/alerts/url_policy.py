"""Webhook URL policy: https only; no private, link-local or loopback targets in the cloud.

Local mode (a developer's laptop) additionally allows plain http to loopback so a receiver on
127.0.0.1 can be tested. Cloud mode resolves the host and checks every address it resolves to,
so a public name pointing at 10.x or at the metadata server is refused too.

`webhook_target` is what the sender uses: it resolves the host once and returns the addresses
it checked, and the sender connects to exactly those (DNS rebinding — a name answering a public
address to the check and 127.0.0.1 to the connection — has no second answer to give). IPv6
forms that carry an IPv4 address (IPv4-mapped `::ffff:a.b.c.d`, IPv4-translated, 6to4
`2002::/16`, NAT64 `64:ff9b::/96`) are judged by the IPv4 address inside them; the deprecated
IPv4-compatible `::a.b.c.d` and local-use NAT64 `64:ff9b:1::/48` are refused outright.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from common.services.alerts.errors import AlertConfigError

MAX_URL_LENGTH = 2048

Resolver = Callable[[str, int], list[str]]

_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")  # deprecated; includes :: and ::1
_IPV4_TRANSLATED = ipaddress.ip_network("::ffff:0:0:0/96")  # SIIT (RFC 6052/7915)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")  # well-known NAT64 prefix (RFC 6052)
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")  # local-use NAT64 (RFC 8215)


class UrlRefused(AlertConfigError):
    """The URL is not an acceptable webhook target."""


@dataclass(frozen=True)
class WebhookTarget:
    """An accepted URL and the addresses the sender must connect to (in this order)."""

    url: str
    host: str
    port: int
    addresses: tuple[str, ...]


def resolve_host(host: str, port: int) -> list[str]:
    """Every address the system resolver returns for host:port."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return sorted({info[4][0] for info in infos})


def check_webhook_url(url: str, local_mode: bool, resolve: Resolver = resolve_host) -> str:
    """Return `url` when it is an acceptable target; raise UrlRefused saying why not.

    Local mode checks the URL only (no DNS); cloud mode also resolves and checks addresses.
    """
    if local_mode:
        return _parse(url, local_mode)[0]
    return webhook_target(url, local_mode, resolve).url


def webhook_target(url: str, local_mode: bool, resolve: Resolver = resolve_host) -> WebhookTarget:
    """The URL checked and resolved once, for one delivery attempt; UrlRefused otherwise.

    In cloud mode every address must be public. Local mode resolves too (so the sender still
    connects to what was resolved here) but does not judge the addresses.
    """
    url, host, port = _parse(url, local_mode)
    try:
        addresses = tuple(resolve(host, port))
    except (OSError, UnicodeError):
        raise UrlRefused("host does not resolve") from None
    if not addresses:
        raise UrlRefused("host does not resolve")
    if not local_mode:
        for address in addresses:
            if not is_public_address(address):
                raise UrlRefused("host resolves to a private, loopback or reserved address")
    return WebhookTarget(url, host, port, addresses)


def _parse(url: str, local_mode: bool) -> tuple[str, str, int]:
    if not isinstance(url, str) or not url or len(url) > MAX_URL_LENGTH:
        raise UrlRefused("url must be a non-empty string of at most 2048 characters")
    url = url.strip()
    parts = urlsplit(url)
    scheme, host = parts.scheme.lower(), (parts.hostname or "")
    if scheme not in ("https", "http"):
        raise UrlRefused("webhook urls must use https")
    if not host:
        raise UrlRefused("url has no host")
    if parts.username or parts.password:
        raise UrlRefused("credentials in the url are not allowed; use the signing secret")
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        raise UrlRefused("url has an invalid port") from None
    if scheme == "http" and not (local_mode and _is_loopback_name(host)):
        raise UrlRefused(
            "webhook urls must use https (http is allowed only to loopback in local mode)"
        )
    return url, host, port


def is_public_address(address: str) -> bool:
    """True for a globally routable unicast address (IPv4 inside IPv6 judged as IPv4)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if ip.version == 6:
        if ip in _IPV4_COMPATIBLE or ip in _NAT64_LOCAL:
            return False
        translated = ip in _IPV4_TRANSLATED or ip in _NAT64
        mapped = ip.ipv4_mapped or (_low_ipv4(ip) if translated else None)
        if mapped is not None:  # the packets go to this IPv4 address
            return _is_public(mapped)
        # 6to4 and Teredo carry the IPv4 their packets reach: judge that, not the IPv6 form,
        # whose own flags differ between Python releases (3.11.2 calls 2002::/16 private,
        # 3.11.7 does not).
        if ip.sixtofour is not None:
            return _is_public(ip.sixtofour)
        if ip.teredo is not None:
            return all(_is_public(v4) for v4 in ip.teredo)
    return _is_public(ip)


def _low_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address:
    return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)


def _is_public(ip) -> bool:
    return ip.is_global and not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


def _is_loopback_name(host: str) -> bool:
    # No DNS here: only names that can only mean this machine, or loopback literals.
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
