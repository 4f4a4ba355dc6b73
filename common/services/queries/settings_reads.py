"""Configuration lists (rules, webhooks, aliases, overrides, column mappings, users), oldest
first.

Plain row reads, so SQLAlchemy Core rather than named SQL; still tenant-filtered twice.
"""

from __future__ import annotations

from sqlalchemy import Connection, Table, literal, select, tuple_

from common.db.schema import (
    alert_rules,
    column_mappings,
    cpt_overrides,
    payer_aliases,
    users,
    webhook_endpoints,
)

COLUMNS: dict[str, tuple[Table, tuple[str, ...]]] = {
    "alert_rules": (
        alert_rules,
        (
            "id", "name", "product", "signal_type", "payer", "group_key", "min_severity",
            "min_abs_delta", "min_dollars", "channels", "enabled", "is_default", "created_at",
        ),
    ),
    "webhooks": (webhook_endpoints, ("id", "url", "description", "active", "created_at")),
    "payer_aliases": (payer_aliases, ("id", "raw_name", "canonical_name", "created_at")),
    "cpt_overrides": (cpt_overrides, ("id", "cpt", "cpt_group", "created_at")),
    "column_mappings": (column_mappings, ("id", "header", "field", "created_at")),
    "users": (users, ("id", "email", "role", "active", "created_at")),
}  # fmt: skip


def _select(kind: str, customer_id: str):
    table, names = COLUMNS[kind]
    return table, select(*(table.c[n] for n in names)).where(table.c.customer_id == customer_id)


def list_settings(conn: Connection, kind: str, customer_id: str, limit: int, after) -> list[dict]:
    """Up to `limit` rows of `kind` after keyset [created_at, id], oldest first."""
    table, query = _select(kind, customer_id)
    if after:
        at, row_id = after
        key = tuple_(literal(at, table.c.created_at.type), literal(row_id, table.c.id.type))
        query = query.where(tuple_(table.c.created_at, table.c.id) > key)
    query = query.order_by(table.c.created_at, table.c.id).limit(limit)
    return [dict(r) for r in conn.execute(query).mappings()]


def get_setting(conn: Connection, kind: str, customer_id: str, row_id: str) -> dict | None:
    """One row of `kind`, or None (missing or another tenant's)."""
    table, query = _select(kind, customer_id)
    row = conn.execute(query.where(table.c.id == row_id)).mappings().first()
    return dict(row) if row else None
