"""One contract suite for the Publisher and DeadLetterStore ports, run against both adapters:
the in-process bus with its `dead_letters` table, and Pub/Sub (the real client against the
fake) with its `-dlq` subscriptions, each behind a harness (tests/integration/bus_harness.py).
"""

from __future__ import annotations

import pytest

from common import topology
from common.bus.pubsub import PubSubPublisher
from common.bus.pubsub_dlq import DEAD_LETTER_PREFIX
from common.services.bad_messages import ReplayError
from tests.fakes import PROJECT
from tests.integration.bus_harness import DRIFTWATCH, LocalHarness, PubSubHarness, Received

DISPATCH = topology.subscription_named("alert-dispatch-signals-raised")
ATTRIBUTES = {"event_type": "ClaimsLoaded", "customer_id": "c-1"}
SUMMARY_FIELDS = {
    "id", "kind", "subscription", "topic", "message_id", "event_type", "customer_id",
    "attempts", "last_error", "age_seconds",
}  # fmt: skip


@pytest.fixture(params=["local", "pubsub"])
def bus(request):
    if request.param == "local":
        yield LocalHarness(request.getfixturevalue("app").uow)
        return
    fake, subscriber = request.getfixturevalue("pubsub"), request.getfixturevalue("subscriber")
    harness = PubSubHarness(fake, PubSubPublisher(PROJECT, timeout_seconds=10), subscriber)
    yield harness
    harness.letters.close()
    harness.publisher.close()


# -- Publisher ---------------------------------------------------------------------------------


def test_each_publish_returns_a_new_message_id(bus):
    ids = {bus.publisher.publish(topology.CLAIMS_LOADED, b"{}", ATTRIBUTES) for _ in range(3)}
    assert len(ids) == 3 and all(isinstance(i, str) and i for i in ids)


def test_every_subscription_of_the_topic_gets_the_message_once(bus):
    message_id = bus.publisher.publish(topology.CLAIMS_LOADED, b'{"x": 1}', ATTRIBUTES)
    for subscription in topology.subscriptions_for(topology.CLAIMS_LOADED):
        assert bus.received(subscription) == [Received(message_id, b'{"x": 1}', ATTRIBUTES)]
        assert bus.received(subscription) == []  # acknowledged: not delivered again
    assert bus.received(DISPATCH) == []  # another topic's subscription


def test_drain_delivers_here_only_when_the_bus_runs_in_process(bus):
    bus.publisher.publish(topology.CLAIMS_LOADED, b"{}", ATTRIBUTES)
    fanout = len(topology.subscriptions_for(topology.CLAIMS_LOADED))
    assert bus.publisher.drain() == (fanout if bus.publisher.delivers_in_process else 0)
    assert bus.publisher.drain() == 0


def test_attribute_names_the_client_would_swallow_are_refused(bus):
    with pytest.raises(ValueError, match="reserved"):
        bus.publisher.publish(topology.CLAIMS_LOADED, b"{}", {"ordering_key": "k"})


# -- DeadLetterStore ---------------------------------------------------------------------------


def test_a_message_its_consumer_keeps_failing_becomes_one_dead_letter(bus):
    message_id = bus.dead_letter(DRIFTWATCH, b'{"x": 1}', ATTRIBUTES)

    (letter,) = bus.letters.list()
    assert set(letter) >= SUMMARY_FIELDS and letter["kind"] == "dead_letter"
    assert (letter["subscription"], letter["topic"]) == (DRIFTWATCH.name, DRIFTWATCH.topic)
    # The local store keeps the failed message's id; Pub/Sub forwards it to the dead-letter
    # topic as a message of its own, so there the letter has that new id.
    assert letter["message_id"] == message_id or not bus.publisher.delivers_in_process
    assert isinstance(letter["message_id"], str) and letter["message_id"]
    assert (letter["event_type"], letter["customer_id"]) == ("ClaimsLoaded", "c-1")
    assert letter["attempts"] == topology.MAX_DELIVERY_ATTEMPTS and letter["age_seconds"] >= 0
    bus.settle()
    assert [x["id"] for x in bus.letters.list()] == [letter["id"]]  # listing consumes nothing
    # The topic's other subscriptions are not held back by one failing consumer.
    sibling = topology.subscription_named("signal-denialscope-claims-loaded")
    assert [r.message_id for r in bus.received(sibling)] == [message_id]


def test_show_gives_the_payload_and_the_attributes(bus):
    bus.dead_letter(DRIFTWATCH, '{"payer": "Ætna"}'.encode(), ATTRIBUTES)
    (letter,) = bus.letters.list()
    shown = bus.letters.show(letter["id"])
    assert shown["id"] == letter["id"] and shown["payload"] == '{"payer": "Ætna"}'
    assert ATTRIBUTES.items() <= shown["attributes"].items()


def test_unknown_ids_raise_key_error(bus):
    bus.dead_letter(DRIFTWATCH, b"{}", ATTRIBUTES)
    for letter_id in (bus.missing_id, "not-an-id"):
        with pytest.raises(KeyError):
            bus.letters.show(letter_id)
        with pytest.raises(KeyError):
            bus.letters.replay(letter_id)
    bus.settle()
    assert len(bus.letters.list()) == 1


def test_replay_redelivers_to_the_consumer_as_a_new_message_once(bus):
    original = bus.dead_letter(DRIFTWATCH, b'{"x": 1}', ATTRIBUTES)
    bus.dead_letter(DISPATCH, b'{"y": 2}', {"event_type": "SignalsRaised"})
    bus.received(DRIFTWATCH)  # nothing waits there but the replay, below
    target = next(x for x in bus.letters.list() if x["subscription"] == DRIFTWATCH.name)

    new_id = bus.letters.replay(target["id"])

    assert new_id and new_id != original
    (again,) = bus.received(DRIFTWATCH)
    assert again.message_id == new_id and again.data == b'{"x": 1}'
    assert again.attributes == ATTRIBUTES
    assert not any(k.startswith(DEAD_LETTER_PREFIX) for k in again.attributes)
    bus.settle()
    assert [x["subscription"] for x in bus.letters.list()] == [DISPATCH.name]
    with pytest.raises((KeyError, ReplayError)):  # gone (Pub/Sub) or marked replayed (local)
        bus.letters.replay(target["id"])


def test_purge_drops_every_letter_and_counts_them(bus):
    bus.dead_letter(DRIFTWATCH, b"{}", ATTRIBUTES)
    bus.dead_letter(DRIFTWATCH, b"{}", ATTRIBUTES)
    bus.dead_letter(DISPATCH, b"{}", {"event_type": "SignalsRaised"})
    assert bus.letters.purge() == 3
    bus.settle()
    assert bus.letters.list() == [] and bus.letters.purge() == 0
