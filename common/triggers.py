"""What a CloudEvent function needs from its trigger: the event types, the two decoders, and
the one bad-message rule (DESIGN §6.5: bad input is recorded and acknowledged; anything else
raises, so the event is retried and, on Pub/Sub, dead-lettered after five attempts).

A function file reads: decode the event, call one service, map the result, all inside
`bad_messages_recorded`. The decoders are the services' own (`services/ingest/event.py`,
`services/pubsub_event.py`); this module gives them the CloudEvent-in signature.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from common.db.uow import UnitOfWork
from common.domain.messages import BadMessage
from common.services.bad_messages import record_bad_message
from common.services.ingest.event import ObjectEvent
from common.services.ingest.event import object_event as _finalized_object
from common.services.pubsub_event import pubsub_message
from common.topology import MESSAGE_PUBLISHED, OBJECT_FINALIZED, STORAGE_TRIGGERED, SUBSCRIPTIONS

__all__ = [
    "MESSAGE_PUBLISHED",
    "OBJECT_FINALIZED",
    "STORAGE_LETTER_TOPIC",
    "ObjectEvent",
    "bad_messages_recorded",
    "letter_topic",
    "object_event",
    "pubsub_message",
]

# The `topic` of a storage consumer's bad message: no topic carries a storage event, and rows
# already recorded say this, so on-call's `dlq list` keeps reading the same.
STORAGE_LETTER_TOPIC = "storage.finalized"


def object_event(cloud_event) -> ObjectEvent:
    """The object an `object.finalized` CloudEvent names; BadMessage for any other type or
    for data that does not name a usable object (see `services/ingest/event.py`)."""
    return _finalized_object(cloud_event["type"], cloud_event.data)


@contextmanager
def bad_messages_recorded(uow: UnitOfWork, consumer: str, cloud_event) -> Iterator[None]:
    """Run the block; a BadMessage from it is recorded for on-call and acknowledged.

    The rest of the block is skipped and the function returns normally (2xx), so the event is
    not redelivered. Any other exception propagates. The letter's topic is the consumer's
    topic in the topology; a consumer the topology does not know fails every event, loudly.
    """
    topic = letter_topic(consumer)
    try:
        yield
    except BadMessage as exc:
        record_bad_message(uow, consumer, topic, cloud_event["id"], cloud_event.data, str(exc))


def letter_topic(consumer: str) -> str:
    """The topic a consumer function's bad messages are recorded under."""
    topics = {s.topic for s in SUBSCRIPTIONS if s.function == consumer}
    if len(topics) == 1:
        return topics.pop()
    if not topics and consumer in STORAGE_TRIGGERED:
        return STORAGE_LETTER_TOPIC
    raise LookupError(f"{consumer!r} is not one topic's consumer in common.topology")
