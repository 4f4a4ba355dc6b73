"""common.triggers: the CloudEvent decoders and the bad-message rule, on real CloudEvent objects.

The event types are spelled out here, as the cloud sends them, so that a typo in the one
definition fails a test instead of every delivery.
"""

from __future__ import annotations

import base64
import json

import pytest
from cloudevents.http import CloudEvent

from common import topology
from common.domain.messages import BadMessage, ClaimsLoaded, SignalsRaised, encode
from common.triggers import (
    MESSAGE_PUBLISHED,
    OBJECT_FINALIZED,
    STORAGE_LETTER_TOPIC,
    ObjectEvent,
    bad_messages_recorded,
    letter_topic,
    object_event,
    pubsub_message,
)

CUSTOMER = "00000000-0000-0000-0000-000000000001"
OTHER_TYPE = encode(SignalsRaised(customer_id=CUSTOMER, product="x"))[0]


def test_event_types_are_the_cloud_spellings():
    assert OBJECT_FINALIZED == "google.cloud.storage.object.v1.finalized"
    assert MESSAGE_PUBLISHED == "google.cloud.pubsub.topic.v1.messagePublished"


def storage_event(data, event_type: str = OBJECT_FINALIZED) -> CloudEvent:
    source = "//storage.googleapis.com/projects/_/buckets/inbox"
    return CloudEvent({"id": "e-1", "type": event_type, "source": source}, data)


def finalized(**fields) -> dict:
    return {"bucket": "inbox", "name": "acme/claims.csv", "generation": "17", **fields}


def test_object_event_names_the_object():
    assert object_event(storage_event(finalized(size="2048"))) == ObjectEvent(
        bucket="inbox", name="acme/claims.csv", generation="17", size=2048
    )
    assert object_event(storage_event(finalized())).size is None


@pytest.mark.parametrize(
    ("event", "reason"),
    [
        (storage_event(finalized(), "google.cloud.storage.object.v1.deleted"), "event type"),
        (storage_event(finalized(), MESSAGE_PUBLISHED), "event type"),
        (storage_event(b"not json"), "not a JSON object"),
        (storage_event("not json"), "not a JSON object"),
        (storage_event(None), "not a JSON object"),
        (storage_event(["inbox", "acme/claims.csv"]), "not a JSON object"),
        (storage_event({"bucket": "inbox", "name": "acme/x.csv"}), "lacks generation"),
        (storage_event({"generation": "1"}), "lacks bucket, name"),
        (storage_event(finalized(name="")), "lacks name"),
        (storage_event(finalized(name="acme/../x.csv")), "path segment"),
        (storage_event(finalized(generation="1.5")), "generation"),
        (storage_event(finalized(size="big")), "size"),
        (storage_event(finalized(size="-1")), "size"),
    ],
)
def test_object_event_refuses_what_cannot_name_an_object(event, reason):
    with pytest.raises(BadMessage, match=reason):
        object_event(event)


def push_body(data: bytes, message_id: str = "m-1", attributes: dict | None = None) -> dict:
    message = {"data": base64.b64encode(data).decode(), "messageId": message_id}
    return {"message": message | {"attributes": attributes or {}}, "subscription": "s"}


def published(data, event_type: str = MESSAGE_PUBLISHED) -> CloudEvent:
    source = "//pubsub.googleapis.com/projects/p/topics/claims-loaded"
    return CloudEvent({"id": "e-9", "type": event_type, "source": source}, data)


def test_pubsub_message_decodes_the_published_message():
    data, attributes = encode(ClaimsLoaded(customer_id=CUSTOMER))
    event = published(push_body(data, "m-7", attributes))
    message_id, message = pubsub_message(event, ClaimsLoaded)
    assert message_id == "m-7"
    assert message == ClaimsLoaded(customer_id=CUSTOMER)


def test_pubsub_message_reads_json_text_and_falls_back_to_the_event_id():
    data, _ = encode(SignalsRaised(customer_id=CUSTOMER, product="driftwatch"))
    body = {"message": {"data": base64.b64encode(data).decode()}}
    for raw in (json.dumps(body), json.dumps(body).encode()):
        message_id, message = pubsub_message(published(raw), SignalsRaised)
        assert message_id == "e-9" and message.product == "driftwatch"


@pytest.mark.parametrize(
    ("event", "reason"),
    [
        (published(push_body(b"{}"), OBJECT_FINALIZED), "event type"),
        (published(b"not json"), "not JSON"),
        (published("{"), "not JSON"),
        (published(None), "no Pub/Sub message"),
        (published({"subscription": "s"}), "no Pub/Sub message"),
        (published({"message": {"data": 7}}), "no Pub/Sub message"),
        (published({"message": {"data": "%%%"}}), "not base64"),
        (published(push_body(b"not json")), "undecodable"),
        (published(push_body(OTHER_TYPE)), "expected ClaimsLoaded"),
    ],
    ids=[
        "wrong-type", "bytes", "text", "no-data", "no-message", "data-not-text", "not-base64",
        "payload-not-json", "payload-of-another-type",
    ],
)  # fmt: skip
def test_pubsub_message_refuses_what_is_no_message_of_the_model(event, reason):
    with pytest.raises(BadMessage, match=reason):
        pubsub_message(event, ClaimsLoaded)


def test_every_cloudevent_consumer_has_a_letter_topic():
    for sub in topology.SUBSCRIPTIONS:
        assert letter_topic(sub.function) == sub.topic
    for function in topology.STORAGE_TRIGGERED:
        assert letter_topic(function) == STORAGE_LETTER_TOPIC


def test_an_unknown_consumer_fails_before_the_block_runs():
    ran = []
    with pytest.raises(LookupError), bad_messages_recorded(None, "retired", published(None)):
        ran.append(True)
    assert ran == []


def test_other_failures_propagate_for_a_retry():
    with (
        pytest.raises(RuntimeError),
        bad_messages_recorded(None, "alert_dispatch", published(None)),
    ):
        raise RuntimeError("database down")
