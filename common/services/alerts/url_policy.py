"""Webhook URL policy: https only; no private, link-local or loopback targets in the cloud.

Local mode (a developer's laptop) additionally allows plain http to loopback so a receiver on
127.0.0.1 can be tested. Cloud mode resolves the host and checks every address it resolves to,
so a public name pointing at 10.x or at the metadata server is refused too.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from urllib.parse import urlsplit

from common.services.alerts.errors import AlertConfigError

MAX_URL_LENGTH = 2048

Resolver = Callable[[str, int], list[str]]


class UrlRefused(AlertConfigError):
    """The URL is not an acceptable webhook target."""


def resolve_host(host: str, port: int) -> list[str]:
    """Every address the system resolver returns for host:port."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return sorted({info[4][0] for info in infos})


def check_webhook_url(url: str, local_mode: bool, resolve: Resolver = resolve_host) -> str:
    """Return `url` when it is an acceptable target; raise UrlRefused saying why not."""
    if not isinstance(url, str) or not url or len(url) > MAX_URL_LENGTH:
        raise UrlRefused("url must be a non-empty string of at most 2048 characters")
    parts = urlsplit(url.strip())
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
    if local_mode:
        return url.strip()
    try:
        addresses = resolve(host, port)
    except (OSError, UnicodeError):
        raise UrlRefused("host does not resolve") from None
    if not addresses:
        raise UrlRefused("host does not resolve")
    for address in addresses:
        if not is_public_address(address):
            raise UrlRefused("host resolves to a private, loopback or reserved address")
    return url.strip()


def is_public_address(address: str) -> bool:
    """True for a globally routable unicast address."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None)
    if mapped is not None:
        ip = mapped
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
