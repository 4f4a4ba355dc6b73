"""Append rule and webhook changes to the audit trail (the app role cannot rewrite it)."""

from __future__ import annotations

from sqlalchemy import Connection, insert

from common.db.schema import audit_events


def audit(
    conn: Connection,
    customer_id: str,
    actor: str,
    action: str,
    target_type: str,
    target_id: str,
    details: dict | None = None,
) -> None:
    """Record one change in the caller's transaction. Never put secrets in `details`."""
    conn.execute(
        insert(audit_events).values(
            customer_id=customer_id,
            actor=actor,
            action=action,
            target_type=target_type,
            target_id=str(target_id),
            details=details or {},
        )
    )
