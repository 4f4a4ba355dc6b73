"""Changing and removing users from the API (creation reuses `users.create_user`).

An admin manages users up to its own rank (an admin cannot touch or mint owners); nobody
changes, deactivates or deletes themselves. Deactivating a user revokes their refresh
tokens; their access tokens fail the per-request user check at once.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete, select, update

from common.db.schema import refresh_tokens, users
from common.db.uow import UnitOfWork
from common.services.audit_trail import record
from common.services.auth_types import Principal, outranks_or_equals


class UserNotFound(LookupError):
    """No such user in this customer (HTTP 404)."""


class UserForbidden(PermissionError):
    """The caller's role does not allow this (HTTP 403)."""


class UserConflict(ValueError):
    """The change is not allowed on this user (HTTP 409)."""


def _target(conn, actor: Principal, user_id: str):
    row = (
        conn.execute(
            select(users.c.id, users.c.role)
            .where(users.c.customer_id == actor.customer_id, users.c.id == user_id)
            .with_for_update()
        )
        .mappings()
        .first()
    )
    if row is None:
        raise UserNotFound("user not found")
    if str(row["id"]) == actor.user_id:
        raise UserConflict("you cannot change or delete your own account")
    if not outranks_or_equals(actor.role, row["role"]):
        raise UserForbidden("you cannot manage a user who outranks you")
    return row


def check_assignable(actor: Principal, role: str) -> None:
    """Callers may grant roles up to their own."""
    if not outranks_or_equals(actor.role, role):
        raise UserForbidden(f"your role cannot grant {role}")


def update_user(uow: UnitOfWork, actor: Principal, user_id: str, changes: dict) -> dict:
    """Apply `role` and/or `active`; returns the user."""
    if changes.get("role") is not None:
        check_assignable(actor, changes["role"])
    values = {k: changes[k] for k in ("role", "active") if changes.get(k) is not None}
    with uow.transaction(actor.customer_id) as conn:
        _target(conn, actor, user_id)
        if values:
            conn.execute(update(users).where(users.c.id == user_id).values(**values))
        if values.get("active") is False:
            conn.execute(
                update(refresh_tokens)
                .where(refresh_tokens.c.user_id == user_id, refresh_tokens.c.revoked_at.is_(None))
                .values(revoked_at=datetime.now(UTC))
            )
        record(conn, actor.customer_id, actor.actor, "user.updated", "user", user_id, values)
        row = conn.execute(
            select(users.c.id, users.c.email, users.c.role, users.c.active, users.c.created_at)
            .where(users.c.id == user_id)
        ).mappings().one()  # fmt: skip
    return dict(row)


def delete_user(uow: UnitOfWork, actor: Principal, user_id: str) -> None:
    """Delete a user (their refresh tokens go with them); audited."""
    with uow.transaction(actor.customer_id) as conn:
        row = _target(conn, actor, user_id)
        conn.execute(delete(users).where(users.c.id == user_id))
        details = {"role": row["role"]}
        record(conn, actor.customer_id, actor.actor, "user.deleted", "user", user_id, details)
