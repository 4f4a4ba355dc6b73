"""Auth vocabulary shared by the services and the web layer: tokens, principals, refusals."""

from __future__ import annotations

from dataclasses import dataclass

TOKEN_TYPE = "Bearer"  # noqa: S105  # nosec B105 - the OAuth token type, not a secret
ACCESS_TTL_SECONDS = 15 * 60
REFRESH_TTL_SECONDS = 7 * 24 * 3600
ROLE_RANK = {"viewer": 0, "analyst": 1, "admin": 2, "owner": 3}


class TokenError(Exception):
    """A token that must be refused (401); the message is safe to show."""


class AuthFailed(Exception):
    """Credentials or token refused (401); the message is safe to show."""


class Throttled(Exception):
    """Too many attempts (429 with Retry-After)."""

    def __init__(self, retry_after: int, message: str = "too many failed logins; try later"):
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class TokenPair:
    """What POST /v1/auth/token and /refresh return."""

    access_token: str
    refresh_token: str
    expires_in: int = ACCESS_TTL_SECONDS
    refresh_expires_in: int = REFRESH_TTL_SECONDS


@dataclass(frozen=True)
class Principal:
    """Who is calling: from a verified token, checked against the users table."""

    user_id: str
    customer_id: str
    role: str
    email: str
    jti: str
    exp: int

    @property
    def actor(self) -> str:
        """How the audit trail names this caller."""
        return f"user:{self.user_id}"

    def at_least(self, role: str) -> bool:
        """True when this principal's role ranks at or above `role`."""
        return ROLE_RANK[self.role] >= ROLE_RANK[role]


def outranks_or_equals(role: str, other: str) -> bool:
    """True when `role` ranks at or above `other`."""
    return ROLE_RANK[role] >= ROLE_RANK[other]
