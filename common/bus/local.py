"""In-process bus with Pub/Sub semantics: push envelopes, at-least-once, backoff, dead letters."""

from __future__ import annotations

import base64
import heapq
import itertools
import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import insert

from common.bus.port import refuse_reserved_attributes
from common.db.schema import dead_letters
from common.db.uow import UnitOfWork
from common.topology import Subscription, subscriptions_for

log = logging.getLogger(__name__)

# Delivers one push envelope to a subscription's consumer; raises when not acknowledged.
Deliver = Callable[[Subscription, dict], None]


@dataclass(order=True)
class _Pending:
    due: float
    seq: int
    subscription: Subscription = field(compare=False)
    message: dict = field(compare=False)
    attempt: int = field(compare=False, default=1)
    first_attempt_at: datetime | None = field(compare=False, default=None)


def push_envelope(subscription: Subscription, message: dict, attempt: int) -> dict:
    """The JSON body Pub/Sub push sends to an endpoint."""
    return {
        "message": message,
        "subscription": f"projects/local/subscriptions/{subscription.name}",
        "deliveryAttempt": attempt,
    }


class LocalBus:
    """Publisher port + a delivery loop that retries with backoff and dead-letters after N."""

    def __init__(
        self,
        uow: UnitOfWork,
        deliver: Deliver,
        max_attempts: int = 5,
        backoff_seconds: float = 0.05,
    ) -> None:
        self.uow = uow
        self.deliver = deliver
        self.max_attempts = max_attempts
        self.backoff_seconds = backoff_seconds
        self._queue: list[_Pending] = []
        self._seq = itertools.count()
        self._lock = threading.RLock()

    def publish(self, topic: str, data: bytes, attributes: dict[str, str]) -> str:
        """Fan a message out to every subscription of `topic`; return its id."""
        refuse_reserved_attributes(attributes)
        message_id = uuid.uuid4().hex
        message = {
            "data": base64.b64encode(data).decode(),
            "attributes": dict(attributes),
            "messageId": message_id,
            "publishTime": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        }
        for sub in subscriptions_for(topic):
            self.enqueue(sub, message)
        return message_id

    def enqueue(self, subscription: Subscription, message: dict, attempt: int = 1) -> None:
        """Queue a delivery to one subscription (used by publish and by dead-letter replay)."""
        with self._lock:
            heapq.heappush(
                self._queue,
                _Pending(time.monotonic(), next(self._seq), subscription, message, attempt),
            )

    def pending(self) -> int:
        """Deliveries still queued."""
        with self._lock:
            return len(self._queue)

    delivers_in_process = True

    def drain(self, timeout: float = 300.0) -> int:
        """Deliver until nothing is queued (consumers may publish more); return deliveries."""
        deadline = time.monotonic() + timeout
        delivered = 0
        while time.monotonic() < deadline:
            with self._lock:
                if not self._queue:
                    return delivered
                item = heapq.heappop(self._queue)
            wait = item.due - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            self._attempt(item)
            delivered += 1
        raise TimeoutError(f"bus still had {self.pending()} deliveries after {timeout}s")

    def _attempt(self, item: _Pending) -> None:
        first = item.first_attempt_at or datetime.now(UTC)
        try:
            self.deliver(
                item.subscription, push_envelope(item.subscription, item.message, item.attempt)
            )
            return
        except Exception as exc:  # noqa: BLE001 - any failure is a nack, as on Pub/Sub
            error = f"{exc.__class__.__name__}: {exc}"[:2000]
        log.warning(
            "delivery failed",
            extra={
                "subscription": item.subscription.name,
                "message_id": item.message["messageId"],
                "attempt": item.attempt,
            },
        )
        if item.attempt >= self.max_attempts:
            self._dead_letter(item, first, error)
            return
        backoff = self.backoff_seconds * (2 ** (item.attempt - 1))
        with self._lock:
            heapq.heappush(
                self._queue,
                _Pending(
                    time.monotonic() + backoff,
                    next(self._seq),
                    item.subscription,
                    item.message,
                    item.attempt + 1,
                    first,
                ),
            )

    def _dead_letter(self, item: _Pending, first: datetime, error: str) -> None:
        with self.uow.transaction() as conn:
            conn.execute(
                insert(dead_letters).values(
                    subscription=item.subscription.name,
                    topic=item.subscription.topic,
                    message_id=item.message["messageId"],
                    payload=base64.b64decode(item.message["data"]).decode("utf-8", "replace"),
                    attributes=item.message.get("attributes", {}),
                    attempts=item.attempt,
                    last_error=error,
                    first_attempt_at=first,
                )
            )
        log.error(
            "dead-lettered",
            extra={"subscription": item.subscription.name, "message_id": item.message["messageId"]},
        )
