"""Append to the audit trail (the application role can insert, never rewrite)."""

from __future__ import annotations

from sqlalchemy import Connection, insert

from common.db.schema import audit_events


def record(
    conn: Connection,
    customer_id: str | None,
    actor: str,
    action: str,
    target_type: str | None = None,
    target_id: object = None,
    details: dict | None = None,
) -> None:
    """One audit event in the caller's transaction. Never put secrets or PHI in `details`."""
    conn.execute(
        insert(audit_events).values(
            customer_id=customer_id,
            actor=actor,
            action=action,
            target_type=target_type,
            target_id=None if target_id is None else str(target_id),
            details=details or {},
        )
    )
