"""The two backends of the bus behind one small harness, for the port contract suite
(tests/integration/test_bus_contract.py): publish, read what a consumer got the adapter's own
way (the local bus's deliveries, a pull on Pub/Sub), make a consumer fail until the message is
dead-lettered."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field

from common import topology
from common.bus.local import LocalBus
from common.bus.local_dlq import LocalDeadLetters
from common.bus.pubsub_dlq import PubSubDeadLetters
from tests.fakes import PROJECT

DRIFTWATCH = topology.subscription_named("signal-driftwatch-claims-loaded")


@dataclass(frozen=True)
class Received:
    """One message as a consumer got it (the bus's own dead-letter attributes left out)."""

    message_id: str
    data: bytes
    attributes: dict = field(hash=False)


class LocalHarness:
    """The in-process bus; a subscription in `failing` has a consumer that raises."""

    def __init__(self, uow) -> None:
        self.failing: set[str] = set()
        self.delivered: dict[str, list[Received]] = {}
        self.publisher = LocalBus(
            uow, self._deliver, max_attempts=topology.MAX_DELIVERY_ATTEMPTS, backoff_seconds=0
        )
        self.letters = LocalDeadLetters(uow, self.publisher)
        self.missing_id = "999999999"

    def _deliver(self, subscription, envelope) -> None:
        if subscription.name in self.failing:
            raise RuntimeError("the consumer failed")
        message = envelope["message"]
        got = Received(
            message["messageId"], base64.b64decode(message["data"]), message["attributes"]
        )
        self.delivered.setdefault(subscription.name, []).append(got)

    def received(self, subscription) -> list[Received]:
        """What the subscription's consumer acknowledged since the last call."""
        self.publisher.drain()
        return self.delivered.pop(subscription.name, [])

    def dead_letter(self, subscription, data: bytes, attributes: dict) -> str:
        """Publish; the subscription's consumer fails every attempt. The message id."""
        self.failing.add(subscription.name)
        try:
            message_id = self.publisher.publish(subscription.topic, data, attributes)
            self.publisher.drain()
        finally:
            self.failing.discard(subscription.name)
        return message_id

    def settle(self) -> None:
        """Nothing is leased on the local bus."""


class PubSubHarness:
    """Pub/Sub: consumers pull and acknowledge, or nack until the message is dead-lettered."""

    def __init__(self, fake, publisher, subscriber) -> None:
        self.fake, self.publisher, self.subscriber = fake, publisher, subscriber
        self.letters = PubSubDeadLetters(PROJECT, publisher=publisher, batch_size=2)
        self.missing_id = f"{DRIFTWATCH.dead_letter_topic}:no-such-message"

    def _pull(self, name: str) -> list:
        path = self.subscriber.subscription_path(PROJECT, name)
        request = {"subscription": path, "max_messages": 50}
        return list(self.subscriber.pull(request=request).received_messages)

    def received(self, subscription) -> list[Received]:
        """Pull and acknowledge what waits on the subscription."""
        pulled = self._pull(subscription.name)
        if pulled:
            path = self.subscriber.subscription_path(PROJECT, subscription.name)
            ack_ids = [r.ack_id for r in pulled]
            self.subscriber.acknowledge(request={"subscription": path, "ack_ids": ack_ids})
        return [
            Received(
                r.message.message_id,
                r.message.data,
                {k: v for k, v in r.message.attributes.items() if not k.startswith("CloudPubSub")},
            )
            for r in pulled
        ]

    def dead_letter(self, subscription, data: bytes, attributes: dict) -> str:
        """Publish; nack it on the subscription until Pub/Sub dead-letters it."""
        message_id = self.publisher.publish(subscription.topic, data, attributes)
        path = self.subscriber.subscription_path(PROJECT, subscription.name)
        for _ in range(topology.MAX_DELIVERY_ATTEMPTS):
            ack_ids = [r.ack_id for r in self._pull(subscription.name)]
            self.subscriber.modify_ack_deadline(
                request={"subscription": path, "ack_ids": ack_ids, "ack_deadline_seconds": 0}
            )
        return message_id

    def settle(self) -> None:
        """Let any lease this suite's reads left run out, so a held letter would show again."""
        self.fake.expire_leases()
