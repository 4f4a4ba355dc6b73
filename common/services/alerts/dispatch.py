"""alert_dispatch: SignalsRaised → rule matches → alerts (or suppressed) → deliveries.

One alert per (episode, rule, label) (a unique constraint): the store raises an open episode
again only when its label rises (SPEC 4). The message id is claimed in the ledger in
the same transaction, so a redelivered message creates nothing. Webhooks go out through the
deliveries table after commit; e-mail is sent after commit too (at most once per alert).
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Connection, select, update
from sqlalchemy.dialects.postgresql import insert

from common.config import Thresholds
from common.db.queries import sql
from common.db.schema import alert_rules, alerts, webhook_endpoints
from common.db.uow import UnitOfWork
from common.domain.messages import BadMessage, SignalsRaised
from common.services.alerts.channels import alert_email, queue_webhooks
from common.services.alerts.email import AlertEmail, EmailSender
from common.services.alerts.rules import rule_matches
from common.services.alerts.secrets import SecretBox
from common.services.alerts.suppression import alert_thresholds, suppression_reason
from common.services.alerts.webhooks import DeliveryCounts, DeliveryPolicy, deliver_due
from common.services.customers import find_by_id
from common.services.pubsub_event import claim_message

log = logging.getLogger(__name__)

CONSUMER = "alert_dispatch"


@dataclass
class DispatchResult:
    """What one SignalsRaised message produced."""

    duplicate: bool = False
    signals: int = 0
    alerts: int = 0
    suppressed: int = 0
    deliveries: int = 0
    emails: list[AlertEmail] = field(default_factory=list)
    delivery: DeliveryCounts | None = None


class AlertService:
    """Alert dispatch and delivery, wired to the secret box and e-mail sender (bootstrap)."""

    def __init__(
        self,
        uow: UnitOfWork,
        box: SecretBox,
        email_sender: EmailSender,
        thresholds: Thresholds,
        local_mode: bool,
    ) -> None:
        self.uow = uow
        self.box = box
        self.email_sender = email_sender
        self.thresholds = thresholds
        self.policy = DeliveryPolicy.from_thresholds(thresholds, local_mode)

    def dispatch(
        self, message_id: str, message: SignalsRaised, now: datetime | None = None
    ) -> DispatchResult:
        """Alerts for the message's signals, then a delivery pass for that customer."""
        now = now or datetime.now(UTC)
        customer_id, signal_ids = _validated(message)
        with self.uow.transaction(customer_id) as conn:
            customer = _customer(conn, customer_id)
            if claim_message(conn, CONSUMER, message_id, customer_id):
                result = plan_alerts(conn, customer, signal_ids, now, self.thresholds)
            else:
                result = DispatchResult(duplicate=True)
        self._send_emails(customer_id, result.emails, now)
        result.delivery = self.deliver_due(now, customer_id)
        log.info(
            "alerts dispatched",
            extra={
                "customer": customer_id,
                "message_id": message_id,
                "duplicate": result.duplicate,
                "alerts": result.alerts,
                "suppressed": result.suppressed,
            },
        )
        return result

    def deliver_due(
        self, now: datetime | None = None, customer_id: str | None = None
    ) -> DeliveryCounts:
        """Send due webhook deliveries (one customer, or all: the scheduled pass)."""
        return deliver_due(
            self.uow,
            now or datetime.now(UTC),
            box=self.box,
            policy=self.policy,
            customer_id=customer_id,
        )

    def _send_emails(self, customer_id: str, emails: list[AlertEmail], now: datetime) -> None:
        for email in emails:
            try:
                self.email_sender.send(email)
            except Exception:  # noqa: BLE001 - committed already; a resend would duplicate
                log.exception("alert e-mail failed", extra={"alert_id": email.alert_id})
                continue
            with self.uow.transaction(customer_id) as conn:
                conn.execute(
                    update(alerts)
                    .where(alerts.c.id == email.alert_id, alerts.c.status.in_(("open", "failed")))
                    .values(status="sent", updated_at=now)
                )


def plan_alerts(
    conn: Connection, customer, signal_ids: list[str], now: datetime, base: Thresholds
) -> DispatchResult:
    """In the caller's transaction: alerts for every (signal, matching rule), with deliveries."""
    t = alert_thresholds(base, customer.settings)
    signals = (
        conn.execute(sql("alert_dispatch_signals"), {"customer_id": customer.id, "ids": signal_ids})
        .mappings()
        .all()
    )
    rules = [dict(r) for r in conn.execute(_enabled_rules()).mappings()]
    endpoints = [
        str(i)
        for i in conn.execute(
            select(webhook_endpoints.c.id).where(webhook_endpoints.c.active.is_(True))
        ).scalars()
    ]
    result = DispatchResult(signals=len(signals))
    for row in signals:
        signal = dict(row)
        for rule in (r for r in rules if rule_matches(r, signal)):
            reason = suppression_reason(conn, customer.id, signal, now, t)
            alert_id = _insert_alert(conn, customer.id, signal, rule["id"], reason, now)
            if alert_id is None:
                continue  # this (episode, rule) was alerted at this label before
            if reason:
                result.suppressed += 1
                continue
            result.alerts += 1
            result.deliveries += queue_webhooks(
                conn, customer, alert_id, rule, signal, endpoints, now
            )
            email = alert_email(conn, alert_id, rule, signal)
            if email:
                result.emails.append(email)
    return result


def _enabled_rules():
    return (
        select(alert_rules)
        .where(alert_rules.c.enabled.is_(True))
        .order_by(alert_rules.c.is_default.desc(), alert_rules.c.created_at, alert_rules.c.id)
    )


def _insert_alert(conn, customer_id, signal, rule_id, reason, now) -> str | None:
    inserted = conn.execute(
        insert(alerts)
        .values(
            customer_id=customer_id,
            signal_id=signal["id"],
            rule_id=rule_id,
            status="suppressed" if reason else "open",
            suppressed_reason=reason,
            severity_label=signal["severity_label"],
            created_at=now,
            updated_at=now,
        )
        .on_conflict_do_nothing(constraint="uq_alerts_signal_rule_label")
        .returning(alerts.c.id)
    ).scalar()
    return None if inserted is None else str(inserted)


def _validated(message: SignalsRaised) -> tuple[str, list[str]]:
    try:
        customer_id = str(uuid.UUID(str(message.customer_id)))
        ids = [str(uuid.UUID(str(i))) for i in message.signal_ids]
    except ValueError:
        raise BadMessage("customer_id and signal_ids must be UUIDs") from None
    return customer_id, ids


def _customer(conn: Connection, customer_id: str):
    customer = find_by_id(conn, customer_id)
    if customer is None or not customer.active:
        raise BadMessage("SignalsRaised names no active customer")
    return customer
