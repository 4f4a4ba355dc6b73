"""Bad messages: recorded where on-call looks (the `dead_letters` table), then acknowledged.

A consumer that receives a message it can never process records it here (`attempts = 0`,
`subscription` = the consumer function, `attributes.rejected_by` = the same) and acknowledges
it, so Pub/Sub never dead-letters it. `RecordedBadMessages` is on-call's view of those rows,
in both backends, beside the bus's own dead letters:

- A Pub/Sub message is kept as it arrived: the decoded message data as the payload, the
  message's attributes, so a replay sends the consumer the same message again.
- `replay` redelivers to the consumer that recorded the letter: a Pub/Sub consumer through
  `to_subscription` (the local bus queues it for that one subscription; in the cloud it is
  published to the subscription's topic, which also reaches that topic's other
  subscriptions), a storage-triggered consumer (ingest_claims) as an `object.finalized`
  CloudEvent to the function, run in this process as `upstream ingest` runs ingestion.
- A replay is atomic: the row is locked, the letter redelivered and only then marked
  replayed, in one transaction. A replay that cannot be delivered raises ReplayError and
  leaves the letter waiting, unmarked.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, func, insert, select, update

from common.db.schema import dead_letters
from common.db.uow import UnitOfWork
from common.services.ingest.event import FINALIZED
from common.topology import STORAGE_TRIGGERED, SUBSCRIPTIONS, Subscription

log = logging.getLogger(__name__)

REJECTED_BY = "rejected_by"
REJECTED_ATTEMPTS = 0  # attempts = 0 marks "rejected by the consumer, not retried"

# (subscription, data, attributes) → the new message id; raises when it cannot deliver.
ToSubscription = Callable[[Subscription, bytes, dict[str, str]], str]


class ReplayError(RuntimeError):
    """A dead letter that cannot be replayed now; it stays waiting (the message says why)."""


def record_bad_message(
    uow: UnitOfWork, consumer: str, topic: str, message_id: str, payload: object, error: str
) -> None:
    """Keep an unprocessable message for on-call (see the module docstring for the shape).

    `payload` is what the consumer received: a Pub/Sub push body (`{"message": {...}}`),
    already-decoded message text, or a storage event's data.
    """
    body, attributes = _kept(payload)
    attributes[REJECTED_BY] = consumer
    with uow.transaction() as conn:
        conn.execute(
            insert(dead_letters).values(
                subscription=consumer,
                topic=topic,
                message_id=message_id or "unknown",
                payload=body[:100_000],
                attributes=attributes,
                attempts=REJECTED_ATTEMPTS,
                last_error=error[:2000],
                first_attempt_at=datetime.now(UTC),
            )
        )
    log.error(
        "bad message recorded",
        extra={"consumer": consumer, "message_id": message_id, "error": error},
    )


def _kept(payload: object) -> tuple[str, dict[str, str]]:
    """(payload text, attributes) to store: a Pub/Sub message's own data and attributes."""
    message = payload.get("message") if isinstance(payload, dict) else None
    if isinstance(message, dict) and isinstance(message.get("data"), str):
        raw = message.get("attributes")
        attributes = {str(k): str(v) for k, v in raw.items()} if isinstance(raw, dict) else {}
        try:
            data = base64.b64decode(message["data"], validate=True)
            return data.decode("utf-8", "replace"), attributes
        except (binascii.Error, ValueError):
            return message["data"], attributes  # not base64: kept as it came
    if isinstance(payload, str):
        return payload, {}
    return json.dumps(payload, default=str), {}


@dataclass(frozen=True)
class RecordedLetter:
    """One recorded bad message, as replay needs it."""

    id: int
    consumer: str
    topic: str
    payload: str
    attributes: dict[str, str]


class DeadLetterRows:
    """list / show / purge over one kind of `dead_letters` row (`_kind()` says which); the
    subclass redelivers. Ids are the row ids."""

    uow: UnitOfWork

    @staticmethod
    def _kind():
        raise NotImplementedError

    def list(self) -> list[dict]:
        """Letters of this kind not yet replayed, oldest first."""
        with self.uow.transaction() as conn:
            rows = (
                conn.execute(
                    select(dead_letters)
                    .where(self._kind(), dead_letters.c.replayed_at.is_(None))
                    .order_by(dead_letters.c.id)
                )
                .mappings()
                .all()
            )
        return [summary(row) for row in rows]

    def show(self, letter_id: str) -> dict:
        """One letter with payload and attributes (KeyError when unknown)."""
        with self.uow.transaction() as conn:
            row = self._row(conn, letter_id)
        return {**summary(row), "payload": row["payload"], "attributes": dict(row["attributes"])}

    def purge(self) -> int:
        """Delete every letter of this kind; return how many were waiting."""
        with self.uow.transaction() as conn:
            waiting = conn.execute(
                select(func.count()).where(self._kind(), dead_letters.c.replayed_at.is_(None))
            ).scalar_one()
            conn.execute(delete(dead_letters).where(self._kind()))
        return waiting

    def _row(self, conn, letter_id: str, lock: bool = False):
        try:
            key = int(letter_id)
        except ValueError:
            raise KeyError(letter_id) from None
        query = select(dead_letters).where(dead_letters.c.id == key, self._kind())
        row = conn.execute(query.with_for_update() if lock else query).mappings().first()
        if row is None:
            raise KeyError(letter_id)
        return row

    @staticmethod
    def _mark_replayed(conn, row_id) -> None:
        conn.execute(
            update(dead_letters).where(dead_letters.c.id == row_id).values(replayed_at=func.now())
        )


