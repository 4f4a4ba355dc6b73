"""Signed webhook delivery with retries, and the signature check receivers use (SPEC 4).

Body: JSON `{id, type, created_at, customer, data}`. Headers: `Upstream-Signature:
t=<unix>,v1=<hex hmac-sha256(secret, "<t>.<body>")>`, `Upstream-Event`, `Upstream-Delivery`.
A failed attempt is retried after 1, 2, 4, 8 and 16 minutes (settings), then the delivery is
`failed`. Every attempt is recorded. Scheduling uses the caller's `now`; the signature uses
the wall clock, because that is what the receiver compares against.

Every attempt checks the URL policy again and resolves the host once (`webhook_target`); the
POST then connects only to the addresses that check accepted (`webhook_transport`), while the
Host header, TLS SNI and certificate verification still use the name. A name that answers a
public address to the check and 127.0.0.1 a moment later never gets a connection to loopback.
The HTTP stack (requests, urllib3: ~100 ms to import) loads with the first POST, not with
alert dispatch, which most ingests run without any webhook to send.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import insert, update

from common.db.queries import sql
from common.db.schema import alerts, webhook_attempts, webhook_deliveries
from common.db.uow import UnitOfWork
from common.services.alerts.secrets import SecretBox, SecretError
from common.services.alerts.signing import encode_body, signature_header
from common.services.alerts.url_policy import Resolver, UrlRefused, resolve_host, webhook_target
from common.services.customers import active_customers

log = logging.getLogger(__name__)

EVENT_TYPE = "alert.created"
LEASE_MARGIN = timedelta(seconds=60)


@dataclass(frozen=True)
class DeliveryPolicy:
    """How deliveries are sent and retried."""

    timeout_seconds: float = 10.0
    retry_minutes: tuple[int, ...] = (1, 2, 4, 8, 16)
    local_mode: bool = True
    batch: int = 50
    resolve: Resolver = field(default=resolve_host, compare=False, repr=False)
    ca_bundle: str | None = None  # trust store for receivers' certificates; None = certifi

    @classmethod
    def from_thresholds(cls, thresholds, local_mode: bool) -> DeliveryPolicy:
        """The policy the settings describe."""
        return cls(
            timeout_seconds=thresholds.webhook_timeout_seconds,
            retry_minutes=tuple(thresholds.webhook_retry_minutes),
            local_mode=local_mode,
        )


@dataclass
class DeliveryCounts:
    """What one pass did."""

    attempted: int = 0
    delivered: int = 0
    retrying: int = 0
    failed: int = 0


@dataclass(frozen=True)
class AttemptResult:
    """The outcome of one POST."""

    ok: bool
    status_code: int | None
    error: str | None
    duration_ms: int


def post_webhook(
    url: str,
    secret: str,
    delivery_id: str,
    event_type: str,
    payload: dict,
    policy: DeliveryPolicy,
) -> AttemptResult:
    """One signed POST to the addresses checked now. Redirects are not followed."""
    started = time.monotonic()
    try:
        target = webhook_target(url, policy.local_mode, policy.resolve)
    except UrlRefused as exc:
        return AttemptResult(False, None, f"refused: {exc}", 0)
    body = encode_body(payload)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Upstream-Webhooks/1",
        "Upstream-Signature": signature_header(secret, body, int(time.time())),
        "Upstream-Event": event_type,
        "Upstream-Delivery": delivery_id,
    }
    from common.services.alerts.webhook_transport import pinned_post

    code, error = pinned_post(
        target.url, target.addresses, body, headers, policy.timeout_seconds, policy.ca_bundle
    )
    if code is None:
        return AttemptResult(False, None, error, _ms(started))
    ok = 200 <= code < 300
    return AttemptResult(ok, code, None if ok else f"HTTP {code}", _ms(started))


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def deliver_due(
    uow: UnitOfWork,
    now: datetime,
    *,
    box: SecretBox,
    policy: DeliveryPolicy,
    customer_id: str | None = None,
) -> DeliveryCounts:
    """Send every delivery due at `now` (one customer, or every active one)."""
    counts = DeliveryCounts()
    if customer_id is None:
        with uow.transaction() as conn:
            tenants = [c.id for c in active_customers(conn)]
    else:
        tenants = [str(customer_id)]
    for tenant in tenants:
        _deliver_tenant(uow, tenant, now, box, policy, counts)
    return counts


def _deliver_tenant(uow, customer_id, now, box, policy, counts) -> None:
    lease_until = now + timedelta(seconds=policy.timeout_seconds) + LEASE_MARGIN
    while True:
        with uow.transaction(customer_id) as conn:
            jobs = (
                conn.execute(
                    sql("webhook_claim_due"),
                    {"now": now, "batch": policy.batch, "lease_until": lease_until},
                )
                .mappings()
                .all()
            )
        for job in jobs:
            result = _send(job, box, policy)
            status = _record(uow, customer_id, job, result, now, policy)
            counts.attempted += 1
            setattr(counts, status, getattr(counts, status) + 1)
        if len(jobs) < policy.batch:
            return


def _send(job, box: SecretBox, policy: DeliveryPolicy) -> AttemptResult:
    if not job["endpoint_active"]:
        return AttemptResult(False, None, "endpoint inactive", 0)
    try:
        secret = box.decrypt(job["secret_encrypted"])
    except SecretError:
        return AttemptResult(False, None, "secret unavailable", 0)
    return post_webhook(
        job["url"], secret, str(job["id"]), job["event_type"], dict(job["payload"]), policy
    )


def _outcome(result: AttemptResult, job, now: datetime, policy: DeliveryPolicy):
    """(delivered | retrying | failed, delivery column updates) after attempt n."""
    attempt_no = job["attempts"] + 1
    if result.ok:
        return "delivered", {"status": "delivered", "delivered_at": now, "next_attempt_at": None}
    if attempt_no > len(policy.retry_minutes) or not job["endpoint_active"]:
        return "failed", {"status": "failed", "next_attempt_at": None}
    wait = timedelta(minutes=policy.retry_minutes[attempt_no - 1])
    return "retrying", {"status": "pending", "next_attempt_at": now + wait}


def _record(uow, customer_id, job, result: AttemptResult, now, policy) -> str:
    attempt_no = job["attempts"] + 1
    outcome, values = _outcome(result, job, now, policy)
    with uow.transaction(customer_id) as conn:
        conn.execute(
            insert(webhook_attempts).values(
                customer_id=customer_id,
                delivery_id=job["id"],
                attempt_no=attempt_no,
                status_code=result.status_code,
                error=result.error,
                duration_ms=result.duration_ms,
                attempted_at=now,
            )
        )
        conn.execute(
            update(webhook_deliveries)
            .where(webhook_deliveries.c.id == job["id"])
            .values(attempts=attempt_no, **values)
        )
        if outcome == "delivered":
            conn.execute(
                update(alerts)
                .where(alerts.c.id == job["alert_id"], alerts.c.status.in_(("open", "failed")))
                .values(status="sent", updated_at=now)
            )
        elif outcome == "failed":
            conn.execute(sql("alerts_fail_if_exhausted"), {"alert_id": job["alert_id"], "now": now})
    log.info(
        "webhook attempt",
        extra={
            "delivery_id": str(job["id"]),
            "attempt": attempt_no,
            "outcome": outcome,
            "status_code": result.status_code,
        },
    )
    return outcome
