"""Append to the audit trail (the application role can insert, never rewrite)."""

from __future__ import annotations

import json

from sqlalchemy import Connection, text

# Plain INSERT without RETURNING: SQLAlchemy would otherwise fetch the new id, and RETURNING
# must pass the SELECT policy, which hides rows of no/another tenant (failed logins).
_INSERT = text(
    "INSERT INTO audit_events (customer_id, actor, action, target_type, target_id, details) "
    "VALUES (CAST(:customer_id AS uuid), :actor, :action, :target_type, :target_id, "
    "CAST(:details AS jsonb))"
)


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
        _INSERT,
        {
            "customer_id": None if customer_id is None else str(customer_id),
            "actor": actor,
            "action": action,
            "target_type": target_type,
            "target_id": None if target_id is None else str(target_id),
            "details": json.dumps(details or {}, default=str),
        },
    )
