"""Dead letters of the in-process bus, kept in the `dead_letters` table.

The table also holds the bad messages consumers recorded (`attempts = 0`); those belong to
`services.bad_messages.RecordedBadMessages`, and this store leaves them alone.
"""

from __future__ import annotations

import base64
import uuid
from datetime import UTC, datetime

from common.bus.local import LocalBus
from common.db.schema import dead_letters
from common.db.uow import UnitOfWork
from common.services.bad_messages import (
    REJECTED_ATTEMPTS,
    DeadLetterRows,
    ReplayError,
    ToSubscription,
)
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


class LocalDeadLetters(DeadLetterRows):
    """list / show / replay / purge over the bus's dead letters; replay redelivers to the
    same subscription and marks the letter in the same transaction (nothing is marked unless
    it was queued again)."""

    def __init__(self, uow: UnitOfWork, bus: LocalBus) -> None:
        self.uow = uow
        self.bus = bus

    @staticmethod
    def _kind():
        return _bus_letter()

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
            self._mark_replayed(conn, row["id"])
        return message["messageId"]


def _bus_letter():
    return dead_letters.c.attempts != REJECTED_ATTEMPTS
