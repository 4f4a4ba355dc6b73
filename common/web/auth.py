"""JWT (HS256 only) with key ids for rotation, and the authenticated principal.

Access tokens live 15 minutes, refresh tokens 7 days (SPEC §6). Refresh tokens are JWTs with
`typ: refresh` whose `jti` is a `refresh_tokens` row; the row, not the JWT, decides validity.
"""

from __future__ import annotations

import os
import secrets
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import jwt

from common.services.auth_types import (
    ACCESS_TTL_SECONDS,
    REFRESH_TTL_SECONDS,
    ROLE_RANK,
    TokenError,
)

ALGORITHM = "HS256"
MIN_KEY_BYTES = 32
_REQUIRED = ["sub", "cus", "iat", "nbf", "exp", "jti", "iss", "aud", "typ"]
# The longest life each token type is issued with (SPEC §6): a token claiming more is forged.
LIFETIMES = {"access": ACCESS_TTL_SECONDS, "refresh": REFRESH_TTL_SECONDS}


class KeyConfigError(ValueError):
    """The JWT key settings are unusable (too short, malformed, missing in cloud)."""


@dataclass(frozen=True)
class KeyRing:
    """Signing keys by kid; the first signs, all verify (rotation)."""

    keys: tuple[tuple[str, bytes], ...]

    @classmethod
    def parse(cls, spec: str) -> KeyRing:
        """From "kid1:secret1,kid2:secret2"; every secret must be at least 32 bytes."""
        keys = []
        for item in (part.strip() for part in spec.split(",")):
            kid, sep, secret = item.partition(":")
            if not item or not sep or not kid or not secret:
                raise KeyConfigError("JWT keys must look like kid:secret[,kid:secret]")
            if len(secret.encode()) < MIN_KEY_BYTES:
                raise KeyConfigError(f"JWT key {kid!r} is shorter than {MIN_KEY_BYTES} bytes")
            keys.append((kid, secret.encode()))
        if not keys:
            raise KeyConfigError("no JWT keys configured")
        return cls(tuple(keys))

    @property
    def signing(self) -> tuple[str, bytes]:
        """(kid, key) used for new tokens."""
        return self.keys[0]

    def get(self, kid: object) -> bytes | None:
        """The key for `kid`, or None."""
        return next((key for k, key in self.keys if k == kid), None)


def load_key_ring(settings, allow_key_file: bool) -> KeyRing:
    """Settings.jwt_keys; when unset and `allow_key_file` (the local default), a random key
    kept in $UPSTREAM_HOME/jwt.key."""
    if settings.jwt_keys:
        return KeyRing.parse(settings.jwt_keys)
    if not allow_key_file:
        raise KeyConfigError("JWT_KEYS must be set in cloud mode (from Secret Manager)")
    path = Path(settings.home) / "jwt.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        spec = f"local-{secrets.token_hex(4)}:{secrets.token_urlsafe(48)}"
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as out:
                out.write(spec)
        except FileExistsError:
            pass  # another process made it first; use theirs
    return KeyRing.parse(path.read_text().strip())


class TokenCodec:
    """Issues and verifies our JWTs."""

    def __init__(self, ring: KeyRing, issuer: str, audience: str, leeway: int = 5) -> None:
        self.ring = ring
        self.issuer = issuer
        self.audience = audience
        self.leeway = leeway

    def issue(self, typ: str, sub: str, cus: str, ttl: int, **extra) -> tuple[str, dict]:
        """A signed token of type `typ` and its claims (a fresh jti unless given)."""
        now = int(time.time())
        claims = {
            "sub": str(sub),
            "cus": str(cus),
            "iat": now,
            "nbf": now,
            "exp": now + ttl,
            "jti": str(extra.pop("jti", None) or uuid.uuid4()),
            "iss": self.issuer,
            "aud": self.audience,
            "typ": typ,
            **extra,
        }
        kid, key = self.ring.signing
        token = jwt.encode(claims, key, algorithm=ALGORITHM, headers={"kid": kid})
        return token, claims

    def verify(self, token: str, typ: str) -> dict:
        """The claims of a valid token of type `typ`; TokenError otherwise."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError:
            raise TokenError("malformed token") from None
        if header.get("alg") != ALGORITHM:
            raise TokenError("unsupported token algorithm")
        key = self.ring.get(header.get("kid"))
        if key is None:
            raise TokenError("unknown token key id")
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway,
                options={"require": _REQUIRED},
            )
        except jwt.ExpiredSignatureError:
            raise TokenError("token expired") from None
        except (jwt.InvalidTokenError, ValueError, TypeError, OverflowError):
            # PyJWT calls int() on the time claims: "exp": Infinity raises OverflowError.
            raise TokenError("invalid token") from None
        if claims.get("typ") != typ:
            raise TokenError("wrong token type")
        _check_times(claims, LIFETIMES[typ])
        _check_ids(claims)
        role = claims.get("role")
        if typ == "access" and not (isinstance(role, str) and role in ROLE_RANK):
            raise TokenError("invalid token")
        return claims


def _check_times(claims: dict, lifetime: int) -> None:
    # PyJWT takes int(exp), so "exp": "99999999999" or 10**30 would pass its checks. We only
    # issue integer times with exp - iat equal to the type's lifetime, and nbf = iat.
    times = [claims[name] for name in ("iat", "nbf", "exp")]
    if not all(type(t) is int for t in times):  # not bool, float or str
        raise TokenError("invalid token")
    iat, nbf, exp = times
    if not (0 < iat <= nbf < exp <= iat + lifetime):
        raise TokenError("invalid token")


def _check_ids(claims: dict) -> None:
    # The canonical form only: uuid.UUID also takes "{...}" and "urn:uuid:...", which the
    # database's uuid type does not all read.
    for name in ("sub", "cus", "jti"):
        value = claims[name]
        try:
            canonical = isinstance(value, str) and str(uuid.UUID(value)) == value.lower()
        except ValueError:
            canonical = False
        if not canonical:
            raise TokenError("invalid token")
