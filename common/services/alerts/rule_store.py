"""Alert rule CRUD for the API and CLI. Every change is audited; the caller picks the actor."""

from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy import Connection, delete, insert, select, update

from common.db.schema import alert_rules, webhook_endpoints
from common.db.uow import UnitOfWork
from common.services.alerts.errors import AlertConfigError, NotFound
from common.services.alerts.rules import clean_rule_fields
from common.services.audit_trail import record

DEFAULT_CHANNELS = [{"type": "email", "to": "owners"}]


def create_rule(uow: UnitOfWork, customer_id: str, fields: dict, actor: str = "api") -> dict:
    """Create a rule from `fields` (see rules.RULE_FIELDS); channels default to owners' e-mail."""
    clean = clean_rule_fields(fields, partial=False)
    clean.setdefault("channels", DEFAULT_CHANNELS)
    with uow.transaction(customer_id) as conn:
        _check_endpoints(conn, clean["channels"])
        row = (
            conn.execute(
                insert(alert_rules).values(customer_id=customer_id, **clean).returning(alert_rules)
            )
            .mappings()
            .one()
        )
        record(
            conn,
            customer_id,
            actor,
            "alert_rule.created",
            "alert_rule",
            row["id"],
            _json_safe(clean),
        )
    return rule_to_dict(row)


def list_rules(uow: UnitOfWork, customer_id: str) -> list[dict]:
    """Every rule of the customer, the default first, then by creation."""
    with uow.transaction(customer_id) as conn:
        rows = (
            conn.execute(
                select(alert_rules).order_by(
                    alert_rules.c.is_default.desc(), alert_rules.c.created_at, alert_rules.c.id
                )
            )
            .mappings()
            .all()
        )
    return [rule_to_dict(r) for r in rows]


def get_rule(uow: UnitOfWork, customer_id: str, rule_id: str) -> dict:
    """One rule; NotFound for a missing id or another customer's rule."""
    with uow.transaction(customer_id) as conn:
        return rule_to_dict(_load(conn, rule_id))


def update_rule(
    uow: UnitOfWork, customer_id: str, rule_id: str, changes: dict, actor: str = "api"
) -> dict:
    """Apply a partial update (PATCH); unspecified fields keep their values."""
    clean = clean_rule_fields(changes, partial=True)
    with uow.transaction(customer_id) as conn:
        _load(conn, rule_id)
        if "channels" in clean:
            _check_endpoints(conn, clean["channels"])
        if clean:
            conn.execute(update(alert_rules).where(alert_rules.c.id == rule_id).values(**clean))
        row = _load(conn, rule_id)
        record(
            conn, customer_id, actor, "alert_rule.updated", "alert_rule", rule_id, _json_safe(clean)
        )
    return rule_to_dict(row)


def delete_rule(uow: UnitOfWork, customer_id: str, rule_id: str, actor: str = "api") -> None:
    """Delete a rule (its alerts go with it). The default rule can be disabled, not deleted."""
    with uow.transaction(customer_id) as conn:
        row = _load(conn, rule_id)
        if row["is_default"]:
            raise AlertConfigError("the default rule cannot be deleted; disable it instead")
        conn.execute(delete(alert_rules).where(alert_rules.c.id == rule_id))
        record(
            conn,
            customer_id,
            actor,
            "alert_rule.deleted",
            "alert_rule",
            rule_id,
            {"name": row["name"]},
        )


def rule_to_dict(row) -> dict:
    """A rule as JSON-ready data."""
    return {
        "id": str(row["id"]),
        "name": row["name"],
        "product": row["product"],
        "signal_type": row["signal_type"],
        "payer": row["payer"],
        "group_key": row["group_key"],
        "min_severity": row["min_severity"],
        "min_abs_delta": row["min_abs_delta"],
        "min_dollars": None if row["min_dollars"] is None else float(row["min_dollars"]),
        "channels": list(row["channels"] or []),
        "enabled": row["enabled"],
        "is_default": row["is_default"],
        "created_at": row["created_at"].isoformat(),
    }


def _load(conn: Connection, rule_id: str):
    try:
        key = uuid.UUID(str(rule_id))
    except ValueError:
        raise NotFound("no such alert rule") from None
    row = conn.execute(select(alert_rules).where(alert_rules.c.id == key)).mappings().first()
    if row is None:
        raise NotFound("no such alert rule")
    return row


def _check_endpoints(conn: Connection, channels: list[dict]) -> None:
    wanted = {c["endpoint_id"] for c in channels if c.get("endpoint_id")}
    if not wanted:
        return
    found = {
        str(i)
        for i in conn.execute(
            select(webhook_endpoints.c.id).where(webhook_endpoints.c.id.in_(wanted))
        ).scalars()
    }
    if wanted - found:
        raise AlertConfigError("channels name a webhook endpoint that does not exist")


def _json_safe(fields: dict) -> dict:
    return {k: float(v) if isinstance(v, Decimal) else v for k, v in fields.items()}
