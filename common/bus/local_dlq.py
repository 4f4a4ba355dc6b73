"""Dead letters of the in-process bus, kept in the `dead_letters` table.

The table also holds the bad messages consumers recorded (`attempts = 0`); those belong to
`services.bad_messages.RecordedBadMessages`, and this store leaves them alone.
"""

from __future__ import annotations

import base64
import uuid
from datetime import UTC, datetime

from sqlalchemy import delete, func, select, update

from common.bus.local import LocalBus
from common.db.schema import dead_letters
from common.db.uow import UnitOfWork
from common.services.bad_messages import REJECTED_ATTEMPTS, ReplayError, ToSubscription, summary
from common.topology import Subscription, subscription_named


def local_message(data: bytes, attributes: dict[str, str]) -> dict:
    """A Pub/Sub message with a new id, as the local bus delivers it."""
    return {
        "data": base64.b64encode(data).decode(),
        "attributes": dict(attributes),
        "messageId": uuid.uuid4().hex,
        "publishTime": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
    }


def enqueue_on(bus: LocalBus) -> ToSubscription:
    """Redelivery to one subscription of the local bus (its consumer only); the new id."""

    def to_subscription(subscription: Subscription, data: bytes, attributes: dict) -> str:
        message = local_message(data, attributes)
        bus.enqueue(subscription, message)
        return message["messageId"]

    return to_subscription


class LocalDeadLetters:
    """list / show / replay / purge over the bus's dead letters; replay redelivers to the
    same subscription and marks the letter in the same transaction (nothing is marked unless
    it was queued again)."""

    def __init__(self, uow: UnitOfWork, bus: LocalBus) -> None:
        self.uow = uow
        self.bus = bus

    def list(self) -> list[dict]:
        """Dead letters not yet replayed, oldest first."""
        with self.uow.transaction() as conn:
            rows = (
                conn.execute(
                    select(dead_letters)
                    .where(_bus_letter(), dead_letters.c.replayed_at.is_(None))
                    .order_by(dead_letters.c.id)
                )
                .mappings()
                .all()
            )
        return [summary(row) for row in rows]

    def show(self, letter_id: str) -> dict:
        """One dead letter with payload and attributes."""
        with self.uow.transaction() as conn:
            row = self._row(conn, letter_id)
        return {**summary(row), "payload": row["payload"], "attributes": dict(row["attributes"])}

    def replay(self, letter_id: str) -> str:
        """Redeliver to the original subscription as a new message; mark the letter replayed."""
        with self.uow.transaction() as conn:
            row = self._row(conn, letter_id, lock=True)
            if row["replayed_at"] is not None:
                raise ReplayError(f"dead letter {letter_id} was already replayed")
            try:
                subscription = subscription_named(row["subscription"])
            except KeyError:
                raise ReplayError(f"no subscription {row['subscription']!r} to replay to") from None
            message = local_message(row["payload"].encode(), dict(row["attributes"]))
            self.bus.enqueue(subscription, message)
            conn.execute(
                update(dead_letters)
                .where(dead_letters.c.id == row["id"])
                .values(replayed_at=func.now())
            )
        return message["messageId"]

    def purge(self) -> int:
        """Delete every dead letter of the bus; return how many were waiting."""
        with self.uow.transaction() as conn:
            waiting = conn.execute(
                select(func.count()).where(_bus_letter(), dead_letters.c.replayed_at.is_(None))
            ).scalar_one()
            conn.execute(delete(dead_letters).where(_bus_letter()))
        return waiting

    @staticmethod
    def _row(conn, letter_id: str, lock: bool = False):
        try:
            key = int(letter_id)
        except ValueError:
            raise KeyError(letter_id) from None
        query = select(dead_letters).where(dead_letters.c.id == key, _bus_letter())
        row = conn.execute(query.with_for_update() if lock else query).mappings().first()
        if row is None:
            raise KeyError(letter_id)
        return row


def _bus_letter():
    return dead_letters.c.attempts != REJECTED_ATTEMPTS
