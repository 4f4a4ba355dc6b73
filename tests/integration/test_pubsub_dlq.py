"""PubSubDeadLetters (list / show / replay / purge) against the fake, with the real client."""

import pytest

from common import topology
from common.bus.pubsub_dlq import PubSubDeadLetters
from common.domain.messages import ClaimsLoaded, SignalsRaised, encode
from tests.fakes import PROJECT

DRIFTWATCH = topology.subscription_named("signal-driftwatch-claims-loaded")
DISPATCH = topology.subscription_named("alert-dispatch-signals-raised")


@pytest.fixture
def store(pubsub):
    store = PubSubDeadLetters(PROJECT, batch_size=2)  # small batches exercise the pull loop
    yield store
    store.close()


def pull(subscriber, name: str):
    path = subscriber.subscription_path(PROJECT, name)
    return list(
        subscriber.pull(request={"subscription": path, "max_messages": 50}).received_messages
    )


def dead_letter(publisher, subscriber, sub, message) -> str:
    """Publish `message` and fail it on `sub` until Pub/Sub dead-letters it; return its id."""
    data, attributes = encode(message)
    message_id = publisher.publish(sub.topic, data, attributes)
    path = subscriber.subscription_path(PROJECT, sub.name)
    for _ in range(topology.MAX_DELIVERY_ATTEMPTS):
        ack_ids = [
            r.ack_id for r in pull(subscriber, sub.name) if r.message.message_id == message_id
        ]
        assert len(ack_ids) == 1
        subscriber.modify_ack_deadline(
            request={"subscription": path, "ack_ids": ack_ids, "ack_deadline_seconds": 0}
        )
    return message_id


def drain(subscriber, name: str) -> list:
    """Pull and acknowledge everything waiting on a subscription."""
    received = pull(subscriber, name)
    if received:
        subscriber.acknowledge(
            request={
                "subscription": subscriber.subscription_path(PROJECT, name),
                "ack_ids": [r.ack_id for r in received],
            }
        )
    return received


def test_list_shows_every_dead_letter_without_consuming_it(publisher, subscriber, store):
    for n in range(3):
        dead_letter(publisher, subscriber, DRIFTWATCH, ClaimsLoaded(customer_id=f"c-{n}"))
    dead_letter(publisher, subscriber, DISPATCH, SignalsRaised(customer_id="c-x", product="p"))

    first = store.list()
    second = store.list()

    assert len(first) == 4
    assert [letter["id"] for letter in second] == [letter["id"] for letter in first]
    by_customer = {letter["customer_id"]: letter for letter in first}
    letter = by_customer["c-1"]
    assert letter["id"] == f"{DRIFTWATCH.dead_letter_topic}:{letter['message_id']}"
    assert letter["subscription"] == DRIFTWATCH.name
    assert letter["topic"] == topology.CLAIMS_LOADED
    assert letter["event_type"] == "ClaimsLoaded"
    assert letter["attempts"] == topology.MAX_DELIVERY_ATTEMPTS
    assert letter["last_error"] is None
    assert 0 <= letter["age_seconds"] < 60
    assert by_customer["c-x"]["subscription"] == DISPATCH.name
    assert by_customer["c-x"]["topic"] == topology.SIGNALS_RAISED
    # Still on the dead-letter subscription for anyone else.
    assert len(pull(subscriber, DRIFTWATCH.dead_letter_topic)) == 3


def test_last_error_comes_from_the_delivery_error_attribute(publisher, store):
    publisher.publish(
        DRIFTWATCH.dead_letter_topic,
        b"{}",
        {
            "event_type": "ClaimsLoaded",
            "CloudPubSubDeadLetterSourceDeliveryCount": "7",
            "CloudPubSubDeadLetterSourceDeliveryErrorMessage": "HTTP 500",
        },
    )
    (letter,) = store.list()
    assert letter["last_error"] == "HTTP 500"
    assert letter["attempts"] == 7