class RecordedBadMessages(DeadLetterRows):
    """DeadLetterStore over the bad messages consumers recorded; ids are the row ids."""

    def __init__(self, uow: UnitOfWork, to_subscription: ToSubscription, functions=None) -> None:
        self.uow = uow
        self.to_subscription = to_subscription
        self.functions = functions  # .app(name) → WSGI app; for storage-triggered consumers

    @staticmethod
    def _kind():
        return _recorded()

    def replay(self, letter_id: str) -> str:
        """Redeliver to the consumer that recorded it, then mark it replayed; the new id."""
        with self.uow.transaction() as conn:
            row = self._row(conn, letter_id, lock=True)
            if row["replayed_at"] is not None:
                raise ReplayError(f"dead letter {letter_id} was already replayed")
            attributes = {k: v for k, v in dict(row["attributes"]).items() if k != REJECTED_BY}
            letter = RecordedLetter(
                row["id"], row["subscription"], row["topic"], row["payload"], attributes
            )
            message_id = self._redeliver(letter)
            self._mark_replayed(conn, row["id"])
        log.info(
            "bad message replayed",
            extra={"letter_id": letter_id, "consumer": letter.consumer, "message_id": message_id},
        )
        return message_id

    def _redeliver(self, letter: RecordedLetter) -> str:
        subscription = next((s for s in SUBSCRIPTIONS if s.function == letter.consumer), None)
        if subscription is not None:
            try:
                return self.to_subscription(
                    subscription, letter.payload.encode(), letter.attributes
                )
            except Exception as exc:  # noqa: BLE001 - any failure: the letter stays waiting
                raise ReplayError(
                    f"could not redeliver to {subscription.name}: {exc.__class__.__name__}"
                ) from exc
        if letter.consumer in STORAGE_TRIGGERED:
            return self._storage_event(letter)
        raise ReplayError(f"no consumer {letter.consumer!r} to replay to")

    def _storage_event(self, letter: RecordedLetter) -> str:
        if self.functions is None:
            raise ReplayError(f"{letter.consumer} cannot be reached from here")
        try:
            data = json.loads(letter.payload)
        except ValueError:
            raise ReplayError("the recorded storage event is not JSON") from None
        event_id = uuid.uuid4().hex
        bucket = str(data.get("bucket", "")) if isinstance(data, dict) else ""
        name = str(data.get("name", "")) if isinstance(data, dict) else ""
        headers = {
            "ce-id": event_id,
            "ce-specversion": "1.0",
            "ce-type": FINALIZED,
            "ce-source": f"//storage.googleapis.com/projects/_/buckets/{_header_safe(bucket)}",
            "ce-subject": f"objects/{_header_safe(name)}",
            "ce-time": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
            "Content-Type": "application/json",
        }
        client = self.functions.app(letter.consumer).test_client()
        response = client.post("/", headers=headers, data=letter.payload.encode())
        if not 200 <= response.status_code < 300:
            raise ReplayError(
                f"{letter.consumer} answered {response.status_code}; the letter is kept"
            )
        return event_id


def _recorded():
    return dead_letters.c.attempts == REJECTED_ATTEMPTS


_UNSAFE_HEADER = re.compile(r"[^\x20-\x7e]")


def _header_safe(value: str) -> str:
    """A header carries one line of ASCII: anything else percent-encoded (data keeps it)."""
    return _UNSAFE_HEADER.sub(
        lambda m: "".join(f"%{b:02X}" for b in m.group().encode("utf-8", "surrogatepass")),
        value,
    )


def summary(row) -> dict:
    """The list/show fields of a `dead_letters` row (bus dead letter or bad message)."""
    attributes = row["attributes"] or {}
    rejected = row["attempts"] == REJECTED_ATTEMPTS
    return {
        "id": str(row["id"]),
        "kind": "bad_message" if rejected else "dead_letter",
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
