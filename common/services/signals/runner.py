"""Run one product for one customer and as_of, exactly once per bus message."""

from __future__ import annotations

import logging
from datetime import date

from sqlalchemy import select

from common.db.schema import customers
from common.db.uow import UnitOfWork
from common.domain.messages import BadMessage
from common.domain.thresholds import thresholds_for
from common.services.pubsub_event import claim_message
from common.services.signals import PRODUCTS, detector
from common.services.signals.store import save_signals

log = logging.getLogger(__name__)


def consumer_name(product: str) -> str:
    """The function (and ledger consumer) that runs a product: `signal_<product>`."""
    return f"signal_{product}"


def run_product(
    uow: UnitOfWork, product: str, customer_id: str, as_of: date, message_id: str | None
) -> list[str]:
    """Detect `product`'s signals and fold them into episodes; return the new episodes' ids.

    The ledger row, the signals and the SignalsRaised outbox row commit together, so a
    redelivered message (same id) does nothing and a crash leaves nothing half-done. Without a
    message id (a direct recompute) the episodes keep the run idempotent: one observation per as_of.
    An unknown customer is a BadMessage; an inactive one is skipped.
    """
    if product not in PRODUCTS:
        raise ValueError(f"unknown product {product!r}")
    with uow.transaction(customer_id) as conn:
        if message_id is not None and not claim_message(
            conn, consumer_name(product), message_id, customer_id
        ):
            log.info("message already processed", extra={"message_id": message_id})
            return []
        row = conn.execute(
            select(customers.c.active, customers.c.settings).where(customers.c.id == customer_id)
        ).first()
        if row is None:
            raise BadMessage("unknown customer")
        if not row.active:
            log.info("customer inactive; skipped", extra={"customer": customer_id})
            return []
        th = thresholds_for(row.settings)
        found = detector(product)(conn, customer_id, as_of, th)
        saved = save_signals(conn, customer_id, product, found, as_of, th)
        new_ids = saved.opened
    log.info(
        "signals computed",
        extra={
            "customer": customer_id,
            "product": product,
            "signals_found": len(found),
            "signals_created": len(new_ids),
            "episodes_updated": len(saved.updated),
            "episodes_closed": len(saved.closed),
            "as_of": as_of.isoformat(),
        },
    )
    return new_ids
