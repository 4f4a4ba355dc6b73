"""Login with shared throttling, and per-request authentication of bearer tokens (SPEC §6).

Failed logins are throttled per account and per client IP in Postgres (`throttle`); the
counters and the audit event commit before the caller turns a refusal into 401/429.
"""

from __future__ import annotations

import secrets
import uuid
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import text

from common.db.queries import sql
from common.db.uow import UnitOfWork, set_tenant
from common.services import throttle
from common.services.audit_trail import record
from common.services.auth_types import AuthFailed, Principal, Throttled, TokenPair
from common.services.sessions import issue_tokens, verified

_hasher = PasswordHasher()


@cache
def _dummy_hash() -> str:
    # Verified for unknown accounts so a miss costs as long as a wrong password.
    return _hasher.hash(secrets.token_urlsafe(24))


def _password_ok(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return False


def login(uow: UnitOfWork, codec, email: str, password: str, client_ip: str) -> TokenPair:
    """Tokens for valid credentials; AuthFailed or Throttled otherwise (failures committed)."""
    keys = throttle.login_keys(email, client_ip)
    with uow.transaction() as conn:
        throttle.lock_keys(conn, keys)
        wait = throttle.login_retry_after(conn, keys)
        if wait:
            record(conn, None, f"ip:{client_ip}", "auth.login_throttled", details={"wait": wait})
            outcome: TokenPair | Exception = Throttled(wait)
        else:
            outcome = _check_credentials(conn, codec, email, password, client_ip, keys)
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


def _check_credentials(conn, codec, email, password, client_ip, keys):
    user = conn.execute(
        text("SELECT * FROM auth_user_by_email(:e)"), {"e": email.strip().lower()}
    ).first()
    ok = _password_ok(user.password_hash if user else None, password)
    if not (ok and user and user.active):
        throttle.record_login_failure(conn, keys)
        reason = "unknown_account" if not user else ("inactive" if ok else "bad_password")
        actor = f"user:{user.id}" if user else f"ip:{client_ip}"
        customer = str(user.customer_id) if user else None
        details = {"ip": client_ip, "reason": reason}
        record(conn, customer, actor, "auth.login_failed", details=details)
        return AuthFailed("invalid email or password")
    throttle.clear_login_failures(conn, keys[0])
    set_tenant(conn, str(user.customer_id))
    pair = issue_tokens(conn, codec, str(user.id), str(user.customer_id), user.role, uuid.uuid4())
    record(conn, str(user.customer_id), f"user:{user.id}", "auth.login", details={"ip": client_ip})
    return pair


def authenticate(uow: UnitOfWork, codec, token: str) -> Principal:
    """The principal behind a bearer access token; AuthFailed when refused."""
    claims = verified(codec, token, "access")
    with uow.transaction(claims["cus"]) as conn:
        return principal_for(conn, claims)


def principal_for(conn, claims: dict) -> Principal:
    """Check verified access-token claims against the database, in the tenant's transaction.

    The user must still exist and be active, and the jti must not be revoked.
    """
    row = conn.execute(
        sql("api_auth_principal"),
        {"jti": claims["jti"], "user_id": claims["sub"], "customer_id": claims["cus"]},
    ).first()
    if row is None or not row.active:
        raise AuthFailed("invalid token")
    if row.revoked:
        raise AuthFailed("token revoked")
    # Authorisation uses the role stored now: a demotion takes effect before the token expires.
    return Principal(
        user_id=claims["sub"],
        customer_id=claims["cus"],
        role=row.role,
        email=row.email,
        jti=claims["jti"],
        exp=int(claims["exp"]),
    )
