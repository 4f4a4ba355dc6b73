"""An admin's recompute request (POST /v1/recompute): 10 per hour per customer.

The rate slot, the audit event and the outbox row commit together; the caller flushes the
relay afterwards so the RecomputeRequested message reaches topic recompute-requested.
"""

from __future__ import annotations

from datetime import date

from common.bus.outbox import add_message
from common.db.uow import UnitOfWork
from common.domain.messages import RecomputeRequested
from common.services.audit_trail import record
from common.services.auth_types import Throttled
from common.services.throttle import RECOMPUTE_REQUESTS, Limit, take_rate_slot
from common.topology import RECOMPUTE_REQUESTED


def request_recompute(
    uow: UnitOfWork,
    customer_id: str,
    actor: str,
    as_of: date | None,
    limit: Limit = RECOMPUTE_REQUESTS,
) -> int:
    """Queue the request; return how many remain this hour. Throttled when over the limit."""
    with uow.transaction(customer_id) as conn:
        remaining, wait = take_rate_slot(conn, customer_id, "recompute", limit)
        if not wait:
            add_message(
                conn, RECOMPUTE_REQUESTED, RecomputeRequested(customer_id=customer_id, as_of=as_of)
            )
            details = {"as_of": as_of.isoformat() if as_of else None}
            record(conn, customer_id, actor, "recompute.requested", "customer", None, details)
    if wait:
        raise Throttled(wait, f"at most {limit.count} recompute requests per hour")
    return remaining
