"""Alerts as the CLI (and anyone else) lists them."""

from __future__ import annotations

from decimal import Decimal

from common.db.queries import sql
from common.db.uow import UnitOfWork


def list_alerts(uow: UnitOfWork, customer_id: str, limit: int = 200) -> list[dict]:
    """Newest alerts first: status, reason, signal, rule and a webhook delivery summary."""
    with uow.transaction(customer_id) as conn:
        rows = (
            conn.execute(sql("alerts_list"), {"customer_id": customer_id, "limit": limit})
            .mappings()
            .all()
        )
    return [_alert(r) for r in rows]


def delivery_status(row) -> str:
    """none | pending | delivered | failed | partial, over the alert's webhook deliveries."""
    total = row["deliveries"]
    if not total:
        return "none"
    if row["pending"]:
        return "pending"
    if row["delivered"] == total:
        return "delivered"
    return "failed" if row["failed"] == total else "partial"


def _alert(row) -> dict:
    doc = {}
    for key, value in row.items():
        if isinstance(value, Decimal):
            value = float(value)
        elif key in ("id", "rule_id", "signal_id"):
            value = str(value)
        elif key in ("created_at", "updated_at"):
            value = value.isoformat()
        doc[key] = value
    doc["delivery_status"] = delivery_status(row)
    return doc
