"""Consuming Pub/Sub: decode a messagePublished CloudEvent and claim its id in the ledger."""

from __future__ import annotations

import base64
import binascii
import json

from sqlalchemy import Connection
from sqlalchemy.dialects.postgresql import insert

from common.db.schema import processed_messages
from common.domain.messages import BadMessage, decode
from common.topology import MESSAGE_PUBLISHED


def pubsub_message(cloud_event, expected: type) -> tuple[str, object]:
    """(message id, decoded message) of a messagePublished CloudEvent; BadMessage otherwise.

    Works for Eventarc CloudEvents (binary or structured) and for raw push envelopes, which
    functions-framework converts to the same shape.
    """
    if cloud_event["type"] != MESSAGE_PUBLISHED:
        raise BadMessage(f"unexpected event type {cloud_event['type']!r}")
    data = cloud_event.data
    if isinstance(data, bytes | str):
        try:
            data = json.loads(data)
        except ValueError:
            raise BadMessage("event data is not JSON") from None
    message = data.get("message") if isinstance(data, dict) else None
    if not isinstance(message, dict) or not isinstance(message.get("data"), str):
        raise BadMessage("event carries no Pub/Sub message data")
    message_id = str(message.get("messageId") or message.get("message_id") or cloud_event["id"])
    try:
        raw = base64.b64decode(message["data"], validate=True)
    except (binascii.Error, ValueError):
        raise BadMessage("message data is not base64") from None
    return message_id, decode(raw, expected=expected)


def claim_message(
    conn: Connection, consumer: str, message_id: str, customer_id: str | None = None
) -> bool:
    """Record `message_id` as processed by `consumer` in the caller's transaction.

    False when it already was: the caller skips the effect. Because the ledger row commits
    with the effect, a crash before commit leaves the message unclaimed for the retry.
    """
    inserted = conn.execute(
        insert(processed_messages)
        .values(consumer=consumer, message_id=message_id, customer_id=customer_id)
        .on_conflict_do_nothing()
        .returning(processed_messages.c.message_id)
    ).first()
    return inserted is not None
