"""Turn a matched rule's channels into webhook deliveries and e-mail for one alert."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Connection, select
from sqlalchemy.dialects.postgresql import insert

from common.db.schema import users, webhook_deliveries
from common.services.alerts.email import AlertEmail
from common.services.alerts.webhooks import EVENT_TYPE

SIGNAL_FIELDS = (
    "id", "product", "type", "payer", "key", "direction", "as_of", "window_start", "window_end",
    "baseline_value", "current_value", "delta", "n_baseline", "n_current", "p_value",
    "severity", "severity_label", "confidence", "dollars_at_risk", "summary",
)  # fmt: skip
EMAIL_GROUP_ROLES = {"owners": ("owner",), "admins": ("owner", "admin")}


def webhook_payload(customer, alert_id: str, rule: dict, signal: dict, now: datetime) -> dict:
    """`{id, type, created_at, customer, data}`: aggregates only, never claim rows."""
    return {
        "id": str(alert_id),
        "type": EVENT_TYPE,
        "created_at": now.isoformat(),
        "customer": {"id": customer.id, "slug": customer.slug},
        "data": {
            "alert": {"id": str(alert_id), "rule": {"id": str(rule["id"]), "name": rule["name"]}},
            "signal": {f: _json(signal[f]) for f in SIGNAL_FIELDS},
        },
    }


def queue_webhooks(
    conn: Connection,
    customer,
    alert_id: str,
    rule: dict,
    signal: dict,
    endpoints: list[str],
    now: datetime,
) -> int:
    """Insert one pending delivery per target endpoint (due now); return how many."""
    targets: list[str] = []
    for channel in rule["channels"] or []:
        if channel.get("type") != "webhook":
            continue
        wanted = channel.get("endpoint_id")
        for endpoint in endpoints if wanted is None else [wanted]:
            if endpoint in endpoints and endpoint not in targets:
                targets.append(endpoint)
    payload = webhook_payload(customer, alert_id, rule, signal, now)
    for endpoint in targets:
        conn.execute(
            insert(webhook_deliveries)
            .values(
                customer_id=customer.id,
                alert_id=alert_id,
                endpoint_id=endpoint,
                event_type=EVENT_TYPE,
                payload=payload,
                status="pending",
                next_attempt_at=now,
                created_at=now,
            )
            .on_conflict_do_nothing(constraint="uq_webhook_deliveries_alert_endpoint")
        )
    return len(targets)


def alert_email(conn: Connection, alert_id: str, rule: dict, signal: dict) -> AlertEmail | None:
    """The e-mail a rule's e-mail channels ask for, or None when there is nobody to tell."""
    recipients: list[str] = []
    for channel in rule["channels"] or []:
        if channel.get("type") != "email":
            continue
        to = channel.get("to")
        for item in to if isinstance(to, list) else [to]:
            found = _group(conn, item) if item in EMAIL_GROUP_ROLES else [item]
            recipients += [r for r in found if r and r not in recipients]
    if not recipients:
        return None
    subject = f"[Upstream] {signal['severity_label']} {signal['product']} signal: {signal['payer']}"
    return AlertEmail(tuple(recipients), str(alert_id), subject, signal["summary"])


def _group(conn: Connection, group: str) -> list[str]:
    rows = conn.execute(
        select(users.c.email)
        .where(users.c.role.in_(EMAIL_GROUP_ROLES[group]), users.c.active.is_(True))
        .order_by(users.c.email)
    ).scalars()
    return list(rows)


def _json(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    if value is not None and not isinstance(value, str | int | float | bool):
        return str(value)  # UUIDs
    return value
