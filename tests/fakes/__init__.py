"""Test-only fakes of external services, driven through the real client libraries.

`pubsub_server` is the Pub/Sub fake; `provision_topology` creates our topics and subscriptions
on whichever Pub/Sub the client is pointed at (the fake, through PUBSUB_EMULATOR_HOST).
"""

from __future__ import annotations

PROJECT = "upstream-test"  # the Google Cloud project the Pub/Sub tests use


def provision_topology(project_id: str, subscriptions=None) -> None:
    """Create every topology topic, dead-letter topic, subscription and `-dlq` pull subscription.

    Uses the real admin clients, so PUBSUB_EMULATOR_HOST must point at the fake. Consumer
    subscriptions are pull subscriptions here (the fake does not push).
    """
    from google.cloud import pubsub_v1

    from common import topology

    subs = topology.SUBSCRIPTIONS if subscriptions is None else subscriptions
    publisher, subscriber = pubsub_v1.PublisherClient(), pubsub_v1.SubscriberClient()
    try:
        for name in {*topology.TOPICS, *(s.topic for s in subs)}:
            publisher.create_topic(name=publisher.topic_path(project_id, name))
        for sub in subs:
            dlq_topic = publisher.topic_path(project_id, sub.dead_letter_topic)
            publisher.create_topic(name=dlq_topic)
            subscriber.create_subscription(
                request={
                    "name": subscriber.subscription_path(project_id, sub.name),
                    "topic": publisher.topic_path(project_id, sub.topic),
                    "dead_letter_policy": {
                        "dead_letter_topic": dlq_topic,
                        "max_delivery_attempts": topology.MAX_DELIVERY_ATTEMPTS,
                    },
                }
            )
            subscriber.create_subscription(
                name=subscriber.subscription_path(project_id, sub.dead_letter_topic),
                topic=dlq_topic,
            )
    finally:
        publisher.stop()
        subscriber.close()
