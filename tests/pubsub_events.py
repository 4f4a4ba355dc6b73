"""Pub/Sub messagePublished deliveries as functions receive them: Eventarc CloudEvents in
binary and structured mode, and the raw push envelope of a push subscription."""

from __future__ import annotations

import base64
import json
import uuid

import functions_framework

from common.domain.messages import encode
from tests.ingest_helpers import ROOT

MESSAGE_PUBLISHED = "google.cloud.pubsub.topic.v1.messagePublished"
MODES = ("binary", "structured", "push")


def client(function: str):
    """The deployed function behind a functions-framework test client."""
    source = str(ROOT / "functions" / function / "main.py")
    return functions_framework.create_app(target=function, source=source).test_client()


def pubsub_body(topic: str, data: bytes, attributes: dict, message_id: str) -> dict:
    """`{"message": …, "subscription": …}` as Pub/Sub pushes it."""
    return {
        "message": {
            "data": base64.b64encode(data).decode(),
            "attributes": attributes,
            "messageId": message_id,
            "message_id": message_id,
            "publishTime": "2026-06-01T09:00:00.000Z",
        },
        "subscription": f"projects/upstream-test/subscriptions/sub-{topic}",
    }


def post(
    client_,
    topic: str,
    message,
    mode: str = "binary",
    message_id: str | None = None,
    raw: bytes | None = None,
):
    """Deliver `message` (or `raw` bytes) to the function in one of MODES; return the response."""
    data, attributes = encode(message) if message is not None else (raw, {})
    message_id = message_id or uuid.uuid4().hex
    body = pubsub_body(topic, data, attributes, message_id)
    if mode == "push":
        return client_.post("/", json=body)
    meta = {
        "id": message_id,
        "specversion": "1.0",
        "type": MESSAGE_PUBLISHED,
        "source": f"//pubsub.googleapis.com/projects/upstream-test/topics/{topic}",
        "time": "2026-06-01T09:00:00Z",
    }
    if mode == "binary":
        headers = {f"ce-{k}": v for k, v in meta.items()} | {"Content-Type": "application/json"}
        return client_.post("/", headers=headers, json=body)
    envelope = meta | {"datacontenttype": "application/json", "data": body}
    return client_.post(
        "/",
        headers={"Content-Type": "application/cloudevents+json"},
        data=json.dumps(envelope),
    )
