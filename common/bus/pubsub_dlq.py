"""Dead letters on Pub/Sub: the `<subscription>-dlq` pull subscriptions, for on-call.

Pub/Sub has no "peek": `list` and `show` pull the letters, hold them while reading, then set
their ack deadline to 0 so they stay available. `replay` republishes to the original topic
(every subscription of that topic receives it again) and acknowledges the letter only after
the publish succeeded; a failed publish leaves the letter on the `-dlq` subscription.

These are Pub/Sub's dead letters only. The bad messages consumers recorded in Postgres are
`services.bad_messages.RecordedBadMessages`; `upstream dlq` shows both, and `publish_to_topic`
is how those replay in the cloud.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import UTC, datetime

from common.bus.port import Publisher
from common.bus.pubsub import PubSubPublisher, require_project
from common.services.bad_messages import ToSubscription
from common.topology import SUBSCRIPTIONS, Subscription

DEAD_LETTER_PREFIX = "CloudPubSubDeadLetter"
DELIVERY_COUNT = "CloudPubSubDeadLetterSourceDeliveryCount"
DELIVERY_ERROR = "CloudPubSubDeadLetterSourceDeliveryErrorMessage"
_ACK_CHUNK = 1000  # ack ids per Acknowledge/ModifyAckDeadline request


def publish_to_topic(publisher: Publisher) -> ToSubscription:
    """Redelivery for a recorded bad message in the cloud: publish to the subscription's topic.

    Pub/Sub cannot address one subscription, so the topic's other subscriptions receive the
    message too (as for a replayed dead letter); consumers are idempotent per message id.
    """

    def to_subscription(subscription: Subscription, data: bytes, attributes: dict) -> str:
        return publisher.publish(subscription.topic, data, attributes)

    return to_subscription


class PubSubDeadLetters:
    """DeadLetterStore over Pub/Sub; letter ids are `<dlq-subscription>:<message_id>`."""

    def __init__(
        self,
        project_id: str | None,
        subscriptions: Iterable[Subscription] = SUBSCRIPTIONS,
        publisher: Publisher | None = None,
        batch_size: int = 100,
        max_letters: int = 1000,
        pull_timeout_seconds: float = 10.0,
    ) -> None:
        self.project_id = require_project(project_id)
        self.subscriptions = {s.dead_letter_topic: s for s in subscriptions}
        self._own_publisher = publisher is None
        self.publisher = publisher or PubSubPublisher(project_id)
        self.batch_size = batch_size
        self.max_letters = max_letters
        self.pull_timeout_seconds = pull_timeout_seconds
        self._client = None
        self._lock = threading.Lock()

    def list(self) -> list[dict]:
        """Every dead letter (up to max_letters per subscription), oldest first; nothing acked."""
        letters = []
        for dlq, sub in self.subscriptions.items():
            held = self._pull_all(dlq)
            letters += [self._summary(dlq, sub, received.message) for received in held]
            self._release(dlq, held)
        return sorted(letters, key=lambda letter: -letter["age_seconds"])

    def show(self, letter_id: str) -> dict:
        """One dead letter with its decoded payload and all attributes (KeyError when unknown)."""
        dlq, sub, message_id = self._parse(letter_id)
        held = self._pull_all(dlq)
        try:
            message = self._find(held, message_id, letter_id).message
            return {
                **self._summary(dlq, sub, message),
                "payload": message.data.decode("utf-8", errors="replace"),
                "attributes": dict(message.attributes),
            }
        finally:
            self._release(dlq, held)

    def replay(self, letter_id: str) -> str:
        """Republish to the original topic without the dead-letter attributes; ack the letter."""
        dlq, sub, message_id = self._parse(letter_id)
        held = self._pull_all(dlq)
        try:
            letter = self._find(held, message_id, letter_id)
            attributes = {
                key: value
                for key, value in letter.message.attributes.items()
                if not key.startswith(DEAD_LETTER_PREFIX)
            }
            new_id = self.publisher.publish(sub.topic, letter.message.data, attributes)
            self._ack(dlq, [letter.ack_id])
            held = [received for received in held if received is not letter]
            return new_id
        finally:
            self._release(dlq, held)

    def purge(self) -> int:
        """Acknowledge every dead letter on every `-dlq` subscription; return how many."""
        purged = 0
        for dlq in self.subscriptions:
            while held := self._pull_all(dlq):
                self._ack(dlq, [received.ack_id for received in held])
                purged += len(held)
        return purged

    @property
    def client(self):
        """The google-cloud-pubsub SubscriberClient, built once on first use."""
        with self._lock:
            if self._client is None:
                from google.cloud import pubsub_v1

                self._client = pubsub_v1.SubscriberClient()
            return self._client

    def close(self) -> None:
        """Close the subscriber channel and our own publisher, if they were built."""
        with self._lock:
            client, self._client = self._client, None
        if client is not None:
            client.close()
        if self._own_publisher:
            self.publisher.close()

    def _path(self, dlq: str) -> str:
        return f"projects/{self.project_id}/subscriptions/{dlq}"

    def _pull_all(self, dlq: str) -> list:
        """Pull until a pull brings nothing new; the letters stay leased to us."""
        from google.api_core.exceptions import DeadlineExceeded

        held: dict[str, object] = {}
        while len(held) < self.max_letters:
            try:
                response = self.client.pull(
                    request={"subscription": self._path(dlq), "max_messages": self.batch_size},
                    timeout=self.pull_timeout_seconds,
                )
            except DeadlineExceeded:  # an empty subscription may hold the pull open
                break
            fresh = [r for r in response.received_messages if r.message.message_id not in held]
            # A redelivery (our lease ran out) replaces the old ack id, which no longer works.
            held.update((r.message.message_id, r) for r in response.received_messages)
            if not fresh:
                break
        return list(held.values())

    def _release(self, dlq: str, held: list) -> None:
        """Nack what we hold so the letters are available again right away."""
        ack_ids = [received.ack_id for received in held]
        for start in range(0, len(ack_ids), _ACK_CHUNK):
            self.client.modify_ack_deadline(
                request={
                    "subscription": self._path(dlq),
                    "ack_ids": ack_ids[start : start + _ACK_CHUNK],
                    "ack_deadline_seconds": 0,
                }
            )

    def _ack(self, dlq: str, ack_ids: list[str]) -> None:
        for start in range(0, len(ack_ids), _ACK_CHUNK):
            self.client.acknowledge(
                request={
                    "subscription": self._path(dlq),
                    "ack_ids": ack_ids[start : start + _ACK_CHUNK],
                }
            )

    def _parse(self, letter_id: str) -> tuple[str, Subscription, str]:
        dlq, _, message_id = letter_id.partition(":")
        if dlq not in self.subscriptions or not message_id:
            raise KeyError(letter_id)
        return dlq, self.subscriptions[dlq], message_id

    @staticmethod
    def _find(held: list, message_id: str, letter_id: str):
        for received in held:
            if received.message.message_id == message_id:
                return received
        raise KeyError(letter_id)

    @staticmethod
    def _summary(dlq: str, sub: Subscription, message) -> dict:
        attributes = message.attributes
        count = attributes.get(DELIVERY_COUNT)
        dead_at = message.publish_time  # when Pub/Sub forwarded it to the dead-letter topic
        return {
            "id": f"{dlq}:{message.message_id}",
            "kind": "dead_letter",
            "subscription": sub.name,
            "topic": sub.topic,
            "message_id": message.message_id,
            "event_type": attributes.get("event_type"),
            "customer_id": attributes.get("customer_id"),
            "attempts": int(count) if count and count.isdigit() else None,
            "last_error": attributes.get(DELIVERY_ERROR),
            "age_seconds": round((datetime.now(UTC) - dead_at).total_seconds(), 1),
        }
