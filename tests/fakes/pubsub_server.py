"""An in-process Pub/Sub server for tests: the real google-cloud-pubsub client talks to it.

It speaks `google.pubsub.v1.Publisher`/`Subscriber` over gRPC with the client's own proto-plus
types. Synchronous pull only (no streaming pull, no push): topics, subscriptions with
dead-letter policies, publish, pull, ack, nack/modify-ack-deadline and lease expiry. After
`max_delivery_attempts` deliveries without an ack a message moves to the dead-letter topic with
the `CloudPubSubDeadLetterSource*` attributes real Pub/Sub adds. Point the client at it with
`PUBSUB_EMULATOR_HOST`.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

import grpc
from google.pubsub_v1 import types as t

DEFAULT_MAX_DELIVERY_ATTEMPTS = 5  # what Pub/Sub uses when the policy says 0


@dataclass
class _Pending:
    message: t.PubsubMessage
    deliveries: int = 0
    ack_id: str | None = None
    leased_until: float | None = None  # monotonic time; None when available


@dataclass
class _Sub:
    config: t.Subscription
    pending: dict[str, _Pending] = field(default_factory=dict)  # by message_id, FIFO

    @property
    def dead_letter_topic(self) -> str:
        return self.config.dead_letter_policy.dead_letter_topic

    @property
    def max_attempts(self) -> int:
        return self.config.dead_letter_policy.max_delivery_attempts


class FakePubSub:
    """Topics, subscriptions and messages in memory; RPC methods run under one lock."""

    def __init__(self) -> None:
        self.topics: dict[str, t.Topic] = {}
        self.subscriptions: dict[str, _Sub] = {}
        self._ids = itertools.count(1)
        self._lock = threading.RLock()

    def create_topic(self, request: t.Topic, context) -> t.Topic:
        if request.name in self.topics:
            context.abort(grpc.StatusCode.ALREADY_EXISTS, f"{request.name} exists")
        self.topics[request.name] = request
        return request

    def get_topic(self, request: t.GetTopicRequest, context) -> t.Topic:
        return self._topic(request.topic, context)

    def publish(self, request: t.PublishRequest, context) -> t.PublishResponse:
        self._topic(request.topic, context)
        ids = [self._fan_out(request.topic, m.data, dict(m.attributes)) for m in request.messages]
        return t.PublishResponse(message_ids=ids)

    def create_subscription(self, request: t.Subscription, context) -> t.Subscription:
        if request.name in self.subscriptions:
            context.abort(grpc.StatusCode.ALREADY_EXISTS, f"{request.name} exists")
        self._topic(request.topic, context)
        request.ack_deadline_seconds = request.ack_deadline_seconds or 10
        policy = request.dead_letter_policy
        if policy.dead_letter_topic:
            self._topic(policy.dead_letter_topic, context)
            policy.max_delivery_attempts = (
                policy.max_delivery_attempts or DEFAULT_MAX_DELIVERY_ATTEMPTS
            )
            if not 5 <= policy.max_delivery_attempts <= 100:
                context.abort(grpc.StatusCode.INVALID_ARGUMENT, "attempts must be 5..100")
        self.subscriptions[request.name] = _Sub(request)
        return request

    def get_subscription(self, request: t.GetSubscriptionRequest, context) -> t.Subscription:
        return self._sub(request.subscription, context).config

    def pull(self, request: t.PullRequest, context) -> t.PullResponse:
        sub = self._sub(request.subscription, context)
        now = time.monotonic()
        for item in list(sub.pending.values()):
            if item.leased_until is not None and item.leased_until <= now:
                self._release(sub, item)  # an expired lease counts as a failed attempt
        received = []
        for item in sub.pending.values():
            if len(received) >= max(request.max_messages, 1):
                break
            if item.leased_until is not None:
                continue
            item.deliveries += 1
            item.ack_id = f"ack-{next(self._ids)}"
            item.leased_until = now + sub.config.ack_deadline_seconds
            attempt = item.deliveries if sub.dead_letter_topic else 0
            received.append(
                t.ReceivedMessage(
                    ack_id=item.ack_id, message=item.message, delivery_attempt=attempt
                )
            )
        return t.PullResponse(received_messages=received)

    def acknowledge(self, request: t.AcknowledgeRequest, context) -> None:
        sub = self._sub(request.subscription, context)
        for item in self._leased(sub, request.ack_ids):
            del sub.pending[item.message.message_id]

    def modify_ack_deadline(self, request: t.ModifyAckDeadlineRequest, context) -> None:
        sub = self._sub(request.subscription, context)
        for item in self._leased(sub, request.ack_ids):
            if request.ack_deadline_seconds == 0:
                self._release(sub, item)  # a nack
            else:
                item.leased_until = time.monotonic() + request.ack_deadline_seconds

    def expire_leases(self) -> None:
        """Let every outstanding lease run out now (as if the ack deadline had passed)."""
        with self._lock:
            for sub in self.subscriptions.values():
                for item in sub.pending.values():
                    if item.leased_until is not None:
                        item.leased_until = 0.0

    def _fan_out(self, topic: str, data: bytes, attributes: dict[str, str]) -> str:
        message = t.PubsubMessage(
            data=data,
            attributes=attributes,
            message_id=str(next(self._ids)),
            publish_time=datetime.now(UTC),
        )
        for sub in self.subscriptions.values():
            if sub.config.topic == topic:
                sub.pending[message.message_id] = _Pending(message)
        return message.message_id

    def _release(self, sub: _Sub, item: _Pending) -> None:
        """End a lease unacknowledged: redeliver, or dead-letter once attempts are used up."""
        item.ack_id, item.leased_until = None, None
        if not sub.dead_letter_topic or item.deliveries < sub.max_attempts:
            return
        del sub.pending[item.message.message_id]
        project, _, short_name = sub.config.name.split("/")[1:]
        attributes = dict(item.message.attributes)
        attributes.update(
            CloudPubSubDeadLetterSourceDeliveryCount=str(item.deliveries),
            CloudPubSubDeadLetterSourceSubscription=short_name,
            CloudPubSubDeadLetterSourceSubscriptionProject=project,
            CloudPubSubDeadLetterSourceTopicPublishTime=item.message.publish_time.isoformat(),
        )
        if sub.dead_letter_topic in self.topics:
            self._fan_out(sub.dead_letter_topic, item.message.data, attributes)

    @staticmethod
    def _leased(sub: _Sub, ack_ids) -> list[_Pending]:
        wanted = set(ack_ids)
        return [item for item in sub.pending.values() if item.ack_id in wanted]

    def _topic(self, name: str, context) -> t.Topic:
        if name not in self.topics:
            context.abort(grpc.StatusCode.NOT_FOUND, f"Resource not found (resource={name}).")
        return self.topics[name]

    def _sub(self, name: str, context) -> _Sub:
        if name not in self.subscriptions:
            context.abort(grpc.StatusCode.NOT_FOUND, f"Resource not found (resource={name}).")
        return self.subscriptions[name]

    def handlers(self) -> list[grpc.GenericRpcHandler]:
        """gRPC handlers for both services (unknown methods answer UNIMPLEMENTED)."""

        def unary(method, request_type, response_type=None):
            def locked(request, context):
                with self._lock:  # one RPC at a time: the state is plain dicts
                    return method(request, context)

            serialize = response_type.serialize if response_type else (lambda _: b"")
            return grpc.unary_unary_rpc_method_handler(
                locked, request_deserializer=request_type.deserialize, response_serializer=serialize
            )

        publisher = {
            "CreateTopic": unary(self.create_topic, t.Topic, t.Topic),
            "GetTopic": unary(self.get_topic, t.GetTopicRequest, t.Topic),
            "Publish": unary(self.publish, t.PublishRequest, t.PublishResponse),
        }
        subscriber = {
            "CreateSubscription": unary(self.create_subscription, t.Subscription, t.Subscription),
            "GetSubscription": unary(
                self.get_subscription, t.GetSubscriptionRequest, t.Subscription
            ),
            "Pull": unary(self.pull, t.PullRequest, t.PullResponse),
            "Acknowledge": unary(self.acknowledge, t.AcknowledgeRequest),
            "ModifyAckDeadline": unary(self.modify_ack_deadline, t.ModifyAckDeadlineRequest),
        }
        return [
            grpc.method_handlers_generic_handler("google.pubsub.v1.Publisher", publisher),
            grpc.method_handlers_generic_handler("google.pubsub.v1.Subscriber", subscriber),
        ]


@contextmanager
def running_pubsub_fake(fake: FakePubSub | None = None) -> Iterator[str]:
    """Serve a FakePubSub on 127.0.0.1 (a free port); yield "host:port" for PUBSUB_EMULATOR_HOST."""
    server = grpc.server(ThreadPoolExecutor(max_workers=8))
    server.add_generic_rpc_handlers((fake or FakePubSub()).handlers())
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        yield f"127.0.0.1:{port}"
    finally:
        server.stop(grace=None)
