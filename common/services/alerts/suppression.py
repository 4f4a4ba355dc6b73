"""Suppression (SPEC 4): a cooldown per (customer, product, type, payer, key), and keys that
operators keep marking as noise. Suppressed alerts are kept with the reason."""

from __future__ import annotations

import dataclasses
import logging
from datetime import datetime, timedelta

from sqlalchemy import Connection

from common.config import Thresholds
from common.db.queries import sql

log = logging.getLogger(__name__)

ALERT_SETTINGS = ("alert_cooldown_hours", "alert_noise_judgments", "alert_noise_days")


def alert_thresholds(base: Thresholds, customer_settings: dict | None) -> Thresholds:
    """`base` with the customer's `settings["alerts"]` overrides (bad values are ignored)."""
    overrides = (customer_settings or {}).get("alerts") or {}
    changes = {}
    for name in ALERT_SETTINGS:
        value = overrides.get(name) if isinstance(overrides, dict) else None
        if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
            changes[name] = type(getattr(base, name))(value)
        elif value is not None:
            log.warning("bad alert setting ignored", extra={"setting": name})
    return dataclasses.replace(base, **changes)


def suppression_reason(
    conn: Connection, customer_id: str, signal: dict, now: datetime, t: Thresholds
) -> str | None:
    """Why an alert for `signal` must not be sent now, or None when it may be."""
    facts = (
        conn.execute(
            sql("alert_suppression_facts"),
            {
                "customer_id": customer_id,
                "product": signal["product"],
                "type": signal["type"],
                "payer": signal["payer"],
                "key": signal["key"],
                "signal_id": signal["id"],
                "now": now,
                "cooldown_since": now - timedelta(hours=t.alert_cooldown_hours),
                "noise_since": now - timedelta(days=t.alert_noise_days),
            },
        )
        .mappings()
        .one()
    )
    if 0 < t.alert_noise_judgments <= facts["noise_judgments"]:
        return (
            f"noise: marked noise {facts['noise_judgments']} times "
            f"in the last {t.alert_noise_days} days"
        )
    if facts["last_alert_at"] is not None:
        return (
            f"cooldown: alerted for the same product, type, payer and key at "
            f"{facts['last_alert_at'].isoformat(timespec='minutes')} "
            f"(cooldown {t.alert_cooldown_hours:g} h)"
        )
    return None
