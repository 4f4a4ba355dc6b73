"""Signals in Postgres: idempotent writes by fingerprint, SignalsRaised through the outbox."""

from __future__ import annotations

from sqlalchemy import Connection, select
from sqlalchemy.dialects.postgresql import insert

from common.bus.outbox import add_message
from common.db.schema import signals
from common.domain.messages import SignalsRaised
from common.domain.signal_model import Signal
from common.topology import SIGNALS_RAISED


def save_signals(
    conn: Connection, customer_id: str, product: str, found: list[Signal]
) -> list[str]:
    """Insert signals whose fingerprint is new; publish SignalsRaised for them; return ids."""
    if not found:
        return []
    rows = [s.row() for s in found]
    new_ids = [
        str(i)
        for i in conn.execute(
            insert(signals)
            .values(rows)
            .on_conflict_do_nothing(index_elements=["customer_id", "fingerprint"])
            .returning(signals.c.id)
        ).scalars()
    ]
    if new_ids:
        add_message(
            conn,
            SIGNALS_RAISED,
            SignalsRaised(customer_id=str(customer_id), product=product, signal_ids=tuple(new_ids)),
        )
    return new_ids


def list_signals(conn: Connection, product: str | None = None, limit: int | None = None):
    """The tenant's signals, newest window first, then by dollars at risk (RLS scopes rows)."""
    query = select(signals).order_by(
        signals.c.as_of.desc(),
        signals.c.product,
        signals.c.dollars_at_risk.desc().nulls_last(),
        signals.c.created_at,
    )
    if product:
        query = query.where(signals.c.product == product)
    if limit:
        query = query.limit(limit)
    return [dict(r) for r in conn.execute(query).mappings()]
