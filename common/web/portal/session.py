"""The portal's browser session: cookies holding the API's own tokens, and CSRF tokens.

The session is the API's token pair in two `Secure; HttpOnly; SameSite=Strict` cookies. The
access token (15 minutes) is verified on every request exactly as a bearer token is, and its
user and jti are checked against the database (auth.principal_for), so sign-out, a role change
or a deactivation takes effect on the next page. When it has expired, the refresh token
rotates through the same service as POST /v1/auth/refresh (a reused one revokes its family).

CSRF: a signed double-submit token. A random value lives in its own HttpOnly cookie; every
form carries HMAC(key, value) in a hidden field, and a POST whose field does not match its
cookie is refused with 403. SameSite=Strict already keeps other sites' requests from carrying
the cookies; the token also covers the sign-in form (login CSRF), before any session exists.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field

ACCESS_COOKIE = "upstream_session"
REFRESH_COOKIE = "upstream_refresh"
CSRF_COOKIE = "upstream_csrf"
CSRF_FIELD = "csrf_token"
_CSRF_CONTEXT = b"upstream-portal-csrf\x00"


@dataclass
class CookieJar:
    """Cookies to set (value) or clear (None) on the response, all with the strict flags."""

    path: str
    changes: dict[str, str | None] = field(default_factory=dict)

    def set(self, name: str, value: str) -> None:
        """Set a session cookie (no Max-Age: closing the browser ends the session)."""
        self.changes[name] = value

    def clear(self, name: str) -> None:
        """Expire a cookie."""
        self.changes[name] = None

    def apply(self, response) -> None:
        """Write every change as a Set-Cookie header."""
        for name, value in self.changes.items():
            response.set_cookie(
                name,
                value or "",
                max_age=0 if value is None else None,
                path=self.path,
                secure=True,
                httponly=True,
                samesite="Strict",
            )


def csrf_key(codec) -> bytes:
    """The HMAC key for CSRF tokens: derived from the JWT signing key (rotates with it)."""
    _kid, key = codec.ring.signing
    return hashlib.sha256(_CSRF_CONTEXT + key).digest()


def new_csrf_value() -> str:
    """A fresh random value for the CSRF cookie."""
    return secrets.token_urlsafe(32)


def csrf_token(key: bytes, cookie_value: str) -> str:
    """The form token for a CSRF cookie value."""
    return hmac.new(key, cookie_value.encode(), hashlib.sha256).hexdigest()


def csrf_ok(key: bytes, cookie_value: str | None, submitted: str | None) -> bool:
    """Whether a submitted form token matches the CSRF cookie (constant-time)."""
    if not cookie_value or not submitted:
        return False
    return hmac.compare_digest(csrf_token(key, cookie_value), submitted)


def store_tokens(jar: CookieJar, pair) -> None:
    """Put a new token pair in the session cookies."""
    jar.set(ACCESS_COOKIE, pair.access_token)
    jar.set(REFRESH_COOKIE, pair.refresh_token)


def end_session(jar: CookieJar) -> None:
    """Clear the session cookies and rotate the CSRF value (no token outlives a session)."""
    jar.clear(ACCESS_COOKIE)
    jar.clear(REFRESH_COOKIE)
    jar.set(CSRF_COOKIE, new_csrf_value())