def test_show_returns_payload_and_attributes(publisher, subscriber, store):
    message = ClaimsLoaded(customer_id="c-1", upload_id="u-1")
    dead_letter(publisher, subscriber, DRIFTWATCH, message)
    (listed,) = store.list()

    shown = store.show(listed["id"])

    assert shown["payload"] == encode(message)[0].decode()
    assert shown["attributes"]["customer_id"] == "c-1"
    assert shown["attributes"]["CloudPubSubDeadLetterSourceDeliveryCount"] == "5"
    assert {
        k: v for k, v in shown.items() if k not in ("payload", "attributes", "age_seconds")
    } == {k: v for k, v in listed.items() if k != "age_seconds"}
    assert [letter["id"] for letter in store.list()] == [listed["id"]]  # show did not consume


@pytest.mark.parametrize(
    "letter_id",
    ["nonsense", "signal-driftwatch-claims-loaded-dlq:999999", "no-such-dlq:1", "x:"],
)
def test_unknown_ids_raise_key_error(publisher, subscriber, store, letter_id):
    dead_letter(publisher, subscriber, DRIFTWATCH, ClaimsLoaded(customer_id="c-1"))
    with pytest.raises(KeyError):
        store.show(letter_id)
    with pytest.raises(KeyError):
        store.replay(letter_id)
    assert len(store.list()) == 1


def test_replay_republishes_to_the_original_topic_and_removes_the_letter(
    pubsub, publisher, subscriber, store
):
    message = ClaimsLoaded(customer_id="c-1", upload_id="u-1")
    original_id = dead_letter(publisher, subscriber, DRIFTWATCH, message)
    dead_letter(publisher, subscriber, DRIFTWATCH, ClaimsLoaded(customer_id="c-2"))
    for sub in topology.subscriptions_for(topology.CLAIMS_LOADED):
        drain(subscriber, sub.name)  # the siblings' copies of the originals
    target = next(letter for letter in store.list() if letter["customer_id"] == "c-1")

    new_id = store.replay(target["id"])

    assert new_id and new_id != original_id
    (redelivered,) = pull(subscriber, DRIFTWATCH.name)
    assert redelivered.message.message_id == new_id
    assert redelivered.message.data == encode(message)[0]
    assert dict(redelivered.message.attributes) == encode(message)[1]
    assert redelivered.delivery_attempt == 1
    # Replaying to the topic reaches every subscription on it.
    (sibling,) = pull(subscriber, "signal-denialscope-claims-loaded")
    assert sibling.message.message_id == new_id
    pubsub.expire_leases()  # a letter that was only held, not acknowledged, would come back
    remaining = store.list()
    assert [letter["customer_id"] for letter in remaining] == ["c-2"]
    with pytest.raises(KeyError):
        store.replay(target["id"])


def test_purge_acknowledges_everything(pubsub, publisher, subscriber, store):
    for n in range(5):
        dead_letter(publisher, subscriber, DRIFTWATCH, ClaimsLoaded(customer_id=f"c-{n}"))
    dead_letter(publisher, subscriber, DISPATCH, SignalsRaised(customer_id="c-x", product="p"))

    assert store.purge() == 6
    pubsub.expire_leases()
    assert store.list() == []
    assert pull(subscriber, DRIFTWATCH.dead_letter_topic) == []
    assert store.purge() == 0


def test_list_reads_past_one_pull_batch(publisher, subscriber, store):
    ids = {
        dead_letter(publisher, subscriber, DRIFTWATCH, ClaimsLoaded(customer_id=f"c-{n}"))
        for n in range(5)
    }
    letters = store.list()
    assert len(letters) == 5 > store.batch_size
    assert len({letter["id"] for letter in letters}) == 5
    assert len(ids) == 5


def test_no_client_is_built_at_construction(monkeypatch, tmp_path):
    monkeypatch.delenv("PUBSUB_EMULATOR_HOST", raising=False)
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "missing.json"))
    from google.auth.exceptions import DefaultCredentialsError

    store = PubSubDeadLetters(PROJECT)
    with pytest.raises(DefaultCredentialsError):
        store.list()
