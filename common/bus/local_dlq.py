"""Dead letters of the in-process bus, kept in the `dead_letters` table."""

from __future__ import annotations

import base64
import uuid
from datetime import UTC, datetime

from sqlalchemy import delete, func, select, update

from common.bus.local import LocalBus
from common.db.schema import dead_letters
from common.db.uow import UnitOfWork
from common.topology import subscription_named


class LocalDeadLetters:
    """list / show / replay / purge over the table; replay redelivers to the same consumer."""

    def __init__(self, uow: UnitOfWork, bus: LocalBus) -> None:
        self.uow = uow
        self.bus = bus

    def list(self) -> list[dict]:
        """Dead letters not yet replayed, oldest first."""
        with self.uow.transaction() as conn:
            rows = (
                conn.execute(
                    select(dead_letters)
                    .where(dead_letters.c.replayed_at.is_(None))
                    .order_by(dead_letters.c.id)
                )
                .mappings()
                .all()
            )
        return [self._summary(row) for row in rows]

    def show(self, letter_id: str) -> dict:
        """One dead letter with payload and attributes."""
        row = self._row(letter_id)
        return {
            **self._summary(row),
            "payload": row["payload"],
            "attributes": dict(row["attributes"]),
        }

    def replay(self, letter_id: str) -> str:
        """Redeliver to the original subscription as a new message; mark the letter replayed."""
        row = self._row(letter_id)
        if row["replayed_at"] is not None:
            raise KeyError(f"dead letter {letter_id} was already replayed")
        message_id = uuid.uuid4().hex
        message = {
            "data": base64.b64encode(row["payload"].encode()).decode(),
            "attributes": dict(row["attributes"]),
            "messageId": message_id,
            "publishTime": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        }
        with self.uow.transaction() as conn:
            conn.execute(
                update(dead_letters)
                .where(dead_letters.c.id == row["id"])
                .values(replayed_at=func.now())
            )
        self.bus.enqueue(subscription_named(row["subscription"]), message)
        return message_id

    def purge(self) -> int:
        """Delete every dead letter; return how many were waiting."""
        with self.uow.transaction() as conn:
            waiting = conn.execute(
                select(func.count()).where(dead_letters.c.replayed_at.is_(None))
            ).scalar_one()
            conn.execute(delete(dead_letters))
        return waiting

    def _row(self, letter_id: str):
        try:
            key = int(letter_id)
        except ValueError:
            raise KeyError(letter_id) from None
        with self.uow.transaction() as conn:
            row = (
                conn.execute(select(dead_letters).where(dead_letters.c.id == key))
                .mappings()
                .first()
            )
        if row is None:
            raise KeyError(letter_id)
        return row

    @staticmethod
    def _summary(row) -> dict:
        attributes = row["attributes"] or {}
        return {
            "id": str(row["id"]),
            "subscription": row["subscription"],
            "topic": row["topic"],
            "message_id": row["message_id"],
            "event_type": attributes.get("event_type"),
            "customer_id": attributes.get("customer_id"),
            "attempts": row["attempts"],
            "last_error": row["last_error"],
            "age_seconds": round((datetime.now(UTC) - row["dead_at"]).total_seconds(), 1),
            "replayed": row["replayed_at"] is not None,
        }
