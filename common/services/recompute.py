"""recompute_fanout: a RecomputeRequested becomes one ClaimsLoaded per customer it names.

`customer_id` None (Cloud Scheduler, daily) means every active customer, reason "schedule";
a named customer (an admin's request) gets reason "request". The ledger row and the outbox
rows commit together, so a redelivered request fans out once.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import Connection

from common.bus.outbox import add_message
from common.db.uow import UnitOfWork
from common.domain.messages import BadMessage, ClaimsLoaded, RecomputeRequested
from common.services.customers import Customer, active_customers, find_by_id
from common.services.pubsub_event import claim_message
from common.topology import CLAIMS_LOADED

CONSUMER = "recompute_fanout"


def fan_out_recompute(
    uow: UnitOfWork, message_id: str, request: RecomputeRequested, today: date
) -> list[Customer]:
    """Queue ClaimsLoaded(as_of = request.as_of or today) per target; [] when a duplicate."""
    as_of = request.as_of or today
    reason = "schedule" if request.customer_id is None else "request"
    with uow.transaction() as conn:
        targets = _targets(conn, request.customer_id)
        if not claim_message(conn, CONSUMER, message_id, request.customer_id):
            return []
        for customer in targets:
            add_message(
                conn,
                CLAIMS_LOADED,
                ClaimsLoaded(customer_id=customer.id, reason=reason, as_of=as_of),
            )
    return targets


def _targets(conn: Connection, customer_id: str | None) -> list[Customer]:
    if customer_id is None:
        return active_customers(conn)
    try:
        key = str(uuid.UUID(str(customer_id)))
    except ValueError:
        raise BadMessage("customer_id is not a UUID") from None
    customer = find_by_id(conn, key)
    if customer is None or not customer.active:
        raise BadMessage("RecomputeRequested names no active customer")
    return [customer]
