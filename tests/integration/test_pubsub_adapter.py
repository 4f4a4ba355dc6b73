"""PubSubPublisher and the fake server's Pub/Sub semantics, through the real client library."""

import json
import time

import pytest
from google.api_core.exceptions import NotFound

from common import topology
from common.bus.pubsub import PubSubPublisher
from common.domain.messages import ClaimsLoaded, encode
from tests.fakes import PROJECT

DRIFTWATCH = topology.subscription_named("signal-driftwatch-claims-loaded")


def pull(subscriber, name: str, max_messages: int = 10):
    path = subscriber.subscription_path(PROJECT, name)
    response = subscriber.pull(request={"subscription": path, "max_messages": max_messages})
    return list(response.received_messages)


def nack(subscriber, name: str, ack_ids) -> None:
    subscriber.modify_ack_deadline(
        request={
            "subscription": subscriber.subscription_path(PROJECT, name),
            "ack_ids": list(ack_ids),
            "ack_deadline_seconds": 0,
        }
    )


def test_publish_round_trip_fans_out_to_the_topic_subscriptions(publisher, subscriber):
    data, attributes = encode(ClaimsLoaded(customer_id="c-1", upload_id="u-1", rows_accepted=3))

    message_id = publisher.publish(topology.CLAIMS_LOADED, data, attributes)

    assert message_id
    for sub in topology.subscriptions_for(topology.CLAIMS_LOADED):
        (received,) = pull(subscriber, sub.name)
        assert received.message.message_id == message_id
        assert received.message.data == data
        assert dict(received.message.attributes) == {
            "event_type": "ClaimsLoaded",
            "schema_version": "1",
            "customer_id": "c-1",
        }
        assert json.loads(received.message.data)["upload_id"] == "u-1"
        assert received.delivery_attempt == 1  # the subscription has a dead-letter policy
    assert pull(subscriber, "alert-dispatch-signals-raised") == []


def test_publish_to_a_missing_topic_raises(publisher):
    with pytest.raises(NotFound):
        publisher.publish("no-such-topic", b"{}", {"event_type": "X"})


def test_attribute_names_the_client_would_swallow_are_refused(publisher):
    with pytest.raises(ValueError, match="timeout"):
        publisher.publish(topology.CLAIMS_LOADED, b"{}", {"timeout": "5"})


def test_no_client_is_built_before_the_first_publish(monkeypatch, tmp_path):
    monkeypatch.delenv("PUBSUB_EMULATOR_HOST", raising=False)
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "missing.json"))
    from google.auth.exceptions import DefaultCredentialsError

    publisher = PubSubPublisher(PROJECT)  # would raise here if it built a client eagerly

    with pytest.raises(DefaultCredentialsError):
        publisher.publish(topology.CLAIMS_LOADED, b"{}", {})


def test_a_project_is_required():
    with pytest.raises(ValueError, match="GOOGLE_CLOUD_PROJECT"):
        PubSubPublisher(None)


def test_acknowledged_messages_are_not_redelivered(publisher, subscriber):
    publisher.publish(topology.CLAIMS_LOADED, b"{}", {"event_type": "ClaimsLoaded"})
    (received,) = pull(subscriber, DRIFTWATCH.name)
    subscriber.acknowledge(
        request={
            "subscription": subscriber.subscription_path(PROJECT, DRIFTWATCH.name),
            "ack_ids": [received.ack_id],
        }
    )
    assert pull(subscriber, DRIFTWATCH.name) == []
    assert pull(subscriber, DRIFTWATCH.dead_letter_topic) == []


def test_nacked_five_times_the_message_moves_to_the_dead_letter_subscription(publisher, subscriber):
    attributes = {"event_type": "ClaimsLoaded", "customer_id": "c-9"}
    message_id = publisher.publish(topology.CLAIMS_LOADED, b'{"x": 1}', attributes)

    for attempt in range(1, topology.MAX_DELIVERY_ATTEMPTS + 1):
        assert pull(subscriber, DRIFTWATCH.dead_letter_topic) == []
        (received,) = pull(subscriber, DRIFTWATCH.name)
        assert received.message.message_id == message_id
        assert received.delivery_attempt == attempt
        nack(subscriber, DRIFTWATCH.name, [received.ack_id])

    assert pull(subscriber, DRIFTWATCH.name) == []
    (dead,) = pull(subscriber, DRIFTWATCH.dead_letter_topic)
    assert dead.message.data == b'{"x": 1}'
    assert dead.message.attributes["CloudPubSubDeadLetterSourceDeliveryCount"] == "5"
    assert dead.message.attributes["CloudPubSubDeadLetterSourceSubscription"] == DRIFTWATCH.name
    assert dead.message.attributes["customer_id"] == "c-9"
    # The sibling subscriptions of the topic still hold their own copy, undelivered.
    (sibling,) = pull(subscriber, "signal-denialscope-claims-loaded")
    assert sibling.message.message_id == message_id
    assert sibling.delivery_attempt == 1


def test_an_expired_lease_counts_as_a_delivery_attempt(publisher, subscriber):
    publisher.publish(topology.CLAIMS_LOADED, b"{}", {})
    (first,) = pull(subscriber, DRIFTWATCH.name)
    subscriber.modify_ack_deadline(
        request={
            "subscription": subscriber.subscription_path(PROJECT, DRIFTWATCH.name),
            "ack_ids": [first.ack_id],
            "ack_deadline_seconds": 1,
        }
    )
    assert pull(subscriber, DRIFTWATCH.name) == []  # still leased
    time.sleep(1.1)
    (second,) = pull(subscriber, DRIFTWATCH.name)
    assert second.message.message_id == first.message.message_id
    assert second.delivery_attempt == 2
    assert second.ack_id != first.ack_id


def test_topology_is_provisioned_with_dead_letter_policies(publisher, subscriber):
    topic = publisher.client.get_topic(topic=publisher.topic_path(DRIFTWATCH.dead_letter_topic))
    assert topic.name == f"projects/{PROJECT}/topics/{DRIFTWATCH.dead_letter_topic}"
    config = subscriber.get_subscription(
        subscription=subscriber.subscription_path(PROJECT, DRIFTWATCH.name)
    )
    assert config.topic == publisher.topic_path(topology.CLAIMS_LOADED)
    assert config.dead_letter_policy.dead_letter_topic == topic.name
    assert config.dead_letter_policy.max_delivery_attempts == topology.MAX_DELIVERY_ATTEMPTS
