"""Token issue, refresh-token rotation with family revocation, and logout (SPEC §6).

Refresh tokens rotate: each use marks its row used and issues the next one in the same
family; presenting a used or revoked one again revokes the whole family (a stolen token and
its legitimate twin both stop working). Refusals are decided in a transaction that commits
(revocations, audit) before the caller turns them into a 401.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from common.db.schema import refresh_tokens, revoked_tokens, users
from common.db.uow import UnitOfWork
from common.services.audit_trail import record
from common.services.auth_types import (
    ACCESS_TTL_SECONDS,
    REFRESH_TTL_SECONDS,
    AuthFailed,
    TokenError,
    TokenPair,
)


def issue_tokens(conn: Connection, codec, user_id: str, customer_id: str, role: str, family):
    """A new access token and a refresh token recorded in `family` (in the tenant's tx)."""
    now = datetime.now(UTC)
    refresh_jti = uuid.uuid4()
    conn.execute(
        insert(refresh_tokens).values(
            jti=refresh_jti,
            customer_id=customer_id,
            user_id=user_id,
            family_id=family,
            issued_at=now,
            expires_at=now + timedelta(seconds=REFRESH_TTL_SECONDS),
        )
    )
    access, _ = codec.issue("access", user_id, customer_id, ACCESS_TTL_SECONDS, role=role)
    refresh_token, _ = codec.issue(
        "refresh", user_id, customer_id, REFRESH_TTL_SECONDS, jti=str(refresh_jti), fam=str(family)
    )
    return TokenPair(access, refresh_token)


def verified(codec, token: str, typ: str) -> dict:
    """The token's claims; AuthFailed (401) when the codec refuses it."""
    try:
        return codec.verify(token, typ)
    except TokenError as exc:
        raise AuthFailed(str(exc)) from None


def refresh(uow: UnitOfWork, codec, token: str) -> TokenPair:
    """Rotate a refresh token; reuse of a rotated/revoked one revokes its family (then 401)."""
    claims = verified(codec, token, "refresh")
    with uow.transaction(claims["cus"]) as conn:
        outcome = _rotate(conn, codec, claims)
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


def _rotate(conn: Connection, codec, claims: dict):
    row = conn.execute(
        select(refresh_tokens).where(refresh_tokens.c.jti == claims["jti"]).with_for_update()
    ).first()
    if row is None or str(row.user_id) != claims["sub"]:
        return AuthFailed("invalid refresh token")
    actor = f"user:{row.user_id}"
    if row.used_at is not None or row.revoked_at is not None:
        revoked = revoke_family(conn, row.family_id)
        record(
            conn, claims["cus"], actor, "auth.refresh_reuse", "token_family", row.family_id,
            {"revoked": revoked},
        )  # fmt: skip
        return AuthFailed("refresh token already used; its session has been revoked")
    if row.expires_at <= datetime.now(UTC):
        return AuthFailed("refresh token expired")
    user = conn.execute(
        select(users.c.role, users.c.active).where(users.c.id == row.user_id)
    ).first()
    if user is None or not user.active:
        revoke_family(conn, row.family_id)
        return AuthFailed("invalid refresh token")
    conn.execute(
        update(refresh_tokens)
        .where(refresh_tokens.c.jti == row.jti)
        .values(used_at=datetime.now(UTC))
    )
    pair = issue_tokens(conn, codec, str(row.user_id), claims["cus"], user.role, row.family_id)
    record(conn, claims["cus"], actor, "auth.refresh", "token_family", row.family_id)
    return pair


def revoke_family(conn: Connection, family_id) -> int:
    """Revoke every live refresh token of a family; return how many."""
    return conn.execute(
        update(refresh_tokens)
        .where(refresh_tokens.c.family_id == family_id, refresh_tokens.c.revoked_at.is_(None))
        .values(revoked_at=datetime.now(UTC))
    ).rowcount


def logout(uow: UnitOfWork, codec, access_token: str | None, refresh_token: str | None) -> None:
    """Revoke the access token's jti and the refresh token's whole family (both when given)."""
    access = verified(codec, access_token, "access") if access_token else None
    fresh = verified(codec, refresh_token, "refresh") if refresh_token else None
    if not access and not fresh:
        raise AuthFailed("send the access token (Authorization) and/or the refresh token")
    if access and fresh and access["sub"] != fresh["sub"]:
        raise AuthFailed("the tokens belong to different users")
    who = access or fresh
    actor = f"user:{who['sub']}"
    with uow.transaction(who["cus"]) as conn:
        if access:
            conn.execute(
                pg_insert(revoked_tokens)
                .values(jti=access["jti"], expires_at=datetime.fromtimestamp(access["exp"], UTC))
                .on_conflict_do_nothing(index_elements=["jti"])
            )
            record(conn, who["cus"], actor, "auth.token_revoked", "token", access["jti"])
            # Revocations only matter until the token would have expired anyway.
            conn.execute(delete(revoked_tokens).where(revoked_tokens.c.expires_at < func.now()))
        if fresh:
            family = conn.execute(
                select(refresh_tokens.c.family_id).where(refresh_tokens.c.jti == fresh["jti"])
            ).scalar()
            if family is not None:
                revoke_family(conn, family)
                record(conn, who["cus"], actor, "auth.logout", "token_family", family)
