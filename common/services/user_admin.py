"""Changing and removing users from the API (creation reuses `users.create_user`).

An admin manages users up to its own rank (an admin cannot touch or mint owners); nobody
changes, deactivates or deletes themselves. Deactivating a user revokes their refresh
tokens; their access tokens fail the per-request user check at once.

Every change runs in one transaction that first locks the customer row, so changes to one
tenant's users happen one after another. Inside that lock the change re-reads the caller
(the request checked the caller's role in an earlier transaction, which a concurrent change
may have made stale; 403 when it lost the rank) and refuses, with UserConflict (409), to leave
the tenant without an active owner: two owners demoting, deactivating or deleting each other
at the same moment cannot both succeed.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete, func, select, update

from common.db.schema import customers, refresh_tokens, users
from common.db.uow import UnitOfWork
from common.services.audit_trail import record
from common.services.auth_types import Principal, outranks_or_equals

OWNER = "owner"


class UserNotFound(LookupError):
    """No such user in this customer (HTTP 404)."""


class UserForbidden(PermissionError):
    """The caller's role does not allow this (HTTP 403)."""


class UserConflict(ValueError):
    """The change is not allowed on this user (HTTP 409)."""


def _lock_tenant(conn, customer_id: str) -> None:
    """Serialise user changes of one customer (the customer row is the tenant's lock)."""
    conn.execute(select(customers.c.id).where(customers.c.id == customer_id).with_for_update())


def _target(conn, actor: Principal, user_id: str):
    row = (
        conn.execute(
            select(users.c.id, users.c.role, users.c.active)
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


def _keep_an_owner(conn, customer_id: str, target, removes_owner: bool) -> None:
    """Refuse a change that would leave the customer without an active owner."""
    if not (removes_owner and target["role"] == OWNER and target["active"]):
        return
    remaining = conn.execute(
        select(func.count())
        .select_from(users)
        .where(
            users.c.customer_id == customer_id,
            users.c.role == OWNER,
            users.c.active.is_(True),
            users.c.id != target["id"],
        )
    ).scalar_one()
    if remaining == 0:
        raise UserConflict("the customer must keep at least one active owner")


def _current_role(conn, actor: Principal) -> str:
    """The caller's role now, under the tenant lock (not the request's earlier reading)."""
    row = (
        conn.execute(
            select(users.c.role, users.c.active).where(
                users.c.customer_id == actor.customer_id, users.c.id == actor.user_id
            )
        )
        .mappings()
        .first()
    )
    if row is None or not row["active"]:
        raise UserForbidden("your account is no longer active")
    return row["role"]


def _still_authorized(conn, actor: Principal, target, new_role: str | None) -> None:
    """The request's role check again, with the caller's role as it is now."""
    role = _current_role(conn, actor)
    if not outranks_or_equals(role, target["role"]):
        raise UserForbidden("you cannot manage a user who outranks you")
    if new_role is not None and not outranks_or_equals(role, new_role):
        raise UserForbidden(f"your role cannot grant {new_role}")


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
        _lock_tenant(conn, actor.customer_id)
        target = _target(conn, actor, user_id)
        removes_owner = values.get("active") is False or values.get("role", OWNER) != OWNER
        _keep_an_owner(conn, actor.customer_id, target, removes_owner)
        _still_authorized(conn, actor, target, values.get("role"))
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
        _lock_tenant(conn, actor.customer_id)
        row = _target(conn, actor, user_id)
        _keep_an_owner(conn, actor.customer_id, row, removes_owner=True)
        _still_authorized(conn, actor, row, None)
        conn.execute(delete(users).where(users.c.id == user_id))
        details = {"role": row["role"]}
        record(conn, actor.customer_id, actor.actor, "user.deleted", "user", user_id, details)
